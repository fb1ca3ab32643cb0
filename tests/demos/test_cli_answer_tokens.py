"""The command line shows the answer's tokens as they stream, then the answer as before."""

from __future__ import annotations

import io

from rich.console import Console

from plangate.demos.cli.render import Progress, ProgressTree
from plangate.graphs.engine.events import AnswerToken, Event, FinalAnswer, RunStarted


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
