"""The condition language: values, operators, comparison rules, limits and errors."""

from __future__ import annotations

from typing import Any

import pytest

from plangate.graphs.engine.conditions import (
    MAX_DEPTH,
    MAX_LENGTH,
    ConditionEvaluationError,
    ConditionSyntaxError,
    parse_condition,
)
from plangate.graphs.engine.references import Reference
from plangate.tools.errors import PlangateError

RESULTS: dict[str, Any] = {
    "s1": {"price": "129.90", "amount": 129.9, "seats": 3, "ok": True, "none": None},
    "s2": {"city": "Lisbon", "date": "2025-03-01", "tags": ["a", "b"], "meta": {"k": 1}},
    "s3": [{"id": "o1"}],
}


def holds(text: str) -> bool:
    return parse_condition(text).evaluate(RESULTS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("false", False),
        ("1 < 2", True),
        ("-1.5 < -1", True),
        ("0.10 == 0.1", True),
        ("2 >= 2 and 2 <= 2", True),
        ("3 != 3", False),
        ("'a' == \"a\"", True),
        ("'it\\'s' == \"it's\"", True),
        ("'tab\\there' != 'tab here'", True),
        ("'a\\\\b' == \"a\\\\b\"", True),
        ("null == null", True),
        ("${s1.price} < 130", True),
        ("${s1.price} == 129.9", True),
        ("${s1.price} == ${s1.amount}", True),
        ("${s1.amount} > '129.89'", True),
        ("${s1.seats} >= 2", True),
        ("${s1.ok}", True),
        ("${s1.ok} == true", True),
        ("${s1.none} == null", True),
        ("${s1.seats} != null", True),
        ("${s2.city} == 'Lisbon'", True),
        ("${s2.city} < 'Madrid'", True),
        ("${s2.date} >= '2025-02-28'", True),
        ("'10' > '9'", True),
        ("'10' == '10.0'", False),
        ("${s2.tags} == ${s2.tags}", True),
        ("${s2.meta} != ${s2.meta}", False),
        ("${s3[0].id} == 'o1'", True),
        ("${s1.seats} in [1, 2, 3]", True),
        ("${s2.city} in ['Porto', 'Faro']", False),
        ("${s2.city} not in ['Porto']", True),
        ("${s1.price} in [129.9]", True),
        ("${s1.none} in [null]", True),
        ("1 in []", False),
    ],
)
def test_evaluates(text: str, expected: bool) -> None:
    assert holds(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true or false and false", True),
        ("(true or false) and false", False),
        ("not true or true", True),
        ("not (true or true)", False),
        ("not not true", True),
        ("false and true or true", True),
        ("false and (true or true)", False),
        ("not ${s1.seats} in [3]", False),
    ],
)
def test_precedence_is_not_then_and_then_or(text: str, expected: bool) -> None:
    assert holds(text) is expected


def test_and_or_short_circuit_so_a_guard_protects_a_later_reference() -> None:
    assert holds("false and ${s9.x} == 1") is False
    assert holds("true or ${s9.x} == 1") is True
    with pytest.raises(ConditionEvaluationError, match="no result for step s9"):
        holds("true and ${s9.x} == 1")


def test_references_are_listed_left_to_right() -> None:
    condition = parse_condition("${s1.a} < 3 or not (${s2[0].b} in [1]) and ${s1.a} == ${s3}")
    assert condition.references == [
        Reference("s1", ("a",), "${s1.a}"),
        Reference("s2", (0, "b"), "${s2[0].b}"),
        Reference("s1", ("a",), "${s1.a}"),
        Reference("s3", (), "${s3}"),
    ]
    assert condition.text.startswith("${s1.a} < 3")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("${s2.city} > 3", "cannot compare the string 'Lisbon' with the number 3 using >"),
        ("${s2.city} == 3", "cannot compare the string 'Lisbon' with the number 3"),
        ("${s1.ok} == 1", "cannot compare true with the number 1"),
        ("${s1.ok} < true", "cannot compare true with true using <"),
        ("${s2.tags} < 3", "cannot compare a list with the number 3"),
        ("${s2.tags} == ${s2.meta}", "cannot compare a list with an object"),
        ("${s1.none} < 1", "cannot order null and the number 1 with <"),
        ("${s2.city} in [1]", "cannot compare the string 'Lisbon' with the number 1"),
        ("${s1.seats}", "${s1.seats} is the number 3, not true/false"),
        ("${s1.none} or true", "${s1.none} is null, not true/false"),
        ("${s1.nope} == 1", "s1 has no field 'nope'"),
        ("${s3[4].id} == 1", "s3 has 1 items"),
    ],
)
def test_evaluation_errors_are_typed_and_say_why(text: str, fragment: str) -> None:
    with pytest.raises(ConditionEvaluationError) as info:
        holds(text)
    assert fragment in info.value.reason
    assert info.value.text == text
    assert str(info.value).startswith(f"condition {text!r}: ")


@pytest.mark.parametrize(
    ("text", "column", "expected"),
    [
        ("", 1, "a value"),
        ("1", 2, "a comparison"),
        ("'a'", 4, "a comparison"),
        ("${s1.x} = 3", 9, "'==' to compare"),
        ("${s1.x} == ", 12, "a value"),
        ("price < 3", 1, "quote text"),
        ("True", 1, "a value"),
        ("(${s1.ok}", 10, "')' closing the '(' at column 1"),
        ("${s1.ok})", 9, "'and', 'or' or the end"),
        ("1 < 2 < 3", 7, "'and', 'or' or the end"),
        ("${s1.ok} and", 13, "a value"),
        ("${S1} == 1", 1, "a valid reference (a reference starts with a step id"),
        ("${s1.} == 1", 1, "a valid reference (unexpected '.'"),
        ("${s1.x == 1", 1, "'}' closing the reference"),
        ("'abc == 1", 1, "' closing the string"),
        ('"a\\q" == 1', 3, "an escape"),
        ("1 in 2", 6, "'[' starting a list"),
        ("1 in [1 2]", 9, "',' or ']'"),
        ("1 in [1,]", 9, "a literal"),
        ("1 in [${s1.x}]", 7, "a literal"),
        ("1 && 2", 3, "or an operator"),
        ("1 < - 2", 5, "or an operator"),
        ("__import__('os').system('ls')", 1, "quote text"),
    ],
)
def test_syntax_errors_give_the_column_and_what_was_expected(
    text: str, column: int, expected: str
) -> None:
    with pytest.raises(ConditionSyntaxError) as info:
        parse_condition(text)
    assert (info.value.column, info.value.text) == (column, text)
    assert expected in info.value.expected
    assert f"column {column}: expected" in str(info.value)


def test_length_is_limited() -> None:
    padded = "true" + " " * (MAX_LENGTH - 4)
    assert parse_condition(padded).evaluate({}) is True
    with pytest.raises(ConditionSyntaxError, match="at most 500 characters, found 501"):
        parse_condition(padded + " ")


@pytest.mark.parametrize(("opener", "closer"), [("(", ")"), ("not ", "")])
def test_nesting_is_limited(opener: str, closer: str) -> None:
    deepest = opener * MAX_DEPTH + "true" + closer * MAX_DEPTH
    assert parse_condition(deepest).evaluate({}) is (opener == "(" or MAX_DEPTH % 2 == 0)
    too_deep = opener * (MAX_DEPTH + 1) + "true" + closer * (MAX_DEPTH + 1)
    with pytest.raises(ConditionSyntaxError, match="at most 20 nested") as info:
        parse_condition(too_deep)
    assert info.value.column == MAX_DEPTH * len(opener) + 1


def test_errors_are_model_visible_plangate_errors() -> None:
    for error_type in (ConditionSyntaxError, ConditionEvaluationError):
        assert issubclass(error_type, PlangateError)
        assert error_type.model_visible is True
