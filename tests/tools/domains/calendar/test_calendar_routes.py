"""The REST API's shape and its refusals, over an in-memory ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from plangate.tools.domains.calendar.routes import PREFIX, router
from plangate.tools.domains.calendar.sandbox import SandboxCalendarBackend
from plangate.tools.domains.server import create_app

EVENTS = "/calendar/calendars/primary/events"
WEEK = {"timeMin": "2026-03-02T09:00:00Z", "timeMax": "2026-03-09T09:00:00Z"}
BODY: dict[str, Any] = {
    "summary": "Lunch",
    "start": {"dateTime": "2026-03-02T13:00:00Z", "timeZone": "Europe/Lisbon"},
    "end": {"dateTime": "2026-03-02T14:00:00Z", "timeZone": "Europe/Lisbon"},
    "attendees": [{"email": "ana@example.com"}],
}


@pytest.fixture
async def client(sandbox: SandboxCalendarBackend) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app([(PREFIX, router(sandbox))])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as http:
        yield http


def _refusal(response: httpx.Response, status: int, reason: str) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["reason"] == reason
    assert error["hint"]
    return str(error["message"])


async def test_listing_has_googles_shape(client: httpx.AsyncClient) -> None:
    params = {**WEEK, "singleEvents": "true", "orderBy": "startTime", "maxResults": "3"}
    body = (await client.get(EVENTS, params=params)).json()
    assert body["kind"] == "calendar#events"
    assert len(body["items"]) == 3
    assert body["nextPageToken"]
    item = body["items"][0]
    assert item["kind"] == "calendar#event"
    assert set(item["start"]) == {"dateTime", "timeZone"}
    assert "recurringEventId" in item
    more = await client.get(EVENTS, params={**params, "pageToken": body["nextPageToken"]})
    assert more.json()["items"][0]["id"] != item["id"]


async def test_without_single_events_series_are_listed_as_google_does(
    client: httpx.AsyncClient,
) -> None:
    items = (await client.get(EVENTS, params=WEEK)).json()["items"]
    assert any(item.get("recurrence") for item in items)
    assert not any("recurringEventId" in item for item in items)


async def test_the_last_page_has_no_token(client: httpx.AsyncClient) -> None:
    body = (await client.get(EVENTS, params={**WEEK, "maxResults": "2500"})).json()
    assert "nextPageToken" not in body


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"timeMax": WEEK["timeMax"]}, "timeMin is required"),
        ({**WEEK, "timeMin": "yesterday"}, "not an RFC 3339 timestamp"),
        ({**WEEK, "timeMin": "2026-03-02T09:00:00"}, "not an RFC 3339 timestamp"),
        ({**WEEK, "orderBy": "startTime"}, "needs singleEvents=true"),
        ({**WEEK, "orderBy": "updated", "singleEvents": "true"}, "not supported"),
        ({**WEEK, "singleEvents": "yes"}, "not a boolean"),
        ({**WEEK, "maxResults": "ten"}, "not a whole number"),
        ({**WEEK, "maxResults": "0"}, "out of range"),
    ],
)
async def test_bad_listing_parameters_are_422(
    client: httpx.AsyncClient, params: dict[str, str], fragment: str
) -> None:
    assert fragment in _refusal(await client.get(EVENTS, params=params), 422, "invalid")


async def test_insert_needs_an_idempotency_key_and_a_valid_body(client: httpx.AsyncClient) -> None:
    assert "Idempotency-Key" in _refusal(await client.post(EVENTS, json=BODY), 422, "invalid")
    keyed = {"Idempotency-Key": "k1"}
    bad_json = await client.post(EVENTS, content=b"{nope", headers=keyed)
    assert "not JSON" in _refusal(bad_json, 422, "invalid")
    naive = {**BODY, "start": {"dateTime": "2026-03-02T13:00:00", "timeZone": "Europe/Lisbon"}}
    assert "start.dateTime" in _refusal(
        await client.post(EVENTS, json=naive, headers=keyed), 422, "invalid"
    )
    bad_zone = {**BODY, "start": {**BODY["start"], "timeZone": "Moon/Base"}}
    assert "unknown time zone" in _refusal(
        await client.post(EVENTS, json=bad_zone, headers=keyed), 422, "invalid"
    )


async def test_insert_get_and_delete_round_trip(client: httpx.AsyncClient) -> None:
    created = await client.post(EVENTS, json=BODY, headers={"Idempotency-Key": "k1"})
    assert created.status_code == 200
    event = created.json()
    assert event["extendedProperties"] == {"private": {"idempotencyKey": "k1"}}
    assert event["attendees"] == [{"email": "ana@example.com"}]
    again = await client.post(EVENTS, json=BODY, headers={"Idempotency-Key": "k1"})
    assert again.json() == event
    assert (await client.get(f"{EVENTS}/{event['id']}")).json() == event
    found = (await client.get("/calendar/idempotencyKeys/k1")).json()
    assert found == {"calendarId": "primary", "event": event}
    deleted = await client.delete(f"{EVENTS}/{event['id']}", headers={"Idempotency-Key": "k2"})
    assert deleted.status_code == 200
    assert deleted.json()["status"] == "cancelled"
    assert "Idempotency-Key" in _refusal(
        await client.delete(f"{EVENTS}/{event['id']}"), 422, "invalid"
    )


async def test_conflicts_are_409_unless_allowed(client: httpx.AsyncClient) -> None:
    await client.post(EVENTS, json=BODY, headers={"Idempotency-Key": "k1"})
    clash = await client.post(EVENTS, json=BODY, headers={"Idempotency-Key": "k2"})
    assert "overlaps" in _refusal(clash, 409, "conflict")
    forced = await client.post(
        EVENTS, json=BODY, headers={"Idempotency-Key": "k3"}, params={"allowConflict": "true"}
    )
    assert forced.status_code == 200


async def test_unknown_things_are_404(client: httpx.AsyncClient) -> None:
    _refusal(await client.get("/calendar/idempotencyKeys/nope"), 404, "not_found")
    _refusal(await client.get(f"{EVENTS}/nope"), 404, "not_found")
    _refusal(await client.get("/calendar/calendars/nobody/events", params=WEEK), 404, "not_found")


async def test_free_busy_has_googles_shape(client: httpx.AsyncClient) -> None:
    query = {**WEEK, "items": [{"id": "primary"}, {"id": "colleague@example.com"}]}
    body = (await client.post("/calendar/freeBusy", json=query)).json()
    assert body["kind"] == "calendar#freeBusy"
    assert set(body["calendars"]) == {"primary", "colleague@example.com"}
    first = body["calendars"]["primary"]["busy"][0]
    assert set(first) == {"start", "end"}
    assert first["start"].endswith("Z")
    missing = await client.post("/calendar/freeBusy", json={"timeMin": WEEK["timeMin"]})
    assert "timeMax" in _refusal(missing, 422, "invalid")
