"""``plangate run AGENT REQUEST --plan FILE``: a workflow file runs instead of a plan."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from plangate.demos.cli.commands import app
from plangate.graphs.engine.plan_file import load_plan
from plangate.graphs.traces.format import RunRecord, read_trace

WORKFLOW = """\
steps:
  - id: find
    tool: search_restaurants
    args: {city: Lisbon, party_size: 2, date: "2026-03-11", limit: 3}
"""


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_a_workflow_file_runs_with_no_planner(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "find.yaml"
    path.write_text(WORKFLOW)
    # The request matches nothing in the agent's grammar: only the file can make this plan.
    result = invoke("run", "tables", "tables from my workflow", "--plan", str(path))
    assert result.exit_code == 0, result.output
    assert "plan ready: find search_restaurants" in result.stdout
    assert "✓ step find search_restaurants done" in result.stdout
    assert "3 venue(s) found" in result.stdout


def test_a_bad_workflow_file_is_bad_usage_naming_the_step(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("steps:\n  - id: find\n    args: {}\n")
    result = invoke("run", "tables", "anything", "--plan", str(path))
    assert result.exit_code == 2
    assert "step 1 ('find'), field tool: Field required" in result.output


def test_a_workflow_run_is_traced_with_its_plan(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "find.yaml"
    path.write_text(WORKFLOW)
    trace = tmp_path / "t.jsonl"
    result = invoke("run", "tables", "my workflow", "--plan", str(path), "--trace", str(trace))
    assert result.exit_code == 0, result.output
    (run,) = read_trace(trace).of_type(RunRecord)
    assert run.plan == load_plan(path).model_dump(mode="json")
    replayed = invoke("replay", str(trace))
    assert replayed.exit_code == 0, replayed.output
