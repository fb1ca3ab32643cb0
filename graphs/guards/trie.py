"""Alternations shaped as tries: one regex that matches any of many literal words quickly.

``re`` tries the alternatives of ``a|b|c`` one by one at every position; a trie-shaped pattern
(``(?:a(?:b|c)|d)``) tests one character per branch, which is what lets the injection scanner
find hundreds of trigger words and phrases in one pass over a megabyte.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any


def trie_pattern(words: Iterable[str], *, word_start: bool = False) -> str:
    """A regex matching any of ``words``, shaped as a trie so that it tests few alternatives
    at each position (what makes one pass over a megabyte fast).

    A word ending in ``\0`` must end a word (``\b``); with ``word_start`` every match must
    start one.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = []
        # A word end (``\b``) is tried last: a whole-word trigger that begins a longer one
        # ("action" and "action input") must not hide it.
        for char, child in sorted(node.items(), key=lambda item: (item[0] == "\0", item[0])):
            if not char:
                continue
            head = r"\b" if char == "\0" else re.escape(char)
            branches.append(head + build(child))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return (r"\b" if word_start else "") + build(trie)
