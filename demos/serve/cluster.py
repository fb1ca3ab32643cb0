"""A local cluster for development: ``plangate serve --workers N`` runs N workers beside the API.

Each worker is a ``plangate worker`` subprocess on the server's PostgreSQL store, as a worker on
another machine would be: nothing is shared with the API process but the database. The workers
live as long as the server: ``WorkerProcesses.stop`` sends each SIGTERM (a worker finishes its
heartbeat and lets its runs go back to the queue), waits a bounded time, then SIGKILLs what is
left, so stopping the server never hangs on a stuck child. A worker that dies while the server
runs is reported with its exit code; the others go on, and its runs are retried by them once its
heartbeat is overdue (``plangate.demos.serve.worker``).

The workers run in sessions of their own, so a Ctrl-C at the terminal reaches the server only,
which then stops them in this order (rather than each worker seeing it at once and being
reported as dead). A server killed with SIGKILL cannot stop them: they go on as ordinary
workers, and the pids the server printed when it started stop them.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from plangate.tools.errors import UsageError

__all__ = ["ClusterClock", "WorkerProcesses", "worker_command", "worker_processes"]

_CLI = "from plangate.demos.cli import app; app(prog_name='plangate')"
"""How a child runs the ``plangate`` command with this interpreter, installed as a script or not."""


def worker_command(
    url: str, name: str, agents: Sequence[str] = (), *, now: datetime | None = None
) -> list[str]:
    """The command line of a ``plangate worker`` named ``name`` on the store at ``url``.

    Args:
        url: the store's ``postgresql://`` URL.
        name: the worker's name in the queue's tables.
        agents: ``--agent`` references it must know (the catalog's assistants when empty).
        now: the moment its clock reads when it starts (``--now``); the real time when ``None``.
    """
    command = [sys.executable, "-c", _CLI, "worker", "--store", url, "--name", name]
    for agent in agents:
        command += ["--agent", agent]
    if now is not None:
        command += ["--now", now.isoformat()]
    return command


class ClusterClock:
    """The moment a cluster's clock reads: pinned once, moving on at the real pace.

    ``plangate serve --now`` pins the cluster's time when the server starts; each worker then
    starts with ``--now`` set to that moment plus the time elapsed since, so workers started
    (or restarted) later agree with the ones started first, rather than each going back to
    the pinned moment.

    Args:
        start: what the clock reads now (timezone-aware).
    """

    def __init__(self, start: datetime) -> None:
        self.start = start
        self._pinned_at = time.monotonic()

    def now(self) -> datetime:
        """The cluster's moment now."""
        return self.start + timedelta(seconds=time.monotonic() - self._pinned_at)


@dataclass
class _Child:
    name: str
    process: asyncio.subprocess.Process
    watcher: asyncio.Task[None] | None = field(default=None)


class WorkerProcesses:
    """Worker subprocesses, stopped together and watched while they run.

    Args:
        commands: the command line of each worker, by its name.
        report: called with a sentence when a worker exits on its own.
        stop_timeout: seconds ``stop`` waits after SIGTERM before it SIGKILLs.
    """

    def __init__(
        self,
        commands: Mapping[str, Sequence[str]],
        *,
        report: Callable[[str], None],
        stop_timeout: float = 10.0,
    ) -> None:
        if not commands:
            raise UsageError("a local cluster needs at least one worker")
        if stop_timeout <= 0:
            raise UsageError(f"stop_timeout must be above 0 seconds, got {stop_timeout}")
        self.commands = dict(commands)
        self.report = report
        self.stop_timeout = stop_timeout
        self._children: list[_Child] = []
        self._stopping = False

    @property
    def pids(self) -> dict[str, int]:
        """The process id of each started worker, by name."""
        return {child.name: child.process.pid for child in self._children}

    async def start(self) -> None:
        """Start every worker and watch it.

        Raises:
            UsageError: a worker cannot be started (the ones started already are stopped).
        """
        for name, command in self.commands.items():
            try:
                process = await asyncio.create_subprocess_exec(*command, start_new_session=True)
            except OSError as exc:
                await self.stop()
                raise UsageError(f"worker {name} cannot be started: {exc}") from exc
            child = _Child(name, process)
            child.watcher = asyncio.create_task(self._watch(child))
            self._children.append(child)

    async def _watch(self, child: _Child) -> None:
        code = await child.process.wait()
        if self._stopping:
            return
        alive = sum(1 for other in self._children if other.process.returncode is None)
        after = (
            f"{alive} worker(s) still run the queue"
            if alive
            else "no worker is left: runs wait in the queue"
        )
        self.report(
            f"worker {child.name} (pid {child.process.pid}) exited with code {code}; {after}"
        )

    async def stop(self) -> dict[str, int]:
        """SIGTERM every worker, wait up to ``stop_timeout``, SIGKILL the rest.

        Returns:
            Each worker's exit code by name (negative: the signal that ended it).
        """
        self._stopping = True
        for child in self._children:
            if child.process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    child.process.send_signal(signal.SIGTERM)
        waits = [child.process.wait() for child in self._children]
        try:
            async with asyncio.timeout(self.stop_timeout):
                await asyncio.gather(*waits)
        except TimeoutError:
            for child in self._children:
                if child.process.returncode is None:
                    with contextlib.suppress(ProcessLookupError):
                        child.process.kill()
            await asyncio.gather(*(child.process.wait() for child in self._children))
        for child in self._children:
            if child.watcher is not None:
                await child.watcher
        return {child.name: child.process.returncode or 0 for child in self._children}


@asynccontextmanager
async def worker_processes(
    url: str,
    count: int,
    *,
    agents: Sequence[str] = (),
    report: Callable[[str], None],
    stop_timeout: float = 10.0,
    clock: ClusterClock | None = None,
) -> AsyncIterator[WorkerProcesses]:
    """``count`` ``plangate worker`` processes on the store at ``url``, stopped after the block.

    With ``clock``, each worker starts at the cluster's moment (``--now``); else on the real time.

    Raises:
        UsageError: ``count`` is below 1, or a worker cannot be started.
    """
    if count < 1:
        raise UsageError(f"--workers must be 1 or more, got {count}")
    commands = {
        f"plangate-worker-{i}": worker_command(
            url, f"plangate-worker-{i}", agents, now=clock.now() if clock else None
        )
        for i in range(1, count + 1)
    }
    workers = WorkerProcesses(commands, report=report, stop_timeout=stop_timeout)
    await workers.start()
    try:
        yield workers
    finally:
        await workers.stop()
