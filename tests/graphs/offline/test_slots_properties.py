"""Slot parsers: properties over generated dates, times, numbers and arbitrary text."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from plangate.graphs.offline.slots import (
    NUMBER_WORDS,
    WEEKDAYS,
    MoneyMention,
    parse_count,
    parse_date,
    parse_money,
    parse_time,
)

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(9000, 12, 31))
todays = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
noise = st.text(
    alphabet=st.sampled_from("0123456789 /-:.,$€£kKmMaApP thsndrfoTonigh'"), max_size=40
)


@given(dates, todays)
def test_an_iso_date_reads_as_itself(day: date, today: date) -> None:
    assert parse_date(f"on {day.isoformat()} please", today) == day


@given(todays, st.integers(min_value=0, max_value=6), st.booleans())
def test_a_weekday_is_within_a_week(today: date, weekday: int, next_: bool) -> None:
    found = parse_date(f"{'next' if next_ else 'this'} {WEEKDAYS[weekday]}", today)
    assert found is not None
    assert found.weekday() == weekday
    assert (timedelta(1) if next_ else timedelta(0)) <= found - today <= timedelta(7)


@given(todays, st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_a_day_and_month_is_the_next_occurrence(today: date, day: date) -> None:
    found = parse_date(f"{day.day}/{day.month}", today)
    assert found is not None
    assert (found.day, found.month) == (day.day, day.month)
    # Within a year, except 29 February, which may be up to eight years away (2096 → 2104).
    assert today <= found <= today + timedelta(days=366 * 8)


@given(st.integers(min_value=0, max_value=23), st.integers(min_value=0, max_value=59))
def test_a_24_hour_time_reads_as_itself(hour: int, minute: int) -> None:
    assert parse_time(f"at {hour:02d}:{minute:02d}") == time(hour, minute)


@given(st.integers(min_value=1, max_value=12), st.sampled_from(["am", "pm", " PM", " a.m."]))
def test_a_12_hour_time_maps_onto_the_24_hour_clock(hour: int, suffix: str) -> None:
    found = parse_time(f"{hour}{suffix}")
    assert found is not None
    assert found.hour % 12 == hour % 12
    assert (found.hour >= 12) == ("p" in suffix.lower())


@given(st.integers(min_value=1, max_value=999))
def test_a_count_in_digits_reads_as_itself(n: int) -> None:
    assert parse_count(str(n)) == n
    assert parse_count(f"a table for {n} tomorrow at 7pm") == n


@given(st.sampled_from(sorted(NUMBER_WORDS.items())))
def test_a_count_in_words_reads_as_its_number(item: tuple[str, int]) -> None:
    word, value = item
    assert parse_count(f"for {word.upper()} people") == value


@given(st.integers(min_value=1, max_value=10**9), st.sampled_from(["$", "EUR ", "£"]))
def test_an_amount_with_thousands_separators_reads_as_itself(n: int, prefix: str) -> None:
    found = parse_money(f"spend up to {prefix}{n:,}")
    assert found is not None
    assert found.amount == n
    assert found.currency == {"$": "USD", "EUR ": "EUR", "£": "GBP"}[prefix]


@given(st.decimals(min_value=Decimal("0.1"), max_value=Decimal(999), places=1))
def test_k_multiplies_by_a_thousand(amount: Decimal) -> None:
    assert parse_money(f"{amount}k") == MoneyMention(amount * 1000)


@given(st.text(max_size=60) | noise, todays)
def test_parsers_never_raise_on_any_text(text: str, today: date) -> None:
    assert parse_date(text, today) is None or isinstance(parse_date(text, today), date)
    assert parse_time(text) is None or isinstance(parse_time(text), time)
    count = parse_count(text)
    assert count is None or (isinstance(count, int) and count >= 0)
    money = parse_money(text)
    assert money is None or money.amount >= 0


@given(noise, st.sampled_from([date.min, date.max]))
def test_dates_at_the_ends_of_the_calendar_do_not_overflow(text: str, today: date) -> None:
    found = parse_date(f"{text} tomorrow next friday the 31st in 7 weeks", today)
    assert found is None or isinstance(found, date)
