"""Guardrails: checks that return a ``Verdict`` as data, and the engine's way of running them.

A guardrail never acts on the run itself; it looks at a ``GuardSubject`` (what is about to pass
a stage) and says what should happen — allow, modify (redact), block, or require approval. The
engine acts on that decision, streams it as an event and records it in the trace. Keeping the
decision as data (as openai-agents does) makes guardrails easy to test, compose and replay.

Stages, in the order a run meets them::

    input → plan → tool_call (before the effect) → tool_result → output

``run_guardrails`` runs the guardrails that watch a stage in order: each ``modify`` is applied
before the next guardrail looks, the first ``block`` stops the sequence, and ``require_approval``
verdicts are collected without stopping it. A person's decision on an approval is reported as
a verdict too, under the name ``human``: ``allow``, or ``reject`` (``Verdict.rejection``) —
its own kind, never a guardrail's ``block``. The built-ins live in ``plangate.graphs.guards.policy``,
``plangate.graphs.guards.pii`` and ``plangate.graphs.guards.injection``.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, Self, TypedDict, Unpack, runtime_checkable

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import to_jsonable_python

from plangate.graphs.guards.labels import CallProvenance
from plangate.tools.base import Tool
from plangate.tools.errors import GuardrailBlockedError, UsageError


class Stage(StrEnum):
    """Where in a run a guardrail looks."""

    INPUT = "input"
    PLAN = "plan"
    TOOL_CALL = "tool_call"
    TOOL_RESULT = "tool_result"
    OUTPUT = "output"


class Action(StrEnum):
    """What a verdict asks the engine to do."""

    ALLOW = "allow"
    MODIFY = "modify"
    BLOCK = "block"
    REQUIRE_APPROVAL = "require_approval"
    REJECT = "reject"
    """A person said no to a call waiting for approval (``Verdict.rejection``); a guardrail
    never returns it: its own "no" is ``BLOCK``."""


class VerdictExtra(TypedDict, total=False):
    """Optional keywords of the ``Verdict`` constructors."""

    step_id: str | None
    details: dict[str, Any]


_STRENGTH = {
    Action.ALLOW: 0, Action.MODIFY: 1, Action.REQUIRE_APPROVAL: 2, Action.BLOCK: 3,
    Action.REJECT: 3,
}  # fmt: skip

PERSON = "human"
"""The name a person's decision on an approval is reported under (``Verdict.guardrail``)."""


class Verdict(BaseModel):
    """One guardrail's decision about one subject; serialisable for events and traces.

    Attributes:
        guardrail: name of the guardrail that decided.
        stage: the stage the subject was at.
        action: what the engine should do.
        reason: why, in words a person (and a model) can act on; empty only for ``allow``.
        step_id: the plan step concerned, when there is one.
        replacement: for ``modify``, the new payload (text, args or result; see
            ``GuardSubject.payload``).
        details: structured facts behind the decision (PII kinds, the rule, a score...).
    """

    model_config = ConfigDict(frozen=True)

    guardrail: str
    stage: Stage
    action: Action
    reason: str = ""
    step_id: str | None = None
    replacement: Any = None
    details: dict[str, Any] = {}

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not self.guardrail.strip():
            raise ValueError("a verdict needs the name of its guardrail")
        if self.action is not Action.ALLOW and not self.reason.strip():
            raise ValueError(f"a {self.action} verdict needs a reason")
        # Verdicts travel in events and traces: refuse one that could not be written there.
        to_jsonable_python(self.replacement)
        to_jsonable_python(self.details)
        return self

    @classmethod
    def allow(cls, guardrail: str, stage: Stage, **extra: Unpack[VerdictExtra]) -> Verdict:
        """Let the subject pass unchanged."""
        return cls(guardrail=guardrail, stage=stage, action=Action.ALLOW, **extra)

    @classmethod
    def block(
        cls, guardrail: str, stage: Stage, reason: str, **extra: Unpack[VerdictExtra]
    ) -> Verdict:
        """Stop the subject with ``reason``."""
        return cls(guardrail=guardrail, stage=stage, action=Action.BLOCK, reason=reason, **extra)

    @classmethod
    def modify(
        cls,
        guardrail: str,
        stage: Stage,
        reason: str,
        replacement: Any,
        **extra: Unpack[VerdictExtra],
    ) -> Verdict:
        """Let the subject pass with its payload replaced by ``replacement``."""
        action = Action.MODIFY
        return cls(
            guardrail=guardrail,
            stage=stage,
            action=action,
            reason=reason,
            replacement=replacement,
            **extra,
        )

    @classmethod
    def rejection(
        cls, reason: str, *, step_id: str | None, details: dict[str, Any] | None = None
    ) -> Verdict:
        """A person rejected the call at ``step_id`` that waited for approval.

        Its own kind (``Action.REJECT``), not a guardrail's ``block``: a person's "no" is an
        answer, and the run re-plans or answers around it rather than being blocked.
        """
        return cls(
            guardrail=PERSON, stage=Stage.TOOL_CALL, action=Action.REJECT, reason=reason,
            step_id=step_id, details=details or {},
        )  # fmt: skip

    @property
    def is_rejection(self) -> bool:
        """True for a person's rejection, in this form or the older one (a ``block`` from the
        guardrail named ``human``, as traces recorded before ``Action.REJECT`` hold it)."""
        return self.action is Action.REJECT or (
            self.action is Action.BLOCK and self.guardrail == PERSON
        )

    @classmethod
    def approval(
        cls, guardrail: str, stage: Stage, reason: str, **extra: Unpack[VerdictExtra]
    ) -> Verdict:
        """Hold the subject until a person approves it."""
        action = Action.REQUIRE_APPROVAL
        return cls(guardrail=guardrail, stage=stage, action=action, reason=reason, **extra)


def render_result(result: Any) -> str:
    """The text view of a tool result: strings as they are, anything else as JSON."""
    if isinstance(result, str):
        return result
    return json.dumps(to_jsonable_python(result), ensure_ascii=False)


@dataclass(frozen=True)
class GuardSubject:
    """What is about to pass a stage.

    Attributes:
        stage: the stage.
        text: the request (input), the rendered answer (output) or the result text
            (tool_result).
        plan: the plan as JSON data (plan).
        tool: the tool about to be called or that produced the result.
        args: the resolved arguments (tool_call).
        result: the JSON result (tool_result).
        step_id: the plan step concerned.
        tainted: True when the step's args derive from a tool result that an injection check
            flagged; set by the engine.
        provenance: where each argument came from and whether it is trusted (tool_call; set
            by the engine, see ``plangate.graphs.guards.labels``).
        metadata: anything else the engine wants guardrails to see (run id, agent name...).
    """

    stage: Stage
    text: str | None = None
    plan: Any | None = None
    tool: Tool[Any] | None = None
    args: dict[str, Any] | None = None
    result: Any | None = None
    step_id: str | None = None
    tainted: bool = False
    provenance: CallProvenance | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def payload(self) -> Any:
        """What a ``modify`` verdict replaces at this stage.

        ``text`` for input and output, ``plan`` for plan, ``args`` for tool_call, and for
        tool_result the ``result`` (or ``text`` when there is no result).
        """
        if self.stage is Stage.PLAN:
            return self.plan
        if self.stage is Stage.TOOL_CALL:
            return self.args
        if self.stage is Stage.TOOL_RESULT and self.result is not None:
            return self.result
        return self.text

    def with_payload(self, value: Any) -> GuardSubject:
        """A copy whose payload is ``value``; a tool result's text view follows its result."""
        if self.stage is Stage.PLAN:
            return dataclasses.replace(self, plan=value)
        if self.stage is Stage.TOOL_CALL:
            if not isinstance(value, Mapping):
                raise TypeError(
                    f"tool_call replacement must be a mapping, got {type(value).__name__}"
                )
            return dataclasses.replace(self, args=dict(value))
        if self.stage is Stage.TOOL_RESULT and self.result is not None:
            text = render_result(value) if self.text is not None else None
            return dataclasses.replace(self, result=value, text=text)
        if not isinstance(value, str):
            raise TypeError(f"{self.stage} replacement must be text, got {type(value).__name__}")
        return dataclasses.replace(self, text=value)


@runtime_checkable
class Guardrail(Protocol):
    """A check consulted at one or more stages; it decides, the engine acts."""

    @property
    def name(self) -> str:
        """A stable name, reported in verdicts."""
        ...

    @property
    def stages(self) -> frozenset[Stage]:
        """The stages this guardrail watches."""
        ...

    async def check(self, subject: GuardSubject) -> Verdict:
        """Decide about ``subject``. Raising counts as a block (see ``run_guardrails``)."""
        ...


def stage_set(
    stages: Iterable[Stage | str], *, owner: str, allowed: Collection[Stage] = tuple(Stage)
) -> frozenset[Stage]:
    """Validate a guardrail's stages; a mistake here is a ``UsageError`` at construction."""
    try:
        result = frozenset(Stage(stage) for stage in stages)
    except ValueError as exc:
        raise UsageError(f"{owner}: {exc}; stages are {', '.join(Stage)}") from exc
    if not result:
        raise UsageError(f"{owner}: watches no stage")
    if unsupported := result - frozenset(allowed):
        names = ", ".join(sorted(unsupported))
        raise UsageError(f"{owner}: cannot check stage {names}; it checks {', '.join(allowed)}")
    return result


CheckFunction = Callable[[GuardSubject], Verdict | Awaitable[Verdict]]


@dataclass(frozen=True)
class _FunctionGuardrail:
    name: str
    stages: frozenset[Stage]
    fn: CheckFunction

    async def check(self, subject: GuardSubject) -> Verdict:
        verdict = self.fn(subject)
        return await verdict if inspect.isawaitable(verdict) else verdict


def guardrail_from_function(
    name: str, stages: Iterable[Stage | str], fn: CheckFunction
) -> Guardrail:
    """Wrap a sync or async ``fn(subject) -> Verdict`` as a ``Guardrail``."""
    if not name.strip():
        raise UsageError("a guardrail needs a name")
    return _FunctionGuardrail(name, stage_set(stages, owner=name), fn)


@dataclass(frozen=True)
class GuardOutcome:
    """What running a stage's guardrails decided.

    Attributes:
        verdicts: every verdict, in the order the guardrails ran.
        action: the strongest action: block > require_approval > modify > allow.
        subject: the subject with every ``modify`` applied.
        blocked_by: the verdict that blocked, if one did.
        approvals: the ``require_approval`` verdicts.
    """

    verdicts: tuple[Verdict, ...]
    action: Action
    subject: GuardSubject
    blocked_by: Verdict | None
    approvals: tuple[Verdict, ...]

    @property
    def tainted(self) -> bool:
        """True when a verdict flagged the payload as possible prompt injection."""
        return any(verdict.details.get("tainted") is True for verdict in self.verdicts)

    def raise_if_blocked(self) -> None:
        """Raise ``GuardrailBlockedError`` carrying the blocking verdict, if there is one."""
        if self.blocked_by is not None:
            verdict = self.blocked_by
            raise GuardrailBlockedError(
                f"blocked by {verdict.guardrail} at {verdict.stage}: {verdict.reason}",
                verdict=verdict,
            )


async def run_guardrails(guardrails: Iterable[Guardrail], subject: GuardSubject) -> GuardOutcome:
    """Run the guardrails that watch ``subject.stage``, in order, and combine their verdicts.

    A guardrail that raises, returns something other than a ``Verdict`` for this stage, or
    proposes a replacement of the wrong shape gets a ``block`` verdict instead. Guardrails fail
    closed: a broken check must not wave through the very thing it was written to stop, and an
    exception must not crash a run that the engine can end cleanly with a reason.
    ``asyncio.CancelledError`` is not an ``Exception`` and still propagates.
    """
    verdicts: list[Verdict] = []
    current = subject
    blocked_by: Verdict | None = None
    for guardrail in guardrails:
        if subject.stage not in guardrail.stages:
            continue
        verdict = await _decide(guardrail, current)
        if verdict.action is Action.MODIFY:
            try:
                current = current.with_payload(verdict.replacement)
            except TypeError as exc:
                verdict = _failure(guardrail, current, exc)
        verdicts.append(verdict)
        if verdict.action is Action.BLOCK:
            blocked_by = verdict
            break
    action = max((v.action for v in verdicts), key=_STRENGTH.__getitem__, default=Action.ALLOW)
    approvals = tuple(v for v in verdicts if v.action is Action.REQUIRE_APPROVAL)
    return GuardOutcome(tuple(verdicts), action, current, blocked_by, approvals)


async def _decide(guardrail: Guardrail, subject: GuardSubject) -> Verdict:
    try:
        verdict = await guardrail.check(subject)
    except Exception as exc:  # fail closed, see run_guardrails
        return _failure(guardrail, subject, exc)
    if not isinstance(verdict, Verdict):
        error = TypeError(f"check returned {type(verdict).__name__}, not a Verdict")
        return _failure(guardrail, subject, error)
    if verdict.action is Action.REJECT:
        error = ValueError("a guardrail blocks (Verdict.block); only a person rejects")
        return _failure(guardrail, subject, error)
    if verdict.stage is not subject.stage:
        error = ValueError(f"verdict is for stage {verdict.stage}, subject is at {subject.stage}")
        return _failure(guardrail, subject, error)
    if verdict.step_id is None and subject.step_id is not None:
        verdict = verdict.model_copy(update={"step_id": subject.step_id})
    return verdict


def _failure(guardrail: Guardrail, subject: GuardSubject, exc: Exception) -> Verdict:
    name = getattr(guardrail, "name", type(guardrail).__name__)
    return Verdict.block(
        name or type(guardrail).__name__,
        subject.stage,
        f"guardrail {name!r} failed ({type(exc).__name__}: {exc}); blocked to fail closed",
        step_id=subject.step_id,
        details={"error": type(exc).__name__},
    )
