"""``Store``: the embedded SQLite store and the PostgreSQL one give the same guarantees."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plangate.demos.serve.runs import ConflictError, NotFoundError
from plangate.demos.serve.store import StoreURL, open_store, parse_store_url
from plangate.tools.clock import FakeClock
from plangate.tools.domains.backends import bind_tools
from plangate.tools.errors import UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.ledger import WriteState
from tests.demos.test_cli_world_store import _book_table, _effects

NOW = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:{tmp_path / 'state'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.mark.parametrize(
    ("text", "kind", "path"),
    [
        ("sqlite:.plangate", "sqlite", Path(".plangate")),
        ("sqlite:///var/lib/plangate", "sqlite", Path("/var/lib/plangate")),
        ("postgresql://postgres@127.0.0.1:5432/plangate", "postgresql", None),
        ("postgres://u:secret@db.internal/runs?sslmode=require", "postgresql", None),
        ("postgresql:///runs?host=/var/run/postgresql", "postgresql", None),
    ],
)
def test_store_urls_are_read(text: str, kind: str, path: Path | None) -> None:
    parsed = parse_store_url(text)
    assert (parsed.kind, parsed.url, parsed.path) == (kind, text, path)
    assert "secret" not in str(parsed)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sqlite:", "names no folder"),
        ("sqlite://host/x", "names no folder"),
        ("postgresql://u:hunter2@/runs", "names no host"),
        ("postgresql://u:hunter2@db:port/runs", "not a valid URL"),
        ("postgresql://u:hunter2@db:5432", "names no database"),
        ("mysql://db/x", "must be sqlite:PATH or postgresql://"),
        ("ledger.db", "must be sqlite:PATH or postgresql://"),
    ],
)
def test_bad_store_urls_are_usage_errors_without_the_password(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        parse_store_url(text)
    assert "hunter2" not in str(caught.value)


@given(st.text(max_size=60))
def test_any_text_is_a_store_url_or_a_usage_error(text: str) -> None:
    try:
        parsed = parse_store_url(text)
    except UsageError:
        return
    assert isinstance(parsed, StoreURL)
    assert parsed.kind in ("sqlite", "postgresql")


async def test_threads_live_in_the_one_runs_table_of_a_postgresql_store(
    postgres_url: str, tmp_path: Path
) -> None:
    thread = f"t-{uuid.uuid4().hex[:8]}"
    async with open_store(postgres_url) as store:
        assert store.runs is not None
        await store.runs.create_thread(thread, {"user": "u1"})
        with pytest.raises(ConflictError, match="exists already"):
            await store.runs.create_thread(thread, {})
        run = await store.runs.add_run(thread, "start", agent_id="reservation")
    async with open_store(postgres_url) as store:
        assert store.runs is not None
        found = await store.runs.thread(thread)
        listed = await store.runs.search(status="busy", agent_id=None, limit=1000, offset=0)
        with pytest.raises(NotFoundError, match="no thread 'nope'"):
            await store.runs.thread("nope")
    async with open_store(f"sqlite:{tmp_path / 'state'}") as embedded:
        assert embedded.runs is None  # one process serves it, over the CLI's thread index
    assert (found.agent_id, found.status, found.metadata) == ("reservation", "busy", {"user": "u1"})
    assert found.run_id == run.run_id
    assert thread in [t.thread_id for t in listed]


async def test_a_committed_write_is_in_the_stored_world_with_its_ledger_entry(
    store_url: str,
) -> None:
    clock = FakeClock(NOW)
    async with open_store(store_url, clock=clock) as store:
        assert store.clock is clock
        world = await store.worlds.load("sandbox", clock, fresh=True)
        store.worlds.attach("sandbox", world)
        tool, args = await _book_table(ToolExecutor(bind_tools(world)))
        run = ToolExecutor(bind_tools(world), ledger=store.ledger, clock=clock)
        booked = await run.call(tool, args, step_id=uuid.uuid4().hex)
        # No save: what another process reads now is what a kill would leave.
    async with open_store(store_url, clock=clock) as store:
        stored = await store.worlds.load("sandbox", clock)
        assert booked.idempotency_key is not None
        entry = await store.ledger.get(booked.idempotency_key)
        names = await store.worlds.names()
    assert entry is not None
    assert entry.state is WriteState.COMMITTED
    assert _effects(stored) == _effects(world)
    assert "sandbox" in names


async def test_a_checkpointer_is_open_for_the_block(store_url: str) -> None:
    async with open_store(store_url) as store:
        config = {"configurable": {"thread_id": "none", "checkpoint_ns": ""}}
        assert await store.checkpointer.aget_tuple(config) is None  # type: ignore[arg-type]
