"""The CLI as real processes: a fast import, and a pause in one process resumed by another."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
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
    assert "Booked a table for 4 at" in second.stdout
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


def test_graph_png_is_drawn_offline_and_differs_by_strategy(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no other program to call
    images = {}
    for strategy in ("plan", "react"):
        target = tmp_path / f"{strategy}.png"
        result = CliRunner().invoke(
            app, ["graph", "reservation", "--strategy", strategy, "--png", str(target)]
        )
        assert result.exit_code == 0, result.output
        assert f"wrote {target}" in result.stderr
        with Image.open(target) as image:
            image.load()
            assert image.format == "PNG"
            assert 800 <= image.width <= 6000, image.size  # two pixels per layout unit
            assert 800 <= image.height <= 6000, image.size
            images[strategy] = image.convert("RGB")
    assert images["plan"].size != images["react"].size or (
        images["plan"].tobytes() != images["react"].tobytes()
    )


def test_graph_png_to_a_folder_that_does_not_exist_is_a_clear_error(
    home: Path, tmp_path: Path
) -> None:
    target = tmp_path / "no" / "such" / "g.png"
    result = CliRunner().invoke(app, ["graph", "reservation", "--png", str(target)])
    assert result.exit_code == 2
    assert f"cannot write {target}" in " ".join(result.stderr.split())
    assert "Traceback" not in result.output


def test_unknown_agent_for_graph_is_a_usage_error(home: Path) -> None:
    result = CliRunner().invoke(app, ["graph", "nope"])
    assert result.exit_code == 2
    assert "unknown agent 'nope'" in result.stderr
