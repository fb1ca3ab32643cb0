"""Write arguments as sinks: untrusted values in a write need a person's approval.

Text from a tool result (a venue name, a document, an email body) may carry instructions meant
for the model. Whatever the model does with it, the value cannot reach a write unseen:
``UntrustedWriteApproval`` holds every write whose provenance
(``plangate.graphs.guards.labels``) has an untrusted argument — one taken from a tool result —
or that was planned after reading tool results (untrusted control), and names the arguments and
where they came from in its reason. It holds a write with no provenance at all too: what cannot
be verified is treated as untrusted.

Opting out is explicit and narrow: ``allow`` names, per tool, the arguments that may take
untrusted values (``{"add_note": ["text"]}``: a note may quote a search result), and
``control=False`` lets writes planned after reading results run when every argument is trusted.
Agents add this guardrail for the writes they exempt from ``ApproveWrites``
(``plangate.agents.AgentSpec``), so no write escapes both gates by default.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from plangate.graphs.guards.guardrails import GuardSubject, Stage, Verdict, stage_set
from plangate.graphs.guards.labels import ArgumentLabel, covers
from plangate.tools.errors import UsageError

_CALL = (Stage.TOOL_CALL,)


class UntrustedWriteApproval:
    """Require approval for a write that carries untrusted values or was planned after reading results.

    Args:
        tools: the write tools watched (default: every write).
        allow: per tool, argument paths that may take untrusted values (a path covers the
            arguments inside it: ``legs`` covers ``legs[0].date``).
        control: also hold writes planned under untrusted control (default True).
        stages: the stages watched (tool_call only).
        name: the name reported in verdicts.

    Raises:
        UsageError: ``tools`` or an ``allow`` entry is a single string instead of a collection.
    """

    def __init__(
        self,
        *,
        tools: Collection[str] | None = None,
        allow: Mapping[str, Collection[str]] | None = None,
        control: bool = True,
        stages: Iterable[Stage | str] = _CALL,
        name: str = "untrusted_write_approval",
    ) -> None:
        if isinstance(tools, str):
            raise UsageError(
                "UntrustedWriteApproval.tools is a collection of names, not one string"
            )
        allowed = dict(allow or {})
        for tool, paths in allowed.items():
            if isinstance(paths, str):
                raise UsageError(
                    f"UntrustedWriteApproval.allow[{tool!r}] is a collection of argument paths, "
                    f"e.g. [{paths!r}], not one string"
                )
        self.name = name
        self.stages = stage_set(stages, owner="UntrustedWriteApproval", allowed=_CALL)
        self.tools = None if tools is None else frozenset(tools)
        self.allow = {tool: frozenset(paths) for tool, paths in allowed.items()}
        self.control = control

    def _is_allowed(self, tool: str, label: ArgumentLabel) -> bool:
        return any(covers(prefix, label.path) for prefix in self.allow.get(tool, ()))

    async def check(self, subject: GuardSubject) -> Verdict:
        """Hold a watched write whose arguments or control are untrusted; allow the rest."""
        tool = subject.tool
        if tool is None:
            raise ValueError("a tool_call subject carries no tool")
        if tool.effect != "write" or (self.tools is not None and tool.name not in self.tools):
            return Verdict.allow(self.name, subject.stage)
        provenance = subject.provenance
        if provenance is None:
            reason = f"{tool.name}: where its arguments came from is unknown"
            return Verdict.approval(self.name, subject.stage, reason, details={"tool": tool.name})
        untrusted = [
            label for label in provenance.untrusted if not self._is_allowed(tool.name, label)
        ]
        parts = [f"{label.path} {label.describe()}" for label in untrusted[:4]]
        if len(untrusted) > 4:
            parts.append(f"and {len(untrusted) - 4} more")
        control = self.control and not provenance.trusted_control
        if not parts and not control:
            return Verdict.allow(self.name, subject.stage)
        reasons = [f"untrusted values in {tool.name}: {'; '.join(parts)}"] if parts else []
        if control:
            reasons.append(f"{tool.name} was planned after reading tool results")
        details = {
            "tool": tool.name,
            "untrusted": [label.path for label in untrusted],
            "trusted_control": provenance.trusted_control,
        }
        return Verdict.approval(self.name, subject.stage, "; ".join(reasons), details=details)
