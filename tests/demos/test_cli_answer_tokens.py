"""The command line shows the answer's tokens as they stream, then the answer as before."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from plangate.demos.cli.commands import app
from plangate.demos.cli.render import Progress, ProgressTree
from plangate.graphs.engine.events import AnswerToken, Event, FinalAnswer, RunStarted
from tests.demos.test_cli_models import ANSWER, MODELS, PLAN, REQUEST
from tests.fakes.providers import FakeProvider


def lines_of(events: list[Event]) -> str:
    console = Console(file=io.StringIO(), width=200, color_system=None)
    progress = Progress(console, "t", live=False)
    for event in events:
        progress.show(event)
    out = console.file
    assert isinstance(out, io.StringIO)
    return out.getvalue()


def test_tokens_are_printed_as_they_come_on_one_line_of_their_own() -> None:
    out = lines_of(
        [
            RunStarted(thread_id="t1", request="tea"),
            AnswerToken(text='{"summary": '),
            AnswerToken(text='"tea is 4"}'),
            FinalAnswer(response={"summary": "tea is 4"}),
        ]
    )
    assert out.splitlines()[1:] == ['{"summary": "tea is 4"}', "★ answer ready"]


def test_a_second_attempt_starts_a_line_of_its_own() -> None:
    out = lines_of(
        [
            AnswerToken(text="first"),
            AnswerToken(text="second", attempt=2),
            FinalAnswer(response={}),
        ]
    )
    assert out.splitlines() == ["first", "↻ the answer again:", "second", "★ answer ready"]


def test_escape_sequences_in_tokens_are_never_printed() -> None:
    out = lines_of([AnswerToken(text="tea\x1b]0;owned\x07 is 4"), FinalAnswer(response={})])
    assert "\x1b" not in out
    assert out.startswith("tea is 4\n")


def test_the_live_tree_follows_the_answer_being_written_until_it_is_ready() -> None:
    tree = ProgressTree("t")
    tree.apply(AnswerToken(text="Tea\nis "))
    tree.apply(AnswerToken(text="4." * 80))
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(tree.render())
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "✎ …" in shown
    assert shown.rstrip().endswith("4.4.")
    tree.apply(AnswerToken(text="again", attempt=2))
    assert tree.draft == "again"
    tree.apply(FinalAnswer(response={}))
    assert tree.draft == ""


@pytest.fixture
def provider(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProvider]:
    """The fake provider, with the OpenAI SDK pointed at it."""
    with FakeProvider() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", f"{fake.url}/v1")
        monkeypatch.delenv("OPENAI_API_BASE", raising=False)
        yield fake


def test_plangate_run_prints_the_answer_as_it_streams_then_renders_it(
    provider: FakeProvider,
) -> None:
    provider.script(PLAN, ANSWER)
    result = CliRunner().invoke(
        app, ["run", "tables", REQUEST, "--model", MODELS["openai"], "--thread", "t1"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()  # the progress and the answer
    streamed = json.dumps({"summary": "3 venues found", "venues": []})
    assert streamed in lines  # the tokens, joined on their own line
    assert lines.index(streamed) < next(i for i, s in enumerate(lines) if "answer ready" in s)
    assert "3 venues found" in result.stdout  # the structured answer, rendered as before
