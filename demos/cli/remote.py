"""``plangate run --server URL``: the same run, executed by a ``plangate serve`` elsewhere.

The command streams the run's events from the server and renders them as it does for a local
run; at a pause it asks for decisions the same way (``--yes``, or a person at a terminal) and
resumes on the server. The server's token comes from ``$PLANGATE_TOKEN``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from plangate.demos.cli.render import Progress
from plangate.demos.serve.client import Client
from plangate.demos.serve.runs import RunInfo
from plangate.graphs.engine.events import parse_event
from plangate.graphs.engine.run_result import RunResult
from plangate.tools.errors import UsageError

if TYPE_CHECKING:
    from plangate.demos.cli.runner import Terminal


class Answer(BaseModel):
    """A run's answer as the server sent it (its fields as they came)."""

    model_config = ConfigDict(extra="allow")


def as_result(info: RunInfo) -> RunResult:
    """``info`` as the ``RunResult`` the terminal reports (a cancelled run is interrupted)."""
    status = (
        info.status if info.status in ("done", "paused", "blocked", "failed") else "interrupted"
    )
    response = Answer(**info.response) if info.response is not None else None
    return RunResult(
        thread_id=info.thread_id, status=status, response=response,
        approvals=info.approvals, error=info.error,
    )  # fmt: skip


async def run_remote(
    url: str, token: str | None, agent: str, request: str, thread: str | None, term: Terminal
) -> int:
    """Run ``agent`` on ``request`` on the server at ``url``; return the exit code.

    Raises:
        RequestRejectedError: the server refused (a busy or existing thread, an unknown agent).
        ServerFailedError: it cannot be reached or failed.
    """
    async with Client(url, token=token) as client:
        thread_id = (await client.create_thread(thread)).thread_id
        progress = Progress(term.progress, f"{agent} · {thread_id} · {request}")
        events = client.stream(thread_id, agent_id=agent, request=request)
        approver = term.approver()
        while True:
            with progress.segment():
                async for stored in events:
                    progress.show(parse_event(stored.event))
            run_id = (await client.thread(thread_id)).run_id or ""
            info = await client.status(thread_id, run_id)
            decisions = (
                approver.decide(info.approvals) if approver and info.status == "paused" else None
            )
            if decisions is None:
                return term.report(as_result(info))
            events = client.stream(thread_id, decisions=decisions)


def check_remote(**options: object) -> None:
    """Refuse the ``run`` options a server decides itself (its store, backend, model, time).

    Raises:
        UsageError: one of ``options`` is set; the message names it.
    """
    given = [name for name, value in options.items() if value not in (None, "sandbox")]
    if given:
        names = ", ".join(f"--{name}" for name in given)
        raise UsageError(f"{names} cannot be used with --server: the server runs the agent its way")
