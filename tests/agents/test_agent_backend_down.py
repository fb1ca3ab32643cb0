"""Both assistants against a backend that is down: a BackendError naming the service, at once.

Before, each re-planned around the failure with a document search whose query was the error text,
which failed in turn, and the run ended out of budget ("the planner's output kept failing").
"""

from __future__ import annotations

import httpx
import pytest
import respx

from plangate.agents import Agent
from plangate.agents.catalog import agent_spec
from plangate.demos.scenarios.reservation import NOW as RESERVATION_NOW
from plangate.demos.scenarios.trading import NOW as TRADING_NOW
from plangate.graphs.engine.events import Event, Replanning, StepRetrying, StepStarted
from plangate.tools.clock import FakeClock
from plangate.tools.domains.backends import bind_tools, http_backends

SERVER = "http://127.0.0.1:9"

CASES = {
    "trading": ("What is the price of AAPL?", TRADING_NOW, "market"),
    "reservation": ("Find Thai restaurants in Lisbon tomorrow for 4", RESERVATION_NOW, ""),
}


@pytest.mark.parametrize("failure", ["unreachable", "503"])
@pytest.mark.parametrize("name", sorted(CASES))
@respx.mock
async def test_a_dead_backend_ends_the_run_with_a_backend_error_naming_it(
    name: str, failure: str
) -> None:
    request, now, service = CASES[name]
    route = respx.route(url__startswith=SERVER)
    if failure == "unreachable":
        route.mock(side_effect=httpx.ConnectError("All connection attempts failed"))
    else:
        route.respond(503, json={"error": {"message": "down for maintenance"}})
    clock = FakeClock(now)
    backends = http_backends(SERVER, clock=clock)
    agent = Agent(agent_spec(name), bind_tools(backends), clock=clock)
    events: list[Event] = [e async for e in agent.stream(request, thread_id="t")]
    result = await agent.result("t")
    await backends.aclose()
    assert result.status == "failed"
    assert result.error is not None
    assert result.error["type"] == "BackendError"
    assert result.error["service"] == (service or result.error["service"])
    assert result.error["message"].startswith(f"{result.error['service']}: ")
    assert result.error.get("status") == (None if failure == "unreachable" else "503")
    # No re-plan, so no search whose query is the error text.
    assert not [e for e in events if isinstance(e, Replanning)]
    started = [e for e in events if isinstance(e, StepStarted)]
    assert all(not e.step_id.startswith("why_") for e in started)
    assert all("cannot connect" not in str(e.args) for e in started)
    retries = [e for e in events if isinstance(e, StepRetrying)]
    assert retries
    assert {e.max_attempts for e in retries} == {4}
    assert sum(clock.sleeps) <= 1.75 * len(started)  # the waits of each step are bounded
