"""Intent grammars: matching, precedence, description, and the mistakes they reject."""

from __future__ import annotations

import re

import pytest

from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import PlanningContext
from plangate.graphs.offline.grammar import (
    REAL_MODELS,
    Grammar,
    Intent,
    OutsideGrammarError,
    normalize_request,
    unmatched_examples,
)
from plangate.tools.errors import UsageError


def one_step(tool: str) -> Plan:
    return Plan(steps=[Step(id="s1", tool=tool, args={})])


def intent(name: str, *patterns: str, examples: tuple[str, ...] = ()) -> Intent:
    def build(match: re.Match[str], context: PlanningContext) -> Plan:
        return one_step(name)

    return Intent(name, f"{name.replace('_', ' ').capitalize()}", examples, patterns, build)


CANCEL = intent(
    "cancel_booking",
    r"\bcancel\b.*\b(?:booking|reservation)\b",
    examples=("cancel my booking at Casa Lisboa", "please cancel the reservation"),
)
BOOK = intent(
    "book_table",
    r"\bbook\b.*\btable\b",
    r"\breserve\b.*\bfor (?P<party>\w+)",
    examples=("book a table for 4 tomorrow at 8pm", "reserve Casa Lisboa for two"),
)
GRAMMAR = Grammar([CANCEL, BOOK])


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("Book a TABLE for 4", "book_table"),
        ("could you   book\n a table?", "book_table"),
        ("reserve Casa for six", "book_table"),
        ("cancel my booking", "cancel_booking"),
        # Both intents match; the one listed first wins.
        ("cancel the booking and book a table instead", "cancel_booking"),
    ],
)
def test_first_matching_intent_wins(request_text: str, expected: str) -> None:
    found = GRAMMAR.match(request_text)
    assert found is not None
    assert found.intent.name == expected


def test_match_unpacks_and_exposes_named_groups() -> None:
    found = GRAMMAR.match("Reserve Casa Lisboa for TWO")
    assert found is not None
    intent_, match = found
    assert intent_ is BOOK
    assert match["party"] == "TWO"
    assert GRAMMAR.match("what's the weather") is None


def test_patterns_are_tried_in_order_within_an_intent() -> None:
    found = GRAMMAR.match("reserve, I mean book, a table for two")
    assert found is not None
    # The first pattern (no named group) matched, so no "party" slot was captured.
    assert found.match.groupdict() == {}


def test_describe_lists_descriptions_and_two_examples() -> None:
    assert GRAMMAR.describe() == (
        '- Cancel booking, e.g. "cancel my booking at Casa Lisboa" or '
        '"please cancel the reservation"\n'
        '- Book table, e.g. "book a table for 4 tomorrow at 8pm" or "reserve Casa Lisboa for two"'
    )
    assert Grammar([intent("ping", "ping")]).describe() == "- Ping"


def test_examples_match_their_own_intent() -> None:
    assert unmatched_examples(GRAMMAR) == []
    wrong = intent("book_table", r"\bbook\b", examples=("cancel my booking",))
    assert unmatched_examples(Grammar([CANCEL, wrong])) == [("book_table", "cancel my booking")]


def test_outside_grammar_error_lists_forms_and_real_models() -> None:
    error = OutsideGrammarError("fly me to the moon", GRAMMAR)
    assert isinstance(error, UsageError)
    assert error.request == "fly me to the moon"
    text = str(error)
    assert "does not understand 'fly me to the moon'" in text
    assert GRAMMAR.describe() in text
    assert text.endswith(f"or run with a real model: {REAL_MODELS}")
    assert "openai:gpt-4o-mini" in REAL_MODELS
    assert "ollama:llama3.1" in REAL_MODELS


def test_intent_lookup() -> None:
    assert GRAMMAR.intent("book_table") is BOOK
    with pytest.raises(UsageError, match="no intent 'fly'; intents: cancel_booking, book_table"):
        GRAMMAR.intent("fly")


def test_mistakes_are_reported_when_the_grammar_is_built() -> None:
    with pytest.raises(UsageError, match="unique; repeated: book_table"):
        Grammar([BOOK, BOOK])
    with pytest.raises(UsageError, match=r"invalid pattern '\(unclosed'"):
        Grammar([intent("broken", "(unclosed")])
    with pytest.raises(UsageError, match="no patterns"):
        intent("never")
    with pytest.raises(UsageError, match="tuples of str"):
        Intent("x", "X", (), "abc", lambda m, c: one_step("x"))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="at least one intent"):
        Grammar([])


def test_normalize_request() -> None:
    assert normalize_request("  book\t a\n\ntable  ") == "book a table"
