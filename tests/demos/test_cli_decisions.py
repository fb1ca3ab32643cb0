"""Decisions from ``resume`` options, and how a run's outcome maps to an exit code."""

from __future__ import annotations

import pytest

from plangate.demos.cli.runner import check_decisions, collect_decisions, exit_code, resume_hint
from plangate.graphs.engine.build import RunResult
from plangate.tools.errors import UsageError


def test_options_become_one_decision_per_id_with_the_reason() -> None:
    decisions = collect_decisions(
        ["a, b"], ["c"], ['d={"party_size": 2, "note": "a=b"}'], reason="checked"
    )
    assert decisions == {
        "a": {"action": "approve", "reason": "checked"},
        "b": {"action": "approve", "reason": "checked"},
        "c": {"action": "reject", "reason": "checked"},
        "d": {"action": "edit", "args": {"party_size": 2, "note": "a=b"}, "reason": "checked"},
    }
    assert collect_decisions(["a"], [], [], reason="") == {"a": {"action": "approve"}}
    check_decisions(decisions, ["a", "b", "c", "d"])


def test_a_bad_edit_names_its_id() -> None:
    with pytest.raises(UsageError, match="the edit for s2 is not valid JSON"):
        collect_decisions([], [], ["s2={"], reason="")


def test_missing_and_unknown_ids_list_the_pending_ones() -> None:
    with pytest.raises(
        UsageError, match=r"no decision for b; not pending: z\. Pending approvals: a, b"
    ):
        check_decisions({"a": "approve", "z": "approve"}, ["a", "b"])


@pytest.mark.parametrize(
    ("status", "error", "code"),
    [
        ("done", None, 0),
        ("paused", None, 4),
        ("blocked", {"type": "GuardrailBlockedError", "message": "no"}, 3),
        ("failed", {"type": "OutsideGrammarError", "message": "?"}, 2),
        ("failed", {"type": "BudgetExceededError", "message": "out"}, 1),
    ],
)
def test_exit_codes(status: str, error: dict[str, str] | None, code: int) -> None:
    result = RunResult(thread_id="t", status=status, error=error)  # type: ignore[arg-type]
    assert exit_code(result) == code


def test_the_resume_hint_approves_every_pending_id() -> None:
    approvals = [{"id": "a", "tool": "x"}, {"id": "b", "tool": "y"}]
    result = RunResult(thread_id="t9", status="paused", approvals=approvals)
    assert resume_hint(result) == "plangate resume t9 --approve a --approve b"
