"""``plangate trace import``: an OpenAI chat log becomes a trace (0), or one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from plangate.demos.cli.trace_commands import register
from tests.graphs.traces.test_trace_import_turns import MULTI_TURN
from tests.traces.agents import OPENAI_LOG

REPLICA = "tests.traces.agents:replica"


@pytest.fixture
def app() -> typer.Typer:
    cli = typer.Typer()

    @cli.callback()
    def root() -> None:
        """plangate"""

    register(cli)
    return cli


def invoke(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


def test_a_multi_turn_log_imports_and_the_trace_replays(app: typer.Typer, tmp_path: Path) -> None:
    log = tmp_path / "chat.json"
    log.write_text(json.dumps({"model": "gpt-4o", "messages": MULTI_TURN}), encoding="utf-8")
    out = tmp_path / "traces" / "chat.jsonl"
    args = ("trace", "import", str(log), "--agent", REPLICA, "--name", "shop", "--out", str(out))
    code, output = invoke(app, *args)
    assert code == 0, output
    assert "imported 2 user turn(s), 3 tool call(s) (1 failed)" in output
    code, output = invoke(app, "replay", str(out), "--agent", REPLICA)
    assert code == 0, output
    assert "replay matches (2 run(s)" in output


def test_a_log_of_one_message_per_line_goes_next_to_it_by_default(
    app: typer.Typer, tmp_path: Path
) -> None:
    log = tmp_path / "chat.jsonl"
    log.write_text("".join(json.dumps(m) + "\n" for m in OPENAI_LOG), encoding="utf-8")
    code, output = invoke(app, "trace", "import", str(log), "--agent", REPLICA)
    assert code == 0, output
    assert (tmp_path / "chat.trace.jsonl").exists()
    code, output = invoke(app, "trace", "show", str(tmp_path / "chat.trace.jsonl"))
    assert code == 0, output
    assert "replica · react" in output


def test_one_conversation_of_several_is_chosen_by_line(app: typer.Typer, tmp_path: Path) -> None:
    log = tmp_path / "many.jsonl"
    log.write_text(
        "".join(json.dumps({"messages": m}) + "\n" for m in (OPENAI_LOG, MULTI_TURN)),
        encoding="utf-8",
    )
    code, output = invoke(app, "trace", "import", str(log), "--agent", REPLICA)
    assert code == 2
    assert "holds 2 conversations; import one per trace with --line N" in output
    code, output = invoke(app, "trace", "import", str(log), "--agent", REPLICA, "--line", "2")
    assert code == 0, output
    assert "imported 2 user turn(s)" in output


@pytest.mark.parametrize(
    ("content", "agent", "expected"),
    [
        (None, REPLICA, "cannot read"),
        ("{oops", REPLICA, "line 1 is not JSON"),
        ("", REPLICA, "is empty: expected an OpenAI chat log"),
        ([{"role": "system", "content": "hi"}], REPLICA, "the conversation has no user message"),
        (OPENAI_LOG[:-1], REPLICA, "does not end with the assistant's answer"),
        (OPENAI_LOG, "nowhere", "not a demo agent"),
        (OPENAI_LOG, "tests.traces.agents:nothing", "cannot load --agent"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    app: typer.Typer, tmp_path: Path, content: Any, agent: str, expected: str
) -> None:
    log = tmp_path / "chat.json"
    if content is not None:
        log.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    code, output = invoke(app, "trace", "import", str(log), "--agent", agent)
    assert code == 2, output
    assert output.startswith("error: cannot import")
    assert expected in output
    assert "Traceback" not in output
