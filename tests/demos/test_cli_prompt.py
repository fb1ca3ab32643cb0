"""The terminal approval prompt: approving takes a word, Enter rejects."""

from __future__ import annotations

import io

from rich.console import Console

from plangate.demos.cli.runner import PromptApprover

ORDER = {"id": "order", "tool": "place_order", "args": {"symbol": "NVDA", "qty": 3}, "reasons": []}


def decide(answers: str) -> tuple[dict[str, object], str]:
    shown = io.StringIO()
    approver = PromptApprover(Console(file=shown, width=120), stream=io.StringIO(answers))
    return approver.decide([ORDER]), shown.getvalue()


def test_pressing_enter_rejects_and_says_so_in_the_prompt() -> None:
    decisions, shown = decide("\n\n")
    assert decisions == {"order": {"action": "reject", "reason": "rejected by the user"}}
    assert "(reject)" in shown  # the default is shown beside the choices


def test_approving_takes_the_word() -> None:
    decisions, _ = decide("approve\n")
    assert decisions == {"order": "approve"}


def test_an_unknown_answer_is_refused_and_never_approves() -> None:
    decisions, shown = decide("yes\n\n\n\n\n")
    assert decisions["order"] == {"action": "reject", "reason": "rejected by the user"}
    assert "Please select one of the available options" in shown
