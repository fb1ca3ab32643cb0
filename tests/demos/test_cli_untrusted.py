"""Text from tools and models reaches the terminal without control sequences."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel
from rich.console import Console

from plangate.demos.cli.answer_view import answer_view
from plangate.demos.cli.approval_view import approvals_view
from plangate.demos.cli.render import Progress
from plangate.demos.cli.untrusted import printable, scrub
from plangate.graphs.engine.events import StepFinished, StepStarted

HOSTILE = (
    "Baan \x1b]0;you have been pwned\x07Oak"  # OSC: retitle the window
    "\x1b[2J\x1b[H"  # CSI: clear the screen, cursor home
    "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\"  # OSC 8 hyperlink, ST-terminated
    "\x9b31m\x07\x08\r"  # C1 CSI, bell, backspace, carriage return
    "\u202egnp.exe"  # right-to-left override
)
MARKERS = ("\x1b]", "\x1b[2J", "\x1b[H", "\x07", "\x08", "\r", "\x9b", "\u202e", "pwned")


def terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=200, force_terminal=True, color_system="truecolor"), out


def test_printable_keeps_the_text_and_drops_every_sequence() -> None:
    assert printable(HOSTILE) == "Baan Oaklinkgnp.exe"
    assert printable("Tab\tand\nnewline stay, ünïcödé too") == "Tab\tand\nnewline stay, ünïcödé too"


def test_scrub_cleans_keys_values_and_nested_lists() -> None:
    dirty = {"name\x1b[2J": [HOSTILE, {"title": "\x1b]0;x\x07ok"}], "n": 3, "none": None}
    assert scrub(dirty) == {"name": ["Baan Oaklinkgnp.exe", {"title": "ok"}], "n": 3, "none": None}


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_nothing_printable_leaves_a_control_character(text: str) -> None:
    cleaned = printable(text)
    assert not any(
        (ord(c) < 32 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F or c in "\u202a\u202e\u2066"
        for c in cleaned
    )
    assert printable(cleaned) == cleaned


def test_progress_lines_show_tool_text_without_its_sequences() -> None:
    console, out = terminal()
    progress = Progress(console, "run", live=False)
    progress.show(StepStarted(step_id="find", tool="search", args={"q": HOSTILE}))
    progress.show(
        StepFinished(step_id="find", tool="search", status="done", duration=0.01, summary=HOSTILE)
    )
    shown = out.getvalue()
    assert "Baan Oak" in shown
    assert not [m for m in MARKERS if m in shown]


def test_approval_and_answer_tables_show_tool_text_without_its_sequences() -> None:
    class Answer(BaseModel):
        summary: str
        venues: list[dict[str, str]]

    console, out = terminal()
    console.print(approvals_view([{"id": "book", "tool": "book_table",
                                    "args": {"venue": HOSTILE}, "reasons": [HOSTILE]}]))  # fmt: skip
    console.print(answer_view(Answer(summary=HOSTILE, venues=[{"name": HOSTILE}])))
    shown = out.getvalue()
    assert shown.count("Baan") == 4
    assert not [m for m in MARKERS if m in shown]
