"""``POST /traces/replay``: replay a recorded trace against the agent it names, as served.

A trace (``plangate run --trace``) records a run's model requests and tool calls; replaying it
feeds them back with no model and no backend, and the first request that differs from the
recording fails loudly with a diff against the nearest recorded one
(``plangate.graphs.traces.replay``). This route does what ``plangate replay FILE`` does, for a
client that has the file but not the command line: the web console's Traces page sends the file
it opened and shows the diff at the first divergence.

The trace comes as text in the body, so the application's body limit bounds it (413 above);
its JSON is parsed with the trace reader's own limits (nesting depth). Only an agent the server
serves is replayed, built from the spec the server holds: a trace cannot make the server import
anything. A replay touches nothing durable — no store, no model, no backend — so it needs no
thread and leaves none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from plangate.agents import AgentSpec
from plangate.agents.catalog import AGENTS, agent_spec
from plangate.demos.cli.targets import spec_target
from plangate.demos.serve.runs import NotFoundError
from plangate.graphs.traces.format import TraceFormatError, parse_trace
from plangate.graphs.traces.replay import replay
from plangate.tools.errors import PlangateError, UsageError

__all__ = ["ReplayAnswer", "TraceReplay", "traces_router"]


class TraceReplay(BaseModel):
    """``POST /traces/replay``: the text of a trace file (JSON Lines)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trace: str = Field(min_length=1, description="The trace file's text (JSON Lines).")
    strict_order: bool = Field(
        default=False, description="Serve model answers in recorded order, not by request."
    )


class ReplayAnswer(BaseModel):
    """How the replay went.

    Attributes:
        ok: every run ended as recorded, through the same model requests and tool calls.
        agent: the agent the trace names, which was replayed.
        summary: one line: matched with counts, or the first divergence.
        runs: runs and resumes replayed.
        model_calls: model requests answered from the recording.
        tool_calls: tool calls answered from the recording.
        message: the first divergence in one line, when not ``ok``.
        diff: the unified diff of that divergence against the nearest recorded counterpart.
    """

    model_config = ConfigDict(frozen=True)

    ok: bool
    agent: str
    summary: str
    runs: int
    model_calls: int
    tool_calls: int
    message: str | None = None
    diff: str | None = None


def _served_spec(
    name: str, served: Callable[[], Mapping[str, str]], specs: Mapping[str, AgentSpec]
) -> AgentSpec:
    names = served()
    if name not in names:
        raise NotFoundError(
            f"the trace was recorded by agent {name!r}, which this server does not serve "
            f"(it serves: {', '.join(names)})"
        )
    if name in specs:
        return specs[name]
    if name in AGENTS:
        return agent_spec(name)
    raise NotFoundError(
        f"agent {name!r} is served, but this server was not given its spec to replay against; "
        f"replay the trace with: plangate replay FILE --agent module:attribute"
    )


def traces_router(
    served: Callable[[], Mapping[str, str]], specs: Mapping[str, AgentSpec] | None = None
) -> APIRouter:
    """The ``/traces`` routes.

    Args:
        served: the agents served (``RunService.agents``): only those are replayed.
        specs: their specs by name; an assistant served by name needs none.
    """
    router = APIRouter(tags=["traces"])
    known = dict(specs or {})

    @router.post("/traces/replay")
    async def replay_trace(body: TraceReplay) -> ReplayAnswer:
        """Replay a trace against the served agent it names; the diff at the first divergence."""
        try:
            trace = parse_trace(body.trace, source="the trace sent")
        except TraceFormatError as exc:
            raise UsageError(str(exc)) from exc
        name = trace.header.agent
        spec = _served_spec(name, served, known)
        try:
            report = await replay(trace, spec_target(spec), strict_order=body.strict_order)
        except PlangateError as exc:  # the agent could not be rebuilt for the replay
            raise UsageError(f"cannot replay the trace against {name!r}: {exc}") from exc
        return ReplayAnswer(
            ok=report.ok, agent=name, summary=report.summary(), runs=report.runs,
            model_calls=report.model_calls, tool_calls=report.tool_calls,
            message=report.message or None, diff=report.diff or None,
        )  # fmt: skip

    return router
