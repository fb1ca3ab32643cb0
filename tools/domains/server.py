"""The sandbox REST server's frame: app factory, fault layer, error bodies, a loopback runner.

Each domain contributes an ``APIRouter`` over its sandbox backend (``tools/domains/<domain>/routes.py``);
``create_app`` mounts them and adds what every API shares:

- **Errors**: a ``ToolRefusedError`` raised by a sandbox becomes a JSON error body
  ``{"error": {"reason", "message", "hint"}}`` with status 404 (``not_found``), 422 (bad input) or
  409 (any other refusal) — the shape ``plangate.tools.http.map_http_error`` reads back. Requests
  the framework rejects (a parameter of the wrong type) get the same body with reason ``invalid``.
- **Faults**: a ``FaultPlan`` given at start, or the request header ``X-Plangate-Fault`` naming one
  fault (``timeout``, ``rate_limit``, ``server_error``, ``malformed``, ``reply_lost``), injects
  failures at the HTTP layer: 429 with ``Retry-After``, 503, a reply delayed by
  ``X-Plangate-Fault-Delay`` seconds (default 30), a truncated JSON body, or a write that commits
  and then answers 504 (the reply was lost).
- **Idempotency**: writes carry ``Idempotency-Key``; each sandbox records it with the resource it
  creates, so a repeated write returns the first result and changes nothing, and the same key sent
  with a different write is refused with 409 (reason ``idempotency_key_reused``; ``key_reused``
  in the flights API, which named it first).
- **OpenAPI**: ``/openapi.json`` documents what the server really answers: every operation's
  4xx replies as ``ErrorBody``, and the request bodies of routes that read their body themselves
  (``json_body``). A 405 lists in ``Allow`` every method the path serves.

``serve_in_thread`` runs an app on a free loopback port, for tests and for users' own suites.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from plangate.tools.errors import BackendError, ToolArgsError, ToolRefusedError, UsageError
from plangate.tools.faults import Fault, FaultPlan

FAULT_HEADER = "X-Plangate-Fault"
FAULT_DELAY_HEADER = "X-Plangate-Fault-Delay"
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")
_HTTP_REASONS = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}
_REF = "#/components/schemas/{model}"
_BODY_SCHEMAS = "x-plangate-schemas"  # carries a documented body's models to the components


class ErrorDetail(BaseModel):
    """What went wrong: a machine-readable reason, a sentence, and what to do about it."""

    reason: str = Field(min_length=1, description="e.g. not_found, invalid, sold_out.")
    message: str = Field(min_length=1, description="One sentence naming what was wrong.")
    hint: str = Field(description="What to do instead; may be empty.")


class ErrorBody(BaseModel):
    """The body of every 4xx and 5xx reply of the sandbox APIs."""

    error: ErrorDetail


def json_body(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` documenting ``model`` as a route's JSON request body.

    For routes that read their body themselves (to refuse a bad one in their own words), so the
    OpenAPI document still says what to send.
    """
    schema = model.model_json_schema(by_alias=True, ref_template=_REF)
    models = schema.pop("$defs", {})
    content = {"application/json": {"schema": schema}}
    return {"requestBody": {"required": True, "content": content}, _BODY_SCHEMAS: models}


def refusal_status(error: ToolRefusedError) -> int:
    """The HTTP status a refusal is served with."""
    if error.reason == "not_found":
        return 404
    if error.reason in ("invalid", "invalid_argument", "bad_request"):
        return 422
    return 409


def error_body(message: str, reason: str, hint: str = "") -> dict[str, dict[str, str]]:
    """The JSON error body every sandbox API uses."""
    return {"error": {"reason": reason, "message": message, "hint": hint}}


def create_app(
    mounts: Sequence[tuple[str, APIRouter]],
    *,
    faults: FaultPlan | None = None,
    title: str = "plangate sandbox",
) -> FastAPI:
    """A FastAPI app serving ``mounts`` (``(prefix, router)`` pairs) with errors and faults."""
    app = FastAPI(title=title)
    for prefix, router in mounts:
        app.include_router(router, prefix=prefix)
    _document_errors(app)

    @app.exception_handler(ToolRefusedError)
    async def refused(request: Request, exc: ToolRefusedError) -> JSONResponse:
        return JSONResponse(error_body(exc.message, exc.reason, exc.hint), refusal_status(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        return JSONResponse(error_body(f"invalid request: {problems}", "invalid"), 422)

    @app.exception_handler(ToolArgsError)
    async def bad_args(request: Request, exc: ToolArgsError) -> JSONResponse:
        return JSONResponse(error_body(exc.message, "invalid"), 422)

    # Input no model rejects but no computation can take: a date whose window runs past year
    # 9999 or before year 1, a body nested deeper than Python parses. It is the request's fault,
    # so it is a 422 with the shared body, never a 500.
    @app.exception_handler(OverflowError)
    async def out_of_range(request: Request, exc: OverflowError) -> JSONResponse:
        message = f"a date or number in the request is out of the range this API handles ({exc})"
        hint = "use dates well inside years 1 to 9999"
        return JSONResponse(error_body(message, "invalid", hint), 422)

    @app.exception_handler(RecursionError)
    async def too_deep(request: Request, exc: RecursionError) -> JSONResponse:
        return JSONResponse(error_body("the request body is nested too deeply", "invalid"), 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # The framework's own 4xx (an unknown path, a body it cannot parse) in the shared body.
        message = str(exc.detail)
        if message == "There was an error parsing the body":
            message = "the request body cannot be read as JSON (malformed, or nested too deeply)"
        reason = _HTTP_REASONS.get(exc.status_code, "invalid" if exc.status_code < 500 else "error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette names only the first route on the path; the path may serve several.
            headers["Allow"] = ", ".join(_allowed_methods(app, request))
        return JSONResponse(error_body(message, reason), exc.status_code, headers=headers)

    @app.exception_handler(BackendError)
    async def backend_failed(request: Request, exc: BackendError) -> JSONResponse:
        return JSONResponse(error_body(exc.message, "backend_error"), exc.status or 500)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    attempts: dict[tuple[str, str], int] = {}

    @app.middleware("http")
    async def inject_faults(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        fault = _choose_fault(request, faults, attempts)
        if fault is None:
            return await call_next(request)
        if fault is Fault.RATE_LIMIT:
            retry_after = faults.retry_after if faults else 1.0
            return JSONResponse(
                error_body("rate limited (injected)", "rate_limited"),
                429,
                headers={"Retry-After": f"{retry_after:g}"},
            )
        if fault is Fault.SERVER_ERROR:
            return JSONResponse(error_body("unavailable (injected)", "unavailable"), 503)
        if fault is Fault.TIMEOUT:
            await asyncio.sleep(float(request.headers.get(FAULT_DELAY_HEADER, "30")))
            return await call_next(request)
        response = await call_next(request)
        if fault is Fault.MALFORMED:
            return Response(
                '{"trunc', status_code=response.status_code, media_type="application/json"
            )
        # REPLY_LOST: the write went through; the client never hears so.
        return JSONResponse(error_body("gateway timeout (injected)", "reply_lost"), 504)

    return app


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    # Asked route by route, so that routers mounted with a prefix answer for their own routes.
    allowed: list[str] = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in app.router.routes):
            allowed.append(method)
    return allowed


def _document_errors(app: FastAPI) -> None:
    """Make ``app.openapi()`` describe the error bodies and request bodies the routes really use."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(title=app.title, version=app.version, routes=app.routes)
        schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
        error = ErrorBody.model_json_schema(ref_template=_REF)
        schemas.update(error.pop("$defs"))
        schemas["ErrorBody"] = error
        reply = {"application/json": {"schema": {"$ref": _REF.format(model="ErrorBody")}}}
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                schemas.update(operation.pop(_BODY_SCHEMAS, {}))
                responses = operation.setdefault("responses", {})
                # FastAPI documents its own validation body; ours answers with ErrorBody.
                responses.pop("422", None)
                responses["4XX"] = {"description": "Refused: see error.reason", "content": reply}
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        _describe_local_times(document)
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _describe_local_times(node: Any) -> None:
    # pydantic documents a ``time`` as JSON Schema's "time" (which needs an offset, 09:30:00Z) but
    # serializes a local time of day (09:30:00): say what is sent.
    if isinstance(node, dict):
        if node.get("format") == "time":
            node["format"] = "partial-time"
            node["pattern"] = r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"
        for value in node.values():
            _describe_local_times(value)
    elif isinstance(node, list):
        for value in node:
            _describe_local_times(value)


def _choose_fault(
    request: Request, plan: FaultPlan | None, attempts: dict[tuple[str, str], int]
) -> Fault | None:
    named = request.headers.get(FAULT_HEADER)
    if named:
        try:
            return Fault(named)
        except ValueError:
            return None
    if plan is None or request.url.path == "/health":
        return None
    write = request.method in _WRITE_METHODS
    key = request.headers.get("Idempotency-Key") or str(request.url)
    operation = f"{request.method} {request.url.path}"
    attempt = attempts.get((operation, key), 0) + 1
    attempts[(operation, key)] = attempt
    return plan.decide(operation, key, attempt, "write" if write else "read")


@contextmanager
def serve_in_thread(app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``app`` on loopback in a background thread; yield its base URL.

    Raises:
        UsageError: the server did not start within 10 seconds.
    """
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="plangate-sandbox", daemon=True)
    thread.start()
    started = threading.Event()
    for _ in range(1000):
        if server.started:
            started.set()
            break
        threading.Event().wait(0.01)
    if not started.is_set():
        server.should_exit = True
        raise UsageError(f"the sandbox server did not start on {host}:{port}")
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
