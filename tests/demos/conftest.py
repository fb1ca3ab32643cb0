"""Fixtures of the CLI tests: a state folder per test, a pinned time, the small ``tables`` agent."""

from __future__ import annotations

from pathlib import Path

import pytest

from plangate.agents import catalog

CLI_NOW = "2026-03-09T09:00:00Z"
"""The moment every CLI test runs at (``$PLANGATE_NOW``): Monday 9 March 2026, 09:00 UTC, when
the reservation scenarios run too. Never the real time, so no test depends on the hour."""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``$PLANGATE_HOME`` in a fresh folder, the time pinned, the ``tables`` agent registered."""
    folder = tmp_path / "state"
    monkeypatch.setenv("PLANGATE_HOME", str(folder))
    monkeypatch.setenv("PLANGATE_NOW", CLI_NOW)
    monkeypatch.setenv("PLANGATE_TZ", "UTC")  # moments are shown in this zone, not the machine's
    monkeypatch.setenv("COLUMNS", "160")  # wide enough that table cells do not wrap
    monkeypatch.delenv("PLANGATE_MODEL", raising=False)
    monkeypatch.setitem(catalog.AGENTS, "tables", "tests.demos.cli_agent")
    return folder
