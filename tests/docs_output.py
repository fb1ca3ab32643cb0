"""What a page shows a command print, compared with what it printed.

Each shown line must be found in the output, in order. ``…`` stands for anything; runs of spaces
and the rules of a table (``│``) match loosely; ids (hex, six characters or more) and timings
(``12ms``, ``0.5 s``) match any id or timing; the project folder's path is left out of the
output and the home folder written ``~``. In output shown as a ``#``-comment (``# stderr: …``),
counts match any count: they are those of the reader's own folder. A JSON body shown alone
(``# → {"status": "paused", …}``) must be within the one printed: its keys and values, list
items in order, whatever else the body holds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.docs_shell import Shown

ID = re.compile(r"\b(?=[0-9a-f]*\d)[0-9a-f]{6,}\b")
TIMING = re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s)\b")


def normalise(text: str, folders: tuple[Path, Path]) -> str:
    """``text`` with ids and timings replaced, the project folder left out, the home as ``~``."""
    project, home = folders
    text = text.replace(f"{project}/", "").replace(str(home), "~")
    return TIMING.sub("<time>", ID.sub("<id>", text))


def pattern(line: str, counts_vary: bool) -> re.Pattern[str]:
    """A shown line as a pattern: ``…`` is anything, space runs and table rules are loose."""
    parts = []
    for piece in re.split(r"(…|\s*│\s*|\s+)", TIMING.sub("<time>", ID.sub("<id>", line.strip()))):
        if piece == "…":
            parts.append(".*?")
        elif "│" in piece:
            parts.append(r"\s*│\s*")
        elif piece.isspace():
            parts.append(r"\s+")
        elif piece:
            escaped = re.escape(piece)
            parts.append(re.sub(r"\d+", r"\\d+", escaped) if counts_vary else escaped)
    return re.compile("".join(parts))


def shown_json(line: str) -> object:
    """A shown JSON line with its ``…`` elements left out, or ``None`` if it is no JSON."""
    try:
        return (
            json.loads(re.sub(r",\s*…|…\s*,?", "", line)) if line.startswith(("{", "[")) else None
        )
    except ValueError:
        return None


def is_within(shown: object, printed: object) -> bool:
    """Whether ``printed`` has everything ``shown`` has: its keys, list items in order, values."""
    if isinstance(shown, dict):
        return isinstance(printed, dict) and all(
            key in printed and is_within(value, printed[key]) for key, value in shown.items()
        )
    if isinstance(shown, list):
        return (
            isinstance(printed, list)
            and len(shown) <= len(printed)
            and all(is_within(item, other) for item, other in zip(shown, printed, strict=False))
        )
    return shown == printed


def check_shown(
    shown: list[Shown], stdout: str, stderr: str, folders: tuple[Path, Path], where: str
) -> None:
    """Fail unless what a page shows a command print is in what it printed (see the module)."""
    lines = [line.strip() for show in shown for line in show.lines if line.strip()]
    if len(lines) == 1 and (expected := shown_json(lines[0])) is not None:
        assert is_within(expected, json.loads(stdout)), (
            f"{where}: the page shows {lines[0]}, not in {stdout}"
        )
        return
    for show in shown:
        printed = {"stdout": stdout, "stderr": stderr}.get(show.stream or "", stdout + stderr)
        text, at = normalise(printed, folders), 0
        counts_vary = show.stream is not None
        for line in (line for line in show.lines if line.strip()):
            found = pattern(line, counts_vary).search(text, at)
            assert found, f"{where}: the page shows {line!r}, the command printed:\n{printed}"
            at = found.end()
