"""The engine's failure texts and step conditions, in words a person reads.

The engine words a step's failure for the planner: ``${find.data[0].id}: find.data has 0
items``, ``skipped: depends on avail, which was failed``, ``blocked by max_order_notional:
...``. The planner needs that syntax; a person reading the answer does not. The records keep it,
and an answer composer translates at the answer boundary:

- ``read_failure`` sorts a record's error into a ``Failure``: a guardrail's block (its rule and
  its reason), a person's rejection, a step skipped because one it needed did not finish, a
  reference to a result that was not there, a condition that could not be checked, or any other
  error (a tool's refusal, already in words).
- ``condition_in_words`` says why a condition was false, with the values it read:
  ``${rsi14.value} < 30`` becomes "NVDA's RSI(14) is 58.25, not below 30".
- ``dates_in_words`` writes the ISO dates and instants inside a text as a person says them
  (``2026-03-09T13:30:00Z`` → "Monday 9 March, 13:30 UTC").
- ``has_plan_syntax`` tells whether a text still holds a reference or a condition operator.

Each takes the agent's names for steps and values (``StepLabel``, ``ValueName``), so "the
restaurant search" reads better than "step find"; without them a step is "the find step".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from plangate.graphs.engine.conditions import Compare, Condition, Const, Logic, Node, Ref
from plangate.graphs.engine.conditions import parse_condition as _parse
from plangate.graphs.engine.references import Reference, lookup, parse_reference
from plangate.tools.errors import PlangateError

StepLabel = Callable[[str], str]
"""A step id's name in words: ``"find"`` → ``"the restaurant search"``."""
ValueName = Callable[[Reference, Mapping[str, Any]], str | None]
"""A referenced value's name in words (``rsi14.value`` → ``"NVDA's RSI(14)"``); ``None``
falls back to the path in words."""

FailureKind = Literal["blocked", "rejected", "dependency", "reference", "condition", "error"]

_REF = re.compile(r"\$\{([^}]*)\}")
_BLOCKED = re.compile(r"^blocked by ([A-Za-z0-9_.-]+): ?(.*)$", re.DOTALL)
_REJECTED = "rejected by a person: "
_NO_REASON = "no reason given"
_DEPENDS = re.compile(r"^skipped: depends on ([a-z][a-z0-9_]*), which was (\w+)")
_REFERENCE = re.compile(r"^\$\{([^}]*)\}: (.*)$", re.DOTALL)
_CONDITION = re.compile(r"^condition: ")
_SYNTAX = re.compile(
    r"\$\{|(?:<=|>=|==|!=)\s*[-$'\"\w(]|[\w)}\]]\s+[<>]\s+[-$'\"\w(]"
)  # a reference; a comparison as conditions write it ("a == b", "x < 30")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_ISO = re.compile(
    rf"(?:\b(?:{_DAYS}),?\s+)?"  # a weekday already said before the date is said once
    r"\b(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?\b"
    r"(?:\s*[–-]\s*(?:(\d{4}-\d{2}-\d{2})T)?(\d{2}:\d{2})(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?)?"
)
_ROOT = re.compile(r"(?<![\w'\"])([a-z][a-z0-9_]*)(?=\s*[.\[])")
_COUNT = re.compile(r"len\(\s*([a-z][a-z0-9_]*)((?:\.[a-z_][a-z0-9_]*)*)\s*(?:\[\??(.+)\])?\s*\)")
_NO_MATCH = re.compile(r"no item of \S+ has (.+)$")
_TESTS = {
    "==": " ",
    "!=": " other than ",
    "<": " below ",
    "<=": " at most ",
    ">": " above ",
    ">=": " at least ",
}
_TEST_WORDS = re.compile(r"\s*(==|!=|<=|>=|<|>)\s*")
_STATUS = {"failed": "failed", "rejected": "was refused", "skipped": "was skipped"}
_OPERATOR = {
    "<": "below", "<=": "at or below", ">": "above", ">=": "at or above",
    "==": "equal to", "!=": "different from",
}  # fmt: skip


@dataclass(frozen=True)
class Failure:
    """A step's failure, sorted and in words.

    Attributes:
        kind: blocked (by a guardrail), rejected (by a person), dependency (a step it needed
            did not finish), reference (a result it pointed at was not there), condition (its
            condition could not be checked) or error (anything else: a tool's refusal...).
        reason: why, in words, with no plan syntax; may be empty for a rejection without one.
        rule: the guardrail that blocked it (``blocked`` only).
        step: the step it needed or pointed at (``dependency`` and ``reference`` only).
    """

    kind: FailureKind
    reason: str
    rule: str = ""
    step: str = ""


def default_label(step_id: str) -> str:
    """``"the find step"``: a step's name when the agent has none for it."""
    return f"the {step_id} step"


def read_failure(error: str, label: StepLabel = default_label) -> Failure:
    """The ``Failure`` a record's ``error`` text describes (see the module docstring)."""
    text = " ".join(str(error).split())
    if blocked := _BLOCKED.match(text):
        return Failure("blocked", in_words(blocked.group(2), label), rule=blocked.group(1))
    if text.startswith(_REJECTED):
        why = text.removeprefix(_REJECTED).strip()
        return Failure("rejected", "" if why == _NO_REASON else in_words(why, label))
    if depends := _DEPENDS.match(text):
        step, status = depends.groups()
        return Failure("dependency", f"{label(step)} {_STATUS.get(status, status)}", step=step)
    if reference := _REFERENCE.match(text):
        return _reference(reference.group(1), reference.group(2), label)
    if _CONDITION.match(text):
        return Failure("condition", "its condition could not be checked on the results")
    return Failure("error", in_words(text, label))


def _reference(path: str, why: str, label: StepLabel) -> Failure:
    # The first step a path or an expression reads: a name followed by a field or an index.
    root = _ROOT.search(path)
    if root is None:
        return Failure("reference", "a result it needed was not there")
    step = root.group(1)
    if matching := _NO_MATCH.search(why):
        test = _TEST_WORDS.sub(lambda m: _TESTS[m.group(1)], matching.group(1))
        label_ = label(step)
        return Failure(
            "reference", f"{label_} has nothing with {test.replace(chr(39), '')}", step=step
        )
    if re.search(r" has 0 items$", why):
        return Failure("reference", f"{label(step)} found nothing", step=step)
    if why.startswith("no result for step"):
        return Failure("reference", f"{label(step)} gave no result", step=step)
    return Failure("reference", f"{label(step)} did not give what was needed", step=step)


def in_words(text: str, label: StepLabel = default_label) -> str:
    """``text`` with each ``${step.path}`` reference written as the step's value in words."""

    def word(match: re.Match[str]) -> str:
        try:
            reference = parse_reference(match.group(1))
        except PlangateError:
            return "a result"
        return _path_words(reference, label)

    return _REF.sub(word, text.replace("$${", "${"))


def has_plan_syntax(text: str) -> bool:
    """Whether ``text`` holds a ``${...}`` reference or a comparison operator of a condition."""
    return bool(_SYNTAX.search(text))


def condition_in_words(
    condition: str,
    results: Mapping[str, Any],
    name: ValueName | None = None,
    label: StepLabel = default_label,
) -> str:
    """Why ``condition`` does not hold for ``results``, in words, with the values it read.

    ``${rsi14.value} < 30`` → "NVDA's RSI(14) is 58.25, not below 30"; for ``and`` the parts
    that failed, for ``or`` every part. A condition that cannot be read or checked says so.
    """
    try:
        parsed = _parse(condition)
    except PlangateError:
        return "its condition could not be read"

    def named(reference: Reference) -> str:
        given = name(reference, results) if name is not None else None
        return given or _expression_words(reference, label) or _path_words(reference, label)

    parts = _why_false(parsed.expression, results, named)
    return "; ".join(parts) if parts else "its condition did not hold"


def _why_false(
    node: Node, results: Mapping[str, Any], named: Callable[[Reference], str]
) -> list[str]:
    if isinstance(node, Logic):
        if node.op == "not":
            return [_holds(node.operands[0], results, named)]
        false = [part for part in node.operands if _truth(part, results) is False]
        return [text for part in false for text in _why_false(part, results, named)]
    if isinstance(node, Compare):
        left = _operand(node.left, results, named)
        if isinstance(node.right, tuple):
            listed = ", ".join(number_in_words(item) for item in node.right)
            negation = "not one of" if node.op == "in" else "one of"
            return [f"{left[0]} is {left[1]}, {negation} {listed}"]
        other = _other(left[0], _operand(node.right, results, named), node.right)
        return [f"{left[0]} is {left[1]}, not {_OPERATOR.get(node.op, node.op)} {other}"]
    subject, value = _operand(node, results, named)
    return [f"{subject} is {value}"]


def _holds(node: Node, results: Mapping[str, Any], named: Callable[[Reference], str]) -> str:
    """What made ``node`` true (said of a ``not``, which is false because its part held)."""
    if isinstance(node, Compare) and not isinstance(node.right, tuple):
        left = _operand(node.left, results, named)
        other = _other(left[0], _operand(node.right, results, named), node.right)
        return f"{left[0]} is {left[1]}, {_OPERATOR.get(node.op, node.op)} {other}"
    return "the opposite of what was asked held"


def _other(subject: str, right: tuple[str, str], node: Const | Ref) -> str:
    """The right side: a value, or a named value ("its signal line (0.17)" of the same thing)."""
    if isinstance(node, Const):
        return right[1]
    name = right[0]
    if name.startswith(f"{subject} "):
        name = "its " + name.removeprefix(f"{subject} ")
    return f"{name} ({right[1]})"


def _operand(
    node: Const | Ref, results: Mapping[str, Any], named: Callable[[Reference], str]
) -> tuple[str, str]:
    if isinstance(node, Const):
        return "the value", number_in_words(node.value)
    # A computed operand (an expression over results) evaluates itself; a path is looked up.
    evaluate = getattr(node.reference, "evaluate", None)
    try:
        value = evaluate(results) if callable(evaluate) else lookup(node.reference, results)
    except PlangateError:
        return named(node.reference), "not known"
    return named(node.reference), number_in_words(value)


def _truth(node: Node, results: Mapping[str, Any]) -> bool | None:
    try:
        return Condition("", node).evaluate(results)
    except PlangateError:
        return None


def _expression_words(reference: Reference, label: StepLabel) -> str | None:
    """A computed operand in words: ``len(pos[symbol == 'TSLA'])`` → "the number of the pos
    step's items with symbol TSLA"; ``None`` for a plain path."""
    text = getattr(reference, "text", None)
    if not isinstance(text, str):
        return None
    counted = _COUNT.fullmatch(text.strip())
    if counted is None:
        return f"the value worked out from {label(reference.step_id)}"
    step, _, test = counted.groups()
    items = label(step)
    if test:
        said = _TEST_WORDS.sub(lambda m: _TESTS[m.group(1)], test).replace("'", "")
        said = said.replace('"', "")
        return f"the number of {items} with {said.strip()}"
    return f"the number of {items}"


def _path_words(reference: Reference, label: StepLabel) -> str:
    fields = [str(part).replace("_", " ") for part in reference.path if isinstance(part, str)]
    owner = label(reference.step_id)
    return f"{owner}'s {fields[-1]}" if fields else f"the result of {owner}"


def number_in_words(value: Any) -> str:
    """A value as a person reads it: a number to two decimals at most, text in quotes."""
    if value is None or isinstance(value, bool):
        return {None: "nothing", True: "true", False: "false"}[value]
    text = str(value)
    if isinstance(value, int | float | Decimal) or _NUMBER.fullmatch(text):
        number = Decimal(text)
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2 and abs(number) >= Decimal("0.01"):
            number = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"{number:f}"
    return f"'{text}'" if isinstance(value, str) else text


def day_in_words(day: date) -> str:
    """``Monday 9 March``: a day as a person says it (answers are about days near the run,
    so without the year)."""
    return f"{day:%A} {day.day} {day:%B}"


def time_in_words(moment: datetime, *, utc_label: bool = True) -> str:
    """``Monday 9 March, 13:30``: a moment to the minute, in its own offset; ``UTC`` is said
    when the moment is in UTC and ``utc_label`` is set."""
    zone = " UTC" if utc_label and moment.utcoffset() is not None and not moment.utcoffset() else ""
    return f"{day_in_words(moment.date())}, {moment:%H:%M}{zone}"


def dates_in_words(text: str) -> str:
    """``text`` with each ISO date or instant in it written as a person says it.

    A range on one day is said once: ``2026-03-16T07:10+00:00–2026-03-16T10:30+01:00`` →
    "Monday 16 March, 07:10–10:30" (each time in its own offset, as written).
    """

    def word(match: re.Match[str]) -> str:
        day, clock, zone, end_day, end_clock = match.groups()
        try:
            if clock is None:
                said = day_in_words(date.fromisoformat(day))
                return said + match.string[match.end(1) : match.end()]
            offset = "+00:00" if zone == "Z" else zone or ""
            moment = datetime.fromisoformat(f"{day}T{clock}{offset}")
        except ValueError:
            return match.group(0)
        said = time_in_words(moment, utc_label=zone == "Z")
        if end_clock is None:
            return said
        if end_day in (None, day):
            return f"{said}–{end_clock}" if zone != "Z" else f"{said[:-4]}–{end_clock} UTC"
        return f"{said} to {day_in_words(date.fromisoformat(end_day))}, {end_clock}"

    return _ISO.sub(word, text)
