"""Lookups: rules that test a stored record, read through one of the agent's read tools.

"A basic-economy reservation cannot be modified" is a rule about the reservation the call
names, not about the call's arguments. ``Lookup`` reads that record through a read tool — the
same tool (and backend) the agent uses — and tests a field of it::

    Lookup("get_reservation", {"reservation_id": Arg("reservation_id")}, "cabin")

A ``Reader`` performs the reads. ``ToolsetReader`` calls the tools bound in a toolset; an
agent whose policy keeps the figures its run already read (so a replay, which has no
backends, reaches the same verdicts) passes its own reader instead. Results are cached by
(tool, arguments) for one call, so a call judged by several rules reads each record once. A
read that fails makes the term fail: the rule then fails closed, with the read's error as its
reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plangate.graphs.guards._rule_schema import ANY, Shape, descend, schema_shape
from plangate.graphs.guards.rule_terms import (
    MISSING,
    Evaluation,
    MissingValueError,
    RuleEvaluationError,
    Scope,
    Term,
    check_path,
    path_get,
)
from plangate.tools.clock import Clock, SystemClock
from plangate.tools.errors import UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset


def clock_of(toolset: Toolset) -> Clock:
    """The clock of the first backend bound in ``toolset`` that carries one, else the system's.

    Rules about time are judged on the backends' clock, so a sandbox run on a fake clock is
    judged on the fake date.
    """
    for name in toolset.names:
        try:
            clock = getattr(toolset.binding(name).deps, "clock", None)
        except Exception:  # a stand-in with no backend behind it (a replay) has no clock
            clock = None
        if isinstance(clock, Clock):
            return clock
    return SystemClock()


class ToolsetReader:
    """Reads records by calling the read tools bound in ``toolset``.

    Args:
        toolset: the agent's tools.
        clock: the clock handed to the tools; by default the backends' (``clock_of``).
    """

    def __init__(self, toolset: Toolset, *, clock: Clock | None = None) -> None:
        self.toolset = toolset
        self.clock = clock

    async def read(self, tool: str, args: Mapping[str, Any]) -> Any:
        """Call read tool ``tool`` with ``args`` and return its result as JSON data.

        Raises:
            UsageError: the tool is unknown or writes (a rule may never cause an effect).
            PlangateError: whatever the tool raises.
        """
        binding = self.toolset.binding(tool)
        if binding.tool.effect != "read":
            raise UsageError(f"lookup tool {tool!r} writes; lookups only read")
        # Through the executor, so a lookup gets the tool's own timeout and retries: a rule
        # fails closed when its record cannot be read, and one 503 should not block a call.
        executor = ToolExecutor(self.toolset, clock=self.clock or clock_of(self.toolset))
        outcome = await executor.call(tool, dict(args), step_id=f"lookup:{tool}")
        return outcome.result_json


@dataclass(frozen=True)
class Lookup(Term):
    """A field of the record a read tool returns for these arguments (cached per call)."""

    tool: str
    args: Mapping[str, Term]
    path: str = ""

    def __post_init__(self) -> None:
        check_path(self.path, "lookup")
        if not self.tool:
            raise UsageError("a lookup needs the name of a read tool")
        object.__setattr__(self, "args", dict(self.args))

    async def compute(self, ev: Evaluation) -> Any:
        args = {name: await term.evaluate(ev) for name, term in self.args.items()}
        key = json.dumps([self.tool, args], sort_keys=True, default=str)
        if key not in ev.lookups:
            ev.lookups[key] = await self._read(ev, args)
        record = ev.lookups[key]
        if isinstance(record, RuleEvaluationError):
            raise record
        found = path_get(record, self.path)
        if found is MISSING:
            raise MissingValueError(f"{self.tool} returned no field {self.path!r}")
        return found

    async def _read(self, ev: Evaluation, args: Mapping[str, Any]) -> Any:
        if ev.reader is None:
            return RuleEvaluationError(f"lookup {self.tool} has no tools to read from")
        try:
            return await ev.reader.read(self.tool, args)
        except RuleEvaluationError as exc:  # the reader's own reason (e.g. "waits for the call")
            return exc
        except Exception as exc:  # every failure of a lookup is a reason, kept for the verdict
            return RuleEvaluationError(f"lookup {self.tool} failed ({type(exc).__name__}: {exc})")

    def shape(self, scope: Scope) -> Shape:
        for term in self.args.values():
            term.shape(scope)
        if scope.tools is None:
            return ANY
        if self.tool not in scope.tools:
            raise UsageError(f"{scope.what}: lookup tool {self.tool!r} is not in the agent's tools")
        tool = scope.tools.get(self.tool)
        if tool.effect != "read":
            raise UsageError(f"{scope.what}: lookup tool {self.tool!r} writes; lookups only read")
        what = f"{scope.what}: lookup {self.tool}"
        args = schema_shape(tool.args_schema())
        for name in self.args:
            descend(args, name, what=what)
        return descend(schema_shape(tool.result_schema()), self.path, what=what)

    def __str__(self) -> str:
        args = ", ".join(f"{name}={term}" for name, term in self.args.items())
        return f"{self.tool}({args})" + (f".{self.path}" if self.path else "")
