"""Fixtures of the CLI tests: a state folder per test and the small ``tables`` agent."""

from __future__ import annotations

from pathlib import Path

import pytest

from plangate.agents import catalog


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``$PLANGATE_HOME`` in a fresh folder, and the ``tables`` agent registered."""
    folder = tmp_path / "state"
    monkeypatch.setenv("PLANGATE_HOME", str(folder))
    monkeypatch.setenv("COLUMNS", "160")  # wide enough that table cells do not wrap
    monkeypatch.delenv("PLANGATE_MODEL", raising=False)
    monkeypatch.setitem(catalog.AGENTS, "tables", "tests.demos.cli_agent")
    return folder
