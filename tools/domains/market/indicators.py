"""Technical indicators over a series of closes, with numpy: SMA, EMA, RSI (Wilder), MACD.

Every function returns an array as long as its input, ``NaN`` where the indicator is not yet
defined (its warm-up), so values line up with the bars they belong to.

- **SMA(n)**: the mean of the last ``n`` closes.
- **EMA(n)**: ``ema[t] = a * x[t] + (1 - a) * ema[t-1]`` with ``a = 2 / (n + 1)``, seeded with the
  SMA of the first ``n`` closes (the convention of most charting packages).
- **RSI(n)**, Wilder: the first average gain/loss is the mean of the first ``n`` changes, then
  ``avg = (avg * (n - 1) + change) / n``; ``RSI = 100 - 100 / (1 + gain / loss)``. With no losses
  the RSI is 100 (0 with no gains); a flat series, with neither, reads 50.
- **MACD(fast, slow, signal)**: ``EMA(fast) - EMA(slow)``; the signal line is the EMA(signal) of
  the MACD line from its first defined value; the histogram is their difference.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from plangate.tools.domains.market.indicator_models import EMA, MACD, RSI, SMA

FloatArray = npt.NDArray[np.float64]


def _as_array(values: Sequence[float] | FloatArray) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def sma(values: Sequence[float] | FloatArray, period: int) -> FloatArray:
    """Simple moving average; ``NaN`` for the first ``period - 1`` positions."""
    x = _as_array(values)
    out = np.full(x.shape, np.nan)
    if len(x) >= period:
        out[period - 1 :] = np.lib.stride_tricks.sliding_window_view(x, period).mean(axis=1)
    return out


def ema(values: Sequence[float] | FloatArray, period: int) -> FloatArray:
    """Exponential moving average seeded with the SMA; ``NaN`` for the first ``period - 1``."""
    x = _as_array(values)
    out = np.full(x.shape, np.nan)
    if len(x) < period:
        return out
    alpha = 2.0 / (period + 1)
    out[period - 1] = x[:period].mean()
    # The recursion is inherently sequential; series are at most a few thousand bars long.
    for i in range(period, len(x)):
        out[i] = alpha * x[i] + (1.0 - alpha) * out[i - 1]
    return out


def _rsi_value(avg_gain: float, avg_loss: float) -> float:
    if avg_loss == 0.0:
        return 100.0 if avg_gain > 0.0 else 50.0
    return 100.0 - 100.0 / (1.0 + avg_gain / avg_loss)


def rsi(values: Sequence[float] | FloatArray, period: int = 14) -> FloatArray:
    """Wilder's RSI; ``NaN`` for the first ``period`` positions."""
    x = _as_array(values)
    out = np.full(x.shape, np.nan)
    if len(x) <= period:
        return out
    changes = np.diff(x)
    gains = np.clip(changes, 0.0, None)
    losses = np.clip(-changes, 0.0, None)
    avg_gain = float(gains[:period].mean())
    avg_loss = float(losses[:period].mean())
    out[period] = _rsi_value(avg_gain, avg_loss)
    for i in range(period, len(changes)):
        avg_gain = (avg_gain * (period - 1) + float(gains[i])) / period
        avg_loss = (avg_loss * (period - 1) + float(losses[i])) / period
        out[i + 1] = _rsi_value(avg_gain, avg_loss)
    return out


def macd(
    values: Sequence[float] | FloatArray, fast: int = 12, slow: int = 26, signal: int = 9
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``(macd line, signal line, histogram)``; the signal starts ``signal - 1`` bars after the line."""
    x = _as_array(values)
    line = ema(x, fast) - ema(x, slow)
    sig = np.full(x.shape, np.nan)
    if len(x) >= slow:
        sig[slow - 1 :] = ema(line[slow - 1 :], signal)
    return line, sig, line - sig


def compute(
    spec: SMA | EMA | RSI | MACD, closes: Sequence[float] | FloatArray
) -> dict[str, FloatArray]:
    """Every series ``spec`` produces over ``closes``, by name (MACD: macd, signal, histogram)."""
    if isinstance(spec, SMA):
        return {"sma": sma(closes, spec.period)}
    if isinstance(spec, EMA):
        return {"ema": ema(closes, spec.period)}
    if isinstance(spec, RSI):
        return {"rsi": rsi(closes, spec.period)}
    line, sig, hist = macd(closes, spec.fast, spec.slow, spec.signal)
    return {"macd": line, "signal": sig, "histogram": hist}
