"""What the CLI draws: the live tree folded from events, event lines, answer and approval tables."""

from __future__ import annotations

import io
from typing import Any

from pydantic import BaseModel
from rich.console import Console

from plangate.demos.cli.answer_view import answer_view
from plangate.demos.cli.approval_view import approvals_view
from plangate.demos.cli.render import Progress, ProgressTree, event_line
from plangate.graphs.engine.events import (
    ApprovalRequested,
    Event,
    FinalAnswer,
    PlanReady,
    Replanning,
    RunFailed,
    RunStarted,
    StepFinished,
    StepStarted,
    VerdictIssued,
)

PLAN = {
    "steps": [
        {"id": "find", "tool": "search_restaurants", "args": {}, "depends_on": []},
        {"id": "book", "tool": "book_table", "args": {}, "depends_on": ["find"]},
        {"id": "note", "tool": "create_event", "args": {}, "depends_on": ["book"]},
    ]
}
RUN: list[Event] = [
    RunStarted(thread_id="t1", request="book [a] table"),
    PlanReady(plan=PLAN),
    StepStarted(step_id="find", tool="search_restaurants", args={"city": "Lisbon"}),
    StepFinished(step_id="find", tool="search_restaurants", status="done", summary="3 item(s)",
                 duration=0.012),
    VerdictIssued(verdict={"guardrail": "approve_writes", "action": "require_approval",
                           "reason": "writes need approval", "step_id": "book"}),
    ApprovalRequested(approvals=[{"id": "book", "tool": "book_table", "args": {}, "reasons": []}]),
]  # fmt: skip


def render(tree: ProgressTree) -> str:
    console = Console(file=io.StringIO(), width=120, color_system=None)
    console.print(tree.render())
    out = console.file
    assert isinstance(out, io.StringIO)
    return out.getvalue()


def test_the_tree_shows_each_step_with_its_state_timing_and_summary() -> None:
    tree = ProgressTree("tables · t1")
    for event in RUN:
        tree.apply(event)
    assert {k: v.state for k, v in tree.steps.items()} == {
        "find": "done", "book": "approval", "note": "pending",
    }  # fmt: skip
    text = render(tree)
    assert "✓ find search_restaurants  done 12ms  3 item(s)" in text
    assert "? book book_table ← find  approval" in text
    assert "· note create_event ← book  pending" in text


def test_rejections_failures_and_the_end_are_folded_in() -> None:
    tree = ProgressTree("t")
    for event in [
        *RUN,
        VerdictIssued(verdict={"guardrail": "human", "action": "block", "reason": "no",
                               "step_id": "book"}),
        Replanning(failed={"book": "rejected by a person: no", "note": "skipped"}, attempt=1),
        RunFailed(error="BudgetExceededError", message="out of retries"),
    ]:  # fmt: skip
        tree.apply(event)
    assert tree.steps["book"].state == "rejected"
    assert tree.steps["note"].state == "failed"
    text = render(tree)
    assert "↻ re-plan 1 after book, note" in text
    assert "✗ BudgetExceededError: out of retries" in text


def test_a_resume_repeating_events_changes_nothing() -> None:
    once, twice = ProgressTree("t"), ProgressTree("t")
    for event in RUN:
        once.apply(event)
    for event in [*RUN, *RUN[4:]]:
        twice.apply(event)
    assert render(once) == render(twice)


def test_without_a_terminal_each_event_is_one_line() -> None:
    out = io.StringIO()
    progress = Progress(Console(file=out, width=120), "t")
    assert not progress.live
    with progress.segment():
        for event in [*RUN, FinalAnswer(response={"summary": "ok"})]:
            progress.show(event)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(RUN) + 1
    assert lines[0] == "run t1 started: book [a] table"
    assert lines[3] == "✓ step find search_restaurants done in 12ms: 3 item(s)"
    assert lines[-1] == "★ answer ready"


def test_a_long_event_line_wraps_at_words_under_its_text() -> None:
    out = io.StringIO()
    progress = Progress(Console(file=out, width=40), "t", live=False)
    for event in RUN:
        progress.show(event)
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 40
    assert lines[1:4] == [
        "plan ready: find search_restaurants,",
        "  book book_table, note create_event",
        "  step find search_restaurants running",
    ]
    assert lines[4] == '    {"city": "Lisbon"}', "a step line's continuation goes under its text"


def test_on_a_terminal_a_live_tree_is_drawn() -> None:
    out = io.StringIO()
    console = Console(file=out, width=100, force_terminal=True, color_system=None)
    progress = Progress(console, "tables · t1")
    assert progress.live
    with progress.segment():
        for event in RUN:
            progress.show(event)
    drawn = out.getvalue()
    assert "tables · t1" in drawn
    assert "find search_restaurants" in drawn
    assert "run t1 started" not in drawn, "lines were printed instead of the tree"


def test_event_lines_cover_every_kind() -> None:
    assert (
        str(event_line(RunStarted(thread_id="t", request="r", resumed=True))) == "run t resumed: r"
    )
    assert "re-plan ready" in str(event_line(PlanReady(plan=PLAN, replan=True)))
    assert "skipped" in str(event_line(StepFinished(step_id="a", tool="x", status="skipped")))
    failed = event_line(RunFailed(error="E", message="m"))
    assert str(failed) == "✗ run failed: E: m"
    # A refusal's sentence is printed once, on stderr; the progress line only says nothing ran.
    refused = event_line(RunFailed(error="RequestRefusedError", message="I can't do that: x"))
    assert str(refused) == "✗ refused: nothing was done"


class Line(BaseModel):
    id: str
    price: dict[str, Any]
    note: str | None = None


class Answer(BaseModel):
    summary: str
    lines: list[Line]
    tags: list[str]
    extra: dict[str, Any]
    missing: str | None = None


def test_the_answer_has_a_row_per_field_and_a_table_per_list_of_records() -> None:
    answer = Answer(
        summary="ok [done]",
        lines=[Line(id="rsv-1", price={"amount": "40.00", "currency": "EUR"})],
        tags=["a", "b"],
        extra={"k": [1, 2], "deep": {"x": 1}, "more": 2, "and": 3},
    )
    console = Console(file=io.StringIO(), width=160, color_system=None)
    console.print(answer_view(answer))
    out = console.file
    assert isinstance(out, io.StringIO)
    text = out.getvalue()
    assert "Answer" in text
    assert "ok [done]" in text
    assert "rsv-1" in text
    assert "40.00 EUR" in text
    assert "note" not in text, "a column with no values is shown"
    assert "a, b" in text
    assert '{"k": [1, 2], "deep": {"x": 1}, "more": 2, "and": 3}' in text
    assert "missing" not in text, "a field with nothing in it is shown"
    assert not {"┃", "│"} & set(text), "a table is drawn inside a table"


def test_the_approvals_table_shows_ids_tools_args_and_reasons() -> None:
    console = Console(file=io.StringIO(), width=160, color_system=None)
    approvals = [{"id": "book", "tool": "book_table", "args": {"party_size": 2},
                  "reasons": ["writes need approval [policy 9]"]}]  # fmt: skip
    console.print(approvals_view(approvals))
    out = console.file
    assert isinstance(out, io.StringIO)
    text = out.getvalue()
    for part in ("book", "book_table", '"party_size": 2', "writes need approval [policy 9]"):
        assert part in text
