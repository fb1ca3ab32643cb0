"""The events table: events in order, read after an id, followed live through LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from plangate.demos.serve.events import EventLog
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
    with pytest.raises(UsageError, match="string 'kind'"):
        await log.append("x", "r", [{"no": "kind"}])
