"""A thin async client of ``plangate serve`` (httpx): threads, runs, approvals, events.

```python
from plangate.client import Client

async with Client("http://127.0.0.1:8000", token=None) as client:
    thread = await client.create_thread()
    run = await client.wait(thread.thread_id, "reservation", "book a table for 2 in Lisbon")
    if run.status == "paused":
        run = await client.resume(thread.thread_id, {a["id"]: "approve" for a in run.approvals})
```

It is importable as ``plangate.client`` (the name users know); this module is where it lives.
Runs may carry ``metadata`` (any JSON object of the caller's), shown back on the run.

Errors, translated from httpx in ``_check`` only::

    UsageError
    └── RequestRejectedError  the server answered 4xx (status, error code, detail)
    PlangateError
    └── ServerFailedError     unreachable, timing out, or a 5xx (status None when unreachable)
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from types import TracebackType
from typing import Any

import httpx

from plangate.demos.serve.runs import RunInfo, RunUsage, StoredEvent, ThreadInfo
from plangate.tools.errors import PlangateError, UsageError

__all__ = [
    "Client",
    "RequestRejectedError",
    "RunInfo",
    "RunUsage",
    "ServerFailedError",
    "StoredEvent",
    "ThreadInfo",
]


class RequestRejectedError(UsageError):
    """The server refused a request (4xx).

    Attributes:
        status: the HTTP status.
        error: the error code of its body, e.g. ``conflict``.
        detail: what it said was wrong.
    """

    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(f"the server answered {status} {error}: {detail}")
        self.status: int = status
        self.error: str = error
        self.detail: str = detail


class ServerFailedError(PlangateError):
    """The server could not be reached or failed (5xx).

    Attributes:
        status: the HTTP status, or ``None`` when it was not reached.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status: int | None = status


def _check(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    try:
        body = response.json()
        error, detail = str(body["error"]), str(body["detail"])
    except (ValueError, KeyError, TypeError):
        error, detail = "error", response.text[:200]
    if response.status_code < 500:
        raise RequestRejectedError(response.status_code, error, detail)
    raise ServerFailedError(
        f"the server failed ({response.status_code}): {detail}", response.status_code
    )


def _start(agent_id: str, request: str, metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    """The body of a run that starts ``agent_id`` on ``request``."""
    return {"agent_id": agent_id, "input": {"request": request}, "metadata": dict(metadata or {})}


def _resume(decisions: Mapping[str, Any], metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    """The body of a run that resumes an interrupt with ``decisions``."""
    return {"command": {"resume": dict(decisions)}, "metadata": dict(metadata or {})}


class Client:
    """Talks to one server.

    Args:
        url: the server's base URL, e.g. ``http://127.0.0.1:8000``.
        token: the bearer token, when the server needs one.
        timeout: seconds to wait for an answer (``wait`` and streams wait for the run).
        transport: an httpx transport (tests pass ``httpx.ASGITransport``).
    """

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        timeout: float = 330.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.AsyncClient(
            base_url=url, headers=headers, timeout=timeout, transport=transport
        )

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    async def _call(self, method: str, path: str, body: Any = None) -> Any:
        try:
            response = await self._http.request(method, path, json=body)
        except httpx.HTTPError as exc:
            raise ServerFailedError(f"cannot reach {self._http.base_url}: {exc}") from exc
        _check(response)
        return response.json()

    async def create_thread(
        self, thread_id: str | None = None, metadata: Mapping[str, Any] | None = None
    ) -> ThreadInfo:
        """A new thread."""
        body = {"thread_id": thread_id, "metadata": dict(metadata or {})}
        return ThreadInfo.model_validate(await self._call("POST", "/threads", body))

    async def thread(self, thread_id: str) -> ThreadInfo:
        """One thread."""
        return ThreadInfo.model_validate(await self._call("GET", f"/threads/{thread_id}"))

    async def start(
        self,
        thread_id: str,
        agent_id: str,
        request: str,
        *,
        metadata: Mapping[str, Any] | None = None,
    ) -> RunInfo:
        """Start ``agent_id`` on ``request``; answers at once."""
        body = _start(agent_id, request, metadata)
        return RunInfo.model_validate(await self._call("POST", f"/threads/{thread_id}/runs", body))

    async def wait(
        self,
        thread_id: str,
        agent_id: str,
        request: str,
        *,
        metadata: Mapping[str, Any] | None = None,
    ) -> RunInfo:
        """Start ``agent_id`` on ``request`` and answer when it ended or paused."""
        path = f"/threads/{thread_id}/runs/wait"
        return RunInfo.model_validate(
            await self._call("POST", path, _start(agent_id, request, metadata))
        )

    async def resume(
        self,
        thread_id: str,
        decisions: Mapping[str, Any],
        *,
        metadata: Mapping[str, Any] | None = None,
    ) -> RunInfo:
        """Resume the paused thread with a decision per pending id; answer when it ended."""
        path = f"/threads/{thread_id}/runs/wait"
        return RunInfo.model_validate(await self._call("POST", path, _resume(decisions, metadata)))

    async def status(self, thread_id: str, run_id: str) -> RunInfo:
        """Where a run stands."""
        path = f"/threads/{thread_id}/runs/{run_id}"
        return RunInfo.model_validate(await self._call("GET", path))

    async def runs(self, thread_id: str) -> list[RunInfo]:
        """The thread's runs, oldest first (its start, then each resume)."""
        found = await self._call("GET", f"/threads/{thread_id}/runs")
        return [RunInfo.model_validate(item) for item in found]

    async def cancel(self, thread_id: str, run_id: str) -> RunInfo:
        """Stop a run."""
        path = f"/threads/{thread_id}/runs/{run_id}/cancel"
        return RunInfo.model_validate(await self._call("POST", path))

    def stream(
        self,
        thread_id: str,
        *,
        agent_id: str | None = None,
        request: str | None = None,
        decisions: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[StoredEvent]:
        """Start (``agent_id`` and ``request``) or resume (``decisions``) a run; its events.

        Raises:
            UsageError: neither ``decisions`` nor both ``agent_id`` and ``request`` were given.
        """
        if decisions is not None:
            body = _resume(decisions, metadata)
        elif agent_id is not None and request is not None:
            body = _start(agent_id, request, metadata)
        else:
            raise UsageError("stream needs agent_id and request (a start) or decisions (a resume)")
        return self._events("POST", f"/threads/{thread_id}/runs/stream", body, {})

    def join(self, thread_id: str, run_id: str, *, after: int = 0) -> AsyncIterator[StoredEvent]:
        """A run's events after the event id ``after`` (what a dropped stream missed)."""
        headers = {"Last-Event-ID": str(after)} if after else {}
        return self._events("GET", f"/threads/{thread_id}/runs/{run_id}/stream", None, headers)

    async def _events(
        self, method: str, path: str, body: Any, headers: dict[str, str]
    ) -> AsyncIterator[StoredEvent]:
        try:
            async with self._http.stream(method, path, json=body, headers=headers) as response:
                if response.status_code >= 400:
                    await response.aread()
                    _check(response)
                # The run's own URL: ``/threads/{thread_id}/runs/{run_id}``.
                run_id = response.headers.get("content-location", "").rpartition("/")[2]
                fields: dict[str, str] = {}
                async for line in response.aiter_lines():
                    if line:
                        name, _, value = line.partition(": ")
                        fields[name] = value
                        continue
                    if fields.get("event") == "end":
                        return
                    if "id" in fields:
                        data = json.loads(fields["data"])
                        yield StoredEvent(id=int(fields["id"]), run_id=run_id, event=data)
                    fields = {}
        except httpx.HTTPError as exc:
            raise ServerFailedError(f"cannot reach {self._http.base_url}: {exc}") from exc
