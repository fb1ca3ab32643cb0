"""Business rules: declarative checks on tool calls, and the guardrail that enforces them.

A ``BusinessRule`` says what must hold for a call to one tool, why, and under which policy::

    BusinessRule(
        id="no_basic_economy_changes",
        tool="update_reservation_flights",
        bind={"cabin": Lookup("get_reservation_details",
                              {"reservation_id": Arg("reservation_id")}, "cabin")},
        require=Compare(Var("cabin"), "!=", Const("basic_economy")),
        message="reservation {args.reservation_id} is {cabin}",
        policy="no changes to basic economy",
    )

``require`` is a check (``plangate.graphs.guards.rule_checks``) over terms
(``rule_terms``, ``rule_lookups``, ``rule_measures``); ``when`` limits the rule to some calls;
``bind`` names terms so the check and the message can use them. The message's ``{name}`` and
``{args.path}`` placeholders are filled from what was evaluated (``{name:,.2f}`` formats).

``BusinessRules`` validates its rules against the agent's toolset when it is built (the tool
exists, field paths exist in its args schema, lookups name read tools, comparisons pair kinds
that can meet) and judges each call: the first broken ``block`` rule refuses it, else the first
broken ``require_approval`` rule holds it for a person. The verdict's reason is the message and
the policy; its details carry the rule id, the policy, the check and the values that decided.

A rule that cannot be evaluated (a missing field, a lookup that fails, values that cannot meet)
is broken — a limit that cannot be verified is treated as broken — unless it says
``on_error="ignore"``; the reason then says which rule could not be checked, and why.

At the ``plan`` stage the rules judge the arguments a plan writes literally; a rule that needs
a ``${...}`` reference or a lookup waits for the call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from plangate.graphs.guards._rule_schema import schema_shape
from plangate.graphs.guards._rule_values import as_number, to_json
from plangate.graphs.guards.guardrails import Action, GuardSubject, Stage, Verdict, stage_set
from plangate.graphs.guards.rule_lookups import ToolsetReader, clock_of
from plangate.graphs.guards.rule_terms import (
    Arg,
    Evaluation,
    MissingValueError,
    Predicate,
    Reader,
    RuleEvaluationError,
    Scope,
    Term,
    Var,
)
from plangate.tools.clock import Clock, SystemClock
from plangate.tools.errors import UsageError
from plangate.tools.registry import Toolset

_PLACEHOLDER = re.compile(r"\{(args\.[A-Za-z0-9_.]+|[A-Za-z_][A-Za-z0-9_]*)(:[^{}]*)?\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RESERVED = frozenset({"args", "item", "now", "today"})
_ACTIONS = (Action.BLOCK, Action.REQUIRE_APPROVAL)


@dataclass(frozen=True)
class BusinessRule:
    """What must hold for a call to ``tool``.

    Attributes:
        id: a stable name, reported in verdicts (``no_basic_economy_changes``).
        tool: the tool the rule applies to.
        require: the check that must hold.
        message: what the refusal says; ``{name}`` and ``{args.path}`` are filled in.
        policy: the policy the rule enforces, quoted in the refusal.
        when: apply the rule only to calls where this check holds.
        bind: named terms, for ``Var`` in checks and ``{name}`` in the message.
        action: ``block`` or ``require_approval``.
        on_error: ``violate`` (fail closed, the default) or ``ignore`` when the rule cannot be
            evaluated on a call.
    """

    id: str
    tool: str
    require: Predicate
    message: str
    policy: str = ""
    when: Predicate | None = None
    bind: Mapping[str, Term] = field(default_factory=dict)
    action: Action = Action.BLOCK
    on_error: Literal["violate", "ignore"] = "violate"

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _NAME.fullmatch(self.id):
            raise UsageError(f"a rule id is a name like 'party_size', got {self.id!r}")
        what = f"rule {self.id!r}"
        if not isinstance(self.tool, str) or not self.tool:
            raise UsageError(f"{what} needs the name of the tool it applies to")
        if not isinstance(self.message, str) or not self.message.strip():
            raise UsageError(f"{what} needs a message saying why a call is refused")
        if self.action not in _ACTIONS:
            raise UsageError(
                f"{what}: action must be block or require_approval, not {self.action!r}"
            )
        object.__setattr__(self, "action", Action(self.action))
        if self.on_error not in ("violate", "ignore"):
            raise UsageError(
                f"{what}: on_error must be 'violate' or 'ignore', not {self.on_error!r}"
            )
        for name in self.bind:
            if not _NAME.fullmatch(name) or name in _RESERVED:
                raise UsageError(
                    f"{what}: cannot bind {name!r}; use a name other than args/item/now/today"
                )
        object.__setattr__(self, "bind", dict(self.bind))
        for name, _ in placeholders(self.message):
            if not name.startswith("args.") and name not in self.bind:
                raise UsageError(
                    f"{what}: message placeholder {{{name}}} is not a bound name or args.<field>"
                )

    def validate(self, scope: Scope) -> None:
        """Raise ``UsageError`` when a path, lookup or comparison makes no sense in ``scope``."""
        scope = replace(scope, bound=self.bind)
        for name in self.bind:
            Var(name).shape(scope)
        for check in (self.when, self.require):
            if check is not None:
                check.validate(scope)
        for name, _ in placeholders(self.message):
            if name.startswith("args."):
                Arg(name.removeprefix("args.")).shape(scope)

    async def is_broken(self, ev: Evaluation) -> bool:
        """Whether the call breaks the rule; raises ``RuleEvaluationError`` when undecidable."""
        if self.when is not None and not await self.when.holds(ev):
            return False
        return not await self.require.holds(ev)

    async def explain(self, ev: Evaluation) -> str:
        """The message with its placeholders filled (``?`` where a value cannot be had)."""
        filled = {}
        for name, spec in placeholders(self.message):
            term = Arg(name.removeprefix("args.")) if name.startswith("args.") else Var(name)
            try:
                value = await term.evaluate(ev)
                if spec and (number := as_number(value)) is not None:
                    value = number  # "100000.00" from JSON formats as the number it spells
                filled[name, spec] = format(value, spec) if spec else str(value)
            except (RuleEvaluationError, ValueError, TypeError):
                filled[name, spec] = "?"
        return _PLACEHOLDER.sub(lambda m: filled[m.group(1), (m.group(2) or "")[1:]], self.message)

    def __str__(self) -> str:
        when = f" when {self.when}" if self.when is not None else ""
        return f"{self.id}: {self.tool}{when} requires {self.require}"


def placeholders(message: str) -> list[tuple[str, str]]:
    """The ``(name, format spec)`` of each ``{...}`` placeholder in ``message``."""
    return [(m.group(1), (m.group(2) or "")[1:]) for m in _PLACEHOLDER.finditer(message)]


class _Deferring:
    """The reader at the plan stage: lookups wait for the call."""

    async def read(self, tool: str, args: Mapping[str, Any]) -> Any:
        raise _DeferredError(f"lookup {tool} waits for the call")


class _DeferredError(RuleEvaluationError):
    """A rule needs what only the call will know (a reference's value, a lookup)."""


def _steps(plan: Any) -> list[Mapping[str, Any]]:
    if hasattr(plan, "model_dump"):
        plan = plan.model_dump(mode="json")
    steps = plan.get("steps") if isinstance(plan, Mapping) else None
    return [step for step in steps or [] if isinstance(step, Mapping)]


def _has_reference(value: Any) -> bool:
    if isinstance(value, str):
        return "${" in value
    if isinstance(value, Mapping):
        return any(_has_reference(item) for item in value.values())
    return isinstance(value, list) and any(_has_reference(item) for item in value)


class BusinessRules:
    """The guardrail enforcing ``BusinessRule``s on tool calls (and on plans' literal arguments).

    Args:
        rules: the rules, judged in order.
        toolset: the agent's tools: rules are validated against them, and lookups read them.
            Without one, only the rules' own structure is validated and lookups fail (closed).
        reader: performs lookups instead of the toolset's tools.
        clock: the clock for ``now``/``today``; by default the run's, from the subject's
            metadata, else the backends' (``clock_of``).
        stages: ``tool_call`` (the default) and/or ``plan``.
        name: the guardrail's name in verdicts.

    Raises:
        UsageError: a rule does not fit the tools (the message names the rule and what is wrong),
            two rules share an id, or a stage cannot be checked.
    """

    def __init__(
        self,
        rules: Iterable[BusinessRule],
        toolset: Toolset | None = None,
        *,
        reader: Reader | None = None,
        clock: Clock | None = None,
        stages: Iterable[Stage | str] = (Stage.TOOL_CALL,),
        name: str = "business_rules",
    ) -> None:
        self.rules = tuple(rules)
        self.name = name
        self.stages = stage_set(stages, owner=name, allowed=(Stage.PLAN, Stage.TOOL_CALL))
        self.toolset = toolset
        self.reader: Reader | None = reader
        if reader is None and toolset is not None:
            self.reader = ToolsetReader(toolset, clock=clock)
        self.clock = clock
        validate_rules(self.rules, toolset)

    def now(self, subject: GuardSubject) -> datetime:
        """The moment ``now`` and ``today`` mean for ``subject``.

        The clock given to the guardrail if any; else the run's clock, which the engine passes
        in the subject's metadata; else the backends' clock (``clock_of``), else the system's.
        """
        if self.clock is not None:
            return self.clock.now()
        stamp = subject.metadata.get("now")
        if isinstance(stamp, str):
            try:
                moment = datetime.fromisoformat(stamp)
            except ValueError:
                moment = None
            if moment is not None and moment.tzinfo is not None:
                return moment
        return (clock_of(self.toolset) if self.toolset is not None else SystemClock()).now()

    async def check(self, subject: GuardSubject) -> Verdict:
        """Judge a call (or each step of a plan that writes its arguments literally)."""
        now = self.now(subject)
        if subject.stage is Stage.TOOL_CALL:
            tool = subject.tool.name if subject.tool is not None else ""
            return await self._judge(subject.stage, tool, subject.args or {}, now, None)
        for step in _steps(subject.plan):
            args = step.get("args")
            args = args if isinstance(args, Mapping) else {}
            literal = {key: value for key, value in args.items() if not _has_reference(value)}
            step_id = str(step.get("id"))
            verdict = await self._judge(subject.stage, str(step.get("tool")), literal, now, step_id)
            if verdict.action is not Action.ALLOW:
                return verdict
        return Verdict.allow(self.name, subject.stage)

    async def _judge(
        self, stage: Stage, tool: str, args: Mapping[str, Any], now: datetime, step_id: str | None
    ) -> Verdict:
        lookups: dict[str, Any] = {}
        planning = stage is Stage.PLAN
        held: Verdict | None = None
        for rule in self.rules:
            if rule.tool != tool:
                continue
            reader = _Deferring() if planning else self.reader
            ev = Evaluation(args, now, reader, rule.bind, lookups)
            verdict = await self._verdict(rule, ev, stage, step_id, planning)
            if verdict is not None and verdict.action is Action.BLOCK:
                return verdict
            held = held or verdict
        return held or Verdict.allow(self.name, stage)

    async def _verdict(
        self, rule: BusinessRule, ev: Evaluation, stage: Stage, step_id: str | None, planning: bool
    ) -> Verdict | None:
        error: str | None = None
        try:
            if not await rule.is_broken(ev):
                return None
        except RuleEvaluationError as exc:
            # At the plan stage an absent argument is a reference the call will resolve.
            if isinstance(exc, _DeferredError) or (planning and isinstance(exc, MissingValueError)):
                return None
            if rule.on_error == "ignore":
                return None
            error = exc.reason
        if error is None:
            message = await rule.explain(ev)
        else:  # the message would speak of values that could not be had
            message = f"cannot check rule {rule.id!r}: {error}; refused to fail closed"
        reason = f"{message} — policy {rule.policy!r}" if rule.policy else message
        details: dict[str, Any] = {
            "rule": rule.id,
            "policy": rule.policy,
            "tool": rule.tool,
            "check": str(rule.require),
            "values": {key: to_json(value) for key, value in ev.seen.items()},
        }
        if error is not None:
            details["error"] = error
        make = Verdict.block if rule.action is Action.BLOCK else Verdict.approval
        return make(self.name, stage, reason, step_id=step_id, details=details)


def validate_rules(
    rules: Iterable[BusinessRule], toolset: Toolset | None, *, source: str = ""
) -> None:
    """Validate ``rules`` against ``toolset`` (structure only without one).

    Raises:
        UsageError: naming the source, the rule and what is wrong.
    """
    seen: set[str] = set()
    prefix = f"{source}: " if source else ""
    for rule in rules:
        if not isinstance(rule, BusinessRule):
            raise UsageError(f"{prefix}expected BusinessRule objects, got {type(rule).__name__}")
        what = f"{prefix}rule {rule.id!r}"
        if rule.id in seen:
            raise UsageError(f"{what} is defined twice; rule ids are unique")
        seen.add(rule.id)
        if toolset is None:
            rule.validate(Scope(what))
            continue
        if rule.tool not in toolset:
            known = ", ".join(toolset.names) or "none"
            raise UsageError(f"{what}: tool {rule.tool!r} is not in the agent's tools ({known})")
        args = schema_shape(toolset.get(rule.tool).args_schema())
        rule.validate(Scope(what, args, toolset))
