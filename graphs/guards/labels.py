"""Provenance labels: where each argument of a tool call came from, and whether it is trusted.

The engine labels every call before the tool-call guardrails see it
(``plangate.graphs.engine.provenance``); guardrails read the labels from
``GuardSubject.provenance``, and a pending approval carries them so a person sees which
argument came from which step's result before approving. Labels are field-level: one per leaf
of the arguments, with paths such as ``venue_id`` or ``legs[0].date``.

A source is one of

- ``request``: the value occurs in the user's request (trusted);
- ``step``: the value is (part of) an earlier step's tool result (untrusted): followed through
  a ``${step.path}`` reference, or found by matching the value against earlier results;
- ``model``: chosen by the planner or the model and matched against nothing (trusted only when
  the plan or turn was made from the trusted request alone: *trusted control*);
- ``default``: filled in by the tool's argument model (trusted);
- ``person``: set by a person who edited the call while approving it (trusted);
- ``workflow``: written in a fixed plan given as code (``Agent.run_plan``), not by a model
  (trusted: the plan was written before any result was read).

Labels travel as JSON inside approval payloads (``{"id", "tool", "args", "reasons",
"provenance"}``), so checkpoints and traces keep them; ``CallProvenance.from_payload`` reads
them back and returns ``None`` for payloads made before labels existed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

SourceKind = Literal["request", "step", "model", "default", "person", "workflow"]

TRUSTED_KINDS: frozenset[str] = frozenset({"request", "default", "person", "workflow"})
"""Sources trusted whatever the control: ``model`` depends on the control, ``step`` never is."""


class Source(BaseModel):
    """One place a value came from.

    Attributes:
        kind: request, step, model, default, person or workflow (see the module docstring).
        step_id: for ``step``, the step whose result holds the value.
        tool: for ``step``, the tool that produced that result.
        path: for ``step``, where in the result, e.g. ``[0].id``; empty for the whole result.
        matched: for ``step``, True when the value was found by matching it against the
            result rather than by following a ``${...}`` reference.
    """

    model_config = ConfigDict(frozen=True)

    kind: SourceKind
    step_id: str | None = None
    tool: str | None = None
    path: str = ""
    matched: bool = False

    def describe(self) -> str:
        """Where the value came from, in words: ``from s2 search_restaurants result [0].id``."""
        if self.kind == "request":
            return "from the request"
        if self.kind == "model":
            return "chosen by the model"
        if self.kind == "default":
            return "the tool's default"
        if self.kind == "person":
            return "edited by a person"
        if self.kind == "workflow":
            return "written in the workflow"
        where = f"{self.step_id} {self.tool}".strip() if self.tool else str(self.step_id)
        at = f" {self.path}" if self.path else ""
        if self.matched:
            return f"appears in the result of {where}{' at' + at if at else ''}"
        return f"from {where} result{at}"


class ArgumentLabel(BaseModel):
    """The provenance of one argument (one leaf of the call's arguments).

    Attributes:
        path: the argument's path, e.g. ``venue_id`` or ``legs[0].date``.
        sources: where its value came from (several for text built from several parts).
        trusted: False when any source is a tool result, or the value was chosen under
            untrusted control.
    """

    model_config = ConfigDict(frozen=True)

    path: str
    sources: tuple[Source, ...]
    trusted: bool

    def describe(self) -> str:
        """Its sources in words, joined with ``" + "``."""
        return " + ".join(source.describe() for source in self.sources) or "unknown"


class CallProvenance(BaseModel):
    """The provenance of one tool call's arguments.

    Attributes:
        trusted_control: True when the plan (or react turn) that made the call was made from
            the trusted request alone; False for a re-plan or turn made after reading results.
        arguments: one label per argument leaf, in argument order.
    """

    model_config = ConfigDict(frozen=True)

    trusted_control: bool
    arguments: tuple[ArgumentLabel, ...] = ()

    @property
    def untrusted(self) -> tuple[ArgumentLabel, ...]:
        """The labels of the arguments that are not trusted."""
        return tuple(label for label in self.arguments if not label.trusted)

    @property
    def is_trusted(self) -> bool:
        """True when the control and every argument are trusted."""
        return self.trusted_control and not self.untrusted

    def label(self, path: str) -> ArgumentLabel | None:
        """The label of the argument at ``path``, if there is one."""
        return next((label for label in self.arguments if label.path == path), None)

    def to_payload(self) -> dict[str, Any]:
        """JSON data for an approval payload (what ``from_payload`` reads back)."""
        return self.model_dump(mode="json", exclude_defaults=True)

    @classmethod
    def from_payload(cls, approval: Any) -> CallProvenance | None:
        """The labels held by an approval payload, or None when it has none (older payloads)."""
        data = approval.get("provenance") if isinstance(approval, dict) else None
        if data is None:
            return None
        try:
            return cls.model_validate(data)
        except ValidationError:
            return None


def covers(prefix: str, path: str) -> bool:
    """True when argument ``path`` is ``prefix`` or lies inside it (``legs`` covers ``legs[0].date``)."""
    return path == prefix or path.startswith((f"{prefix}.", f"{prefix}["))
