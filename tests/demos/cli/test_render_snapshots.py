"""What the terminal shows, at 80 and 120 columns, compared with committed snapshots.

Each case (``render_cases``) draws a fixed run through the real renderer onto a recording
console with no colour, its clock and time zone pinned (Europe/Lisbon, Monday 9 March 2026).
The drawings are compared with ``snapshots/<case>-<width>.txt``. After an intended change to the
renderer, rewrite them and review the diff before committing it:

    pytest tests/demos/cli/test_render_snapshots.py --update-snapshots
    PLANGATE_UPDATE_SNAPSHOTS=1 pytest tests/demos/cli/test_render_snapshots.py

Whatever the snapshots say, every drawing must also keep to what makes it readable at its width:
no line longer than the width, no word and no HH:MM time cut across two lines, no table drawn
inside a table, and a failure's message (the capability list of a request outside the grammar)
shown once.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from tests.demos.cli.render_cases import CAPABILITIES, CASES

SNAPSHOTS = Path(__file__).parent / "snapshots"
WIDTHS = (80, 120)
UNWRAPPED = 2000
"""A width at which nothing wraps: what each drawing's words are checked against."""
_BOX = re.compile(r"^[\u2500-\u257f•…]+$")
_TIME = re.compile(r"(?<![\d:])\d{2}:\d{2}(?![\d:])")


def draw(case: Callable[[Console], None], width: int) -> str:
    """What ``case`` shows at ``width`` columns, lines stripped of the spaces that end them."""
    console = Console(
        width=width, record=True, file=io.StringIO(), color_system=None, force_terminal=False,
        force_interactive=False, legacy_windows=False, emoji=False,
    )  # fmt: skip
    case(console)
    return "".join(f"{line.rstrip()}\n" for line in console.export_text().splitlines())


def words(text: str) -> Counter[str]:
    """The words of ``text``, rules and bullets left out."""
    return Counter(word for word in text.split() if not _BOX.match(word))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_the_drawing_matches_its_snapshot(name: str, width: int, update_snapshots: bool) -> None:
    drawn = draw(CASES[name], width)
    path = SNAPSHOTS / f"{name}-{width}.txt"
    if update_snapshots:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(drawn, encoding="utf-8")
    assert path.exists(), f"no snapshot {path.name}: run with --update-snapshots"
    assert drawn == path.read_text(encoding="utf-8"), (
        f"{path.name} differs; if the change is intended, rewrite it with --update-snapshots"
    )


@pytest.mark.parametrize("width", [*WIDTHS, 60, 100])
@pytest.mark.parametrize("name", sorted(CASES))
def test_no_line_is_longer_than_the_width(name: str, width: int) -> None:
    too_long = [line for line in draw(CASES[name], width).splitlines() if len(line) > width]
    assert not too_long, too_long


@pytest.mark.parametrize("width", [*WIDTHS, 60, 100])
@pytest.mark.parametrize("name", sorted(CASES))
def test_no_word_or_time_is_cut_across_lines(name: str, width: int) -> None:
    # Wrapping at word boundaries only moves words to the next line: every word drawn at this
    # width is a word of the drawing where nothing wraps. A word cut in two is not.
    drawn, whole = draw(CASES[name], width), draw(CASES[name], UNWRAPPED)
    cut = [word for word in words(drawn) if word not in words(whole)]
    assert not cut, f"words cut at {width} columns: {cut}"
    assert Counter(_TIME.findall(drawn)) == Counter(_TIME.findall(whole))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_no_table_is_drawn_inside_another(name: str, width: int) -> None:
    for line in draw(CASES[name], width).splitlines():
        assert not re.search(r"[│┃].*[│┃]", line), f"a table inside a table: {line!r}"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_capability_list_is_shown_once(width: int) -> None:
    drawn = " ".join(draw(CASES["outside_grammar"], width).split())  # as one line of words
    for capability in CAPABILITIES:
        assert drawn.count(capability) == 1, capability
    assert drawn.count("does not understand") == 2, "the progress line says the first line"


def test_moments_are_shown_to_the_minute_in_the_pinned_zone() -> None:
    drawn = draw(CASES["trip"], 120)
    assert "times in Europe/Lisbon" in drawn
    assert "Fri 13 Mar 09:15" in drawn, "10:15+01:00 is 09:15 in Lisbon"
    assert "Fri 13 Mar 00:00" in drawn, "09:00+09:00 is midnight in Lisbon"
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", drawn), "an ISO time was left"
    assert not re.search(r"\d{2}:\d{2}:\d{2}", drawn), "a time is shown with its seconds"


def _run(home: Path, columns: int, *args: str) -> str:
    from typer.testing import CliRunner

    from plangate.demos.cli.commands import app

    result = CliRunner(env={"COLUMNS": str(columns), "PLANGATE_HOME": str(home)}).invoke(app, args)
    assert result.exit_code in (0, 2), result.output
    return _DURATION.sub("Nms", result.stdout + result.stderr)


_DURATION = re.compile(r"\b\d+ms\b")


@pytest.mark.parametrize(
    "request_",
    ["Book a table for 4 at a Thai restaurant in Lisbon tomorrow at 8pm",
     "what's the weather in Paris"],
)  # fmt: skip
def test_a_real_offline_run_reads_at_80_columns(home: Path, tmp_path: Path, request_: str) -> None:
    args = ("run", "reservation", request_, "--yes", "--thread", "t80")
    drawn = _run(home, 80, *args)
    whole = _run(tmp_path / "wide", UNWRAPPED, *args)
    lines = drawn.splitlines()
    assert lines, "nothing was shown"
    assert [line for line in lines if len(line) > 80] == []
    cut = [word for word in words(drawn) if word not in words(whole)]
    assert not cut, f"words cut at 80 columns: {cut}"
    assert Counter(_TIME.findall(drawn)) == Counter(_TIME.findall(whole))
    for line in whole.splitlines():
        if line.lstrip().startswith("- "):  # a capability of the offline grammar
            assert " ".join(drawn.split()).count(" ".join(line.split())) == 1, line
