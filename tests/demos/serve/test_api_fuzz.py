"""Every route of the API, fuzzed from its own OpenAPI document: never a 5xx, every 4xx a JSON
``ErrorBody``, every reply as the document says.

The server is a real one on loopback (uvicorn in a thread with its own event loop, over a fresh
state folder), so runs that fuzzed requests start live on in that loop like they would in
production. Thread ids are sometimes swapped for ones that exist, so requests get past the 404.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import Case, CheckContext
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import positive_data_acceptance

from plangate.demos.serve.app import create_app
from plangate.demos.serve.catalog import resolve_agents
from plangate.demos.serve.local import local_service
from plangate.demos.serve.openapi import openapi_document
from plangate.demos.serve.protocol import ErrorBody
from plangate.tools.clock import PinnedClock
from tests.demos.serve.api import NOW, TABLES

THREADS = ["t1", "t2"]


def _serve(root: Path, sock: socket.socket, ready: threading.Event, stop: threading.Event) -> None:
    async def main() -> None:
        specs = resolve_agents([TABLES])
        async with local_service(root, specs, clock=PinnedClock(NOW)) as service:
            for thread_id in THREADS:
                await service.create_thread(thread_id)
            app = create_app(service, max_body=4096, wait_seconds=2)
            server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="off"))
            serving = asyncio.create_task(server.serve(sockets=[sock]))
            ready.set()  # the socket listens already: connections wait in its backlog
            await asyncio.to_thread(stop.wait, 120)
            server.should_exit = True
            await serving

    asyncio.run(main())


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a loopback server over a fresh state folder."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    ready, stop = threading.Event(), threading.Event()
    root = tmp_path_factory.mktemp("served")
    worker = threading.Thread(target=_serve, args=(root, sock, ready, stop), daemon=True)
    worker.start()
    assert ready.wait(10), "the server did not start within 10 s"
    yield f"http://127.0.0.1:{port}"
    stop.set()
    worker.join(10)
    sock.close()


# The committed document is the served one (test_api_access checks it), so nothing is fetched.
schema = schemathesis.openapi.from_dict(openapi_document())


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    if not isinstance(path_parameters, dict) or "thread_id" not in path_parameters:
        return st.just(path_parameters)
    ids = st.sampled_from([path_parameters["thread_id"], *THREADS])
    return ids.map(lambda thread_id: {**path_parameters, "thread_id": thread_id})


def json_error_body(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A 4xx carries ``{"error", "detail"}`` with a non-empty detail."""
    if 400 <= response.status_code < 500:
        body = ErrorBody.model_validate_json(response.content)
        assert body.detail.strip(), f"empty error detail: {response.content!r}"
    return None


# A schema-valid request may rightly be refused (a thread that exists already, a busy thread, a
# run id that is not there), so acceptance is not a property of this API.
@schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_route_answers_fuzzed_input_without_a_server_error(
    case: Case, server_url: str
) -> None:
    case.call_and_validate(
        base_url=server_url,
        additional_checks=[json_error_body],
        excluded_checks=[positive_data_acceptance],
    )
