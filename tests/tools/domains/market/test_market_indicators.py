"""Indicators against hand-computed values and the properties they must have."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from plangate.tools.domains.market import indicators
from plangate.tools.domains.market.indicator_models import EMA, MACD, RSI, SMA

closes_strategy = st.lists(
    st.floats(min_value=1.0, max_value=1000.0, allow_nan=False), min_size=2, max_size=80
)


def _defined(values: np.ndarray) -> list[float]:
    return [float(v) for v in values if not math.isnan(v)]


def test_sma_by_hand() -> None:
    out = indicators.sma([1, 2, 3, 4, 5], 3)
    assert np.isnan(out[:2]).all()
    assert out[2:].tolist() == pytest.approx([2.0, 3.0, 4.0])


def test_ema_by_hand() -> None:
    # Seeded with SMA(1, 2, 3) = 2; alpha = 2 / (3 + 1) = 0.5.
    out = indicators.ema([1, 2, 3, 4, 5], 3)
    assert np.isnan(out[:2]).all()
    assert out[2:].tolist() == pytest.approx([2.0, 3.0, 4.0])
    # alpha = 2/3: 2, then 2/3 * 2 + 1/3 * 2 = 2, then 2/3 * 6 + 1/3 * 2 = 14/3.
    assert indicators.ema([1, 3, 2, 6], 2)[1:].tolist() == pytest.approx([2.0, 2.0, 14 / 3])


def test_rsi_by_hand_with_wilder_smoothing() -> None:
    # Changes +1, -1, +2. First averages over 2 changes: gain 0.5, loss 0.5 -> RSI 50.
    # Then gain (0.5 + 2) / 2 = 1.25, loss (0.5 + 0) / 2 = 0.25 -> RS 5 -> RSI 100 - 100/6.
    out = indicators.rsi([1, 2, 1, 3], 2)
    assert np.isnan(out[:2]).all()
    assert out[2:].tolist() == pytest.approx([50.0, 100 - 100 / 6])


def test_macd_by_hand() -> None:
    # EMA(2): -, 2, 2, 14/3, 38/9. EMA(3): -, -, 2, 4, 4. Line: 0, 2/3, 2/9.
    # Signal EMA(2) of the line, seeded with mean(0, 2/3) = 1/3, then 2/3*2/9 + 1/3*1/3 = 7/27.
    line, signal, hist = indicators.macd([1, 3, 2, 6, 4], fast=2, slow=3, signal=2)
    assert _defined(line) == pytest.approx([0.0, 2 / 3, 2 / 9])
    assert _defined(signal) == pytest.approx([1 / 3, 7 / 27])
    assert _defined(hist) == pytest.approx([1 / 3, -1 / 27])
    assert np.isnan(signal[:3]).all()


def test_rsi_of_a_strictly_rising_series_is_100_and_of_a_falling_one_0() -> None:
    rising = np.arange(1.0, 40.0)
    assert _defined(indicators.rsi(rising, 14)) == [100.0] * 25
    assert _defined(indicators.rsi(rising[::-1], 14)) == [0.0] * 25
    assert _defined(indicators.rsi([5.0] * 20, 14)) == [50.0] * 6


def test_averages_of_a_constant_series_are_that_constant() -> None:
    flat = [101.37] * 60
    for series in (indicators.sma(flat, 20), indicators.ema(flat, 20)):
        assert _defined(series) == pytest.approx([101.37] * 41)
    line, _signal, hist = indicators.macd(flat)
    assert _defined(line) == pytest.approx([0.0] * 35, abs=1e-9)
    assert _defined(hist) == pytest.approx([0.0] * 27, abs=1e-9)


def test_macd_of_a_straight_line_tends_to_half_the_lag_difference() -> None:
    # An EMA(n) of a line of slope 1 lags it by (n - 1) / 2: MACD -> (26 - 12) / 2 = 7.
    line, signal, _ = indicators.macd(np.arange(400.0))
    assert line[-1] == pytest.approx(7.0, abs=1e-6)
    assert signal[-1] == pytest.approx(7.0, abs=1e-6)


def test_warm_up_lengths_match_min_bars() -> None:
    closes = np.linspace(10, 20, 60)
    for spec in (SMA(period=10), EMA(period=10), RSI(period=10), MACD(fast=5, slow=10, signal=4)):
        series = indicators.compute(spec, closes)
        first = min(int(np.flatnonzero(~np.isnan(v))[0]) for v in series.values())
        last_start = max(int(np.flatnonzero(~np.isnan(v))[0]) for v in series.values())
        assert last_start + 1 == spec.min_bars(), spec
        assert first <= last_start


def test_too_short_a_series_is_all_undefined() -> None:
    assert np.isnan(indicators.sma([1, 2], 3)).all()
    assert np.isnan(indicators.ema([1, 2], 3)).all()
    assert np.isnan(indicators.rsi([1, 2, 3], 3)).all()


@given(closes_strategy, st.integers(min_value=2, max_value=20))
def test_rsi_stays_within_0_and_100(closes: list[float], period: int) -> None:
    values = _defined(indicators.rsi(closes, period))
    assert all(0.0 <= v <= 100.0 for v in values)
    assert len(values) == max(0, len(closes) - period)


@given(closes_strategy, st.integers(min_value=2, max_value=20))
def test_averages_stay_within_the_range_of_the_closes(closes: list[float], period: int) -> None:
    lo, hi = min(closes) - 1e-9, max(closes) + 1e-9
    for values in (indicators.sma(closes, period), indicators.ema(closes, period)):
        assert all(lo <= v <= hi for v in _defined(values))
