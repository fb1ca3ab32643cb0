"""Suggestions: a slip of a word the planner must not guess is asked back, never acted on."""

from __future__ import annotations

import asyncio
from datetime import date, time

import pytest

from plangate.agents.trading.grammar import GRAMMAR as TRADING
from plangate.graphs.engine.planner import PlanningContext, RequestNotUnderstoodError
from plangate.graphs.offline.rule_planner import RulePlanner
from plangate.graphs.offline.slots import parse_date, parse_time
from plangate.graphs.offline.suggestions import (
    DidYouMeanError,
    Suggester,
    Suggestion,
    is_near_slip,
)


@pytest.mark.parametrize(
    ("typed", "word", "near"),
    [
        ("appl", "aapl", True),  # one letter wrong
        ("appl", "apple", True),  # one letter missing
        ("telsa", "tesla", True),  # two letters swapped
        ("nvidiaa", "nvidia", True),  # one letter added
        ("apple", "apple", False),  # the word itself is no slip
        ("ppl", "appl", False),  # the first letter is kept
        ("aa", "aapl", False),  # too short to tell
        ("amazing", "amazon", False),  # two slips
    ],
)
def test_a_near_slip_is_one_letter_off(typed: str, word: str, near: bool) -> None:
    assert is_near_slip(typed, word) is near


def test_the_suggester_names_each_slip_once_and_skips_known_words() -> None:
    suggester = Suggester({"aapl": "AAPL (Apple)", "apple": "AAPL (Apple)"}, known=["apply"])
    assert suggester.suggest("buy appl, appl and apply") == [Suggestion("appl", "AAPL (Apple)")]
    assert suggester.suggest("buy AAPL") == []


def test_a_misspelled_symbol_is_asked_back_not_ordered() -> None:
    planner = RulePlanner(TRADING)
    with pytest.raises(DidYouMeanError) as caught:
        asyncio.run(planner.plan(PlanningContext(request="buy 10 appl", today=date(2026, 3, 2))))
    assert caught.value.suggestions == (Suggestion("appl", "AAPL (Apple)"),)
    assert "did you mean AAPL (Apple)?" in str(caught.value)


def test_a_request_without_a_slip_keeps_its_own_error() -> None:
    planner = RulePlanner(TRADING)
    with pytest.raises(RequestNotUnderstoodError) as caught:
        asyncio.run(planner.plan(PlanningContext(request="sing me a song")))
    assert not isinstance(caught.value, DidYouMeanError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("at quarter past seven", time(7, 15)),
        ("dinner at quarter to eight", time(19, 45)),
        ("at a quarter to one", time(12, 45)),
        ("at seven thirty in the evening", time(19, 30)),
        ("at eight forty-five", time(8, 45)),
    ],
)
def test_quarters_and_minutes_in_words_are_times(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on the fourteenth", date(2026, 3, 14)),
        ("the twenty-first", date(2026, 3, 21)),
        ("on the first", date(2026, 4, 1)),  # past this month: the next one that has it
        ("the thirty-first", date(2026, 3, 31)),
    ],
)
def test_days_of_the_month_in_words_are_dates(text: str, expected: date) -> None:
    assert parse_date(text, date(2026, 3, 9)) == expected


def test_a_mistyped_code_is_asked_back_even_when_it_could_be_planned() -> None:
    planner = RulePlanner(TRADING)
    request = "buy 10 shares of APPL"
    with pytest.raises(DidYouMeanError) as caught:
        asyncio.run(planner.plan(PlanningContext(request=request, today=date(2026, 3, 2))))
    assert caught.value.suggestions == (Suggestion("APPL", "AAPL (Apple)"),)
