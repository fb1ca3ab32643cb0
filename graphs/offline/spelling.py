"""Reading a request as people type it: slang, typos, arrows and compound number words.

Before an intent grammar reads a request (``plangate.graphs.offline.grammar``), ``Speller``
rewrites the request into the plain English the patterns are written for:

1. **Slang and shorthand**, word by word: ``tmrw`` and ``2moro`` are tomorrow, ``ppl`` people,
   ``u`` you, ``pls`` please, ``rn`` right now (``SLANG``).
2. **Arrows** between two places are "to": ``LIS→MAD`` and ``Lisbon -> Madrid``.
3. **Compound number words** become digits: ``five hundred`` is 500, ``two thousand`` 2000,
   ``half a dozen`` 6. Single number words ("six", "a dozen") are left to the slot readers.
4. **Typos of the grammar's own words** — a city, a company, "tomorrow", "table" — are corrected
   to the word meant, only when that is safe: the typed word is five letters or more, starts
   with the same letter, and is one slip away — two letters swapped, one letter missing, one
   letter doubled, or (from seven letters) one letter wrong. A word the agent knows (its
   vocabulary, or ``protected``) is never changed, and neither is a plural ("tables" is not
   "table"). Requests in another language are not translated: they stay not understood.

The rewrite is conservative by design: a wrong correction could turn a request the agent must
refuse into one it acts on, so every rule fixes a slip, never guesses a meaning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SLANG: dict[str, str] = {
    "tmrw": "tomorrow", "tmr": "tomorrow", "tmrow": "tomorrow", "tmw": "tomorrow",
    "tomoz": "tomorrow", "2moro": "tomorrow", "2morrow": "tomorrow", "2mrw": "tomorrow",
    "tonite": "tonight", "2nite": "tonight", "2night": "tonight", "ppl": "people",
    "peeps": "people", "pls": "please", "plz": "please", "plx": "please", "pleeze": "please",
    "thx": "thanks", "rn": "right now", "ur": "your",
    "wanna": "want to", "gonna": "going to", "gotta": "have to", "gimme": "give me",
    "lemme": "let me", "w/": "with", "w/o": "without", "hrs": "hours", "mins": "minutes",
    "nxt": "next", "wk": "week", "fri": "friday", "thurs": "thursday", "thur": "thursday",
    "tues": "tuesday", "wed": "wednesday",
}  # fmt: skip
"""Shorthand read as the words it stands for (case-insensitive, whole words)."""

_LOWER_ONLY: dict[str, str] = {"u": "you", "r": "are", "n": "and", "b4": "before"}
"""Shorthand that is only shorthand in lower case ("U" or "R" may be a ticker)."""

_SLANG_RE = re.compile(
    r"(?<![\w$#@/.-])(?:" + "|".join(re.escape(k) for k in sorted(SLANG, key=len, reverse=True))
    + r")(?![\w/-])",
    re.IGNORECASE,
)  # fmt: skip
_LOWER_RE = re.compile(
    r"(?<![\w$#@/.'-])(?:" + "|".join(re.escape(k) for k in _LOWER_ONLY) + r")(?![\w'./-])"
)
_ARROW_RE = re.compile(r"\s*(?:→|⟶|➔|➜|➝|⇨|->|-->|—>)\s*")

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]  # fmt: skip
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SMALL: dict[str, int] = {word: value for value, word in enumerate(_UNITS)} | {
    word: 20 + 10 * index for index, word in enumerate(_TENS)
}
_BELOW_100 = (
    r"(?:(?:" + "|".join(_TENS) + r")(?:[- ](?:" + "|".join(_UNITS[1:10]) + r"))?|"
    + "|".join(sorted(_UNITS[1:], key=len, reverse=True)) + r")"
)  # fmt: skip
_COMPOUND_RE = re.compile(
    rf"\b(?P<lead>a|an|one|{_BELOW_100}|\d{{1,3}})\s+(?P<scale>hundred|thousand|million)"
    rf"(?:\s+(?:and\s+)?(?P<rest>{_BELOW_100})(?!\s+(?:hundred|thousand|million)))?\b",
    re.IGNORECASE,
)
_HALF_DOZEN_RE = re.compile(r"\b(?:half\s+a|a\s+half)\s+dozen\b", re.IGNORECASE)
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
_WORD_RE = re.compile(r"[A-Za-z][a-z]{3,}|[A-Za-z]{4,}")


def _small(words: str) -> int:
    """The value of a number below 100 written in words or digits ("forty-two")."""
    lowered = words.lower()
    if lowered.isdigit():
        return int(lowered)
    if lowered in ("a", "an"):
        return 1
    tens, _, unit = lowered.replace("-", " ").partition(" ")
    return _SMALL[tens] + (_SMALL[unit] if unit else 0)


def _compound(match: re.Match[str]) -> str:
    value = _small(match["lead"]) * _SCALES[match["scale"].lower()]
    if match["rest"]:
        value += _small(match["rest"])
    return str(value)


def _keep_case(typed: str, word: str) -> str:
    return word[:1].upper() + word[1:] if typed[:1].isupper() else word


def is_one_slip(typed: str, word: str) -> bool:
    """Whether ``typed`` is ``word`` with one slip of the keyboard (see the module docstring).

    Args:
        typed: the word as typed, lower case.
        word: a word of the vocabulary, lower case.
    """
    if typed == word or typed[:1] != word[:1] or len(typed) < 5:
        return False
    if typed.rstrip("s") == word.rstrip("s"):
        return False  # a plural is not a typo
    if len(typed) == len(word):
        diffs = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
        swapped = (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and typed[diffs[0]] == word[diffs[1]]
            and typed[diffs[1]] == word[diffs[0]]
        )
        return swapped or (len(diffs) == 1 and len(typed) >= 7)
    if len(typed) == len(word) - 1:  # one letter missing
        return any(word[:i] + word[i + 1 :] == typed for i in range(len(word)))
    if len(typed) == len(word) + 1:  # one letter typed twice
        return any(
            typed[:i] + typed[i + 1 :] == word and typed[i] == typed[i - 1]
            for i in range(1, len(typed))
        )
    return False


class Speller:
    """Rewrites a request into the plain English an intent grammar reads.

    Args:
        vocabulary: the grammar's own words that typos are corrected to (single words: cities,
            companies, "tomorrow", "table"); matched case-insensitively.
        protected: real words never corrected although they are one slip from a vocabulary
            word ("fight" is not "flight").
    """

    def __init__(self, vocabulary: Iterable[str] = (), protected: Iterable[str] = ()) -> None:
        self.vocabulary = frozenset(word.lower() for word in vocabulary if " " not in word)
        self.protected = frozenset(word.lower() for word in protected)
        self._by_letter: dict[str, list[str]] = {}
        for word in sorted(self.vocabulary):
            if len(word) >= 5:
                self._by_letter.setdefault(word[0], []).append(word)

    def respell(self, request: str) -> str:
        """``request`` with slang, arrows, compound numbers and safe typos rewritten."""
        text = _SLANG_RE.sub(lambda m: _keep_case(m[0], SLANG[m[0].lower()]), request)
        text = _LOWER_RE.sub(lambda m: _LOWER_ONLY[m[0]], text)
        text = _ARROW_RE.sub(" to ", text)
        text = _HALF_DOZEN_RE.sub("6", text)
        text = _COMPOUND_RE.sub(_compound, text)
        return _WORD_RE.sub(self._correct, text) if self._by_letter else text

    def _correct(self, match: re.Match[str]) -> str:
        typed = match[0]
        lowered = typed.lower()
        if lowered in self.vocabulary or lowered in self.protected or typed.isupper():
            return typed  # an upper-case word may be a ticker or a code
        for word in self._by_letter.get(lowered[0], ()):
            if is_one_slip(lowered, word):
                return _keep_case(typed, word)
        return typed
