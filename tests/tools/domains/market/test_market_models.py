"""Market models: symbols, timeframes, prices, bars, quotes and indicator requests."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from plangate.tools.domains.market.indicator_models import MACD, RSI, SMA, ComputeIndicatorArgs
from plangate.tools.domains.market.models import (
    Bar,
    BarsArgs,
    Quote,
    QuoteArgs,
    Timeframe,
    canonical_price,
    known_ticker,
    parse_instant,
    parse_timeframe,
)
from plangate.tools.domains.world import TICKERS
from plangate.tools.errors import ToolRefusedError

T = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("symbol", ["A", "AAPL", "GOOGL", "BRK.B"])
def test_well_formed_symbols_are_accepted(symbol: str) -> None:
    assert QuoteArgs(symbol=symbol).symbol == symbol


@pytest.mark.parametrize(
    ("symbol", "fragment"),
    [
        ("aapl", "did you mean 'AAPL'?"),
        ("TOOLONG", "1-5 uppercase letters"),
        ("", "1-5 uppercase letters"),
        ("BRK.BB", "class suffix"),
        ("AA PL", "not a ticker symbol"),
        ("123", "not a ticker symbol"),
    ],
)
def test_malformed_symbols_are_rejected_with_the_fix(symbol: str, fragment: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(fragment)):
        QuoteArgs(symbol=symbol)


@given(st.from_regex(r"\A[A-Z]{1,5}(\.[A-Z])?\Z"))
def test_every_symbol_of_the_documented_form_is_accepted(symbol: str) -> None:
    assert QuoteArgs(symbol=symbol).symbol == symbol


@given(st.text(max_size=8).filter(lambda s: re.fullmatch(r"[A-Z]{1,5}(\.[A-Z])?", s) is None))
def test_every_other_string_is_rejected(symbol: str) -> None:
    with pytest.raises(ValidationError):
        QuoteArgs(symbol=symbol)


def test_every_world_ticker_is_known() -> None:
    assert len(TICKERS) >= 30
    assert all(known_ticker(t.symbol) is t for t in TICKERS)


@pytest.mark.parametrize(("typo", "meant"), [("APPL", "AAPL"), ("MSFY", "MSFT"), ("APPLE", "AAPL")])
def test_unknown_ticker_is_refused_with_close_matches(typo: str, meant: str) -> None:
    with pytest.raises(ToolRefusedError) as info:
        known_ticker(typo)
    assert info.value.reason == "unknown_ticker"
    assert info.value.hint.startswith(f"Did you mean {meant}")
    assert typo in info.value.message


def test_unknown_ticker_with_no_close_match_lists_the_symbols() -> None:
    with pytest.raises(ToolRefusedError) as info:
        known_ticker("QQQQQ")
    assert "Did you mean" not in info.value.hint
    assert "AAPL" in info.value.hint
    assert "XOM" in info.value.hint


def test_malformed_symbol_at_the_backend_edge_is_an_invalid_refusal() -> None:
    with pytest.raises(ToolRefusedError) as info:
        known_ticker("aapl")
    assert info.value.reason == "invalid"


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        ("1Day", Timeframe.DAY),
        ("1Hour", Timeframe.HOUR),
        ("15Min", Timeframe.MIN15),
        ("1d", Timeframe.DAY),
        ("15T", Timeframe.MIN15),
    ],
)
def test_timeframes_and_their_aliases_parse(text: str, frame: Timeframe) -> None:
    assert parse_timeframe(text) is frame


def test_an_unsupported_timeframe_is_refused_with_the_supported_ones() -> None:
    with pytest.raises(ToolRefusedError) as info:
        parse_timeframe("5Min")
    assert info.value.reason == "invalid"
    assert "1Day, 1Hour, 15Min" in info.value.hint


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("190.1", "190.10"),
        ("190", "190.00"),
        ("0.12346", "0.1235"),
        ("190.1000", "190.10"),
        ("0.5001", "0.5001"),
    ],
)
def test_prices_are_canonical(raw: str, canonical: str) -> None:
    assert str(canonical_price(Decimal(raw))) == canonical


def test_a_bar_round_trips_through_json_exactly() -> None:
    bar = Bar(
        t=T, o=Decimal("190.1"), h=Decimal("191"), l=Decimal("189.99"), c=Decimal("190.5"), v=10
    )
    dumped = bar.model_dump(mode="json")
    assert dumped == {
        "t": "2026-03-02T15:00:00Z",
        "o": "190.10",
        "h": "191.00",
        "l": "189.99",
        "c": "190.50",
        "v": 10,
    }
    assert Bar.model_validate(dumped) == bar


def test_bar_times_are_normalised_to_utc_and_must_be_aware() -> None:
    new_york = timezone(timedelta(hours=-5))
    bar = Bar(t=datetime(2026, 3, 2, 10, 0, tzinfo=new_york), o=1, h=1, l=1, c=1, v=0)
    assert bar.t == T
    assert bar.t.tzinfo is UTC
    with pytest.raises(ValidationError, match="timezone"):
        Bar(t=datetime(2026, 3, 2, 10, 0), o=1, h=1, l=1, c=1, v=0)


@pytest.mark.parametrize(("o", "h", "low", "c"), [(10, 9, 8, 9), (10, 12, 11, 12), (10, 12, 8, 13)])
def test_a_bar_whose_high_and_low_do_not_bound_it_is_rejected(
    o: int, h: int, low: int, c: int
) -> None:
    with pytest.raises(ValidationError, match="inconsistent bar"):
        Bar(t=T, o=o, h=h, l=low, c=c, v=1)


def test_prices_must_be_positive() -> None:
    with pytest.raises(ValidationError, match="greater than 0"):
        Bar(t=T, o=0, h=1, l=0, c=1, v=1)


def test_a_crossed_quote_is_rejected() -> None:
    with pytest.raises(ValidationError, match="crossed quote"):
        Quote(symbol="AAPL", bid_price=10, bid_size=1, ask_price=9, ask_size=1, timestamp=T)
    quote = Quote(symbol="AAPL", bid_price=10, bid_size=1, ask_price=10.02, ask_size=1, timestamp=T)
    assert quote.mid == Decimal("10.01")


def test_parse_instant_reads_rfc3339_and_refuses_naive_or_garbage() -> None:
    assert parse_instant("2026-03-02T15:00:00Z", "start") == T
    assert parse_instant(None, "start") is None
    for bad in ("2026-03-02T15:00:00", "yesterday"):
        with pytest.raises(ToolRefusedError) as info:
            parse_instant(bad, "start")
        assert info.value.reason == "invalid"
        assert "2026-03-02T15:00:00Z" in info.value.hint


def test_bars_args_bound_the_limit() -> None:
    assert BarsArgs(symbol="AAPL").limit == 30
    with pytest.raises(ValidationError):
        BarsArgs(symbol="AAPL", limit=1001)


def test_indicator_specs_have_defaults_and_ranges() -> None:
    assert ComputeIndicatorArgs(symbol="AAPL", indicator="RSI").indicator == RSI(period=14)
    assert ComputeIndicatorArgs(symbol="AAPL", indicator={"name": "macd"}).indicator == MACD()
    args = ComputeIndicatorArgs.model_validate(
        {"symbol": "AAPL", "indicator": {"name": "sma", "period": 50}}
    )
    assert args.indicator == SMA(period=50)
    with pytest.raises(ValidationError, match="less than or equal to 200"):
        SMA(period=201)
    with pytest.raises(ValidationError, match="greater than or equal to 2"):
        RSI(period=1)


def test_macd_fast_must_be_shorter_than_slow() -> None:
    with pytest.raises(ValidationError, match="must be shorter than its slow period"):
        MACD(fast=26, slow=12)


def test_an_unknown_indicator_name_lists_the_known_ones() -> None:
    with pytest.raises(ValidationError, match="use one of sma, ema, rsi, macd"):
        ComputeIndicatorArgs(symbol="AAPL", indicator="bollinger")
    with pytest.raises(ValidationError):
        ComputeIndicatorArgs.model_validate(
            {"symbol": "AAPL", "indicator": {"name": "rsi", "window": 3}}
        )
