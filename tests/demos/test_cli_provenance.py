"""The approval prompt shows where each argument came from, tool-result values highlighted."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console

from plangate.demos.cli.approval_view import UNTRUSTED_STYLE, approvals_view, arguments_text
from plangate.demos.cli.render import event_line
from plangate.demos.cli.runner import PromptApprover
from plangate.graphs.engine.events import ApprovalRequested

ESC = "\x1b"


def approval(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "s3",
        "tool": "book_table",
        "args": {"venue_id": "lis-007", "party_size": 4, "slot": {"start": "20:00"}},
        "reasons": ["writes need approval: book_table"],
        "provenance": {
            "trusted_control": True,
            "arguments": [
                {"path": "venue_id", "trusted": False, "sources": [
                    {"kind": "step", "step_id": "s2", "tool": "search_restaurants",
                     "path": "[0].id"}]},
                {"path": "party_size", "trusted": True, "sources": [{"kind": "request"}]},
                {"path": "slot.start", "trusted": False, "sources": [
                    {"kind": "step", "step_id": "s2", "tool": "search_restaurants",
                     "path": "[0].slots[0].start", "matched": True}]},
            ],
        },
    }  # fmt: skip
    base.update(changes)
    return base


def shown(renderable: Any, width: int = 200) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    out = console.file
    assert isinstance(out, io.StringIO)
    return out.getvalue()


def test_each_argument_says_where_it_came_from() -> None:
    text = shown(approvals_view([approval()]))
    assert "venue_id = lis-007" in text
    assert "from s2 search_restaurants result [0].id  (untrusted)" in text
    assert "party_size = 4" in text
    assert "from the request" in text
    assert "slot.start = 20:00" in text
    assert "appears in the result of s2 search_restaurants at [0].slots[0].start" in text
    assert text.count("(untrusted)") == 2


def test_untrusted_values_are_highlighted() -> None:
    rendered = arguments_text(approval())
    styled = {rendered.plain[span.start : span.end]: str(span.style) for span in rendered.spans}
    assert UNTRUSTED_STYLE in styled["lis-007"]
    assert "4" not in styled  # a trusted value keeps the plain style


def test_untrusted_control_is_said_too() -> None:
    late = approval()
    late["provenance"] = {**late["provenance"], "trusted_control": False}
    assert "planned after reading tool results" in shown(approvals_view([late]))


def test_escape_sequences_in_values_and_labels_never_reach_the_terminal() -> None:
    hostile = approval(args={"venue_id": f"lis{ESC}]0;pwned\x07-007{ESC}[2J", "party_size": 4})
    hostile["provenance"]["arguments"][0]["sources"][0]["tool"] = f"search{ESC}[31m"
    text = shown(approvals_view([hostile]))
    assert ESC not in text
    assert "\x07" not in text
    assert "venue_id = lis-007" in text
    assert "from s2 search result [0].id" in text


def test_a_payload_from_before_provenance_still_shows_its_arguments() -> None:
    old = approval()
    del old["provenance"]
    text = shown(approvals_view([old]))
    assert '"venue_id": "lis-007"' in text
    assert "untrusted" not in text


def test_the_prompt_warns_about_tool_result_values_before_asking() -> None:
    out = io.StringIO()
    approver = PromptApprover(Console(file=out, width=200), stream=io.StringIO("\n\n"))
    decisions = approver.decide([approval()])
    assert decisions["s3"]["action"] == "reject"
    text = out.getvalue()
    warning = text.index("! s3 (book_table) uses text from tool results: venue_id from s2")
    assert warning < text.index("s3 (book_table) [approve/reject/edit]")
    plain = io.StringIO()
    PromptApprover(Console(file=plain, width=200), stream=io.StringIO("\n\n")).decide(
        [approval(provenance=None)]
    )
    assert "uses text from tool results" not in plain.getvalue()


def test_a_log_line_names_the_untrusted_arguments() -> None:
    line = event_line(ApprovalRequested(approvals=[approval()])).plain
    assert line == "? approval requested: s3 (book_table; untrusted: venue_id, slot.start)"
    old = approval()
    del old["provenance"]
    assert event_line(ApprovalRequested(approvals=[old])).plain.endswith("s3 (book_table)")
