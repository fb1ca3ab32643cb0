"""``plangate worker``: its command line, and the catalog's assistants run from the queue."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from plangate.demos.cli import worker_commands
from plangate.demos.serve import worker_agents
from plangate.demos.serve.catalog import resolve_agents
from plangate.demos.serve.queued import queued_runs
from plangate.demos.serve.store import open_store
from plangate.demos.serve.worker import RunWorker
from plangate.demos.serve.worker_agents import CatalogEngines
from plangate.tools.clock import FakeClock
from plangate.tools.errors import UsageError


def cli() -> typer.Typer:
    app = typer.Typer()
    worker_commands.register(app)
    app.command("other")(lambda: None)  # two commands, so "worker" is a subcommand
    return app


@pytest.mark.parametrize(
    ("store", "message"),
    [
        ("sqlite:.plangate", "needs a postgresql:// store"),
        ("mysql://db", "--store must be sqlite:PATH or postgresql://"),
    ],
)
def test_the_worker_needs_a_postgresql_store(store: str, message: str) -> None:
    result = CliRunner().invoke(cli(), ["worker", "--store", store])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


async def test_a_queued_booking_pauses_and_is_approved_over_the_store(
    postgres_url: str,
) -> None:
    thread = f"c-{uuid.uuid4().hex[:8]}"
    clock = FakeClock()
    async with open_store(postgres_url, clock=clock) as store:
        backends = await store.worlds.load("sandbox", clock)
        engines = CatalogEngines(store, backends, clock)
        assert engines("reservation") is engines("reservation")
        with pytest.raises(UsageError, match="unknown agent 'nope'"):
            engines("nope")
        async with queued_runs(store, {"reservation": "tables"}) as service:
            await service.create_thread(thread)
            run = await service.start(thread, "reservation", "book a table for 2 in Lisbon")
            worker = RunWorker.over(store, engines)  # the store's runs and events tables
            assert (worker.runs, worker.events) == (store.runs, store.events)
            await asyncio.wait_for(worker.run(wait=False, heartbeat=0.5), 10)
            paused = await service.wait(thread, run.run_id, 5)
            assert paused.status == "paused", paused
            assert paused.approvals
            decisions = {str(a["id"]): "approve" for a in paused.approvals}
            resumed = await service.resume(thread, decisions)
            await asyncio.wait_for(worker.run(wait=False, heartbeat=0.5), 10)
            done = await service.wait(thread, resumed.run_id, 5)
    assert done.status == "done", done
    assert done.response is not None


def test_the_worker_refuses_an_agent_reference_it_cannot_resolve() -> None:
    result = CliRunner().invoke(
        cli(), ["worker", "--store", "postgresql://db/x", "--agent", "no_such_module:AGENT"]
    )
    assert result.exit_code == 2
    assert "cannot import no_such_module" in " ".join(result.output.split())


def test_the_worker_runs_the_agents_named_by_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    async def run(url: str, **options: Any) -> None:
        seen.update(options, url=url, specs=resolve_agents(options["agents"]))

    monkeypatch.setattr(worker_agents, "run_catalog_worker", run)
    args = ["worker", "--store", "postgresql://db/x", "--agent", "tests.demos.cli_agent:SPEC"]
    result = CliRunner().invoke(cli(), [*args, "--agent", "trading"])
    assert result.exit_code == 0, result.output
    assert seen["url"] == "postgresql://db/x"
    assert list(seen["specs"]) == ["tables", "trading"]


async def test_catalog_engines_build_only_the_agents_given(postgres_url: str) -> None:
    clock = FakeClock()
    async with open_store(postgres_url, clock=clock) as store:
        backends = await store.worlds.load("sandbox", clock)
        engines = CatalogEngines(store, backends, clock, specs=resolve_agents(["trading"]))
        assert engines("trading").persistent
        with pytest.raises(UsageError, match="unknown agent 'reservation': this worker runs"):
            engines("reservation")
