"""``plangate serve``: what it refuses before it listens (each a one-line error, exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from plangate.demos.cli import app


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--host", "0.0.0.0"], "refusing to listen on 0.0.0.0: beyond loopback the API needs"),
        (["--store", "mysql://x"], "--store must be sqlite:PATH or postgresql://"),
        (["--workers", "2"], "--workers needs a postgresql:// --store, got sqlite:"),
        (["--workers", "-1"], "Invalid value for '--workers'"),
        (
            ["--store", "postgresql://u@h/db", "--now", "2026-03-09T09:00Z"],
            "without --workers, the plangate worker processes run them: give each of them --now",
        ),
        (["--agent", "tests.demos.cli_agent:NOPE"], "tests.demos.cli_agent has no 'NOPE'"),
        (["--agent", "plangate.demos.serve.app:ERRORS"], "is a dict, not an Agent, an AgentSpec"),
        (["--agent", "nope"], "unknown agent 'nope'; choose one of: reservation, trading"),
    ],
)
def test_serve_refuses_before_it_listens(
    tmp_path: Path, options: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLANGATE_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--store", f"sqlite:{tmp_path}", *options])
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
