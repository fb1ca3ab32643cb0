"""An answer's lists of records: one table when every column fits uncut, else a block per record."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel
from rich.console import Console
from rich.text import Text

from plangate.demos.cli.answer_view import AnswerView, fit_columns, height, usage_line
from plangate.demos.cli.moments import Moments
from plangate.tools.clock import FakeClock

MOMENTS = Moments(ZoneInfo("Europe/Lisbon"), FakeClock(datetime(2026, 3, 9, tzinfo=UTC)))
WORD = st.text(alphabet="abcdefghij-", min_size=1, max_size=14)
CELL = st.lists(WORD, min_size=0, max_size=8).map(" ".join)


def drawn(answer: BaseModel, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(AnswerView(answer, MOMENTS))
    out = console.file
    assert isinstance(out, io.StringIO)
    return out.getvalue()


@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            st.lists(WORD, min_size=n, max_size=n),
            st.lists(st.lists(CELL, min_size=n, max_size=n), min_size=1, max_size=5),
            st.lists(st.lists(st.booleans(), min_size=n, max_size=n), min_size=5, max_size=5),
        )
    ),
    st.integers(10, 200),
)
def test_the_widths_fit_and_cut_no_word(table: tuple, width: int) -> None:  # type: ignore[type-arg]
    headers, rows, whole = table
    widths = fit_columns(headers, rows, width, whole=whole)
    gaps = 3 * (len(headers) - 1)
    least = [
        max([max(map(len, h.split()))]
            + [len(r[i]) if whole[j][i] else max(map(len, r[i].split()), default=0)
               for j, r in enumerate(rows)])
        for i, h in enumerate(headers)
    ]  # fmt: skip
    if widths is None:
        assert sum(least) + gaps > width
        return
    assert sum(widths) + gaps <= width
    assert all(w >= n for w, n in zip(widths, least, strict=True))


class Venue(BaseModel):
    name: str
    opens: datetime
    note: str | None = None


class Found(BaseModel):
    summary: str
    venues: list[Venue]
    booking: str | None = None


FOUND = Found(
    summary="2 places",
    venues=[Venue(name="Baan Oak", opens=datetime(2026, 3, 10, 19, tzinfo=UTC)),
            Venue(name="The Extraordinarily Long-Named Tavern", opens=datetime(2026, 3, 10, 20,
                                                                               tzinfo=UTC))],
)  # fmt: skip


def test_records_are_a_table_when_they_fit_and_blocks_when_not() -> None:
    wide = drawn(FOUND, 100)
    assert wide.splitlines()[3].split() == ["name", "opens"], "the table's header"
    assert "Tue 10 Mar 19:00" in wide
    assert "note" not in wide, "a column with no value is shown"
    assert "booking" not in wide, "a field with nothing in it is shown"
    narrow = drawn(FOUND, 28)
    assert "• name  Baan Oak" in narrow
    assert "  opens Tue 10 Mar 19:00" in narrow
    assert max(len(line) for line in narrow.splitlines()) <= 28


@given(st.lists(WORD, max_size=30).map(" ".join), st.integers(14, 40))
def test_the_height_of_a_text_is_the_lines_rich_wraps_it_into(text: str, width: int) -> None:
    # Words no wider than the width: where rich folds a longer word, it may give the space
    # after it a line of its own (width 1, "aa a": four lines), which no view of ours meets.
    console = Console(width=width, file=io.StringIO(), color_system=None)
    assert height(text, width) == len(Text(text).wrap(console, width, overflow="fold"))


def test_usage_says_only_what_was_used() -> None:
    line = usage_line({"steps": 4, "tool_calls": 1, "model_calls": 0, "replans": 2, "cost": 0.0021})
    assert line is not None
    assert line.plain == "used: 4 steps · 1 tool call · 2 re-plans · $0.0021"
    assert usage_line({"steps": 0}) is None
