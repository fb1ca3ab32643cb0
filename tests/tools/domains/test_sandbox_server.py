"""The sandbox REST server answers all five APIs, and tools give the same results over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from plangate.demos.cli.commands import app
from plangate.tools.clock import FakeClock
from plangate.tools.domains.backends import bind_tools, http_backends, sandbox_app, sandbox_backends
from plangate.tools.domains.catalog import all_tools
from plangate.tools.domains.server import FAULT_HEADER, serve_in_thread
from plangate.tools.executor import ToolExecutor

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in New York: market open

READS: list[tuple[str, dict[str, Any]]] = [
    ("list_events", {"time_min": "2026-03-02T00:00:00Z", "time_max": "2026-03-09T00:00:00Z"}),
    ("search_flights", {"origin": "LIS", "destination": "MAD", "departure_date": "2026-03-10"}),
    ("search_restaurants", {"city": "Lisbon", "party_size": 2, "date": "2026-03-10"}),
    ("search_documents", {"query": "business class long-haul flights"}),
    ("get_quote", {"symbol": "NVDA"}),
    ("get_bars", {"symbol": "AAPL"}),
    ("get_account", {}),
]


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    served = sandbox_backends(seed=3, clock=FakeClock(NOW))
    with serve_in_thread(sandbox_app(served)) as url:
        yield url


@pytest.mark.parametrize(("tool", "args"), READS, ids=[name for name, _ in READS])
async def test_tools_over_http_match_the_in_process_sandbox(
    server_url: str, tool: str, args: dict[str, Any]
) -> None:
    local = ToolExecutor(bind_tools(sandbox_backends(seed=3, clock=FakeClock(NOW))))
    clients = http_backends(server_url, clock=FakeClock(NOW))
    remote = ToolExecutor(bind_tools(clients))
    expected = await local.call(tool, args)
    try:
        got = await remote.call(tool, args)
    finally:
        await clients.aclose()
    assert got.result_json == expected.result_json
    assert expected.result_json not in ([], {}, None)


def test_every_api_is_mounted_and_faults_can_be_requested(server_url: str) -> None:
    with httpx.Client(base_url=server_url) as client:
        assert client.get("/health").json() == {"status": "ok"}
        paths = set(client.get("/openapi.json").json()["paths"])
        for prefix in ("/calendar", "/flights", "/restaurants", "/retrieval", "/market", "/broker"):
            assert any(path.startswith(prefix) for path in paths), prefix
        limited = client.get("/broker/v2/account", headers={FAULT_HEADER: "rate_limit"})
        assert limited.status_code == 429
        assert "Retry-After" in limited.headers


def test_the_catalog_lists_every_domain_tool() -> None:
    names = set(all_tools().names)
    expected = {
        "list_events", "find_free_slots", "create_event", "cancel_event",
        "search_flights", "get_offer", "book_flight", "cancel_booking",
        "search_restaurants", "check_availability", "book_table", "cancel_reservation",
        "search_documents", "get_document", "get_quote", "get_bars", "compute_indicator",
        "get_account", "get_positions", "place_order", "cancel_order",
    }  # fmt: skip
    assert expected <= names
    writes = {t.name for t in all_tools() if t.is_write}
    assert writes == {
        "create_event", "cancel_event", "book_flight", "cancel_booking", "book_table",
        "cancel_reservation", "place_order", "cancel_order",
    }  # fmt: skip


def test_cli_tools_json_lists_schemas() -> None:
    import json

    result = CliRunner().invoke(app, ["tools", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    by_name = {item["name"]: item for item in listed}
    assert set(by_name["book_table"]) == {"name", "description", "effect", "parameters"}
    assert by_name["book_table"]["effect"] == "write"
    assert by_name["get_quote"]["parameters"]["type"] == "object"


def test_cli_tools_table_and_sandbox_help() -> None:
    runner = CliRunner()
    table = runner.invoke(app, ["tools"])
    assert table.exit_code == 0
    assert "search_flights" in table.output
    serve = runner.invoke(app, ["sandbox", "serve", "--help"])
    assert serve.exit_code == 0
    assert "--seed" in serve.output


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        ("POST", "/calendar/freeBusy",
         '{"timeMin": "0001-01-01T00:00:00Z", "timeMax": "9999-12-31T00:00:00Z", '
         '"items": [{"id": "primary"}]}',
         422, "out of the range"),
        ("POST", "/calendar/freeBusy",
         '{"timeMin": "0001-01-01T00:00:00Z", "timeMax": "0001-01-02T00:00:00Z", '
         '"items": [{"id": "primary"}]}', 422, "out of the range"),
        ("GET", "/calendar/calendars/primary/events?timeMin=0001-01-01T00:00:00Z"
         "&timeMax=0001-01-02T00:00:00Z", None, 422, "out of the range"),
        ("POST", "/calendar/freeBusy", "[" * 5000 + "]" * 5000, 422, "nested too deeply"),
        ("POST", "/restaurants/v1/reservations", '{"venue_id": ' + "[" * 100_000 + "]" * 100_000
         + "}", 400, "nested too deeply"),
        ("GET", "/restaurants/v1/nowhere", None, 404, "Not Found"),
    ],
    ids=["year-1-to-9999", "year-1", "list-year-1", "nested-list", "nested-field", "no-route"],
)  # fmt: skip
def test_bad_input_is_a_4xx_with_the_shared_body_never_a_500(
    server_url: str, method: str, path: str, body: str | None, status: int, message: str
) -> None:
    response = httpx.request(
        method, server_url + path, content=body, timeout=30,
        headers={"Content-Type": "application/json", "Idempotency-Key": "k-deep"},
    )  # fmt: skip
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["reason"] == ("not_found" if status == 404 else "invalid")
    assert message in error["message"]
