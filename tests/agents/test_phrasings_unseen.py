"""Floors on phrasings the grammars were not written from (``tests/agents/phrasings_unseen.py``).

Every impossible request must end in a refusal or "not understood" — never a plan, which would
be a default or an unrelated action — and at least 85% of the possible ones must plan the right
intent with the right slots.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from plangate.agents.reservation.grammar import GRAMMAR as RESERVATION
from plangate.agents.trading.grammar import GRAMMAR as TRADING
from plangate.graphs.offline.grammar import Grammar
from tests.agents import phrasings_unseen as unseen

AGENTS = {
    "reservation": (RESERVATION, unseen.RESERVATION_TODAY, unseen.RESERVATION_IMPOSSIBLE,
                    unseen.RESERVATION_POSSIBLE),
    "trading": (TRADING, unseen.TRADING_TODAY, unseen.TRADING_IMPOSSIBLE, unseen.TRADING_POSSIBLE),
}  # fmt: skip
POSSIBLE_FLOOR = 0.85


@pytest.mark.parametrize("agent", AGENTS)
def test_each_agent_has_forty_new_phrasings_of_each_kind(agent: str) -> None:
    _, _, impossible, possible = AGENTS[agent]
    assert len(set(impossible)) == len(impossible) >= 40
    assert len({request for request, _, _ in possible}) == len(possible) >= 40


@pytest.mark.parametrize(
    ("grammar", "today", "request_text"),
    [
        *((RESERVATION, unseen.RESERVATION_TODAY, r) for r in unseen.RESERVATION_IMPOSSIBLE),
        *((TRADING, unseen.TRADING_TODAY, r) for r in unseen.TRADING_IMPOSSIBLE),
    ],
)
def test_an_impossible_request_is_never_planned(
    grammar: Grammar, today: date, request_text: str
) -> None:
    result = unseen.outcome(grammar, request_text, today)
    steps = [(step.tool, step.args) for step in result.plan.steps] if result.plan else []
    assert unseen.is_safe(result), f"{result.kind} {result.intent}: {steps or result.detail}"


@pytest.mark.parametrize("agent", AGENTS)
def test_possible_requests_plan_the_right_intent_and_slots_above_the_floor(agent: str) -> None:
    grammar, today, _, possible = AGENTS[agent]
    wrong: dict[str, Any] = {}
    for request, intent, expected in possible:
        problems = unseen.mismatches(unseen.outcome(grammar, request, today), intent, expected)
        if problems:
            wrong[request] = problems
    correct = 1 - len(wrong) / len(possible)
    assert correct >= POSSIBLE_FLOOR, wrong


def test_the_outcome_check_can_fail() -> None:
    # A booking for an impossible request is unsafe; a wrong slot is a mismatch.
    booked = unseen.outcome(
        RESERVATION, "Book a table for 2 in Lisbon tomorrow at 8pm", date(2026, 3, 9)
    )
    assert booked.kind == "planned"
    assert not unseen.is_safe(booked)
    assert unseen.mismatches(booked, "book_table", {"find.party_size": 3}) == [
        "find.party_size = 2 != 3"
    ]
    assert unseen.mismatches(booked, "find_restaurants", {"-table": None}) == [
        "intent book_table != find_restaurants",
        "step table should be absent",
    ]
