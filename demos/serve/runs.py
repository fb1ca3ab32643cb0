"""The seam between the HTTP API and whatever executes runs: ``RunService``.

The API server only ever talks to a ``RunService``. ``plangate.demos.serve.local`` runs agents
as asyncio tasks in the API process; a queue of workers on PostgreSQL implements the same
Protocol. What crosses the seam is plain data (pydantic models), so it can cross a process too.

Per-thread concurrency: a thread runs one run at a time. Starting or resuming a run on a thread
whose run is still ``pending`` or ``running`` raises ``ThreadBusyError`` (the API answers 409);
the client waits for that run (``wait``, ``stream``) or cancels it, then tries again. Runs are
rejected rather than queued so a client never acts on a thread whose state it has not seen.

Errors (all ``UsageError``s, so a message names what was wrong)::

    UsageError                   a malformed request                          → 422
    ├── NotFoundError            no such thread, run or agent                 → 404
    └── ConflictError            the thread's state forbids it (its own uses) → 409
        ├── ThreadBusyError      the thread's run has not ended
        └── NotPausedError       decisions for a thread that waits for none
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any, Literal, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from plangate.tools.errors import UsageError

RunStatus = Literal[
    "pending", "running", "paused", "done", "blocked", "failed", "interrupted", "cancelled"
]
"""Where a run stands: ``pending``/``running`` until it ends; ``paused`` waits for decisions."""

ThreadStatus = Literal["idle", "busy", "paused", "done", "blocked", "failed", "interrupted"]
"""A thread's status: ``idle`` before its first run, ``busy`` while a run is active, else how its
last run ended (a cancelled run leaves the thread ``interrupted``)."""

ACTIVE: frozenset[str] = frozenset({"pending", "running"})
"""The run statuses that keep a thread busy."""


class NotFoundError(UsageError):
    """No thread, run or agent has the id given."""


class ConflictError(UsageError):
    """The thread's state forbids what was asked, e.g. starting a second request on it."""


class ThreadBusyError(ConflictError):
    """The thread's current run has not ended; a second one is refused (see the module doc)."""


class NotPausedError(ConflictError):
    """Decisions were given for a thread that waits for none."""


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True)


class ThreadInfo(_Data):
    """A conversation with one agent: its runs share the engine's checkpoints.

    The field names are the Agent Protocol's, so its clients read a thread as they expect.

    Attributes:
        thread_id: the thread's id.
        created_at: when it was created (timezone-aware; ISO 8601 in JSON).
        updated_at: when it last changed: a run added, or its last run ended.
        agent_id: the agent's name once a run started, else ``None``.
        status: see ``ThreadStatus``.
        metadata: what the client attached when creating it.
        run_id: the latest run, if any.
    """

    thread_id: str
    created_at: AwareDatetime
    updated_at: AwareDatetime
    agent_id: str | None = None
    status: ThreadStatus = "idle"
    metadata: dict[str, Any] = Field(default_factory=dict)
    run_id: str | None = None


class RunUsage(_Data):
    """What a thread's runs used, up to the end of one run: the engine's counters.

    The engine counts its budgets per thread (``Budget``: a resume draws on what the start
    left), so a run shows the thread's totals as they stood when it ended; the latest run's
    are the thread's. Models report tokens as one total (``plangate.graphs.engine.metering``).

    Attributes:
        model_calls: calls made to the model (each retry is a call).
        tokens: tokens the model reported, prompt and answer.
        cost: USD, by the engine's price table (0 for an unpriced or offline model).
        steps: plan steps run.
        tool_calls: tool calls made, retries included.
        retries: repairs drawn from the one retry budget.
        replans: re-plans after a failed or refused step.
    """

    model_calls: int = 0
    tokens: int = 0
    cost: float = 0.0
    steps: int = 0
    tool_calls: int = 0
    retries: int = 0
    replans: int = 0

    @classmethod
    def of(cls, counters: Mapping[str, float]) -> RunUsage:
        """The usage in ``RunResult.usage``'s counters (unknown ones are left out)."""
        known = {name: counters[name] for name in cls.model_fields if name in counters}
        return cls.model_validate({k: v if k == "cost" else int(v) for k, v in known.items()})


class RunInfo(_Data):
    """One run (a start or a resume) on a thread.

    The Agent Protocol's fields come first; ``response``, ``approvals`` and ``error`` are this
    API's own (the protocol allows more fields), since its clients act on them.

    Attributes:
        run_id: the run's id.
        thread_id: its thread.
        agent_id: the agent that runs.
        created_at: when it was asked for (timezone-aware; ISO 8601 in JSON).
        updated_at: when its status last changed; once it ended, when it ended.
        metadata: what the client attached when asking for it.
        status: see ``RunStatus``.
        response: the validated answer, when done.
        approvals: the pending calls ``{id, tool, args, reasons}``, when paused.
        error: ``{type, message}`` when it failed, was blocked, interrupted or cancelled.
        usage: model calls, tokens and cost (and the engine's other counters) of its
            thread up to this run's end; zeros until it ended.
    """

    run_id: str
    thread_id: str
    agent_id: str
    created_at: AwareDatetime
    updated_at: AwareDatetime
    metadata: dict[str, Any] = Field(default_factory=dict)
    status: RunStatus = "pending"
    response: dict[str, Any] | None = None
    approvals: list[dict[str, Any]] = Field(default_factory=list)
    error: dict[str, str] | None = None
    usage: RunUsage = Field(default_factory=RunUsage)


class StoredEvent(_Data):
    """An engine event as stored for streaming.

    Attributes:
        id: increases with every event of a thread (the SSE ``id:``; a stream resumes after it).
        run_id: the run that emitted it.
        event: the event's JSON data (``plangate.graphs.engine.events``; it has a ``kind``).
    """

    id: int
    run_id: str
    event: dict[str, Any]


class RunService(Protocol):
    """Creates threads, starts, resumes and cancels runs, and streams their events."""

    def agents(self) -> dict[str, str]:
        """The agents served: name → one line saying what it does."""
        ...

    async def create_thread(
        self, thread_id: str | None = None, metadata: Mapping[str, Any] | None = None
    ) -> ThreadInfo:
        """A new thread (``thread_id`` or a fresh one).

        Raises:
            UsageError: ``thread_id`` is malformed or taken.
        """
        ...

    async def thread(self, thread_id: str) -> ThreadInfo:
        """The thread ``thread_id``; ``NotFoundError`` when there is none."""
        ...

    async def search_threads(
        self,
        *,
        status: ThreadStatus | None = None,
        agent_id: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[ThreadInfo]:
        """Threads matching every filter given, oldest first."""
        ...

    async def start(
        self,
        thread_id: str,
        agent_id: str,
        request: str,
        metadata: Mapping[str, Any] | None = None,
    ) -> RunInfo:
        """Start ``agent_id`` on ``request`` in the thread (a run carrying ``metadata``).

        Returns at once, with the run ``pending``.

        Raises:
            NotFoundError: no such thread or agent.
            ThreadBusyError: the thread's run has not ended.
            ConflictError: the thread has run already (resume it, or create another).
        """
        ...

    async def resume(
        self,
        thread_id: str,
        decisions: Mapping[str, Any],
        metadata: Mapping[str, Any] | None = None,
    ) -> RunInfo:
        """Continue the paused thread with a decision per pending id; returns at once.

        The resume is a new run, carrying ``metadata``.

        Raises:
            NotFoundError, ThreadBusyError, NotPausedError: as their names say.
            UsageError: the decisions do not match the pending ids
                (``plangate.graphs.engine.approvals``).
        """
        ...

    async def runs(self, thread_id: str) -> list[RunInfo]:
        """The thread's runs, oldest first; ``NotFoundError`` when there is no such thread."""
        ...

    async def cancel(self, thread_id: str, run_id: str) -> RunInfo:
        """Stop the run if it is active (its checkpoints stay); its info either way."""
        ...

    async def status(self, thread_id: str, run_id: str) -> RunInfo:
        """The run's info; ``NotFoundError`` when the thread has no such run."""
        ...

    async def wait(self, thread_id: str, run_id: str, seconds: float) -> RunInfo:
        """The run's info once it ended, or as it stands after ``seconds``."""
        ...

    def events(self, thread_id: str, run_id: str, after: int = 0) -> AsyncIterator[StoredEvent]:
        """The run's events with ids above ``after``, live until the run ends."""
        ...
