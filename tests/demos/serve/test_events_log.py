"""The events table: events in order, read after an id, followed live through LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
import uuid

import psycopg
import pytest

from plangate.demos.serve.events import CHANNEL, EventLog
from plangate.tools.errors import UsageError
from tests.demos.serve.queue_fixtures import kinds


def thread() -> str:
    return f"t-{uuid.uuid4().hex[:8]}"


async def test_events_come_back_in_order_and_after_an_id(postgres_url: str) -> None:
    log = EventLog(postgres_url)
    await log.setup()
    await log.setup()  # idempotent
    t, other = thread(), thread()
    ids = await log.append(t, "r1", [{"kind": "run_started"}, {"kind": "plan_ready", "n": 1}])
    await log.append(other, "r9", [{"kind": "run_started"}])
    more = await log.append(t, "r1", [{"kind": "final"}])
    assert ids[0] < ids[1] < more[0]
    everything = await log.read(t)
    assert kinds(everything) == ["run_started", "plan_ready", "final"]
    assert [e.id for e in everything] == [*ids, *more]
    assert everything[1].event == {"kind": "plan_ready", "n": 1}
    assert everything[0].run_id == "r1"
    assert kinds(await log.read(t, after=ids[0])) == ["plan_ready", "final"]
    assert await log.read(t, after=more[0]) == []


async def test_a_follower_wakes_up_for_new_events_and_stops_at_the_end(postgres_url: str) -> None:
    log = EventLog(postgres_url, poll=5.0)  # a lost NOTIFY would show as a 5 s wait
    await log.setup()
    t = thread()
    first = await log.append(t, "r1", [{"kind": "run_started"}])

    async def collect() -> list[str]:
        seen = []
        async for event in log.follow(t, after=first[0], until={"run_ended"}, idle=5.0):
            seen.append(event.event["kind"])
        return seen

    follower = asyncio.create_task(collect())
    await log.append(t, "r1", [{"kind": "step_started"}])
    await log.append(thread(), "r2", [{"kind": "run_ended"}])  # another thread's end
    await log.append(t, "r1", [{"kind": "final"}, {"kind": "run_ended"}])
    seen = await asyncio.wait_for(follower, timeout=3.0)
    assert seen == ["step_started", "final", "run_ended"]


async def test_a_follower_stops_after_the_idle_time(postgres_url: str) -> None:
    log = EventLog(postgres_url, poll=0.02)
    await log.setup()
    t = thread()
    await log.append(t, "r1", [{"kind": "run_started"}])
    seen = [e async for e in log.follow(t, idle=0.1)]
    assert kinds(seen) == ["run_started"]


async def test_bad_arguments_are_usage_errors(postgres_url: str) -> None:
    with pytest.raises(UsageError, match="poll must be positive"):
        EventLog(postgres_url, poll=0)
    log = EventLog(postgres_url)
    await log.setup()
    with pytest.raises(UsageError, match="positive idle time"):
        async for _ in log.follow("x", idle=0):
            pass
    with pytest.raises(UsageError, match="at least 1 reader"):
        EventLog(postgres_url, readers=0)
    with pytest.raises(UsageError, match="reconnect delay must be positive"):
        EventLog(postgres_url, reconnect=0)
    with pytest.raises(UsageError, match="enter subscribe"):
        async with log.listener.connection():
            pass
    with pytest.raises(UsageError, match="string 'kind'"):
        await log.append("x", "r", [{"no": "kind"}])


async def listen_backends(url: str) -> list[int]:
    """The pids of this database's sessions listening for events."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        cursor = await conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE %s",
            (f"LISTEN {CHANNEL}%",),
        )
        return [int(row[0]) for row in await cursor.fetchall()]


async def test_many_streams_share_one_listen_connection_and_each_gets_every_event(
    postgres_url: str,
) -> None:
    log = EventLog(postgres_url, poll=30.0, readers=3)  # a lost wake-up would show as a timeout
    await log.setup()
    threads = [thread() for _ in range(5)]
    for t in threads:
        await log.append(t, "r1", [{"kind": "run_started"}])
    subscribed = [asyncio.Event() for _ in range(50)]

    async def collect(t: str, ready: asyncio.Event) -> list[int]:
        seen = []
        async for event in log.follow(t, until={"run_ended"}, idle=30.0):
            seen.append(event.id)
            ready.set()  # the first event read: this stream is subscribed
        return seen

    streams = [asyncio.create_task(collect(threads[i % 5], subscribed[i])) for i in range(50)]
    await asyncio.wait_for(asyncio.gather(*(ready.wait() for ready in subscribed)), 10)
    assert len(await listen_backends(postgres_url)) == 1
    for n in range(3):
        for t in threads:
            await log.append(t, "r1", [{"kind": "step_finished", "n": n}])
    for t in threads:
        await log.append(t, "r1", [{"kind": "final"}, {"kind": "run_ended"}])
    seen = await asyncio.wait_for(asyncio.gather(*streams), 10)
    for i, ids in enumerate(seen):
        assert ids == [e.id for e in await log.read(threads[i % 5])]
        assert len(ids) == 6
    assert log.listener.connects == 1
    assert await listen_backends(postgres_url) == []  # the last stream closed it


async def wait_for_listener(url: str, other_than: int) -> int:
    """The pid of a listening session other than ``other_than``, once there is one."""
    async with asyncio.timeout(5):
        while True:
            pids = [pid for pid in await listen_backends(url) if pid != other_than]
            if pids:
                return pids[0]
            await asyncio.sleep(0.01)  # polls a condition: no timing is assumed


async def test_a_dropped_listen_connection_is_made_again_and_no_event_is_lost(
    postgres_url: str,
) -> None:
    log = EventLog(postgres_url, poll=30.0, reconnect=0.01)  # only a wake-up is quick enough
    await log.setup()
    t = thread()
    await log.append(t, "r1", [{"kind": "run_started"}])
    seen: asyncio.Queue[str] = asyncio.Queue()

    async def collect() -> None:
        async for event in log.follow(t, until={"run_ended"}, idle=30.0):
            await seen.put(event.event["kind"])

    stream = asyncio.create_task(collect())
    try:
        assert await asyncio.wait_for(seen.get(), 5) == "run_started"
        [dropped] = await listen_backends(postgres_url)
        async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as conn:
            await conn.execute("SELECT pg_terminate_backend(%s, 5000)", (dropped,))
        await log.append(t, "r1", [{"kind": "plan_ready"}])  # sent while no one listens
        assert await asyncio.wait_for(seen.get(), 5) == "plan_ready"
        await wait_for_listener(postgres_url, other_than=dropped)
        await log.append(t, "r1", [{"kind": "final"}, {"kind": "run_ended"}])
        assert await asyncio.wait_for(seen.get(), 5) == "final"
        assert await asyncio.wait_for(seen.get(), 5) == "run_ended"
        await asyncio.wait_for(stream, 5)
    finally:
        stream.cancel()
        await asyncio.gather(stream, return_exceptions=True)
    assert log.listener.connects == 2


async def test_a_stream_resumes_after_the_last_event_id_it_saw(postgres_url: str) -> None:
    log = EventLog(postgres_url, poll=30.0)
    await log.setup()
    t = thread()
    ids = await log.append(t, "r1", [{"kind": "run_started"}, {"kind": "plan_ready"}])
    first = [e async for e in log.follow(t, until={"plan_ready"}, idle=5.0)]
    assert [e.id for e in first] == ids
    await log.append(t, "r1", [{"kind": "final"}, {"kind": "run_ended"}])
    rest = [e async for e in log.follow(t, after=ids[-1], until={"run_ended"}, idle=5.0)]
    assert kinds(rest) == ["final", "run_ended"]
