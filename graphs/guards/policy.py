"""Built-in policy guardrails: length limits, tool allow-lists, argument rules and approvals.

Declarative rules check one argument of one tool against a literal::

    Rule(tool="book_table", field="party_size", op="<=", value=12,
         message="Parties over 12 need the events team")

``field`` is a dotted path into the resolved arguments (``price.amount``, ``legs.0.date``);
``op`` is one of ``< <= > >= == != in not in``. Ordering comparisons are made on ``Decimal``, so
numbers that arrive as strings (``"12"``, money amounts) compare as numbers and floats do not
drift. A rule may apply only ``when`` another argument matches (a ``Check``).

A missing field is a violation by default (``on_missing="violate"``): a limit that cannot be
verified is treated as broken, otherwise leaving an argument out would slip past every limit.
Rules on genuinely optional arguments say ``on_missing="ignore"``.

Rules that compare two fields, test a record looked up through a read tool, count or sum,
measure dates against the run's clock, or combine checks with all / any / not are business
rules (``plangate.graphs.guards.business_rules``), loadable from YAML and TOML.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from plangate.graphs.guards.guardrails import Action, GuardSubject, Stage, Verdict, stage_set
from plangate.tools.base import Tool
from plangate.tools.errors import UsageError

_MISSING: Any = object()
_CALL = (Stage.TOOL_CALL,)
_ORDERING: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<": Decimal.__lt__,
    "<=": Decimal.__le__,
    ">": Decimal.__gt__,
    ">=": Decimal.__ge__,
}
OPERATORS = (*_ORDERING, "==", "!=", "in", "not in")


def _number(value: Any) -> Decimal | None:
    """``value`` as a Decimal, or None when it is not a number (bools are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        number = Decimal(str(value).strip())  # str() so 0.1 stays 0.1, not its binary expansion
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _same(actual: Any, expected: Any) -> bool:
    expected_number = None if isinstance(expected, str) else _number(expected)
    if expected_number is not None:
        return _number(actual) == expected_number
    return bool(actual == expected)


def lookup(args: Mapping[str, Any], path: str) -> Any:
    """The value at dotted ``path`` in ``args``; digits index into lists. Missing: a sentinel."""
    node: Any = args
    for part in path.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, Sequence) and not isinstance(node, str) and part.isdigit():
            node = node[int(part)] if int(part) < len(node) else _MISSING
        else:
            return _MISSING
    return node


@dataclass(frozen=True)
class Check:
    """``field op value`` over a tool's arguments; validated when built."""

    field: str
    op: str
    value: Any

    def __post_init__(self) -> None:
        if not self.field or any(not part for part in self.field.split(".")):
            raise UsageError(f"rule field {self.field!r} is not a dotted path like 'price.amount'")
        if self.op not in OPERATORS:
            raise UsageError(
                f"unknown rule operator {self.op!r}; use one of {', '.join(OPERATORS)}"
            )
        if self.op in _ORDERING and _number(self.value) is None:
            raise UsageError(f"{self.field} {self.op} needs a number, got {self.value!r}")
        if self.op in ("in", "not in") and (
            isinstance(self.value, str | bytes | Mapping) or not isinstance(self.value, Collection)
        ):
            raise UsageError(f"{self.field} {self.op} needs a list of values, got {self.value!r}")

    def is_present(self, args: Mapping[str, Any]) -> bool:
        """Whether the field exists in ``args``."""
        return lookup(args, self.field) is not _MISSING

    def holds(self, args: Mapping[str, Any]) -> bool:
        """Whether ``args`` satisfy the check; a value that is not a number fails an ordering."""
        actual = lookup(args, self.field)
        if self.op in _ORDERING:
            number = _number(actual)
            limit = _number(self.value)  # never None: checked in __post_init__
            return number is not None and limit is not None and _ORDERING[self.op](number, limit)
        if self.op in ("==", "!="):
            return _same(actual, self.value) == (self.op == "==")
        found = any(_same(actual, item) for item in self.value)
        return found == (self.op == "in")

    def __str__(self) -> str:
        return f"{self.field} {self.op} {self.value!r}"


@dataclass(frozen=True)
class Rule:
    """A declarative rule on one tool's arguments.

    Attributes:
        tool: the tool the rule applies to.
        field: dotted path of the argument checked.
        op: the comparison operator.
        value: the literal compared against (a list for ``in`` / ``not in``).
        message: what the verdict says when the rule is broken.
        action: ``block`` or ``require_approval``.
        when: apply the rule only when this check holds (not when its field is absent).
        on_missing: ``violate`` (the default: fail closed) or ``ignore`` when ``field`` is absent.
    """

    tool: str
    field: str
    op: str
    value: Any
    message: str
    action: Action = Action.BLOCK
    when: Check | None = None
    on_missing: Literal["violate", "ignore"] = "violate"

    def __post_init__(self) -> None:
        if not self.tool or not self.message.strip():
            raise UsageError("a rule needs a tool name and a message")
        if self.action not in (Action.BLOCK, Action.REQUIRE_APPROVAL):
            raise UsageError(f"rule action must be block or require_approval, got {self.action!r}")
        if self.on_missing not in ("violate", "ignore"):
            raise UsageError(f"on_missing must be 'violate' or 'ignore', got {self.on_missing!r}")
        Check(self.field, self.op, self.value)  # validates field, op and value

    @property
    def check(self) -> Check:
        """The requirement as a ``Check``."""
        return Check(self.field, self.op, self.value)

    def is_violated_by(self, args: Mapping[str, Any]) -> bool:
        """Whether ``args`` (for ``self.tool``) break this rule."""
        if self.when is not None and not (self.when.is_present(args) and self.when.holds(args)):
            return False
        if not self.check.is_present(args):
            return self.on_missing == "violate"
        return not self.check.holds(args)


def _called_tool(subject: GuardSubject) -> Tool[Any]:
    if subject.tool is None:
        raise ValueError("a tool_call subject carries no tool")
    return subject.tool


class PolicyRules:
    """Evaluate declarative ``Rule``s on tool calls; the first broken rule decides."""

    def __init__(
        self,
        rules: Iterable[Rule],
        *,
        stages: Iterable[Stage | str] = _CALL,
        name: str = "policy_rules",
    ) -> None:
        self.rules = tuple(rules)
        if not all(isinstance(rule, Rule) for rule in self.rules):
            raise UsageError("PolicyRules takes Rule objects")
        self.name = name
        self.stages = stage_set(stages, owner="PolicyRules", allowed=_CALL)

    async def check(self, subject: GuardSubject) -> Verdict:
        """Return the first violation among the called tool's rules, or allow."""
        tool = _called_tool(subject)
        args = subject.args or {}
        for rule in self.rules:
            if rule.tool == tool.name and rule.is_violated_by(args):
                found = lookup(args, rule.field)
                details = {
                    "tool": tool.name,
                    "rule": str(rule.check),
                    "value": None if found is _MISSING else found,
                    "missing": found is _MISSING,
                }
                verdict = (
                    Verdict.approval if rule.action is Action.REQUIRE_APPROVAL else Verdict.block
                )
                return verdict(self.name, subject.stage, rule.message, details=details)
        return Verdict.allow(self.name, subject.stage)


class MaxLength:
    """Block text longer than ``max_chars`` (a request, an answer, a result's text)."""

    def __init__(
        self,
        max_chars: int = 8000,
        *,
        stages: Iterable[Stage | str] = (Stage.INPUT, Stage.OUTPUT),
        name: str = "max_length",
    ) -> None:
        if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1:
            raise UsageError(f"MaxLength.max_chars must be a positive int, got {max_chars!r}")
        text_stages = (Stage.INPUT, Stage.TOOL_RESULT, Stage.OUTPUT)
        self.name = name
        self.stages = stage_set(stages, owner="MaxLength", allowed=text_stages)
        self.max_chars = max_chars

    async def check(self, subject: GuardSubject) -> Verdict:
        """Block when the subject's text exceeds the limit."""
        length = len(subject.text or "")
        if length <= self.max_chars:
            return Verdict.allow(self.name, subject.stage)
        reason = f"{subject.stage} is {length} characters long; the limit is {self.max_chars}"
        details = {"length": length, "limit": self.max_chars}
        return Verdict.block(self.name, subject.stage, reason, details=details)


class ToolAllowList:
    """Block plan steps and calls that name a tool outside ``allowed``."""

    def __init__(
        self,
        allowed: Collection[str],
        *,
        stages: Iterable[Stage | str] = (Stage.PLAN, Stage.TOOL_CALL),
        name: str = "tool_allow_list",
    ) -> None:
        if isinstance(allowed, str):
            raise UsageError("ToolAllowList.allowed is a collection of names, not one string")
        self.name = name
        self.stages = stage_set(
            stages, owner="ToolAllowList", allowed=(Stage.PLAN, Stage.TOOL_CALL)
        )
        self.allowed = frozenset(allowed)

    async def check(self, subject: GuardSubject) -> Verdict:
        """Block the first step or call whose tool is not allowed."""
        if subject.stage is Stage.TOOL_CALL:
            named = [(subject.step_id, _called_tool(subject).name)]
        else:
            named = [(step_id, tool) for step_id, tool in plan_tools(subject.plan)]
        for step_id, tool in named:
            if tool not in self.allowed:
                allowed = ", ".join(sorted(self.allowed)) or "none"
                reason = f"tool {tool!r} is not allowed here; allowed tools: {allowed}"
                details = {"tool": tool, "allowed": sorted(self.allowed)}
                return Verdict.block(
                    self.name, subject.stage, reason, step_id=step_id, details=details
                )
        return Verdict.allow(self.name, subject.stage)


def plan_tools(plan: Any) -> list[tuple[str | None, str]]:
    """``(step id, tool name)`` for each step of a plan given as JSON data.

    Accepts ``{"steps": [{"id": ..., "tool": ...}, ...]}``, a bare list of steps, or a pydantic
    model of that shape. A step without a readable tool name yields ``""``, which no allow-list
    contains: an unreadable plan is blocked, not waved through.
    """
    if hasattr(plan, "model_dump"):
        plan = plan.model_dump(mode="json")
    steps = plan.get("steps") if isinstance(plan, Mapping) else plan
    if not isinstance(steps, Sequence) or isinstance(steps, str):
        return [(None, "")]
    named: list[tuple[str | None, str]] = []
    for step in steps:
        step_id = step.get("id") if isinstance(step, Mapping) else None
        tool = step.get("tool") if isinstance(step, Mapping) else None
        named.append(
            (str(step_id) if step_id is not None else None, tool if isinstance(tool, str) else "")
        )
    return named


class ApproveWrites:
    """Require approval before every write (or only the writes of the listed tools)."""

    def __init__(
        self,
        *,
        stages: Iterable[Stage | str] = _CALL,
        tools: Collection[str] | None = None,
        name: str = "approve_writes",
    ) -> None:
        if isinstance(tools, str):
            raise UsageError("ApproveWrites.tools is a collection of names, not one string")
        self.name = name
        self.stages = stage_set(stages, owner="ApproveWrites", allowed=_CALL)
        self.tools = None if tools is None else frozenset(tools)

    async def check(self, subject: GuardSubject) -> Verdict:
        """Ask for approval when the called tool writes (and is listed, if a list was given)."""
        tool = _called_tool(subject)
        if tool.effect == "write" and (self.tools is None or tool.name in self.tools):
            reason = f"writes need approval: {tool.name}"
            return Verdict.approval(self.name, subject.stage, reason, details={"tool": tool.name})
        return Verdict.allow(self.name, subject.stage)


class TaintedWriteApproval:
    """Text inside tool results can never trigger a write without approval.

    When a write's arguments derive from a tool result that an injection check flagged, the
    engine marks the subject ``tainted`` and this guardrail holds the write for a person.
    Tainted reads pass: they change nothing.
    """

    def __init__(
        self, *, stages: Iterable[Stage | str] = _CALL, name: str = "tainted_write_approval"
    ) -> None:
        self.name = name
        self.stages = stage_set(stages, owner="TaintedWriteApproval", allowed=_CALL)

    async def check(self, subject: GuardSubject) -> Verdict:
        """Require approval for a tainted write."""
        tool = _called_tool(subject)
        if subject.tainted and tool.effect == "write":
            reason = "arguments derive from a tool result flagged as possible prompt injection"
            return Verdict.approval(self.name, subject.stage, reason, details={"tool": tool.name})
        return Verdict.allow(self.name, subject.stage)
