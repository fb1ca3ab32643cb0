"""HttpCalendarBackend against a mocked HTTP layer (respx): statuses, retries, bodies, paging."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx

from plangate.tools.base import RetryPolicy
from plangate.tools.clock import FakeClock
from plangate.tools.domains.calendar.http import HttpCalendarBackend
from plangate.tools.domains.calendar.models import NewEvent
from plangate.tools.domains.calendar.sandbox import PRIMARY, SandboxCalendarBackend
from plangate.tools.domains.calendar.wire import dump, event_resource
from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimitedError,
    ToolRefusedError,
    ToolTimeoutError,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BASE = "http://calendar.test/calendar"
EVENTS = f"{BASE}/calendars/primary/events"

GOOGLE_EVENT: dict[str, Any] = {
    "kind": "calendar#event",
    "etag": '"3181161784712000"',
    "id": "evt123",
    "status": "confirmed",
    "htmlLink": "https://www.google.com/calendar/event?eid=evt123",
    "summary": "Design review",
    "location": "Lisbon",
    "creator": {"email": "me@example.com", "self": True},
    "start": {"dateTime": "2026-03-03T10:00:00Z", "timeZone": "Europe/Lisbon"},
    "end": {"dateTime": "2026-03-03T11:00:00Z", "timeZone": "Europe/Lisbon"},
    "attendees": [{"email": "priya@example.com", "responseStatus": "accepted"}],
    "reminders": {"useDefault": True},
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
async def backend(clock: FakeClock) -> AsyncIterator[HttpCalendarBackend]:
    policy = RetryPolicy(max_attempts=3, initial_delay=0.5, max_delay=4.0, jitter=0.0)
    client = HttpCalendarBackend(BASE, clock=clock, retry=policy, timeout=2.0)
    yield client
    await client.aclose()


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router


def _new(start: datetime = NOW + timedelta(days=1, hours=5)) -> NewEvent:
    return NewEvent(
        summary="Lunch", timezone="Europe/Lisbon", start=start, end=start + timedelta(hours=1)
    )


async def test_a_google_shaped_event_is_read(
    backend: HttpCalendarBackend, mock: respx.MockRouter
) -> None:
    mock.get(f"{EVENTS}/evt123").respond(200, json=GOOGLE_EVENT)
    event = await backend.get_event(PRIMARY, "evt123")
    assert event.id == "evt123"
    assert event.calendar_id == PRIMARY
    assert event.start == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    assert event.start.tzinfo is not None
    assert str(event.start.tzinfo) == "Europe/Lisbon"
    assert event.attendees == ("priya@example.com",)


async def test_listing_sends_googles_parameters(
    backend: HttpCalendarBackend, mock: respx.MockRouter
) -> None:
    route = mock.get(EVENTS).respond(200, json={"kind": "calendar#events", "items": [GOOGLE_EVENT]})
    page = await backend.list_events(PRIMARY, NOW, NOW + timedelta(days=7), max_results=10)
    assert [e.id for e in page.items] == ["evt123"]
    assert page.next_page_token is None
    params = route.calls.last.request.url.params
    assert params["timeMin"] == "2026-03-02T09:00:00Z"
    assert params["timeMax"] == "2026-03-09T09:00:00Z"
    assert params["singleEvents"] == "true"
    assert params["orderBy"] == "startTime"
    assert params["maxResults"] == "10"
    assert "pageToken" not in params


async def test_pages_are_followed_with_the_page_token(
    backend: HttpCalendarBackend, mock: respx.MockRouter
) -> None:
    second = {**GOOGLE_EVENT, "id": "evt456"}
    route = mock.get(EVENTS)
    route.side_effect = [
        httpx.Response(200, json={"items": [GOOGLE_EVENT], "nextPageToken": "tok-2"}),
        httpx.Response(200, json={"items": [second]}),
    ]
    first = await backend.list_events(PRIMARY, NOW, NOW + timedelta(days=7), max_results=1)
    assert first.next_page_token == "tok-2"
    last = await backend.list_events(
        PRIMARY, NOW, NOW + timedelta(days=7), max_results=1, page_token=first.next_page_token
    )
    assert [e.id for e in last.items] == ["evt456"]
    assert last.next_page_token is None
    assert route.calls[1].request.url.params["pageToken"] == "tok-2"


@pytest.mark.parametrize(
    ("status", "reason"), [(409, "conflict"), (404, "not_found"), (422, "invalid")]
)
async def test_4xx_refusals_keep_reason_and_hint(
    backend: HttpCalendarBackend, mock: respx.MockRouter, status: int, reason: str
) -> None:
    body = {"error": {"reason": reason, "message": "refused", "hint": "try 10:30"}}
    route = mock.post(EVENTS).respond(status, json=body)
    with pytest.raises(ToolRefusedError) as info:
        await backend.create_event(PRIMARY, _new(), "key-1")
    assert info.value.reason == reason
    assert info.value.hint == "try 10:30"
    assert route.call_count == 1


async def test_401_is_not_retried(backend: HttpCalendarBackend, mock: respx.MockRouter) -> None:
    route = mock.get(f"{EVENTS}/evt123").respond(401, json={"error": {"message": "bad token"}})
    with pytest.raises(BackendError) as info:
        await backend.get_event(PRIMARY, "evt123")
    assert info.value.status == 401
    assert "credentials" in info.value.message
    assert route.call_count == 1


async def test_429_waits_as_long_as_retry_after_says(
    backend: HttpCalendarBackend, mock: respx.MockRouter, clock: FakeClock
) -> None:
    route = mock.get(f"{EVENTS}/evt123")
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "7"}, json={"error": {"message": "slow"}}),
        httpx.Response(200, json=GOOGLE_EVENT),
    ]
    event = await backend.get_event(PRIMARY, "evt123")
    assert event.id == "evt123"
    assert route.call_count == 2
    assert clock.sleeps == [7.0]


async def test_429_gives_up_after_the_last_attempt(
    backend: HttpCalendarBackend, mock: respx.MockRouter
) -> None:
    mock.get(f"{EVENTS}/evt123").respond(429, headers={"Retry-After": "1"})
    with pytest.raises(RateLimitedError) as info:
        await backend.get_event(PRIMARY, "evt123")
    assert info.value.retry_after == 1.0


async def test_5xx_is_retried_for_reads(
    backend: HttpCalendarBackend, mock: respx.MockRouter, clock: FakeClock
) -> None:
    route = mock.get(EVENTS)
    route.side_effect = [
        httpx.Response(503),
        httpx.Response(502),
        httpx.Response(200, json={"items": [GOOGLE_EVENT]}),
    ]
    page = await backend.list_events(PRIMARY, NOW, NOW + timedelta(days=1))
    assert len(page.items) == 1
    assert route.call_count == 3
    assert clock.sleeps == [0.5, 1.0]


async def test_5xx_exhausting_retries_is_a_backend_error(
    backend: HttpCalendarBackend, mock: respx.MockRouter
) -> None:
    route = mock.get(EVENTS).respond(503)
    with pytest.raises(BackendError) as info:
        await backend.list_events(PRIMARY, NOW, NOW + timedelta(days=1))
    assert info.value.status == 503
    assert route.call_count == 3


async def test_a_read_timeout_is_a_timeout(
    backend: HttpCalendarBackend, mock: respx.MockRouter
) -> None:
    route = mock.get(f"{EVENTS}/evt123").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(ToolTimeoutError):
        await backend.get_event(PRIMARY, "evt123")
    assert route.call_count == 3


async def test_free_busy_timeout_is_a_timeout_not_an_unknown_write(
    backend: HttpCalendarBackend, mock: respx.MockRouter
) -> None:
    route = mock.post(f"{BASE}/freeBusy").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(ToolTimeoutError):
        await backend.free_busy([PRIMARY], NOW, NOW + timedelta(days=1))
    assert route.call_count == 3


@pytest.mark.parametrize(
    "body",
    [b'{"trunc', b'{"items": "not a list"}', b'{"items": [{"id": "x"}]}', b"<html>oops</html>"],
)
async def test_a_malformed_body_is_reported(
    backend: HttpCalendarBackend, mock: respx.MockRouter, body: bytes
) -> None:
    mock.get(EVENTS).respond(200, content=body, headers={"Content-Type": "application/json"})
    with pytest.raises(MalformedResponseError) as info:
        await backend.list_events(PRIMARY, NOW, NOW + timedelta(days=1))
    assert "/calendars/primary/events" in info.value.message


async def test_an_event_that_breaks_our_rules_is_malformed(
    backend: HttpCalendarBackend, mock: respx.MockRouter
) -> None:
    backwards = {**GOOGLE_EVENT, "end": {"dateTime": "2026-03-03T09:00:00Z"}}
    mock.get(f"{EVENTS}/evt123").respond(200, json=backwards)
    with pytest.raises(MalformedResponseError) as info:
        await backend.get_event(PRIMARY, "evt123")
    assert "evt123" in info.value.message


async def test_free_busy_request_and_reply_have_googles_shape(
    backend: HttpCalendarBackend, mock: respx.MockRouter
) -> None:
    reply = {
        "kind": "calendar#freeBusy",
        "timeMin": "2026-03-02T09:00:00Z",
        "timeMax": "2026-03-03T09:00:00Z",
        "calendars": {
            "primary": {
                "busy": [{"start": "2026-03-02T10:00:00+01:00", "end": "2026-03-02T11:00:00+01:00"}]
            }
        },
    }
    route = mock.post(f"{BASE}/freeBusy").respond(200, json=reply)
    result = await backend.free_busy([PRIMARY], NOW, NOW + timedelta(days=1))
    sent = json.loads(route.calls.last.request.content)
    assert sent == {
        "timeMin": "2026-03-02T09:00:00Z",
        "timeMax": "2026-03-03T09:00:00Z",
        "items": [{"id": "primary"}],
    }
    busy = result.calendars[PRIMARY]
    assert [(b.start, b.end) for b in busy] == [(NOW, NOW + timedelta(hours=1))]


async def test_an_unknown_key_is_none_and_a_known_key_is_the_event(
    backend: HttpCalendarBackend, mock: respx.MockRouter
) -> None:
    missing = {"error": {"reason": "not_found", "message": "no write", "hint": ""}}
    mock.get(f"{BASE}/idempotencyKeys/nope").respond(404, json=missing)
    mock.get(f"{BASE}/idempotencyKeys/k%2F1").respond(
        200, json={"calendarId": "primary", "event": GOOGLE_EVENT}
    )
    assert await backend.find_event_by_key("nope") is None
    found = await backend.find_event_by_key("k/1")
    assert found is not None
    assert found.id == "evt123"
    mock.get(f"{BASE}/idempotencyKeys/gone").respond(404, json={"detail": "Not Found"})
    with pytest.raises(ToolRefusedError):
        await backend.find_event_by_key("gone")


async def test_a_retried_write_with_its_key_creates_once(
    backend: HttpCalendarBackend, mock: respx.MockRouter, clock: FakeClock
) -> None:
    server = SandboxCalendarBackend(seed=0, clock=clock)
    calls: list[str] = []

    async def create(request: httpx.Request) -> httpx.Response:
        key = request.headers["Idempotency-Key"]
        calls.append(key)
        body = json.loads(request.content)
        start = datetime.fromisoformat(body["start"]["dateTime"])
        new = NewEvent(
            summary=body["summary"],
            timezone=body["start"]["timeZone"],
            start=start,
            end=datetime.fromisoformat(body["end"]["dateTime"]),
        )
        created = await server.create_event(PRIMARY, new, key)
        if len(calls) == 1:
            raise httpx.ReadTimeout("the reply was lost")  # committed, but the client never knows
        return httpx.Response(200, json=dump(event_resource(created)))

    mock.post(EVENTS).mock(side_effect=create)
    event = await backend.create_event(PRIMARY, _new(), "key-once")
    assert calls == ["key-once", "key-once"]
    assert event.idempotency_key == "key-once"
    page = await server.list_events(PRIMARY, NOW, NOW + timedelta(days=3))
    assert [e.summary for e in page.items].count("Lunch") == 1
    assert server.audit() == []


async def test_a_lost_write_reply_without_retries_left_is_an_unknown_outcome(
    clock: FakeClock, mock: respx.MockRouter
) -> None:
    client = HttpCalendarBackend(BASE, clock=clock, retry=RetryPolicy(max_attempts=1))
    mock.delete(f"{EVENTS}/evt123").mock(side_effect=httpx.ReadTimeout("lost"))
    with pytest.raises(OutcomeUnknownError) as info:
        await client.cancel_event(PRIMARY, "evt123", "key-del")
    assert info.value.key == "key-del"
    await client.aclose()


async def test_writes_send_the_key_and_the_conflict_flag(
    backend: HttpCalendarBackend, mock: respx.MockRouter
) -> None:
    route = mock.post(EVENTS).respond(200, json=GOOGLE_EVENT)
    await backend.create_event(PRIMARY, _new(), "key-2", allow_conflict=True)
    request = route.calls.last.request
    assert request.headers["Idempotency-Key"] == "key-2"
    assert request.url.params["allowConflict"] == "true"
    body = json.loads(request.content)
    assert body["start"] == {"dateTime": "2026-03-03T14:00:00Z", "timeZone": "Europe/Lisbon"}
