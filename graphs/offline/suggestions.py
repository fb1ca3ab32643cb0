"""Asking back about a slip that is too risky to correct: "appl" → "did you mean AAPL?".

The ``Speller`` (``plangate.graphs.offline.spelling``) corrects typos of a grammar's words only
when the correction is safe. Some words must never be guessed: a stock symbol or a company name
decides *what* is bought, so "buy 10 appl" must not silently become an order for Apple. A
``Suggester`` holds those words and, when the offline planner cannot act on a request as typed
(it refuses it or does not understand it), looks for a word of the request one slip away from one
of them. The planner then asks back with ``DidYouMeanError`` — a clarification, never a plan. A
slip written in capitals like a code ("APPL") is asked back even when the request could be planned
as typed, since the plan would carry the mistyped code.

A slip here is looser than the Speller's: one letter missing, added, wrong, or two letters
swapped (Damerau distance 1), from three letters up, the first letter kept. That looseness is safe
only because a suggestion is a question to the user, never an action.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from plangate.graphs.engine.planner import RequestNotUnderstoodError

_WORD_RE = re.compile(r"(?<![\w$#@/.-])[A-Za-z][A-Za-z&-]{2,}(?![\w/-])")


def is_near_slip(typed: str, word: str) -> bool:
    """Whether ``typed`` is ``word`` with one slip: a letter missing, added, wrong or swapped.

    Both are compared lower case; the first letter must match and ``typed`` must have at least
    three letters (shorter words are too often a different word).
    """
    typed, word = typed.casefold(), word.casefold()
    if typed == word or len(typed) < 3 or typed[:1] != word[:1]:
        return False
    if len(typed) == len(word):
        diffs = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and typed[diffs[0]] == word[diffs[1]]
            and typed[diffs[1]] == word[diffs[0]]
        )
    shorter, longer = sorted((typed, word), key=len)
    if len(longer) - len(shorter) != 1:
        return False
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


@dataclass(frozen=True)
class Suggestion:
    """A word of the request and what it may have meant.

    Attributes:
        typed: the word as typed, e.g. ``"appl"``.
        meant: what to suggest, e.g. ``"AAPL (Apple)"``.
    """

    typed: str
    meant: str


class DidYouMeanError(RequestNotUnderstoodError):
    """The request has a slip the planner will not guess at; it asks the user back.

    Attributes:
        request: the request as given.
        suggestions: each unknown word with what it may have meant.
    """

    def __init__(self, request: str, suggestions: Iterable[Suggestion]) -> None:
        self.request: str = request
        self.suggestions: tuple[Suggestion, ...] = tuple(suggestions)
        asked = "; ".join(f'"{s.typed}": did you mean {s.meant}?' for s in self.suggestions)
        super().__init__(
            f"I did not act on {request!r}: I do not know {asked} "
            "Say it again with the name spelled out."
        )


class Suggester:
    """Finds words of a request one slip away from words the planner must not guess.

    Args:
        words: each word to suggest (matched case-insensitively, e.g. ``"aapl"``,
            ``"apple"``) with what to say it means (``"AAPL (Apple)"``).
        known: words a request may use that are never a slip, though near one of ``words``
            ("apply" is not "Apple", "cost" is not "COST").
    """

    def __init__(self, words: Mapping[str, str], known: Iterable[str] = ()) -> None:
        self.words: dict[str, str] = {word.casefold(): meant for word, meant in words.items()}
        self.known = frozenset(word.casefold() for word in known) | frozenset(self.words)

    def suggest_codes(self, request: str) -> list[Suggestion]:
        """The slips of ``request`` written in capitals, like a code ("APPL" for "AAPL").

        Asked back even when the request could be planned: an unknown code one slip from a
        known one is almost surely that one mistyped, and acting on it would send the
        mistyped code (an order for "APPL") on to a tool.
        """
        return [s for s in self.suggest(request) if s.typed.isupper() and len(s.typed) >= 3]

    def suggest(self, request: str) -> list[Suggestion]:
        """The slips of ``request``, in order, each with the first word it may have meant."""
        found: list[Suggestion] = []
        for match in _WORD_RE.finditer(request):
            typed = match[0]
            if typed.casefold() in self.known:
                continue
            meant = next(
                (meant for word, meant in self.words.items() if is_near_slip(typed, word)), None
            )
            if meant is not None and all(s.typed != typed for s in found):
                found.append(Suggestion(typed, meant))
        return found
