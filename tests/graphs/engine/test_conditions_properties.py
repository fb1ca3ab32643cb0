"""Property tests: random well-formed conditions agree with an evaluator written here; garbage
only ever raises ``ConditionSyntaxError`` (and evaluation only ``ConditionEvaluationError``)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from plangate.graphs.engine.conditions import (
    MAX_LENGTH,
    ConditionEvaluationError,
    ConditionSyntaxError,
    parse_condition,
)

ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt,
    ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}  # fmt: skip
decimals = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)
words = st.text(alphabet="abcxyz", min_size=1, max_size=4)
spaces = st.sampled_from(["", " ", "  ", "\t"])


class Case:
    """Results being built, and a fresh key for each value a reference will read."""

    def __init__(self) -> None:
        self.results: dict[str, Any] = {"r": {}}

    def ref(self, value: Any) -> str:
        key = f"v{len(self.results['r'])}"
        self.results["r"][key] = value
        return f"${{r.{key}}}"


def number_operand(draw: st.DrawFn, case: Case, value: Decimal) -> str:
    """``value`` written as a literal, or read through a reference to a number or numeric string."""
    form = draw(st.sampled_from(["literal", "int", "string"]))
    if form == "int" and value == value.to_integral_value():
        return case.ref(int(value))
    if form == "string":
        return case.ref(str(value))
    text = str(value)
    return text + "0" * draw(st.integers(0, 2)) if "." in text else text


def string_operand(draw: st.DrawFn, case: Case, value: str) -> str:
    if draw(st.booleans()):
        return case.ref(value)
    return draw(st.sampled_from([f"'{value}'", f'"{value}"']))


@st.composite
def atom(draw: st.DrawFn, case: Case) -> tuple[str, bool]:
    kind = draw(st.sampled_from(["bool", "number", "string", "in"]))
    if kind == "bool":
        value = draw(st.booleans())
        return (case.ref(value) if draw(st.booleans()) else str(value).lower()), value
    op = draw(st.sampled_from(sorted(ORDER)))
    space = draw(spaces)
    if kind == "number":
        a, b = draw(decimals), draw(decimals)
        left, right = number_operand(draw, case, a), number_operand(draw, case, b)
        return f"{left}{space}{op}{space}{right}", ORDER[op](a, b)
    if kind == "string":
        a, b = draw(words), draw(words)
        left, right = string_operand(draw, case, a), string_operand(draw, case, b)
        return f"{left} {op} {right}", ORDER[op](a, b)
    value = draw(decimals)
    items = draw(st.lists(decimals, max_size=4))
    negated = draw(st.booleans())
    listed = ", ".join(str(item) for item in items)
    text = f"{number_operand(draw, case, value)} {'not in' if negated else 'in'} [{listed}]"
    return text, (value in items) != negated


@st.composite
def expression(draw: st.DrawFn, case: Case, depth: int = 0) -> tuple[str, bool]:
    shape = draw(st.sampled_from(["atom", "not", "and", "or"] if depth < 4 else ["atom"]))
    if shape == "atom":
        return draw(atom(case))
    if shape == "not":
        text, value = draw(expression(case, depth + 1))
        return f"not ({text})", not value
    parts = draw(st.lists(expression(case, depth + 1), min_size=2, max_size=3))
    joined = f" {shape} ".join(f"({text})" for text, _ in parts)
    truths = [value for _, value in parts]
    return joined, all(truths) if shape == "and" else any(truths)


@st.composite
def conditions(draw: st.DrawFn) -> tuple[str, bool, dict[str, Any]]:
    case = Case()
    text, value = draw(expression(case))
    # Well-formed means within the length limit too: longer ones are refused (tested below).
    assume(len(text) <= MAX_LENGTH)
    return text, value, case.results


@given(conditions())
def test_well_formed_conditions_evaluate_like_the_reference_evaluator(
    case: tuple[str, bool, dict[str, Any]],
) -> None:
    text, expected, results = case
    condition = parse_condition(text)
    assert condition.evaluate(results) is expected
    assert {ref.step_id for ref in condition.references} <= {"r"}
    assert len(condition.references) == text.count("${")


TOKENS = [
    "${s1.a}", "${s1.b[0]}", "${s2}", "${", "}", "1", "-2.5", "'x'", '"y"', "'", "true", "false",
    "null", "and", "or", "not", "in", "(", ")", "[", "]", ",", "<", "<=", ">", ">=", "==", "!=",
    "=", "!", "-", ".", "$", "\\", "foo", "1.", "'\\q'",
]  # fmt: skip
RESULTS = {"s1": {"a": 1, "b": ["2", True]}, "s2": "text"}


def check_garbage(text: str) -> None:
    syntax: ConditionSyntaxError | None = None
    try:
        condition = parse_condition(text)
    except ConditionSyntaxError as exc:
        syntax = exc
    if syntax is not None:
        assert 1 <= syntax.column <= min(len(text), 500) + 1
        return
    evaluation: ConditionEvaluationError | None = None
    try:
        truth = condition.evaluate(RESULTS)
    except ConditionEvaluationError as exc:
        evaluation = exc
    assert isinstance(truth, bool) if evaluation is None else evaluation.reason


@given(st.lists(st.sampled_from(TOKENS), max_size=12), st.sampled_from([" ", ""]))
def test_token_soup_raises_only_typed_errors(tokens: list[str], glue: str) -> None:
    check_garbage(glue.join(tokens))


@given(st.text(max_size=60))
def test_arbitrary_text_raises_only_typed_errors(text: str) -> None:
    check_garbage(text)
