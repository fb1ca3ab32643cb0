"""Who may talk to the server, and how much: the bind check, the bearer token, the body limit.

- ``check_binding``: a server binds to loopback unless it has a token; beyond loopback without
  one it refuses to start, since anyone on the network could then run agents and approve writes.
- ``AccessMiddleware``: with a token, every route but ``GET /health`` and the web console's
  page and assets (``/``, ``/console/…``: static files holding no data) needs
  ``Authorization: Bearer <token>`` (401 otherwise); a request body above the limit is refused
  with 413 before the application reads it, whether it declares its length or streams it.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from plangate.tools.errors import UsageError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PUBLIC_PATHS = frozenset({"/health", "/"})
"""The routes open without a token."""
PUBLIC_PREFIX = "/console/"
"""The web console's assets, open without a token too (the page asks for it, then calls the API)."""

DEFAULT_MAX_BODY = 256 * 1024
"""The largest request body accepted, in bytes."""


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_binding(host: str, token: str | None) -> None:
    """Refuse to serve beyond loopback without a bearer token.

    Raises:
        UsageError: ``host`` is not a loopback address and no token is given.
    """
    if not is_loopback(host) and not token:
        raise UsageError(
            f"refusing to listen on {host}: beyond loopback the API needs a bearer token "
            "(--token or $PLANGATE_TOKEN); anyone who reaches it could run agents and approve writes"
        )


async def _refuse(send: Send, status: int, error: str, detail: str) -> None:
    body = json.dumps({"error": error, "detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class AccessMiddleware:
    """Checks the token and the body size before the application sees a request.

    Args:
        app: the application.
        token: the bearer token every non-public route needs, or ``None`` for none.
        max_body: the largest body accepted, in bytes.
    """

    def __init__(self, app: ASGIApp, *, token: str | None, max_body: int = DEFAULT_MAX_BODY):
        self.app = app
        self.token = token
        self.max_body = max_body

    def _authorized(self, scope: Scope) -> bool:
        path = str(scope.get("path"))
        if self.token is None or path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIX):
            return True
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, credential = given.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            credential.strip().encode(), self.token.encode()
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self._authorized(scope):
            await _refuse(
                send, 401, "unauthorized", "this route needs Authorization: Bearer <token>"
            )
            return
        too_large = f"the request body is larger than {self.max_body} bytes"
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _refuse(send, 413, "too_large", too_large)
            return
        # A streamed body (no length given) is read up to the limit before the app runs.
        chunks: list[Message] = []
        size = 0
        while True:
            message = await receive()
            chunks.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.max_body:
                await _refuse(send, 413, "too_large", too_large)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()

        await self.app(scope, replay, send)
