"""``LocalRunService``: runs as asyncio tasks in the API process, over the CLI's embedded store.

The agents are built over one ``Workspace`` (``plangate.demos.cli.session``): the SQLite
checkpoints, the idempotency ledger and the sandbox world of a state folder, locked for as long
as the server runs. Events are kept in memory per thread, numbered from 1, so a client that
lost its connection asks for what came after the last id it saw (the answer's tokens
coalesced into pieces, as the workers write them: ``token_pieces``). Threads and runs (their
metadata, statuses and times) live in memory too; the checkpoints, the ledger and the world are
durable. Their ``created_at`` and ``updated_at`` are read from the workspace's clock, the time
the runs themselves see, so a server pinned to a moment stamps its threads at that moment.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel

from plangate.agents import Agent, AgentSpec
from plangate.demos.cli.runner import build_agent
from plangate.demos.cli.session import Session, Workspace, check_thread, open_workspace
from plangate.demos.serve.runs import (
    ACTIVE,
    ConflictError,
    NotFoundError,
    NotPausedError,
    RunInfo,
    RunUsage,
    StoredEvent,
    ThreadBusyError,
    ThreadInfo,
    ThreadStatus,
)
from plangate.demos.serve.token_pieces import coalesce_tokens
from plangate.graphs.engine.approvals import parse_decisions
from plangate.graphs.engine.events import Event, RunFailed
from plangate.tools.clock import Clock

CANCELLED = {"type": "Cancelled", "message": "the run was cancelled by a client"}


@dataclass
class _Thread:
    info: ThreadInfo
    runs: dict[str, RunInfo] = field(default_factory=dict)
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    events: list[StoredEvent] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)


class LocalRunService:
    """A ``RunService`` running every run in this process (see the module doc).

    Args:
        specs: the agents served, by name.
        workspace: the store, tools and clock the agents run over.
        model: the chat model, or ``None`` for the offline planner.
    """

    def __init__(
        self,
        specs: Mapping[str, AgentSpec],
        workspace: Workspace,
        *,
        model: BaseChatModel | None = None,
    ) -> None:
        self._specs = dict(specs)
        self._workspace = workspace
        self._model = model
        self._agents: dict[str, Agent] = {}
        self._threads: dict[str, _Thread] = {}

    def agents(self) -> dict[str, str]:
        return {name: spec.description for name, spec in self._specs.items()}

    def agent(self, name: str) -> Agent:
        """The agent serving ``name``, built on first use.

        Raises:
            NotFoundError: no agent of that name is served.
        """
        if name not in self._specs:
            raise NotFoundError(
                f"no agent {name!r} is served; choose one of: {', '.join(self._specs)}"
            )
        if name not in self._agents:
            self._agents[name] = build_agent(
                self._specs[name], self._workspace, self._model, "plan"
            )
        return self._agents[name]

    def _thread(self, thread_id: str) -> _Thread:
        found = self._threads.get(thread_id)
        if found is None:
            raise NotFoundError(f"no thread {thread_id!r}")
        return found

    async def create_thread(
        self, thread_id: str | None = None, metadata: Mapping[str, Any] | None = None
    ) -> ThreadInfo:
        tid = check_thread(thread_id) if thread_id is not None else uuid.uuid4().hex[:12]
        if tid in self._threads:
            raise ConflictError(f"thread {tid!r} exists already")
        now = self._workspace.clock.now()
        info = ThreadInfo(
            thread_id=tid, created_at=now, updated_at=now, metadata=dict(metadata or {})
        )
        self._threads[tid] = _Thread(info)
        return info

    async def thread(self, thread_id: str) -> ThreadInfo:
        return self._thread(thread_id).info

    async def search_threads(
        self,
        *,
        status: ThreadStatus | None = None,
        agent_id: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[ThreadInfo]:
        found = [
            t.info
            for t in self._threads.values()  # in the order they were created
            if (status is None or t.info.status == status)
            and (agent_id is None or t.info.agent_id == agent_id)
        ]
        return found[offset : offset + limit]

    def _check_idle(self, thread: _Thread) -> None:
        last = thread.info.run_id
        if last is not None and thread.runs[last].status in ACTIVE:
            raise ThreadBusyError(
                f"thread {thread.info.thread_id!r} is busy with run {last}: wait for it or "
                "cancel it, then try again (one run per thread at a time)"
            )

    async def start(
        self,
        thread_id: str,
        agent_id: str,
        request: str,
        metadata: Mapping[str, Any] | None = None,
    ) -> RunInfo:
        thread = self._thread(thread_id)
        self._check_idle(thread)
        runnable = self.agent(agent_id)
        if thread.info.run_id is not None:
            raise ConflictError(
                f"thread {thread_id!r} has run already: resume it with decisions, or create "
                "another thread for a new request"
            )
        return self._launch(
            thread, agent_id, metadata, lambda: runnable.stream(request, thread_id=thread_id)
        )

    async def resume(
        self,
        thread_id: str,
        decisions: Mapping[str, Any],
        metadata: Mapping[str, Any] | None = None,
    ) -> RunInfo:
        thread = self._thread(thread_id)
        self._check_idle(thread)
        last = thread.runs[thread.info.run_id] if thread.info.run_id else None
        if last is None or last.status != "paused":
            raise NotPausedError(f"thread {thread_id!r} waits for no decision")
        pending = [str(a["id"]) for a in last.approvals]
        parse_decisions(dict(decisions), pending)  # a bad answer moves nothing
        runnable = self.agent(last.agent_id)
        answer = dict(decisions)
        return self._launch(
            thread, last.agent_id, metadata, lambda: runnable.stream_resume(thread_id, answer)
        )

    def _launch(
        self,
        thread: _Thread,
        agent_id: str,
        metadata: Mapping[str, Any] | None,
        stream: Callable[[], AsyncIterator[Event]],
    ) -> RunInfo:
        now = self._workspace.clock.now()
        info = RunInfo(
            run_id=uuid.uuid4().hex, thread_id=thread.info.thread_id, agent_id=agent_id,
            created_at=now, updated_at=now, metadata=dict(metadata or {}),
        )  # fmt: skip
        thread.runs[info.run_id] = info
        thread.info = thread.info.model_copy(
            update={
                "agent_id": agent_id,
                "status": "busy",
                "run_id": info.run_id,
                "updated_at": now,
            }
        )
        thread.tasks[info.run_id] = asyncio.create_task(self._execute(thread, info.run_id, stream))
        return info

    async def _set(self, thread: _Thread, run_id: str, **update: Any) -> None:
        now = self._workspace.clock.now()
        info = thread.runs[run_id].model_copy(update={**update, "updated_at": now})
        thread.runs[run_id] = info
        if info.status not in ACTIVE:
            status = "interrupted" if info.status == "cancelled" else info.status
            thread.info = thread.info.model_copy(update={"status": status, "updated_at": now})
        async with thread.changed:
            thread.changed.notify_all()

    async def _emit(self, thread: _Thread, run_id: str, event: Event) -> None:
        stored = StoredEvent(
            id=len(thread.events) + 1, run_id=run_id, event=event.model_dump(mode="json")
        )
        thread.events.append(stored)
        async with thread.changed:
            thread.changed.notify_all()

    async def _cancelled(self, thread: _Thread, run_id: str) -> None:
        failed = RunFailed(error=CANCELLED["type"], message=CANCELLED["message"])
        await self._emit(thread, run_id, failed)
        await self._set(thread, run_id, status="cancelled", error=CANCELLED)

    async def _execute(
        self, thread: _Thread, run_id: str, stream: Callable[[], AsyncIterator[Event]]
    ) -> None:
        tid = thread.info.thread_id
        try:
            await self._set(thread, run_id, status="running")
            async for event in coalesce_tokens(stream()):
                await self._emit(thread, run_id, event)
            result = await self.agent(thread.runs[run_id].agent_id).result(tid)
        except asyncio.CancelledError:
            await self._cancelled(thread, run_id)
            return
        except Exception as exc:  # a run's failure is its status, never the server's
            error = {"type": type(exc).__name__, "message": str(exc)}
            await self._emit(
                thread, run_id, RunFailed(error=error["type"], message=error["message"])
            )
            await self._set(thread, run_id, status="failed", error=error)
            return
        response = result.response.model_dump(mode="json") if result.response else None
        await self._set(
            thread, run_id, status=result.status, response=response,
            approvals=result.approvals, error=result.error, usage=RunUsage.of(result.usage),
        )  # fmt: skip

    async def runs(self, thread_id: str) -> list[RunInfo]:
        return list(self._thread(thread_id).runs.values())  # in the order they were asked

    async def status(self, thread_id: str, run_id: str) -> RunInfo:
        found = self._thread(thread_id).runs.get(run_id)
        if found is None:
            raise NotFoundError(f"thread {thread_id!r} has no run {run_id!r}")
        return found

    async def cancel(self, thread_id: str, run_id: str) -> RunInfo:
        info = await self.status(thread_id, run_id)
        task = self._thread(thread_id).tasks.get(run_id)
        if info.status in ACTIVE and task is not None:
            task.cancel()
            await asyncio.wait([task], timeout=10)
            if (await self.status(thread_id, run_id)).status in ACTIVE:
                await self._cancelled(self._thread(thread_id), run_id)  # cancelled before it began
        return await self.status(thread_id, run_id)

    async def wait(self, thread_id: str, run_id: str, seconds: float) -> RunInfo:
        thread = self._thread(thread_id)
        await self.status(thread_id, run_id)

        def ended() -> bool:
            return thread.runs[run_id].status not in ACTIVE

        try:
            async with thread.changed:
                await asyncio.wait_for(thread.changed.wait_for(ended), seconds)
        except TimeoutError:
            pass
        return thread.runs[run_id]

    async def events(
        self, thread_id: str, run_id: str, after: int = 0
    ) -> AsyncIterator[StoredEvent]:
        thread = self._thread(thread_id)
        await self.status(thread_id, run_id)
        while True:
            ended = thread.runs[run_id].status not in ACTIVE
            fresh = [e for e in thread.events[after:] if e.run_id == run_id]  # ids are 1, 2, …
            after = len(thread.events)
            for stored in fresh:
                yield stored
            if ended:
                return
            async with thread.changed:
                await thread.changed.wait_for(_moved(thread, run_id, after))

    async def aclose(self) -> None:
        """Cancel every active run (their checkpoints stay: ``plangate resume`` recovers them)."""
        tasks = [t for thread in self._threads.values() for t in thread.tasks.values()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=10)


def _moved(thread: _Thread, run_id: str, seen: int) -> Callable[[], bool]:
    """Whether ``thread`` has events beyond the first ``seen``, or its run ``run_id`` ended."""
    return lambda: len(thread.events) > seen or thread.runs[run_id].status not in ACTIVE


@asynccontextmanager
async def local_service(
    root: Path,
    specs: Mapping[str, AgentSpec],
    *,
    clock: Clock | None = None,
    model: BaseChatModel | None = None,
) -> AsyncIterator[LocalRunService]:
    """A ``LocalRunService`` over the state folder ``root`` (locked while the block runs)."""
    async with open_workspace(Session(root), "sandbox", clock=clock) as workspace:
        service = LocalRunService(specs, workspace, model=model)
        try:
            yield service
        finally:
            await service.aclose()
