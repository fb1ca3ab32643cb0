"""The FastAPI application: threads, runs, interrupts and their events over a ``RunService``.

Routes (shaped after LangChain's Agent Protocol)::

    GET  /health                                   open without a token
    GET  /agents                 POST /agents/search           GET /agents/{agent_id}
    POST /threads                POST /threads/search          GET /threads/{thread_id}
    GET  /threads/{thread_id}/runs                 the thread's runs, oldest first
    POST /threads/{thread_id}/runs                 start or resume; returns the run at once
    POST /threads/{thread_id}/runs/wait            the same, answering when the run ended
    POST /threads/{thread_id}/runs/stream          the same, answering with its events (SSE)
    GET  /threads/{thread_id}/runs/{run_id}        where the run stands
    GET  /threads/{thread_id}/runs/{run_id}/stream its events (SSE), after ``Last-Event-ID``
    POST /threads/{thread_id}/runs/{run_id}/cancel
    GET  /tools                  GET /tools/{name}             each tool's arguments' JSON schema
    POST /traces/replay                            replay a trace; the diff at the first divergence

Events are Server-Sent Events: ``id:`` (increasing within a thread), ``event:`` (the engine
event's ``kind``) and ``data:`` (the event as JSON, as ``plangate.graphs.engine.events``
defines it); a stream ends with ``event: end`` carrying the run as it ended. Its
``Content-Location`` header names the run (``/threads/{thread_id}/runs/{run_id}``). Every error is a
JSON ``ErrorBody``; no traceback ever leaves the server.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Annotated, Any

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match, Route

from plangate.agents import AgentSpec
from plangate.demos.console import console_router
from plangate.demos.serve.access import DEFAULT_MAX_BODY, AccessMiddleware
from plangate.demos.serve.protocol import (
    AgentInfo,
    ErrorBody,
    RunCreate,
    ThreadCreate,
    ThreadSearch,
)
from plangate.demos.serve.routes_tools import tools_router
from plangate.demos.serve.routes_traces import traces_router
from plangate.demos.serve.runs import (
    ConflictError,
    NotFoundError,
    RunInfo,
    RunService,
    ThreadInfo,
)
from plangate.tools.errors import UsageError

log = logging.getLogger(__name__)

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": what}
    for status, what in (
        (400, "the body cannot be read as JSON"),
        (401, "no or a wrong bearer token"),
        (404, "no such thread, run or agent"),
        (409, "the thread is busy, or its state forbids this"),
        (413, "the body is too large"),
        (422, "the request is malformed"),
    )
}
SSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}}, "description": "the run's events"}
}
_CODES = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}


def _error(
    status: int, error: str, detail: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": error, "detail": detail}, status_code=status, headers=headers)


def _handle_errors(app: FastAPI) -> None:
    @app.exception_handler(UsageError)
    async def usage(_: Request, exc: UsageError) -> JSONResponse:
        if isinstance(exc, NotFoundError):
            return _error(404, "not_found", str(exc))
        if isinstance(exc, ConflictError):
            return _error(409, "conflict", str(exc))
        return _error(422, "invalid_request", str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        return _error(422, "invalid_request", problems or "the request is malformed")

    @app.exception_handler(HTTPException)
    async def http(request: Request, exc: HTTPException) -> JSONResponse:
        code = _CODES.get(exc.status_code, "invalid_request")
        headers = exc.headers  # e.g. 405's Allow
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": _allowed(request)}
        return _error(exc.status_code, code, str(exc.detail), headers)

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        log.exception("request failed", exc_info=exc)
        return _error(500, "internal", "the server failed on this request; its log says why")


def _allowed(request: Request) -> str:
    """Every method the request's path answers to.

    Starlette's 405 names the methods of the first route matching the path only; a path
    served by two routes (``GET`` and ``POST /threads/{thread_id}/runs``) needs them all:
    those of every route with the same path template as that first one.
    """
    routes = [route for route in request.app.router.routes if isinstance(route, Route)]
    first = next(
        (route for route in routes if route.matches(request.scope)[0] is not Match.NONE), None
    )
    if first is None:
        return ""
    methods = {m for route in routes if route.path == first.path for m in route.methods or ()}
    return ", ".join(sorted(methods))


def _sse(event: str, data: str, event_id: int | None = None) -> bytes:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {data}\n\n".encode()


def _event_stream(body: AsyncIterator[bytes], run: RunInfo) -> StreamingResponse:
    where = {"Content-Location": f"/threads/{run.thread_id}/runs/{run.run_id}"}
    return StreamingResponse(body, media_type="text/event-stream", headers=where)


def _after(last_event_id: str | None) -> int:
    if last_event_id is None or not last_event_id.strip():
        return 0
    if not last_event_id.strip().isdigit():
        raise UsageError(f"Last-Event-ID must be an event id (a number), got {last_event_id!r}")
    return int(last_event_id)


def create_app(
    service: RunService,
    *,
    token: str | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    wait_seconds: float = 300.0,
    specs: Mapping[str, AgentSpec] | None = None,
) -> FastAPI:
    """The API over ``service``.

    Args:
        service: what runs the agents.
        token: the bearer token every route but ``/health`` needs, or ``None``.
        max_body: the largest request body, in bytes (413 above).
        wait_seconds: the longest ``/runs/wait`` waits before answering with the run as it is.
        specs: the served agents' specs, by name, for ``/traces/replay`` (an assistant served
            by name needs none).
    """
    app = FastAPI(
        title="plangate",
        version="1",
        summary="Tool-using agents with guarded plans, approvals and exactly-once writes.",
        responses=ERRORS,
    )
    _handle_errors(app)

    async def launch(thread_id: str, body: RunCreate) -> RunInfo:
        if body.command is not None:
            return await service.resume(thread_id, body.command.resume, body.metadata)
        if body.input is None or body.agent_id is None:  # RunCreate rules both out
            raise UsageError("a new run needs agent_id and input")
        return await service.start(thread_id, body.agent_id, body.input.request, body.metadata)

    async def stream(run: RunInfo, after: int) -> AsyncIterator[bytes]:
        async for stored in service.events(run.thread_id, run.run_id, after):
            yield _sse(str(stored.event.get("kind")), json.dumps(stored.event), stored.id)
        ended = await service.status(run.thread_id, run.run_id)
        yield _sse("end", ended.model_dump_json())

    @app.get("/health", tags=["meta"])
    async def health() -> dict[str, str]:
        """Whether the server answers (open without a token)."""
        return {"status": "ok"}

    @app.get("/agents", tags=["agents"])
    async def list_agents() -> list[AgentInfo]:
        """The agents served."""
        return [AgentInfo(agent_id=n, name=n, description=d) for n, d in service.agents().items()]

    @app.get("/agents/{agent_id}", tags=["agents"])
    async def get_agent(agent_id: str) -> AgentInfo:
        """One agent served."""
        served = service.agents()
        if agent_id not in served:
            raise NotFoundError(
                f"no agent {agent_id!r} is served; choose one of: {', '.join(served)}"
            )
        return AgentInfo(agent_id=agent_id, name=agent_id, description=served[agent_id])

    @app.post("/threads", tags=["threads"])
    async def create_thread(body: ThreadCreate) -> ThreadInfo:
        """Create a thread: a conversation with one agent, kept in its checkpoints."""
        return await service.create_thread(body.thread_id, body.metadata)

    @app.post("/threads/search", tags=["threads"])
    async def search_threads(body: ThreadSearch) -> list[ThreadInfo]:
        """Threads by status and agent, oldest first."""
        return await service.search_threads(
            status=body.status, agent_id=body.agent_id, limit=body.limit, offset=body.offset
        )

    @app.get("/threads/{thread_id}", tags=["threads"])
    async def get_thread(thread_id: str) -> ThreadInfo:
        """One thread."""
        return await service.thread(thread_id)

    @app.get("/threads/{thread_id}/runs", tags=["runs"])
    async def list_runs(thread_id: str) -> list[RunInfo]:
        """The thread's runs, oldest first: its start, then each resume."""
        return await service.runs(thread_id)

    @app.post("/threads/{thread_id}/runs", tags=["runs"])
    async def create_run(thread_id: str, body: RunCreate) -> RunInfo:
        """Start a run (``input``) or resume an interrupt (``command``); answers at once."""
        return await launch(thread_id, body)

    @app.post("/threads/{thread_id}/runs/wait", tags=["runs"])
    async def wait_run(thread_id: str, body: RunCreate) -> RunInfo:
        """Start or resume a run and answer when it ended (or paused for a decision)."""
        run = await launch(thread_id, body)
        return await service.wait(thread_id, run.run_id, wait_seconds)

    @app.post("/threads/{thread_id}/runs/stream", tags=["runs"], responses=SSE)
    async def stream_run(thread_id: str, body: RunCreate) -> StreamingResponse:
        """Start or resume a run and answer with its events as Server-Sent Events."""
        run = await launch(thread_id, body)
        return _event_stream(stream(run, 0), run)

    @app.get("/threads/{thread_id}/runs/{run_id}", tags=["runs"])
    async def get_run(thread_id: str, run_id: str) -> RunInfo:
        """Where a run stands: its status, and its answer, pending calls or error."""
        return await service.status(thread_id, run_id)

    @app.get("/threads/{thread_id}/runs/{run_id}/stream", tags=["runs"], responses=SSE)
    async def join_run(
        thread_id: str,
        run_id: str,
        last_event_id: Annotated[str | None, Header(max_length=20)] = None,
    ) -> StreamingResponse:
        """A run's events as Server-Sent Events, after ``Last-Event-ID`` when given."""
        run = await service.status(thread_id, run_id)
        return _event_stream(stream(run, _after(last_event_id)), run)

    @app.post("/threads/{thread_id}/runs/{run_id}/cancel", tags=["runs"])
    async def cancel_run(thread_id: str, run_id: str) -> RunInfo:
        """Stop a run; its checkpoints stay. An ended run is left as it is."""
        return await service.cancel(thread_id, run_id)

    app.include_router(tools_router())
    app.include_router(traces_router(lambda: service.agents(), specs))
    app.include_router(console_router())  # the web console, at /
    app.add_middleware(AccessMiddleware, token=token, max_body=max_body)
    return app
