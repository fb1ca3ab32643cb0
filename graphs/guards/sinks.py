"""Sinks: untrusted values in a write, or in a read that sends data out, are allowed, held or refused.

Text from a tool result (a venue name, a document, an email body) may carry instructions meant
for the model. Whatever the model does with it, the value cannot reach a write unseen. Each
write tool declares, per argument, what an untrusted value there may do (``Tool.sinks``,
``plangate.tools.sinks``): ``allow`` (a venue id picked from a search result), ``approve`` (the
default: a person sees where it came from first) or ``refuse`` (blocked, naming the argument
and its source). The labels that say what is untrusted come from
``plangate.graphs.guards.labels``.

Exfiltration needs no write: a read that fetches a URL or queries an address the data supplied
sends its arguments outward. A read that declares sinks (``@tool(effect="read",
sinks={"url": "refuse"})``) is watched at exactly those paths: an untrusted value there is held
or refused like one in a write, its undeclared arguments are not sinks, and reading under
untrusted control alone holds nothing (a react turn reads after reading all the time).

Two guardrails enforce the declarations:

- ``UntrustedWriteApproval`` applies all three: it holds a write with an untrusted ``approve``
  argument, blocks one with an untrusted ``refuse`` argument, and also holds a write planned
  after reading tool results (untrusted control) or with no provenance at all (what cannot be
  verified is treated as untrusted).
- ``UntrustedWriteRefusal`` applies ``refuse`` only. Agents add it to every policy
  (``plangate.agents.AgentSpec``), so a refused argument is blocked even where ``ApproveWrites``
  already asks a person: an approval is not a way around a refusal.

Opting out is explicit and narrow: ``allow`` names, per tool, argument paths that this guardrail
lets take untrusted values whatever the tool declares (``{"add_note": ["text"]}``), ``tools``
and ``reads`` name the writes and the reads watched, and ``control=False`` lets writes planned
after reading results run when no argument needs approval.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from plangate.graphs.guards.guardrails import GuardSubject, Stage, Verdict, stage_set
from plangate.graphs.guards.labels import ArgumentLabel, CallProvenance, covers
from plangate.tools.base import Tool
from plangate.tools.errors import UsageError
from plangate.tools.sinks import SinkPolicy

_CALL = (Stage.TOOL_CALL,)
_SHOWN = 4  # arguments named in a reason before "and N more"


class _SinkGuard:
    """What both guardrails share: which writes they watch and how they sort the labels."""

    def __init__(
        self,
        owner: str,
        *,
        tools: Collection[str] | None,
        reads: Collection[str] | None,
        allow: Mapping[str, Collection[str]] | None,
        stages: Iterable[Stage | str],
        name: str,
    ) -> None:
        for option, names in (("tools", tools), ("reads", reads)):
            if isinstance(names, str):
                raise UsageError(
                    f"{owner}.{option} is a collection of names, e.g. [{names!r}], not one string"
                )
        allowed = dict(allow or {})
        for tool, paths in allowed.items():
            if isinstance(paths, str):
                raise UsageError(
                    f"{owner}.allow[{tool!r}] is a collection of argument paths, "
                    f"e.g. [{paths!r}], not one string"
                )
        self.name = name
        self.stages = stage_set(stages, owner=owner, allowed=_CALL)
        self.tools = None if tools is None else frozenset(tools)
        self.reads = None if reads is None else frozenset(reads)
        self.allow = {tool: frozenset(paths) for tool, paths in allowed.items()}

    def _watched(self, subject: GuardSubject) -> Tool[Any] | None:
        """The subject's tool when it is a write, or a read declaring sinks, this guardrail
        watches."""
        tool = subject.tool
        if tool is None:
            raise ValueError("a tool_call subject carries no tool")
        if tool.is_write:
            return tool if self.tools is None or tool.name in self.tools else None
        if not tool.sinks.policies:
            return None  # a read that sends nothing outward has no sinks
        return tool if self.reads is None or tool.name in self.reads else None

    def policy(self, tool: Tool[Any], label: ArgumentLabel) -> SinkPolicy:
        """What ``label``'s untrusted value may do in ``tool``: this guardrail's ``allow`` first,
        then the tool's declaration."""
        if any(covers(prefix, label.path) for prefix in self.allow.get(tool.name, ())):
            return "allow"
        return tool.sink_policy(label.path)

    def sort(
        self, tool: Tool[Any], provenance: CallProvenance
    ) -> dict[SinkPolicy, list[ArgumentLabel]]:
        """The untrusted labels of a call, by the policy that applies to each."""
        out: dict[SinkPolicy, list[ArgumentLabel]] = {"allow": [], "approve": [], "refuse": []}
        for label in provenance.untrusted:
            out[self.policy(tool, label)].append(label)
        return out

    def unverifiable(self, subject: GuardSubject, tool: Tool[Any]) -> Verdict | None:
        """For a call with no provenance: a block when its tool refuses untrusted values anywhere."""
        allowed = self.allow.get(tool.name, ())
        refusing = [
            path
            for path, policy in tool.sinks.declared().items()
            if policy == "refuse" and not any(covers(prefix, path) for prefix in allowed)
        ]
        if not refusing:
            return None
        reason = (
            f"{tool.name} refuses untrusted values in {', '.join(refusing)}, and where its "
            "arguments came from is unknown"
        )
        return Verdict.block(self.name, subject.stage, reason, details={"tool": tool.name})

    def refusal(
        self, subject: GuardSubject, tool: Tool[Any], refused: list[ArgumentLabel]
    ) -> Verdict:
        """The block verdict naming each refused argument and where its value came from."""
        reason = f"{tool.name} refuses untrusted values in {_listed(refused)}"
        details = {
            "tool": tool.name,
            "refused": [label.path for label in refused],
            "sources": {label.path: label.describe() for label in refused},
        }
        return Verdict.block(self.name, subject.stage, reason, details=details)


class UntrustedWriteApproval(_SinkGuard):
    """Hold or refuse a write whose untrusted values its tool's sink policies do not allow.

    A read that declares sinks is watched at its declared paths only; untrusted control alone
    does not hold a read.

    Args:
        tools: the write tools watched (default: every write).
        reads: the reads watched at their declared sinks (default: every read that declares
            sinks; a read that declares none is never watched).
        allow: per tool, argument paths that may take untrusted values whatever the tool
            declares (a path covers the arguments inside it: ``legs`` covers ``legs[0].date``).
        control: also hold writes planned under untrusted control (default True).
        stages: the stages watched (tool_call only).
        name: the name reported in verdicts.

    Raises:
        UsageError: ``tools``, ``reads`` or an ``allow`` entry is a single string instead of a
            collection.
    """

    def __init__(
        self,
        *,
        tools: Collection[str] | None = None,
        reads: Collection[str] | None = None,
        allow: Mapping[str, Collection[str]] | None = None,
        control: bool = True,
        stages: Iterable[Stage | str] = _CALL,
        name: str = "untrusted_write_approval",
    ) -> None:
        super().__init__(
            "UntrustedWriteApproval", tools=tools, reads=reads, allow=allow, stages=stages,
            name=name,
        )  # fmt: skip
        self.control = control

    async def check(self, subject: GuardSubject) -> Verdict:
        """Block a watched write with an untrusted ``refuse`` argument; hold one with an
        untrusted ``approve`` argument or untrusted control; allow the rest."""
        tool = self._watched(subject)
        if tool is None:
            return Verdict.allow(self.name, subject.stage)
        provenance = subject.provenance
        if provenance is None:
            blocked = self.unverifiable(subject, tool)
            if blocked is not None:
                return blocked
            if not tool.is_write and "approve" not in tool.sinks.declared().values():
                return Verdict.allow(self.name, subject.stage)
            reason = f"{tool.name}: where its arguments came from is unknown"
            return Verdict.approval(self.name, subject.stage, reason, details={"tool": tool.name})
        sorted_ = self.sort(tool, provenance)
        if sorted_["refuse"]:
            return self.refusal(subject, tool, sorted_["refuse"])
        held = sorted_["approve"]
        control = self.control and tool.is_write and not provenance.trusted_control
        if not held and not control:
            return Verdict.allow(self.name, subject.stage)
        where = "sent out by" if not tool.is_write else "in"
        reasons = [f"untrusted values {where} {tool.name}: {_listed(held)}"] if held else []
        if control:
            reasons.append(f"{tool.name} was planned after reading tool results")
        details = {
            "tool": tool.name,
            "untrusted": [label.path for label in held],
            "trusted_control": provenance.trusted_control,
        }
        return Verdict.approval(self.name, subject.stage, "; ".join(reasons), details=details)


class UntrustedWriteRefusal(_SinkGuard):
    """Block a write with an untrusted value in an argument its tool declares ``refuse``.

    A write whose provenance is unknown is blocked when its tool refuses untrusted values in
    any argument: what cannot be verified is treated as untrusted.

    A read that declares ``refuse`` on an argument it sends outward is blocked the same way.

    Args:
        tools: the write tools watched (default: every write).
        reads: the reads watched at their declared sinks (default: every read that declares
            sinks).
        allow: per tool, argument paths that may take untrusted values whatever the tool
            declares.
        stages: the stages watched (tool_call only).
        name: the name reported in verdicts.

    Raises:
        UsageError: ``tools``, ``reads`` or an ``allow`` entry is a single string instead of a
            collection.
    """

    def __init__(
        self,
        *,
        tools: Collection[str] | None = None,
        reads: Collection[str] | None = None,
        allow: Mapping[str, Collection[str]] | None = None,
        stages: Iterable[Stage | str] = _CALL,
        name: str = "untrusted_write_refusal",
    ) -> None:
        super().__init__(
            "UntrustedWriteRefusal", tools=tools, reads=reads, allow=allow, stages=stages,
            name=name,
        )  # fmt: skip

    async def check(self, subject: GuardSubject) -> Verdict:
        """Block a watched write with an untrusted ``refuse`` argument; allow the rest."""
        tool = self._watched(subject)
        if tool is None:
            return Verdict.allow(self.name, subject.stage)
        provenance = subject.provenance
        if provenance is None:
            blocked = self.unverifiable(subject, tool)
            return blocked or Verdict.allow(self.name, subject.stage)
        refused = self.sort(tool, provenance)["refuse"]
        if not refused:
            return Verdict.allow(self.name, subject.stage)
        return self.refusal(subject, tool, refused)


def _listed(labels: list[ArgumentLabel]) -> str:
    parts = [f"{label.path} {label.describe()}" for label in labels[:_SHOWN]]
    if len(labels) > _SHOWN:
        parts.append(f"and {len(labels) - _SHOWN} more")
    return "; ".join(parts)
