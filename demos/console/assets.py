"""Serving the console: ``/`` answers its page, ``/console/…`` its scripts, styles and library.

The files are served from a fixed listing taken from ``static/`` when the router is made, so a
path that is not one of them is a 404 whatever it spells (no ``..`` can reach beyond the
folder). Every answer carries a Content-Security-Policy that allows scripts from this server
only, plus the page's one inline script (its import map) by hash: were markup ever to slip
into the page, a planted ``<script>`` or ``onerror=`` attribute would still not run.

The page and its assets hold no data, so they are served without the bearer token (see
``plangate.demos.serve.access``); everything they show comes from the API, which the page
calls with the token typed into it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.exceptions import HTTPException

STATIC = Path(__file__).with_name("static")
"""The console's files."""
PREFIX = "/console/"
"""Where its assets are served."""

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
_IMPORT_MAP = re.compile(r'<script type="importmap">(.*?)</script>', re.DOTALL)


def content_security_policy(page: str) -> str:
    """The policy for ``page``: own scripts, styles and API calls only; its import map by hash."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
        for m in _IMPORT_MAP.findall(page)
    )
    return (
        "default-src 'none'; "
        f"script-src 'self' {hashes}; "
        "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _listing() -> dict[str, Path]:
    return {
        path.relative_to(STATIC).as_posix(): path
        for path in sorted(STATIC.rglob("*"))
        if path.is_file() and path.suffix in _TYPES
    }


def console_router() -> APIRouter:
    """The routes serving the console (left out of the OpenAPI document: they are no API)."""
    router = APIRouter(include_in_schema=False)
    files = _listing()
    page = files["index.html"].read_text(encoding="utf-8")
    headers = {
        "Content-Security-Policy": content_security_policy(page),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }

    @router.get("/")
    async def index() -> Response:
        return Response(page, media_type=_TYPES[".html"], headers=headers)

    @router.get(PREFIX + "{name:path}")
    async def asset(name: str) -> Response:
        path = files.get(name)
        if path is None:
            raise HTTPException(404, f"the console has no file {name!r}")
        return Response(path.read_bytes(), media_type=_TYPES[path.suffix], headers=headers)

    return router
