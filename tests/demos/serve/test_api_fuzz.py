"""Every route of the API, fuzzed from its own OpenAPI document: never a 5xx, every 4xx a JSON
``ErrorBody``, every reply as the document says.

The server is a real one on loopback (uvicorn in a thread with its own event loop, over a fresh
state folder), so runs that fuzzed requests start live on in that loop like they would in
production. Thread ids are sometimes swapped for ones that exist, so requests get past the 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import Case, CheckContext
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import positive_data_acceptance

from plangate.demos.serve.openapi import openapi_document
from plangate.demos.serve.protocol import ErrorBody
from tests.demos.serve.api import loopback

THREADS = ["t1", "t2"]


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a loopback server over a fresh state folder, with threads t1 and t2."""
    with loopback(tmp_path_factory.mktemp("served"), THREADS) as url:
        yield url


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
