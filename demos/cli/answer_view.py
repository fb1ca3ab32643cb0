"""The answer a run ends with, drawn for a person at any width, with no table inside a table.

An answer is a pydantic model. Its short fields (text, numbers, lists of words, money) are drawn
as ``label  value`` rows, each value wrapped at word boundaries under itself. A list of records
(bookings, findings, orders) follows under its label: as one table when every column fits the
width without cutting a word, else as one block of ``key  value`` rows per record. Fields with
nothing in them are left out. Moments are shown to the minute in the reader's zone
(``plangate.demos.cli.moments``), and the heading names that zone. Everything drawn comes from a
tool or a model, so it passes ``untrusted.scrub`` first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from plangate.demos.cli.moments import Moments
from plangate.demos.cli.untrusted import scrub

INDENT = 2
"""How far a list of records is indented under its label."""
NONE = "—"
"""What a table shows for a record's missing value."""


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _is_records(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def scalar_text(value: Any, moments: Moments) -> str:
    """``value`` in words: a string as is, a list joined by commas, money as ``40.00 EUR``."""
    if value is None:
        return NONE
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, str):
        return moments.in_text(value.strip())
    if isinstance(value, list) and not any(isinstance(v, dict | list) for v in value):
        return ", ".join(scalar_text(item, moments) for item in value) or NONE
    if (
        isinstance(value, dict)
        and 0 < len(value) <= 3
        and all(isinstance(item, str | int | float) for item in value.values())
    ):  # a small record such as money, {"amount": "40.00", "currency": "EUR"}: "40.00 EUR"
        return " ".join(scalar_text(item, moments) for item in value.values())
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    return moments.in_text(text)


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


def _longest_line(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


def height(text: str, width: int) -> int:
    """How many lines ``text`` takes wrapped at word boundaries in ``width`` cells."""
    width, lines = max(width, 1), 0
    for line in text.splitlines() or [""]:
        lines, used = lines + 1, 0
        for word in line.split():
            size = cell_len(word)
            if used and used + 1 + size > width:
                lines, used = lines + 1, 0
            used += size + (1 if used else 0)
            while used > width:  # a word longer than the width folds onto the next lines
                lines, used = lines + 1, used - width
    return lines


def fit_columns(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    whole: Sequence[Sequence[bool]],
) -> list[int] | None:
    """Column widths that draw ``rows`` in ``width`` cells without cutting a word, or ``None``.

    A column is never narrower than its longest word (or its header's), nor than its longest
    cell that ``whole`` says must not wrap at all (a moment, ``Tue 10 Mar 20:00``); the room
    left goes to the columns whose text is longest, each up to its longest line.
    """
    gaps = 3 * (len(headers) - 1)  # a space of padding either side of a one-space rule
    least = [
        max(
            _longest_word(header),
            *(
                _longest_line(row[i]) if whole[r][i] else _longest_word(row[i])
                for r, row in enumerate(rows)
            ),
            1,
        )
        for i, header in enumerate(headers)
    ]
    most = [
        max(least[i], _longest_line(header), *(_longest_line(row[i]) for row in rows))
        for i, header in enumerate(headers)
    ]
    room = width - gaps
    if sum(least) > room:
        return None
    if sum(most) <= room:
        return most
    # Raise one level over every column (each kept between its least and most) while it fits.
    low, high = 0, max(most)
    while low < high:
        level = (low + high + 1) // 2
        if sum(min(m, max(n, level)) for n, m in zip(least, most, strict=True)) <= room:
            low = level
        else:
            high = level - 1
    widths = [min(m, max(n, low)) for n, m in zip(least, most, strict=True)]
    spare = room - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: widths[i] - most[i]):
        grow = min(spare, most[i] - widths[i])
        widths[i] += grow
        spare -= grow
    return widths


class RecordsView:
    """A list of records as one table if it fits the width uncut, else a block per record.

    Args:
        records: the records (JSON objects), already scrubbed.
        moments: how moments are shown.
        indent: how far the records are drawn from the left edge.
    """

    def __init__(
        self, records: Sequence[Mapping[str, Any]], moments: Moments, indent: int = 0
    ) -> None:
        self.indent = indent
        keys = dict.fromkeys(key for record in records for key in record)  # ordered, unique
        self.columns = [k for k in keys if any(not _is_empty(r.get(k)) for r in records)]
        self.rows = [
            [" ".join(scalar_text(record.get(key), moments).split()) for key in self.columns]
            for record in records
        ]
        self.whole = [
            [isinstance(r.get(key), str) and moments.is_moment(r[key]) for key in self.columns]
            for r in records
        ]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - self.indent, 20)
        widths = fit_columns(self.columns, self.rows, width, whole=self.whole)
        shorter = widths is not None and self._is_shorter(widths, width)
        drawn = self._table(widths) if widths is not None and shorter else self._blocks()
        margin = Segment(" " * self.indent)
        for line in console.render_lines(drawn, options.update_width(width), pad=False):
            yield margin
            yield from line
            yield Segment.line()

    def _is_shorter(self, widths: list[int], width: int) -> bool:
        """Whether the table takes no more lines than the blocks: a long text squeezed into a
        narrow column reads better as a block's full-width line."""
        table = 2 + sum(
            max(height(cell, w) for cell, w in zip(row, widths, strict=True)) for row in self.rows
        )
        value = width - 3 - max(cell_len(column) for column in self.columns)
        blocks = sum(height(cell, value) for row in self.rows for cell in row if cell != NONE)
        return table <= blocks

    def _table(self, widths: list[int]) -> Table:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
        for column, width in zip(self.columns, widths, strict=True):
            table.add_column(column, width=width, overflow="fold")
        for row in self.rows:
            table.add_row(*(Text(cell, "dim") if cell == NONE else Text(cell) for cell in row))
        return table

    def _blocks(self) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=1, no_wrap=True)
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for row in self.rows:
            shown = [(key, cell) for key, cell in zip(self.columns, row, strict=True)]
            shown = [(key, cell) for key, cell in shown if cell != NONE]
            for i, (key, cell) in enumerate(shown):
                grid.add_row("•" if i == 0 else "", key, Text(cell))
        return grid


class AnswerView:
    """A run's answer: its model's name, its short fields, then its lists of records.

    Args:
        response: the validated answer.
        moments: how moments are shown (the reader's zone by default).
    """

    def __init__(self, response: BaseModel, moments: Moments | None = None) -> None:
        self.title = type(response).__name__
        self.data: dict[str, Any] = scrub(response.model_dump(mode="json"))
        self.moments = moments or Moments()

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        heading = Text(self.title, "bold")
        if self.moments.has_moments(json.dumps(self.data, ensure_ascii=False)):
            heading.append(f" · times in {self.moments.zone_name}", "dim")
        yield heading
        fields = [(name, value) for name, value in self.data.items() if not _is_empty(value)]
        label = max((cell_len(name) for name, value in fields if not _is_records(value)), default=0)
        short: list[tuple[str, str]] = []
        for name, value in fields:
            if not _is_records(value):
                short.append((name, scalar_text(value, self.moments)))
                continue
            if short:
                yield _rows(short, label)
                short = []
            yield Text(name, "bold cyan")
            yield RecordsView(value, self.moments, INDENT)
        if short:
            yield _rows(short, label)


def _rows(rows: list[tuple[str, str]], label: int) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True, width=label)
    grid.add_column(overflow="fold")
    for name, text in rows:
        grid.add_row(name, Text(text))
    return grid


def answer_view(response: BaseModel, moments: Moments | None = None) -> AnswerView:
    """What the terminal shows of ``response`` (see ``AnswerView``)."""
    return AnswerView(response, moments)


_USAGE = (
    ("steps", "step"), ("tool_calls", "tool call"), ("model_calls", "model call"),
    ("retries", "retry"), ("replans", "re-plan"), ("tokens", "token"),
)  # fmt: skip


def usage_line(usage: Mapping[str, float]) -> Text | None:
    """What a run used, in one line: ``4 steps · 4 tool calls · 1 re-plan · $0.0021``."""
    parts = []
    for key, noun in _USAGE:
        count = int(usage.get(key) or 0)
        if count:
            plural = "retries" if noun == "retry" else f"{noun}s"
            parts.append(f"{count} {noun if count == 1 else plural}")
    cost = float(usage.get("cost") or 0)
    if cost:
        parts.append(f"${cost:.4f}")
    return Text("used: " + " · ".join(parts), "dim") if parts else None
