"""``plangate.client``: the Python client of ``plangate serve`` (an Agent Protocol shaped API).

The client lives with the server it talks to (``plangate.demos.serve.client``); this module
gives it the short name users import, so their code does not depend on where the server's
package keeps it::

    import asyncio

    from plangate.client import Client, RequestRejectedError


    async def book() -> None:
        async with Client("http://127.0.0.1:8000", token=None) as client:
            thread = await client.create_thread(metadata={"user": "ana"})
            run = await client.wait(thread.thread_id, "reservation", "book a table for 2 in Lisbon")
            if run.status == "paused":  # a booking waits for a person's approval
                decisions = {pending["id"]: "approve" for pending in run.approvals}
                run = await client.resume(thread.thread_id, decisions)
            print(run.status, run.response, run.created_at, run.updated_at)


    asyncio.run(book())

A 4xx answer raises ``RequestRejectedError`` (its ``status``, ``error`` code and ``detail``);
an unreachable server or a 5xx raises ``ServerFailedError``. Threads and runs come back as
``ThreadInfo`` and ``RunInfo``; ``StoredEvent`` is one event of a run's stream.
"""

from __future__ import annotations

from plangate.demos.serve.client import (
    Client,
    RequestRejectedError,
    RunInfo,
    ServerFailedError,
    StoredEvent,
    ThreadInfo,
)

__all__ = [
    "Client",
    "RequestRejectedError",
    "RunInfo",
    "ServerFailedError",
    "StoredEvent",
    "ThreadInfo",
]
