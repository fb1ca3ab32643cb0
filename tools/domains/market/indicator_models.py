"""Indicator requests and results: SMA, EMA, RSI (Wilder) and MACD, with validated parameters.

An indicator is named by ``name`` and carries its own parameters, each within the range a
trader would use (``period`` 2-200 for averages, 2-100 for RSI; MACD's fast period shorter than
its slow one). ``ComputeIndicatorArgs`` also accepts a bare name (``"rsi"``) for the defaults.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from plangate.tools.domains.market.models import Price, Symbol, Timeframe, UtcDatetime


class SMA(BaseModel):
    """Simple moving average of closes over ``period`` bars."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Literal["sma"] = "sma"
    period: int = Field(20, ge=2, le=200, description="Bars averaged, 2-200.")

    def min_bars(self) -> int:
        """Bars needed for the first value."""
        return self.period

    def warmup(self) -> int:
        """Bars fetched before the first value reported, so the value is settled."""
        return self.period


class EMA(BaseModel):
    """Exponential moving average of closes (alpha = 2 / (period + 1), seeded with the SMA)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Literal["ema"] = "ema"
    period: int = Field(20, ge=2, le=200, description="Span of the average, 2-200.")

    def min_bars(self) -> int:
        """Bars needed for the first value."""
        return self.period

    def warmup(self) -> int:
        """Bars fetched before the first value reported, so the seed has faded."""
        return 4 * self.period


class RSI(BaseModel):
    """Relative strength index with Wilder's smoothing, 0-100."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Literal["rsi"] = "rsi"
    period: int = Field(14, ge=2, le=100, description="Smoothing period, 2-100.")

    def min_bars(self) -> int:
        """Bars needed for the first value (``period`` changes need ``period + 1`` closes)."""
        return self.period + 1

    def warmup(self) -> int:
        """Bars fetched before the first value reported, so Wilder's average has settled."""
        return 5 * self.period


class MACD(BaseModel):
    """Moving average convergence/divergence: EMA(fast) - EMA(slow), its signal and histogram."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Literal["macd"] = "macd"
    fast: int = Field(12, ge=2, le=100, description="Fast EMA period.")
    slow: int = Field(26, ge=3, le=200, description="Slow EMA period, longer than fast.")
    signal: int = Field(9, ge=2, le=50, description="EMA period of the signal line.")

    @model_validator(mode="after")
    def _fast_below_slow(self) -> MACD:
        if self.fast >= self.slow:
            raise ValueError(
                f"MACD fast period ({self.fast}) must be shorter than its slow period "
                f"({self.slow}), e.g. fast=12, slow=26"
            )
        return self

    def min_bars(self) -> int:
        """Bars needed for the first signal value."""
        return self.slow + self.signal - 1

    def warmup(self) -> int:
        """Bars fetched before the first value reported, so both EMAs have settled."""
        return 4 * self.slow + self.signal


IndicatorSpec = Annotated[SMA | EMA | RSI | MACD, Field(discriminator="name")]
INDICATOR_NAMES = ("sma", "ema", "rsi", "macd")


class ComputeIndicatorArgs(BaseModel):
    """Arguments of ``compute_indicator``.

    Attributes:
        symbol: the ticker.
        indicator: which indicator, with its parameters (or just its name for the defaults).
        timeframe: the bars it is computed on.
        tail: how many of the latest values to return.
    """

    model_config = ConfigDict(extra="forbid")

    symbol: Symbol
    indicator: IndicatorSpec = Field(
        description="e.g. {'name': 'rsi', 'period': 14}, {'name': 'sma', 'period': 50}, "
        "{'name': 'macd', 'fast': 12, 'slow': 26, 'signal': 9}, or just 'rsi'."
    )
    timeframe: Timeframe = Field(Timeframe.DAY, description="'1Day', '1Hour' or '15Min'.")
    tail: int = Field(5, ge=1, le=100, description="How many of the latest values to return.")

    @field_validator("indicator", mode="before")
    @classmethod
    def _bare_name(cls, value: object) -> object:
        if isinstance(value, str):
            name = value.strip().lower()
            if name not in INDICATOR_NAMES:
                raise ValueError(
                    f"unknown indicator {value!r}: use one of {', '.join(INDICATOR_NAMES)}"
                )
            return {"name": name}
        return value


class IndicatorPoint(BaseModel):
    """The indicator's value(s) at one bar.

    Attributes:
        t: the bar's start.
        values: ``{name: value}``; MACD has ``macd``, ``signal`` and ``histogram``.
    """

    model_config = ConfigDict(frozen=True)

    t: UtcDatetime
    values: dict[str, float]


class IndicatorResult(BaseModel):
    """An indicator's latest value(s), as of the last completed bar.

    Attributes:
        symbol: the ticker.
        timeframe: the bars it was computed on.
        indicator: the indicator and parameters used.
        as_of: the start of the last bar used.
        as_of_date: that bar's New York trading date.
        value: the headline value: the average, the RSI, or the MACD line.
        values: every value at ``as_of`` (MACD: ``macd``, ``signal``, ``histogram``).
        last_close: the close of the last bar used.
        bars_used: how many bars the computation read.
        tail: the latest values, oldest first, ending at ``as_of``.
    """

    model_config = ConfigDict(frozen=True)

    symbol: Symbol
    timeframe: Timeframe
    indicator: IndicatorSpec
    as_of: UtcDatetime
    as_of_date: date
    value: float
    values: dict[str, float]
    last_close: Price
    bars_used: int = Field(ge=1)
    tail: list[IndicatorPoint]
