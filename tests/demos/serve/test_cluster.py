"""``WorkerProcesses``: a local cluster's workers are reported when they die, and always stop."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from plangate.demos.serve.cluster import (
    ClusterClock,
    WorkerProcesses,
    worker_command,
    worker_processes,
)
from plangate.tools.errors import UsageError

SLEEPS = [sys.executable, "-c", "import time; time.sleep(60)"]
"""A worker that runs until it is stopped (SIGTERM ends it)."""


def stubborn(ready: Path) -> list[str]:
    """A worker that ignores SIGTERM, saying so in ``ready`` once it does."""
    code = (
        "import pathlib, signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "pathlib.Path(sys.argv[1]).write_text('ready'); time.sleep(60)"
    )
    return [sys.executable, "-c", code, str(ready)]


async def until(check: Callable[[], bool], seconds: float = 10.0) -> None:
    """Wait, a few milliseconds at a time, until ``check()`` is true; fail after ``seconds``."""
    for _ in range(int(seconds / 0.005)):
        if check():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"still not true after {seconds}s: {check}")


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_a_worker_that_dies_is_reported_and_the_others_are_stopped() -> None:
    reports: list[str] = []
    commands = {"w1": SLEEPS, "w2": [sys.executable, "-c", "raise SystemExit(3)"]}
    workers = WorkerProcesses(commands, report=reports.append, stop_timeout=5)
    await workers.start()
    try:
        await until(lambda: bool(reports))
    finally:
        codes = await workers.stop()
    assert reports == [
        f"worker w2 (pid {workers.pids['w2']}) exited with code 3; 1 worker(s) still run the queue"
    ]
    assert codes == {"w1": -15, "w2": 3}  # w1 ended by SIGTERM, and not reported
    assert not is_alive(workers.pids["w1"])


async def test_a_worker_deaf_to_sigterm_is_killed_after_the_bounded_wait(tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    reports: list[str] = []
    workers = WorkerProcesses({"deaf": stubborn(ready)}, report=reports.append, stop_timeout=0.2)
    await workers.start()
    await until(ready.exists)
    async with asyncio.timeout(5):
        codes = await workers.stop()
    assert codes == {"deaf": -9}
    assert reports == []


async def test_the_last_worker_to_die_says_runs_wait_in_the_queue() -> None:
    reports: list[str] = []
    workers = WorkerProcesses(
        {"only": [sys.executable, "-c", "pass"]}, report=reports.append, stop_timeout=1
    )
    await workers.start()
    try:
        await until(lambda: bool(reports))
    finally:
        await workers.stop()
    assert reports[0].endswith("exited with code 0; no worker is left: runs wait in the queue")


async def test_a_worker_that_cannot_start_is_a_usage_error(tmp_path: Path) -> None:
    commands = {"w1": SLEEPS, "w2": [str(tmp_path / "no-such-program")]}
    workers = WorkerProcesses(commands, report=lambda _: None, stop_timeout=5)
    with pytest.raises(UsageError, match="worker w2 cannot be started"):
        await workers.start()
    assert not is_alive(workers.pids["w1"])  # the one started first was stopped


async def test_a_cluster_needs_a_worker() -> None:
    with pytest.raises(UsageError, match="--workers must be 1 or more, got 0"):
        async with worker_processes("postgresql://h/db", 0, report=lambda _: None):
            pass
    with pytest.raises(UsageError, match="at least one worker"):
        WorkerProcesses({}, report=lambda _: None)


def test_a_worker_command_names_its_store_name_and_agents() -> None:
    command = worker_command("postgresql://h/db", "w1", ["pkg.mod:agent"])
    assert command[0] == sys.executable
    assert command[3:] == [
        "worker", "--store", "postgresql://h/db", "--name", "w1", "--agent", "pkg.mod:agent",
    ]  # fmt: skip


def test_a_worker_started_later_starts_later_on_the_cluster_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ticks = iter([100.0, 100.0, 160.5])
    monkeypatch.setattr("plangate.demos.serve.cluster.time.monotonic", lambda: next(ticks))
    start = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    clock = ClusterClock(start)
    assert clock.now() == start
    later = worker_command("postgresql://h/db", "w2", now=clock.now())
    assert later[-2:] == ["--now", "2026-03-09T09:01:00.500000+00:00"]
