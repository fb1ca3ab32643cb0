"""A value from a tool result in an argument its tool refuses stops the run: exit 3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plangate.agents import catalog
from plangate.demos.cli.commands import app


@pytest.fixture
def fly(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setitem(catalog.AGENTS, "fly", "tests.demos.sink_agent")
    return home


def test_a_passenger_named_by_a_search_result_is_refused_even_with_yes(fly: Path) -> None:
    result = CliRunner().invoke(app, ["run", "fly", "fly the crew to madrid", "--yes", "--json"])
    assert result.exit_code == 3, result.output
    said = " ".join(result.stderr.split())  # rich wraps long lines
    assert (
        "blocked by untrusted_write_refusal: book_flight refuses untrusted values in "
        "passengers[0].first_name from flights search_flights result [0].segments[0].carrier"
    ) in said
    assert "approval requested" not in said  # refused before anyone is asked


def test_a_passenger_the_request_names_is_booked(fly: Path) -> None:
    result = CliRunner().invoke(
        app, ["run", "fly", "fly ada lovelace to madrid", "--yes", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["status"] == "booked"
