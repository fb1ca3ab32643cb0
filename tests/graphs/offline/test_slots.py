"""Slot parsers: tables of the phrasings people write."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from plangate.graphs.offline.slots import (
    MoneyMention,
    parse_count,
    parse_date,
    parse_money,
    parse_time,
)
from plangate.tools.money import Money

MONDAY = date(2026, 3, 9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2026, 3, 9)),
        ("tonight", date(2026, 3, 9)),
        ("this evening", date(2026, 3, 9)),
        ("tomorrow", date(2026, 3, 10)),
        ("Tomorrow night at 8", date(2026, 3, 10)),
        ("the day after tomorrow", date(2026, 3, 11)),
        ("next Friday", date(2026, 3, 13)),
        ("next monday", date(2026, 3, 16)),  # strictly after today
        ("this Saturday", date(2026, 3, 14)),
        ("this monday", date(2026, 3, 9)),  # on or after today
        ("on Wed", date(2026, 3, 11)),
        ("Sunday brunch", date(2026, 3, 15)),
        ("this weekend", date(2026, 3, 14)),
        ("on the 14th", date(2026, 3, 14)),
        ("on the 2nd", date(2026, 4, 2)),  # already past this month
        ("the 31st", date(2026, 3, 31)),
        ("March 3", date(2027, 3, 3)),  # already past this year
        ("march 20th", date(2026, 3, 20)),
        ("3 March", date(2027, 3, 3)),
        ("the 3rd of April", date(2026, 4, 3)),
        ("Dec. 24", date(2026, 12, 24)),
        ("Sept 5, 2027", date(2027, 9, 5)),
        ("14 March 2028", date(2028, 3, 14)),
        ("29 February", date(2028, 2, 29)),  # the next year that has it
        ("2026-03-14", date(2026, 3, 14)),
        ("on 2025-12-01", date(2025, 12, 1)),  # an explicit date is taken as written
        ("14/03", date(2026, 3, 14)),
        ("1/3", date(2027, 3, 1)),
        ("14/03/2027", date(2027, 3, 14)),
        ("in 3 days", date(2026, 3, 12)),
        ("in a week", date(2026, 3, 16)),
        ("dinner for 4 on 14/03 at 7pm", date(2026, 3, 14)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, MONDAY) == expected


@pytest.mark.parametrize(
    "text",
    ["", "soon", "31/02", "2026-02-30", "March", "at 7pm", "for 14 people", "the 32nd", "30 Feb"],
)
def test_parse_date_finds_nothing(text: str) -> None:
    assert parse_date(text, MONDAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7pm", time(19)),
        ("7 PM", time(19)),
        ("7:30 pm", time(19, 30)),
        ("7.30pm", time(19, 30)),
        ("7 p.m.", time(19)),
        ("10am", time(10)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("19:30", time(19, 30)),
        ("at 08:15", time(8, 15)),
        ("19h30", time(19, 30)),
        ("noon", time(12)),
        ("midday", time(12)),
        ("midnight", time(0)),
        ("at 8", time(8)),
        ("at 20", time(20)),
        ("at 8 tonight", time(20)),
        ("at 3 in the afternoon", time(15)),
        ("8 o'clock", time(8)),
        ("eight oclock in the evening", time(20)),
        ("half past 7", time(7, 30)),
        ("table for 4 on 14/03 at 19:00", time(19)),
        ("tomorrow at 7pm for 2", time(19)),
    ],
)
def test_parse_time(text: str, expected: time) -> None:
    assert parse_time(text) == expected


def test_parse_time_prefer_pm_reads_bare_hours_as_evening() -> None:
    assert parse_time("at 8", prefer_pm=True) == time(20)
    assert parse_time("at 12", prefer_pm=True) == time(12)
    assert parse_time("at 8am", prefer_pm=True) == time(8)
    assert parse_time("at 21", prefer_pm=True) == time(21)


@pytest.mark.parametrize(
    "text",
    ["", "soon", "13pm", "25:00", "7:75", "at 2026", "2026-03-14", "for 8 people", "at 4 people"],
)
def test_parse_time_finds_nothing(text: str) -> None:
    assert parse_time(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4", 4),
        ("4 people", 4),
        ("for two", 2),
        ("Twelve guests", 12),
        ("a table for twenty", 20),
        ("a couple", 2),
        ("for a couple of us", 2),
        ("a dozen", 12),
        ("party of 6 at 7pm", 6),
        ("at 7pm for 3", 3),
        ("March 3 at 19:30 for 2", 2),
        ("on 14/03 for six", 6),
        ("on the 14th for 5", 5),
        ("budget $300 for 4", 4),
        ("buy 150 shares", 150),
        ("1,000 units", 1000),
    ],
)
def test_parse_count(text: str, expected: int) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize("text", ["", "someone", "at 8pm", "on 2026-03-14", "$40", "5k"])
def test_parse_count_finds_nothing(text: str) -> None:
    assert parse_count(text) is None


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("$5,000", "5000", "USD"),
        ("$ 12.50", "12.50", "USD"),
        ("5k", "5000", None),
        ("1.5k", "1500", None),
        ("EUR 300", "300", "EUR"),
        ("eur300", "300", "EUR"),
        ("300 euros", "300", "EUR"),
        ("€45", "45", "EUR"),
        ("£20", "20", "GBP"),
        ("2 million dollars", "2000000", "USD"),
        ("usd 1,250.50", "1250.50", "USD"),
        ("50 bucks", "50", "USD"),
        ("CHF 99", "99", "CHF"),
        ("300", "300", None),
        ("buy 10 shares of AAPL for $5,000", "5000", "USD"),
        ("at most 10k per order", "10000", None),
    ],
)
def test_parse_money(text: str, amount: str, currency: str | None) -> None:
    assert parse_money(text) == MoneyMention(Decimal(amount), currency)


@pytest.mark.parametrize("text", ["", "for 3 people", "buy 10 shares", "at 7pm", "lots of money"])
def test_parse_money_finds_nothing(text: str) -> None:
    assert parse_money(text) is None


def test_money_mention_becomes_money() -> None:
    assert MoneyMention(Decimal(5000)).money("EUR") == Money(amount=Decimal(5000), currency="EUR")
    assert MoneyMention(Decimal(5), "USD").money("EUR").currency == "USD"
