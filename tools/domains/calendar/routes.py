"""The calendar REST API over any ``CalendarBackend``, shaped like Google Calendar API v3.

| method | path                                        | Google's name / note                       |
|--------|---------------------------------------------|--------------------------------------------|
| GET    | /calendars/{calendarId}/events              | events.list (timeMin, timeMax, singleEvents, orderBy=startTime, pageToken, maxResults) |
| POST   | /calendars/{calendarId}/events              | events.insert; ``Idempotency-Key`` header required; ``allowConflict=true`` (ours) double-books |
| GET    | /calendars/{calendarId}/events/{eventId}    | events.get                                 |
| DELETE | /calendars/{calendarId}/events/{eventId}    | events.delete; ``Idempotency-Key`` header required; replies 200 with the cancelled event (Google: 204, empty) |
| POST   | /freeBusy                                   | freebusy.query                             |
| GET    | /idempotencyKeys/{key}                      | our extension: the event a write with this key created or cancelled, or 404 |

Parameters and bodies are validated here rather than by FastAPI, so every bad request gets the
error body every plangate API uses (reason ``invalid``, status 422) and maps back to the same
``ToolRefusedError`` the in-process sandbox raises.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import TypeAdapter

from plangate.tools.domains.calendar.backend import DEFAULT_PAGE_SIZE, CalendarBackend, invalid
from plangate.tools.domains.calendar.models import AwareDatetime
from plangate.tools.domains.calendar.wire import (
    EventInput,
    EventResource,
    EventsPage,
    FreeBusyReply,
    FreeBusyRequest,
    KeyedEvent,
    dump,
    event_resource,
    free_busy_reply,
    new_event,
    validate,
)
from plangate.tools.domains.server import json_body
from plangate.tools.errors import ToolRefusedError
from plangate.tools.http import IDEMPOTENCY_HEADER

PREFIX = "/calendar"

_INSTANT: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)
# Parameters arrive as text and are parsed here, so that a bad one is refused in our words; the
# OpenAPI document still states what each one must be.
_INSTANT_DOC: dict[str, Any] = {"format": "date-time"}
_BOOL_DOC: dict[str, Any] = {"enum": ["true", "false"]}
_COUNT_DOC: dict[str, Any] = {"pattern": "^[0-9]+$"}


def _instant(name: str, value: str | None) -> datetime:
    if value is None:
        raise invalid(f"{name} is required", f"pass {name} as an RFC 3339 timestamp with offset")
    try:
        return _INSTANT.validate_python(value)
    except ValueError as exc:
        raise invalid(
            f"{name} {value!r} is not an RFC 3339 timestamp with an offset",
            f"write {name} like 2026-03-02T09:00:00Z",
        ) from exc


def _flag(name: str, value: str | None, default: bool) -> bool:
    if value is None:
        return default
    if value.lower() not in ("true", "false"):
        raise invalid(f"{name} {value!r} is not a boolean", f"pass {name}=true or {name}=false")
    return value.lower() == "true"


def _page_size(value: str | None) -> int:
    if value is None:
        return DEFAULT_PAGE_SIZE
    if not value.isdigit():
        raise invalid(f"maxResults {value!r} is not a whole number", "pass e.g. maxResults=50")
    return int(value)


def _key(request: Request) -> str:
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not key:
        raise invalid(
            f"{request.method} {request.url.path} needs an {IDEMPOTENCY_HEADER} header",
            "send a unique key per write, and the same key when retrying it",
        )
    return key


async def _json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body())
    except ValueError as exc:
        raise invalid(f"the request body is not JSON ({exc})", "send a JSON object") from exc


def _ok(data: dict[str, Any]) -> JSONResponse:
    return JSONResponse(data)


def router(backend: CalendarBackend) -> APIRouter:
    """The calendar API serving ``backend``."""
    api = APIRouter(tags=["calendar"])

    @api.get("/calendars/{calendar_id}/events", response_model=EventsPage)
    async def list_events(
        calendar_id: str,
        time_min: str | None = Query(None, alias="timeMin", json_schema_extra=_INSTANT_DOC),
        time_max: str | None = Query(None, alias="timeMax", json_schema_extra=_INSTANT_DOC),
        single_events: str | None = Query(None, alias="singleEvents", json_schema_extra=_BOOL_DOC),
        order_by: str | None = Query(
            None, alias="orderBy", json_schema_extra={"enum": ["startTime"]}
        ),
        page_token: str | None = Query(None, alias="pageToken"),
        max_results: str | None = Query(None, alias="maxResults", json_schema_extra=_COUNT_DOC),
    ) -> JSONResponse:
        single = _flag("singleEvents", single_events, default=False)
        if order_by not in (None, "startTime"):
            raise invalid(f"orderBy {order_by!r} is not supported", "use orderBy=startTime")
        if order_by == "startTime" and not single:
            raise invalid("orderBy=startTime needs singleEvents=true", "add singleEvents=true")
        page = await backend.list_events(
            calendar_id,
            _instant("timeMin", time_min),
            _instant("timeMax", time_max),
            page_token=page_token,
            max_results=_page_size(max_results),
            single_events=single,
        )
        reply = EventsPage(
            items=[event_resource(event) for event in page.items],
            next_page_token=page.next_page_token,
        )
        return _ok(dump(reply))

    @api.post(
        "/calendars/{calendar_id}/events",
        response_model=EventResource,
        openapi_extra=json_body(EventInput),
    )
    async def create_event(
        calendar_id: str,
        request: Request,
        allow_conflict: str | None = Query(
            None, alias="allowConflict", json_schema_extra=_BOOL_DOC
        ),
    ) -> JSONResponse:
        key = _key(request)
        body = validate(EventInput, await _json_body(request), "event")
        created = await backend.create_event(
            calendar_id,
            new_event(body),
            key,
            allow_conflict=_flag("allowConflict", allow_conflict, default=False),
        )
        return _ok(dump(event_resource(created)))

    @api.get("/calendars/{calendar_id}/events/{event_id}", response_model=EventResource)
    async def get_event(calendar_id: str, event_id: str) -> JSONResponse:
        return _ok(dump(event_resource(await backend.get_event(calendar_id, event_id))))

    @api.delete("/calendars/{calendar_id}/events/{event_id}", response_model=EventResource)
    async def cancel_event(calendar_id: str, event_id: str, request: Request) -> JSONResponse:
        cancelled = await backend.cancel_event(calendar_id, event_id, _key(request))
        return _ok(dump(event_resource(cancelled)))

    @api.post("/freeBusy", response_model=FreeBusyReply, openapi_extra=json_body(FreeBusyRequest))
    async def free_busy(request: Request) -> JSONResponse:
        query = validate(FreeBusyRequest, await _json_body(request), "free/busy request")
        result = await backend.free_busy(
            [item.id for item in query.items], query.time_min, query.time_max
        )
        return _ok(dump(free_busy_reply(result)))

    @api.get("/idempotencyKeys/{key:path}", response_model=KeyedEvent)
    async def find_by_key(key: str) -> JSONResponse:
        found = await backend.find_event_by_key(key)
        if found is None:
            raise ToolRefusedError(
                f"no write with idempotency key {key!r} took effect",
                reason="not_found",
                hint="the write was never performed; it is safe to perform it",
            )
        reply = KeyedEvent(calendar_id=found.calendar_id, event=event_resource(found))
        return _ok(dump(reply))

    return api
