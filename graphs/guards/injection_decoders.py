"""Readings of a text that undo encodings an attacker asks the model to reverse.

Base64 blobs are decoded by ``plangate.graphs.guards.injection_scan.decoded_blobs``; this
module adds the other cheap encodings of an instruction:

- **hex**: runs of at least ``HEX_MIN`` byte pairs ("69676e6f7265…", "69 67 6e…", "\\x69\\x67…")
  that decode to printable words;
- **rot13**: the whole text rotated, but only when it holds a rotated key word ("vtaber",
  "vafgehpgvbaf", "flfgrz cebzcg"), so ordinary text is never read twice;
- **reversed**: the whole text backwards, only when it holds a reversed key word ("erongi",
  "snoitcurtsni").

Each reading is produced in one linear pass (a precompiled regex without nested unbounded
repetition, ``bytes.fromhex``, ``str.translate`` or slicing) and the scanner scans it once, one
level deep (a reading is not decoded again).
"""

from __future__ import annotations

import re

HEX_MIN = 12
"""The fewest byte pairs a hex run needs to be decoded (shorter runs are ids and colours)."""

_HEX = re.compile(
    # Each alternative starts where no hex digit precedes and never needs to backtrack to
    # succeed, so a run is read once however it ends.
    rf"(?<![0-9a-fA-F])(?:[0-9a-fA-F]{{2}}){{{HEX_MIN},}}"
    rf"|(?<![0-9a-fA-F])(?:[0-9a-fA-F]{{2}}[ :,]){{{HEX_MIN},}}"
    rf"|(?:\\x[0-9a-fA-F]{{2}}){{{HEX_MIN},}}"
)
_NOT_HEX = re.compile(r"\\x|[^0-9a-fA-F]")
_WORDS = re.compile(r"(?<![A-Za-z])[A-Za-z]{3,} [A-Za-z]{2}")

_KEY_WORDS = (
    "ignore", "ignoring", "disregard", "forget", "override", "instruction", "instructions",
    "previous", "prompt", "system", "assistant", "password", "jailbreak", "transfer",
)  # fmt: skip
_ROT13 = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "nopqrstuvwxyzabcdefghijklmNOPQRSTUVWXYZABCDEFGHIJKLM",
)
_ROTATED = re.compile(
    r"\b(?:" + "|".join(word.translate(_ROT13) for word in _KEY_WORDS) + r")\b", re.IGNORECASE
)
_REVERSED = re.compile(r"\b(?:" + "|".join(word[::-1] for word in _KEY_WORDS) + r")\b", re.I)


def hex_blobs(text: str) -> list[str]:
    """The hex runs of ``text`` that decode (as UTF-8) to printable words."""
    found = []
    for run in _HEX.findall(text):
        try:
            decoded = bytes.fromhex(_NOT_HEX.sub("", run)).decode()
        except (ValueError, UnicodeDecodeError):
            continue
        if decoded.isprintable() and _WORDS.search(decoded):
            found.append(decoded)
    return found


def rot13_reading(text: str) -> str | None:
    """``text`` rotated by 13 letters, or None when it holds no rotated key word."""
    if _ROTATED.search(text) is None:
        return None
    return text.translate(_ROT13)


def reversed_reading(text: str) -> str | None:
    """``text`` read backwards, or None when it holds no reversed key word."""
    if _REVERSED.search(text) is None:
        return None
    return text[::-1]


def decoded_readings(text: str) -> list[str]:
    """Every reading of ``text`` this module produces: hex runs, rot13, reversed."""
    readings = hex_blobs(text)
    for reading in (rot13_reading(text), reversed_reading(text)):
        if reading is not None:
            readings.append(reading)
    return readings
