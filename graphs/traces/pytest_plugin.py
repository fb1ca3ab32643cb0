"""The plangate pytest plugin: replay recorded traces in tests; re-record them on demand.

Installed with plangate (the ``pytest11`` entry point ``plangate``); without the entry point,
load it with ``-p plangate.graphs.traces.pytest_plugin``. A test names its trace with the
``plangate_trace`` marker and checks an agent against it with the fixture of the same name::

    @pytest.mark.plangate_trace("traces/shop/prices.jsonl")   # relative to this test file
    def test_prices(plangate_trace):
        plangate_trace.check(build_shop(), "prices of tea and cake")

``check`` replays the trace against the agent — no model, no backend — and fails the test
with the diff of the first divergence. ``pytest --record-traces`` instead runs the scenario (the
requests, and approval decisions for the run before them, given to ``check``; else those of the
existing trace) against the live agent, with its real model and backends, writes the trace,
then replays it. In an ``async`` test, ``await plangate_trace.acheck(...)``.

The agent built for a replay is kept for the session (``plangate.graphs.traces.replay_cache``):
however many tests replay traces of one agent, and even if each builds the agent afresh, its
graph is compiled once, and each replay still sees only its own trace.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pytest

from plangate.graphs.engine.build import RunResult
from plangate.graphs.traces.format import TraceFormatError, read_trace
from plangate.graphs.traces.recording import Recorder
from plangate.graphs.traces.replay import ReplayReport, ReplayTarget, episodes, replay
from plangate.tools.errors import UsageError

MARKER = "plangate_trace"
OPTION = "--record-traces"

Scenario = Sequence[str | Mapping[str, Any]]


@runtime_checkable
class Recordable(Protocol):
    """A live agent that records its runs (``plangate.agents.Agent``)."""

    def record(
        self, path: str | Path | None, *, redact_pii: bool = True, append: bool = False
    ) -> AbstractContextManager[Recorder]:
        """Record the runs made inside the block."""
        ...

    async def run(self, request: str, *, thread_id: str | None = None) -> RunResult:
        """Run a request."""
        ...

    async def resume(self, thread_id: str, decisions: Mapping[str, Any]) -> RunResult:
        """Resume a paused run."""
        ...


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--record-traces``."""
    group = parser.getgroup("plangate")
    group.addoption(
        OPTION,
        action="store_true",
        default=False,
        help="Re-record plangate traces against the live model and backends instead of "
        "replaying them.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker (so ``--strict-markers`` accepts it)."""
    config.addinivalue_line(
        "markers", f"{MARKER}(path): the trace the {MARKER} fixture checks, relative to the test"
    )


class TraceCheck:
    """Checks an agent against one trace (replay), or records it (``--record-traces``).

    Args:
        path: the trace, from the marker (``None``: give ``path=`` to ``check``).
        base: the directory relative paths start from (the test file's).
        record: re-record instead of replaying.
    """

    def __init__(self, path: str | Path | None, *, base: Path, record: bool) -> None:
        self.base = base
        self.path = self._resolve(path) if path is not None else None
        self.record = record

    def _resolve(self, path: str | Path) -> Path:
        candidate = Path(path)
        return candidate if candidate.is_absolute() else self.base / candidate

    def check(
        self,
        agent: ReplayTarget,
        *scenario: str | Mapping[str, Any],
        path: str | Path | None = None,
    ) -> ReplayReport:
        """Replay (or record) the trace; fail the test with the diff on a divergence.

        Raises:
            UsageError: called inside a running event loop (use ``acheck``).
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.acheck(agent, *scenario, path=path))
        raise UsageError(f"inside an async test, use `await {MARKER}.acheck(...)`")

    async def acheck(
        self,
        agent: ReplayTarget,
        *scenario: str | Mapping[str, Any],
        path: str | Path | None = None,
    ) -> ReplayReport:
        """``check`` for async tests."""
        target = self._resolve(path) if path is not None else self.path
        if target is None:
            pytest.fail(f"no trace: mark the test with @pytest.mark.{MARKER}(path) or pass path=")
        if self.record:
            await self._record(agent, target, scenario)
        elif not target.exists():
            pytest.fail(
                f"trace {target} does not exist: record it with pytest {OPTION}", pytrace=False
            )
        try:
            report = await replay(target, agent)
        except TraceFormatError as exc:
            pytest.fail(str(exc), pytrace=False)
        if not report.ok:
            pytest.fail(f"{report.summary()}\n{report.diff}", pytrace=False)
        return report

    async def _record(self, agent: ReplayTarget, path: Path, scenario: Scenario) -> None:
        if not isinstance(agent, Recordable):
            pytest.fail(
                f"{OPTION} needs the live agent (an object with record(), like plangate.agents.Agent); "
                f"got {type(agent).__name__}",
                pytrace=False,
            )
        steps = list(scenario) or _scenario_of(path)
        if not steps:
            pytest.fail(f"nothing to record into {path}: give check() the requests", pytrace=False)
        with agent.record(path):
            thread = ""
            for number, step in enumerate(steps, 1):
                if isinstance(step, tuple):  # (thread, request-or-decisions) from a trace
                    thread, step = step
                    if isinstance(step, str):
                        await agent.run(step, thread_id=thread)
                    else:
                        await agent.resume(thread, step)
                elif isinstance(step, str):
                    thread = f"t{number}"
                    await agent.run(step, thread_id=thread)
                else:
                    if not thread:
                        pytest.fail("approval decisions must follow a request", pytrace=False)
                    await agent.resume(thread, step)


def _scenario_of(path: Path) -> list[Any]:
    if not path.exists():
        return []
    found: list[Any] = []
    for episode in episodes(read_trace(path)):
        step = episode.request if episode.request is not None else episode.decisions
        found.append((episode.thread, step))
    return found


@pytest.fixture
def plangate_trace(request: pytest.FixtureRequest) -> TraceCheck:
    """Checks an agent against the trace named by the test's ``plangate_trace`` marker."""
    marker = request.node.get_closest_marker(MARKER)
    path = marker.args[0] if marker is not None and marker.args else None
    record = bool(request.config.getoption("record_traces", default=False))
    return TraceCheck(path, base=Path(request.path).parent, record=record)
