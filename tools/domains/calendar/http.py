"""``HttpCalendarBackend``: the ``CalendarBackend`` over REST, shaped like Google Calendar API v3.

The endpoints are those of ``plangate.tools.domains.calendar.routes`` (events.list, events.insert,
events.get, events.delete, freebusy.query, plus our lookup by key); the JSON is
``plangate.tools.domains.calendar.wire``.

**Idempotency mapping.** Google makes ``events.insert`` idempotent through a client-chosen event
``id``: a second insert with the same id fails with 409 *duplicate*, and the client must then
fetch the event. We send the write's key in an ``Idempotency-Key`` header instead, as every
plangate API does: the server records it with the event it created (echoed back as the private
extended property ``idempotencyKey``), a repeated key returns the first result with 200 instead
of a 409, and ``GET /idempotencyKeys/{key}`` — our extension, with no Google equivalent —
answers whether a write with that key took effect. Deletes carry a key the same way.

**Retries.** Reads, and writes that carry their key, are retried on 429/5xx and lost replies (see
``plangate.tools.http``). ``POST /freeBusy`` is a query despite its verb: it carries a key derived
from its body, so the same rules retry it, and a lost reply is reported as a timeout, not as a write
of unknown outcome.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError

from plangate.tools.domains.calendar.backend import (
    DEFAULT_PAGE_SIZE,
    check_duration,
    check_page_size,
    check_window,
)
from plangate.tools.domains.calendar.models import (
    Event,
    EventPage,
    FreeBusy,
    FreeSlot,
    NewEvent,
    WorkingHours,
)
from plangate.tools.domains.calendar.slots import free_slots
from plangate.tools.domains.calendar.wire import (
    CalendarId,
    EventResource,
    EventsPage,
    FreeBusyReply,
    FreeBusyRequest,
    KeyedEvent,
    dump,
    event_from_resource,
    event_input,
)
from plangate.tools.errors import (
    MalformedResponseError,
    OutcomeUnknownError,
    ToolRefusedError,
    ToolTimeoutError,
)
from plangate.tools.http import HttpBackend

SERVICE = "calendar"


def _stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _events_path(calendar_id: str, event_id: str | None = None) -> str:
    path = f"/calendars/{quote(calendar_id, safe='')}/events"
    return f"{path}/{quote(event_id, safe='')}" if event_id is not None else path


class HttpCalendarBackend(HttpBackend):
    """A calendar service reached over HTTP.

    Args:
        base_url: the API's root, e.g. ``http://127.0.0.1:8765/calendar``.
        token: a bearer token, if the server wants one.
        timeout: seconds for connect, read and write.
        retry: attempts and backoff (``plangate.tools.http`` decides what is safe to retry).
        clock: backoff sleeps on it; free slots are never in its past.
        transport: an httpx transport (tests).
        seed: seeds the backoff jitter.
    """

    SERVICE = SERVICE

    def _event(self, resource: EventResource, calendar_id: str, response_to: str) -> Event:
        try:
            return event_from_resource(resource, calendar_id)
        except ValidationError as exc:
            raise MalformedResponseError(
                f"{SERVICE}: the reply to {response_to} holds an invalid event {resource.id!r}: "
                f"{exc.errors()[0]['msg']}",
                service=SERVICE,
                body=resource.model_dump_json(),
            ) from exc

    async def list_events(
        self,
        calendar_id: str,
        time_min: datetime,
        time_max: datetime,
        *,
        page_token: str | None = None,
        max_results: int = DEFAULT_PAGE_SIZE,
        single_events: bool = True,
    ) -> EventPage:
        check_window(time_min, time_max)
        check_page_size(max_results)
        params: dict[str, Any] = {
            "timeMin": _stamp(time_min),
            "timeMax": _stamp(time_max),
            "singleEvents": "true" if single_events else "false",
            "maxResults": max_results,
        }
        if single_events:
            params["orderBy"] = "startTime"
        if page_token:
            params["pageToken"] = page_token
        path = _events_path(calendar_id)
        page = await self.get_json(path, EventsPage, params=params)
        items = tuple(self._event(item, calendar_id, f"GET {path}") for item in page.items)
        return EventPage(items=items, next_page_token=page.next_page_token)

    async def get_event(self, calendar_id: str, event_id: str) -> Event:
        path = _events_path(calendar_id, event_id)
        return self._event(await self.get_json(path, EventResource), calendar_id, f"GET {path}")

    async def free_busy(
        self, calendar_ids: Sequence[str], time_min: datetime, time_max: datetime
    ) -> FreeBusy:
        check_window(time_min, time_max)
        items = [CalendarId(id=calendar_id) for calendar_id in calendar_ids]
        body = dump(FreeBusyRequest(time_min=time_min, time_max=time_max, items=items))
        query_key = "freebusy-" + hashlib.sha256(repr(body).encode()).hexdigest()[:32]
        try:
            reply = await self.send_json(
                "POST", "/freeBusy", FreeBusyReply, json=body, idempotency_key=query_key
            )
        except OutcomeUnknownError as exc:
            raise ToolTimeoutError(f"{SERVICE}: POST /freeBusy got no reply: {exc}") from exc
        return _free_busy(reply)

    async def find_free_slots(
        self,
        calendar_id: str,
        time_min: datetime,
        time_max: datetime,
        duration: timedelta,
        hours: WorkingHours | None = None,
    ) -> list[FreeSlot]:
        check_duration(duration)
        result = await self.free_busy([calendar_id], time_min, time_max)
        busy = result.calendars.get(calendar_id, ())
        return free_slots(busy, time_min, time_max, duration, hours, not_before=self.clock.now())

    async def create_event(
        self,
        calendar_id: str,
        event: NewEvent,
        idempotency_key: str,
        *,
        allow_conflict: bool = False,
    ) -> Event:
        path = _events_path(calendar_id)
        resource = await self.send_json(
            "POST",
            path,
            EventResource,
            json=dump(event_input(event)),
            params={"allowConflict": "true"} if allow_conflict else None,
            idempotency_key=idempotency_key,
        )
        return self._event(resource, calendar_id, f"POST {path}")

    async def cancel_event(self, calendar_id: str, event_id: str, idempotency_key: str) -> Event:
        path = _events_path(calendar_id, event_id)
        resource = await self.send_json(
            "DELETE", path, EventResource, idempotency_key=idempotency_key
        )
        return self._event(resource, calendar_id, f"DELETE {path}")

    async def find_event_by_key(self, idempotency_key: str) -> Event | None:
        path = f"/idempotencyKeys/{quote(idempotency_key, safe='')}"
        try:
            found = await self.get_json(path, KeyedEvent)
        except ToolRefusedError as exc:
            if exc.reason == "not_found":
                return None
            raise
        return self._event(found.event, found.calendar_id, f"GET {path}")


def _free_busy(reply: FreeBusyReply) -> FreeBusy:
    return FreeBusy(
        time_min=reply.time_min,
        time_max=reply.time_max,
        calendars={cid: tuple(periods.busy) for cid, periods in reply.calendars.items()},
    )
