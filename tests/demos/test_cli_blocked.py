"""A guardrail that refuses a call makes the run exit 3, even when the run still answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plangate.demos.cli.commands import app

MARKET_OPEN = "2026-03-02T15:00:00Z"  # Monday 10:00 in New York


@pytest.mark.parametrize(
    ("request_text", "guardrail"),
    [
        ("Buy 300 shares of MSFT", "max_order_notional"),
        ("Buy 5 shares of Tesla", "restricted_symbols"),
    ],
    ids=["notional", "restricted"],
)
def test_an_order_a_policy_refuses_exits_3_with_the_answer_and_the_reason(
    home: Path, request_text: str, guardrail: str
) -> None:
    result = CliRunner().invoke(
        app, ["run", "trading", request_text, "--yes", "--json", "--now", MARKET_OPEN]
    )
    assert result.exit_code == 3, result.output
    report = json.loads(result.stdout)  # the answer still comes, as JSON on stdout
    assert report["orders"] == []
    assert report["skipped"][0]["reason"] == "blocked_by_policy"
    assert f"blocked: order: blocked by {guardrail}" in result.stderr


def test_an_order_that_goes_through_exits_0(home: Path) -> None:
    result = CliRunner().invoke(
        app, ["run", "trading", "Buy 10 shares of AAPL", "--yes", "--json", "--now", MARKET_OPEN]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["orders"][0]["symbol"] == "AAPL"
    assert "blocked" not in result.stderr


def test_a_person_rejecting_the_order_is_an_answer_not_a_block(home: Path) -> None:
    first = CliRunner().invoke(
        app, ["run", "trading", "Buy 3 shares of Nvidia", "--thread", "nv", "--now", MARKET_OPEN]
    )
    assert first.exit_code == 4, first.output
    second = CliRunner().invoke(app, ["resume", "nv", "--reject", "order"])
    assert second.exit_code == 0, second.output
    assert "rejected by a person" in second.stdout
    assert "blocked:" not in second.stderr
