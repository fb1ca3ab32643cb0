"""A line of text for the terminal: cut to a length between words, or wrapped under itself.

``compact`` makes a value one line of at most so many characters, cut where a word ends;
``Hanging`` wraps a line at word boundaries to the console's width and indents what wraps, so a
long event, warning or error reads as one block at 80 columns and stays one line at 200.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text


def compact(value: Any, width: int = 60) -> str:
    """``value`` as one line of JSON (strings as is), cut to ``width`` characters.

    The cut falls between words when one ends in the last third, so no word is left half.
    """
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    kept = text[: width - 1]
    space = kept.rfind(" ")
    return (kept[:space] + " …") if space >= (2 * width) // 3 else kept + "…"


def headline(message: str, width: int = 100) -> str:
    """The first line of ``message``, cut to ``width``: what the progress says of a failure."""
    lines = message.strip().splitlines() or [""]
    first = compact(lines[0], width)
    return first + (" …" if len(lines) > 1 and not first.endswith("…") else "")


class Hanging:
    """``text`` wrapped at word boundaries, its continuation lines indented by ``indent``.

    Args:
        text: one line of text (newlines in it start new lines, indented too).
        indent: how far continuation lines are indented.
    """

    def __init__(self, text: Text, indent: int = 2) -> None:
        self.text = text
        self.indent = indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width, self.indent + 8)
        first = True
        for part in self.text.split("\n", allow_blank=True):
            if first:
                lines = part.wrap(console, width, overflow="fold")
                head = lines[0] if lines else Text()
                taken = len(head.plain)
                head.rstrip()
                yield head
                rest = part[taken:]
                rest = rest[len(rest.plain) - len(rest.plain.lstrip()) :]
                first = False
            else:
                rest = part
            if not rest.plain.strip():
                continue
            # A list item's continuation lines go under its text, past its "- ".
            under = self.indent + (2 if rest.plain.startswith(("- ", "* ", "• ")) else 0)
            for i, line in enumerate(rest.wrap(console, width - under, overflow="fold")):
                line.rstrip()
                yield Text(" " * (self.indent if i == 0 else under)) + line


def indent_of(line: Text) -> int:
    """How far the continuation of an event line is indented: past its leading mark."""
    plain = line.plain
    return len(plain) - len(plain.lstrip(" ")) + 2
