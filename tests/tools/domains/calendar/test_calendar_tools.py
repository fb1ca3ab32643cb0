"""The calendar tools: declarations, argument validation, and calls through ToolExecutor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plangate.tools.base import ToolContext
from plangate.tools.clock import FakeClock
from plangate.tools.domains.calendar.sandbox import PRIMARY, SandboxCalendarBackend
from plangate.tools.domains.calendar.tools import TOOLS, CreateEventArgs, create_event
from plangate.tools.errors import ToolArgsError, ToolRefusedError, UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset
from plangate.tools.schema import anthropic_tool, openai_tool

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WINDOW = {"time_min": "2026-03-02T09:00:00Z", "time_max": "2026-03-09T09:00:00Z"}
LUNCH = {
    "summary": "Lunch with Ana",
    "start": "2026-03-02T13:00:00+00:00",
    "end": "2026-03-02T14:00:00+00:00",
    "timezone": "Europe/Lisbon",
    "attendees": ["ana@example.com"],
}


@pytest.fixture
def executor(sandbox: SandboxCalendarBackend, clock: FakeClock) -> ToolExecutor:
    return ToolExecutor(Toolset(TOOLS, deps=sandbox), clock=clock)


def test_the_tools_are_declared_as_the_domain_requires() -> None:
    by_name = {t.name: t for t in TOOLS}
    assert list(by_name) == ["list_events", "find_free_slots", "create_event", "cancel_event"]
    assert {n for n, t in by_name.items() if t.effect == "read"} == {
        "list_events",
        "find_free_slots",
    }
    samples: dict[str, dict[str, Any]] = {
        "create_event": {**LUNCH, "calendar_id": "x@example.com"},
        "cancel_event": {"calendar_id": "x@example.com", "event_id": "e1"},
    }
    for name, sample in samples.items():
        write = by_name[name]
        assert write.reconciler is not None
        assert write.retry.max_attempts > 1
        assert write.resource_key(write.validate_args(sample)) == f"{name}:x@example.com"
    for item in TOOLS:
        assert openai_tool(item)["function"]["description"] == item.description
        assert anthropic_tool(item)["input_schema"]["type"] == "object"


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"start": "2026-03-02T13:00:00"}, "has no time zone"),
        ({"timezone": "Lisbon"}, "unknown time zone"),
        ({"end": "2026-03-02T12:00:00Z"}, "is not after start"),
        ({"recurrence": ["RRULE:FREQ=HOURLY;BYDAY=XX"]}, "not a valid RRULE"),
        ({"attendees": ["ana"]}, "not an email address"),
        ({"summary": ""}, "summary"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_bad_arguments_are_told_to_the_model(
    executor: ToolExecutor, change: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(ToolArgsError) as info:
        await executor.call("create_event", {**LUNCH, **change})
    assert complaint in str(info.value)
    assert info.value.model_visible


async def test_list_and_find_free_slots(executor: ToolExecutor) -> None:
    page = (await executor.call("list_events", {**WINDOW, "max_results": 5})).result
    assert len(page.items) == 5
    assert page.next_page_token
    rest = (
        await executor.call("list_events", {**WINDOW, "page_token": page.next_page_token})
    ).result
    assert not {e.id for e in page.items} & {e.id for e in rest.items}
    slots = (
        await executor.call(
            "find_free_slots",
            {
                **WINDOW,
                "duration_minutes": 90,
                "timezone": "Europe/Lisbon",
                "day_start": "10:00",
                "day_end": "16:00",
            },
        )
    ).result
    assert slots
    assert all(s.start.hour >= 10 and s.end.hour <= 16 and s.start.weekday() < 5 for s in slots)
    assert all(s.end - s.start >= timedelta(minutes=90) for s in slots)


async def test_free_slot_search_window_is_bounded(executor: ToolExecutor) -> None:
    with pytest.raises(ToolArgsError, match="62 days"):
        await executor.call(
            "find_free_slots",
            {
                "time_min": "2026-03-02T09:00:00Z",
                "time_max": "2026-06-02T09:00:00Z",
                "duration_minutes": 30,
                "timezone": "UTC",
            },
        )


async def test_create_then_cancel_through_the_executor(
    executor: ToolExecutor, sandbox: SandboxCalendarBackend
) -> None:
    created = await executor.call("create_event", LUNCH, step_id="s1")
    event = created.result
    assert created.idempotency_key
    assert event.idempotency_key == created.idempotency_key
    assert event.timezone == "Europe/Lisbon"
    repeat = await executor.call("create_event", LUNCH, step_id="s1")
    assert repeat.reused
    assert repeat.result == event
    cancelled = await executor.call("cancel_event", {"event_id": event.id}, step_id="s2")
    assert cancelled.result.status == "cancelled"
    page = (await executor.call("list_events", WINDOW)).result
    assert event.id not in {e.id for e in page.items}
    assert sandbox.audit() == []


async def test_a_conflict_reaches_the_model_with_a_hint(executor: ToolExecutor) -> None:
    await executor.call("create_event", LUNCH, step_id="s1")
    with pytest.raises(ToolRefusedError) as info:
        await executor.call("create_event", {**LUNCH, "summary": "Clash"}, step_id="s2")
    assert info.value.reason == "conflict"
    assert info.value.model_visible
    assert "nearest free times" in info.value.hint
    assert info.value.tool == "create_event"
    forced = await executor.call(
        "create_event", {**LUNCH, "summary": "Clash", "allow_conflict": True}, step_id="s3"
    )
    assert forced.result.summary == "Clash"


async def test_reconcilers_find_writes_by_key(sandbox: SandboxCalendarBackend) -> None:
    ctx: ToolContext[SandboxCalendarBackend] = ToolContext(deps=sandbox, idempotency_key="key-9")
    reconciler = create_event.reconciler
    assert reconciler is not None
    assert await reconciler(ctx, "key-9") is None
    made = await create_event.invoke(LUNCH, ctx)
    assert await reconciler(ctx, "key-9") == made


async def test_a_write_without_a_key_is_a_developer_error(sandbox: SandboxCalendarBackend) -> None:
    with pytest.raises(UsageError, match="ToolExecutor"):
        await create_event.invoke(CreateEventArgs.model_validate(LUNCH), ToolContext(deps=sandbox))


async def test_a_recurring_event_is_created_and_expanded(executor: ToolExecutor) -> None:
    weekly = {**LUNCH, "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"], "calendar_id": PRIMARY}
    series = (await executor.call("create_event", weekly)).result
    listed = (
        await executor.call(
            "list_events",
            {
                "time_min": "2026-03-02T00:00:00Z",
                "time_max": "2026-03-30T00:00:00Z",
                "max_results": 250,
            },
        )
    ).result
    assert [e.start.day for e in listed.items if e.recurring_event_id == series.id] == [2, 9, 16]
