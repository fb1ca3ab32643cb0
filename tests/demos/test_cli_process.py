"""The CLI as real processes: a fast import, and a pause in one process resumed by another."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plangate.demos.cli.commands import app
from plangate.demos.cli.session import Session
from plangate.tools.clock import FakeClock
from plangate.tools.domains.restaurants.sandbox import SandboxRestaurantBackend
from plangate.tools.ledger import WriteState
from plangate.tools.ledger_sqlite import SQLiteLedger
from tests.demos.conftest import CLI_NOW

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "langgraph",
    "langchain",
    "langchain_core",
    "plangate.agents",
    "plangate.graphs",
    "fastapi",
    "uvicorn",
    "bm25s",
    "numpy",
)


def plangate(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PLANGATE_HOME": str(home), "COLUMNS": "200", "PLANGATE_NOW": CLI_NOW}
    env.pop("PLANGATE_MODEL", None)
    return subprocess.run(
        [sys.executable, "-m", "plangate.demos", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_importing_the_cli_imports_no_heavy_module() -> None:
    code = (
        "import json, sys; import plangate.demos.cli.commands; "
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == []


def test_a_run_paused_in_one_process_is_resumed_by_another_with_one_booking(
    tmp_path: Path,
) -> None:
    request = "Book a table for 4 at a Thai restaurant in Lisbon tomorrow at 8pm"
    first = plangate(tmp_path, "run", "reservation", request, "--thread", "proc1")
    assert first.returncode == 4, first.stdout + first.stderr
    hint = re.search(r"plangate resume proc1 ((?:--approve \S+ ?)+)", first.stdout)
    assert hint, first.stdout
    second = plangate(tmp_path, "resume", "proc1", *hint[1].split())
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Booked: table rsv-" in second.stdout
    restaurants = Session(tmp_path).load_world("sandbox", FakeClock()).restaurants
    assert isinstance(restaurants, SandboxRestaurantBackend)
    assert len(restaurants.reservations()) == 1
    ledger = SQLiteLedger(tmp_path / "ledger.db")
    try:
        assert [e.state for e in ledger.entries()] == [WriteState.COMMITTED]
    finally:
        ledger.close()


def test_graph_prints_the_mermaid_diagram(home: Path) -> None:
    result = CliRunner().invoke(app, ["graph", "reservation"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("---\ntitle: reservation (plan strategy)\n---\nflowchart TD\n")
    for node in ("guard_input", "plan", "dispatch", "call_tool", "replan", "respond"):
        assert f'    {node}["<b>{node}</b>' in result.stdout
    assert "react" not in result.stdout  # the other strategy's node is not drawn


def test_graph_png_without_mmdc_says_what_to_install(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = CliRunner().invoke(app, ["graph", "reservation", "--png", str(tmp_path / "g.png")])
    assert result.exit_code == 2
    assert "npm install -g @mermaid-js/mermaid-cli" in result.stderr
    assert not (tmp_path / "g.png").exists()


def test_graph_png_renders_with_a_local_mmdc(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    mmdc = bin_dir / "mmdc"
    # A stand-in renderer: copies the Mermaid source to the output, as proof it received it.
    mmdc.write_text('#!/bin/sh\ncp "$2" "$4"\n', encoding="utf-8")
    mmdc.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    target = tmp_path / "g.png"
    result = CliRunner().invoke(app, ["graph", "reservation", "--png", str(target)])
    assert result.exit_code == 0, result.output
    assert "flowchart TD" in target.read_text(encoding="utf-8")
    assert f"wrote {target}" in result.stderr


def test_unknown_agent_for_graph_is_a_usage_error(home: Path) -> None:
    result = CliRunner().invoke(app, ["graph", "nope"])
    assert result.exit_code == 2
    assert "unknown agent 'nope'" in result.stderr
