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

from plangate.graphs.guards.trie import trie_pattern

HEX_MIN = 12
"""The fewest byte pairs a hex run needs to be decoded (shorter runs are ids and colours)."""

_HEX = re.compile(
    # Each alternative starts where no hex digit precedes and never needs to backtrack to
    # succeed, so a run is read once however it ends.
    rf"(?<![0-9a-fA-F])(?:[0-9a-fA-F]{{2}}){{{HEX_MIN},}}"
    rf"|(?<![0-9a-fA-F])(?:[0-9a-fA-F]{{2}}[ :,]){{{HEX_MIN},}}(?:[0-9a-fA-F]{{2}})?"
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
# Gates, searched in the lower-cased text: a trie of whole words, a run of hex digits.
_ROTATED = re.compile(
    trie_pattern({f"{w.translate(_ROT13)}\0" for w in _KEY_WORDS}, word_start=True)
)
_REVERSED = re.compile(trie_pattern({f"{w[::-1]}\0" for w in _KEY_WORDS}, word_start=True))
_EITHER = re.compile(
    trie_pattern(
        {f"{w.translate(_ROT13)}\0" for w in _KEY_WORDS} | {f"{w[::-1]}\0" for w in _KEY_WORDS},
        word_start=True,
    )
)
# Separate searches: one alternation of the three is several times slower on prose.
_HEX_HINTS = (
    re.compile(r"[0-9a-f]{24}"),
    re.compile(r"[ :,][0-9a-f]{2}[ :,][0-9a-f]{2}[ :,][0-9a-f]{2}[ :,]"),
)


def hex_blobs(text: str, lowered: str | None = None) -> list[str]:
    """The hex runs of ``text`` that decode (as UTF-8) to printable words.

    Args:
        text: the raw text.
        lowered: ``text.lower()``, when the caller has it.
    """
    lowered = text.lower() if lowered is None else lowered
    if "\\x" not in lowered and not any(hint.search(lowered) for hint in _HEX_HINTS):
        return []
    found = []
    for run in _HEX.findall(text):
        try:
            decoded = bytes.fromhex(_NOT_HEX.sub("", run)).decode()
        except (ValueError, UnicodeDecodeError):
            continue
        if decoded.isprintable() and _WORDS.search(decoded):
            found.append(decoded)
    return found


def rot13_reading(text: str, lowered: str | None = None) -> str | None:
    """``text`` rotated by 13 letters, or None when it holds no rotated key word.

    Args:
        text: the raw text.
        lowered: ``text.lower()``, when the caller has it.
    """
    if _ROTATED.search(text.lower() if lowered is None else lowered) is None:
        return None
    return text.translate(_ROT13)


def reversed_reading(text: str, lowered: str | None = None) -> str | None:
    """``text`` read backwards, or None when it holds no reversed key word.

    Args:
        text: the raw text.
        lowered: ``text.lower()``, when the caller has it.
    """
    if _REVERSED.search(text.lower() if lowered is None else lowered) is None:
        return None
    return text[::-1]


def decoded_readings(text: str) -> list[str]:
    """Every reading of ``text`` this module produces: hex runs, rot13, reversed."""
    lowered = text.lower()
    readings = hex_blobs(text, lowered)
    if _EITHER.search(lowered) is None:  # one pass where neither key word occurs
        return readings
    for reading in (rot13_reading(text, lowered), reversed_reading(text, lowered)):
        if reading is not None:
            readings.append(reading)
    return readings
