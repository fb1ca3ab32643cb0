"""`plangate run --backend URL` with nothing listening there: exit 5, one line naming the service."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plangate.demos.cli.commands import app
from plangate.tools.clock import PinnedClock, SystemClock

MARKET_OPEN = "2026-03-02T15:00:00Z"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The backoff waits of the HTTP clients, recorded instead of slept."""
    waited: list[float] = []

    async def sleep(self: object, seconds: float) -> None:
        waited.append(seconds)

    for real in (SystemClock, PinnedClock):  # whichever clock the command gives its clients
        monkeypatch.setattr(real, "sleep", sleep)
    return waited


@pytest.mark.parametrize(
    ("agent", "request_text", "service", "step"),
    [
        ("trading", "What is the price of AAPL?", "market", "quote (get_quote)"),
        ("reservation", "Find Thai restaurants in Lisbon tomorrow for 4", "restaurants", "find"),
    ],
    ids=["trading", "reservation"],
)
def test_an_unreachable_backend_exits_5_with_one_line_naming_the_service(
    home: Path, waits: list[float], agent: str, request_text: str, service: str, step: str
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    result = CliRunner().invoke(
        app, ["run", agent, request_text, "--backend", url, "--now", MARKET_OPEN]
    )
    assert result.exit_code == 5, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    (line,) = [line for line in errors if line.startswith("failed")]
    assert line.startswith("failed (BackendError): ")
    assert f"{service}: cannot connect" in result.stderr
    assert f"step {step}" in result.stderr
    assert "gave up after 4 attempts" in line
    assert f"{service} unreachable, retrying (2/4) in " in result.stdout
    assert "retrying (4/4)" in result.stdout
    assert "replanning" not in result.stdout
    assert "BudgetExceededError" not in result.output
    assert 0 < sum(waits) <= 1.75 * 3  # at most three steps waited, each a few seconds at most


def test_the_exit_codes_are_in_the_help() -> None:
    result = CliRunner().invoke(app, ["run", "--help"])
    assert result.exit_code == 0
    assert "5 a backend or the model provider failed" in " ".join(result.output.split())
