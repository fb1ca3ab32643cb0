"""``plangate replay`` (0 match, 1 diff, 2 unreadable) and ``plangate trace show``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from plangate.demos.cli.trace_commands import register
from tests.traces.agents import TRACES, Till

REPLICA = "tests.traces.agents:replica"


@pytest.fixture
def app() -> typer.Typer:
    cli = typer.Typer()

    @cli.callback()
    def root() -> None:
        """plangate"""

    register(cli)
    return cli


@pytest.fixture
def trace(tmp_path: Path) -> Path:
    return Path(shutil.copy(TRACES / "shop" / "offline_order.jsonl", tmp_path / "order.jsonl"))


def invoke(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_replay_exits_0_when_the_trace_matches_and_builds_no_backend(
    app: typer.Typer, trace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Till) -> None:
        raise AssertionError("the replay constructed a backend")

    monkeypatch.setattr(Till, "__init__", refuse)
    code, output = invoke(app, "replay", str(trace), "--agent", REPLICA)
    assert code == 0, output
    assert "replay matches (2 run(s), 0 model call(s), 2 tool call(s))" in output


def test_replay_exits_1_with_the_diff_when_it_diverges(app: typer.Typer, trace: Path) -> None:
    rows = [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        if row["type"] == "tool_call" and row["step_id"] == "order":
            row["args"]["qty"] = 5
    trace.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code, output = invoke(app, "replay", str(trace), "--agent", REPLICA)
    assert code == 1
    flat = " ".join(output.split())
    assert "step 'order' in thread 't1' called place_order with other arguments than" in flat
    assert '-    "qty": 5' in output
    assert '+    "qty": 2' in output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read the trace"),
        ('{"format": "plangate.trace", "version": 7}\n', "trace format version 7 is newer"),
        ('{"format": "plangate.trace", "version": 0}\n', "trace format version 0 is older"),
        ("hello\n", "line 1: not JSON"),
    ],
)
def test_an_unreadable_or_unknown_version_file_exits_2(
    app: typer.Typer, tmp_path: Path, content: str | None, expected: str
) -> None:
    path = tmp_path / "bad.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    for command in (["replay", str(path), "--agent", REPLICA], ["trace", "show", str(path)]):
        code, output = invoke(app, *command)
        assert code == 2, output
        assert expected in " ".join(output.split())


def test_an_agent_that_cannot_be_found_exits_2(app: typer.Typer, trace: Path) -> None:
    code, output = invoke(app, "replay", str(trace))
    assert code == 2
    assert "recorded by agent 'shop', which is not a demo agent" in " ".join(output.split())
    for reference, expected in [
        ("nowhere", "unknown agent 'nowhere'; choose one of: reservation, trading"),
        ("tests.traces.agents:nothing", "cannot load --agent"),
        ("tests.traces.agents:CARD", "is a str, not an Agent, an AgentSpec"),
    ]:
        code, output = invoke(app, "replay", str(trace), "--agent", reference)
        assert code == 2
        assert expected in " ".join(output.split())


def test_trace_show_draws_the_timeline(app: typer.Typer) -> None:
    code, output = invoke(app, "trace", "show", str(TRACES / "shop" / "offline_order.jsonl"))
    assert code == 0, output
    flat = " ".join(output.split())
    assert "shop · plan · model offline · format v1" in flat
    for what in ("run", "plan", "tool", "verdict", "approval", "decisions", "outcome", "answer"):
        assert f" {what} " in flat
    assert "writes need approval: place_order" in flat
    assert "paused" in flat
    assert "ms" in flat


def test_trace_show_puts_parallel_calls_in_lanes(app: typer.Typer) -> None:
    code, output = invoke(app, "trace", "show", str(TRACES / "shop" / "offline_prices.jsonl"))
    assert code == 0, output
    lanes = {line.split()[1] for line in output.splitlines() if " tool " in line}
    assert lanes == {"1", "2", "3"}
    code, output = invoke(app, "trace", "show", str(TRACES / "shop" / "react_model.jsonl"))
    assert "model" in output
    assert "tokens" in output


def test_a_demo_agents_trace_replays_without_constructing_any_sandbox(
    app: typer.Typer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import plangate.tools.domains.backends as backends

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the replay constructed a backend")

    monkeypatch.setattr(backends, "sandbox_backends", refuse)
    monkeypatch.setattr(backends, "http_backends", refuse)
    for name in ("Calendar", "Flight", "Restaurant", "Retrieval", "Market", "Broker"):
        monkeypatch.setattr(getattr(backends, f"Sandbox{name}Backend"), "__init__", refuse)
    path = TRACES / "reservation" / "trip.jsonl"
    code, output = invoke(app, "replay", str(path))  # the agent is found by the trace's name
    assert code == 0, output
    assert "replay matches (5 run(s), 0 model call(s), 10 tool call(s))" in " ".join(output.split())


def test_a_trace_nested_too_deeply_is_refused_in_one_line(app: typer.Typer, tmp_path: Path) -> None:
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"type": "header", "x": ' + "[" * 5000 + "]" * 5000 + "}\n", encoding="utf-8")
    for command in (["replay", str(deep)], ["trace", "show", str(deep)]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, result.output
        assert "line 1: the record nests deeper than 100 levels" in result.stderr
        assert "Traceback" not in result.output
