"""Text that came from a tool or a model, made safe to print on a terminal.

A venue name, an event title or a model's answer may carry terminal control sequences: an OSC
that retitles the window, a CSI that clears the screen or moves the cursor, bidirectional
overrides that reorder what a person reads. The command line prints such text only through
``printable`` (or ``scrub`` for whole payloads), which removes every escape sequence and control
character but tab and newline. The CLI's own styling is added afterwards, by rich, and stays.
"""

from __future__ import annotations

import re
from typing import Any

_CONTROLS = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, clear screen
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window title, hyperlinks, clipboard
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[ -~]?"  # any other escape, and a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # CSI and OSC in their one-byte C1 forms
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x9c|\x1b\\)?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # other C0 and C1 controls, DEL (tab and newline stay)
    r"|[\u202a-\u202e\u2066-\u2069]"  # bidirectional embeddings, overrides and isolates
)


def printable(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (tab, newline kept)."""
    return _CONTROLS.sub("", text)


def scrub(value: Any) -> Any:
    """``value`` with every string in it (keys too) made ``printable``."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {scrub(key): scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value
