"""Every number in a request has a place, or the request is refused.

The offline planner must never drop a number it cannot read and fall back on a default: "Book
30 tables" is not a table for 2, "Buy 10 AAPL tomorrow at 10am" is not an order now. So each
``Intent`` lists its *placers* (``Intent.numbers``): the phrases whose numbers its plan reads
(a party size, a share count, a date, a limit price...). ``unplaced`` finds the numbers of a
request that no placer covers; the ``RulePlanner`` refuses the request naming the first.

A number is written in digits (``30``, ``-3``, ``5,000``, ``1.5k``, ``$5000``, ``20th``) or in
words (``two`` to ``twenty``, the tens, ``hundred``, ``thousand``, ``dozen``, ``couple``,
``pair``). Not numbers: ``one`` (an article as often as a count), digits inside a word or an id
(``rsv-000001``, ``K7Q2ZD``, ``50DMA``, ``8pm``, ``A320``) and a number word starting a name
(``Four Seasons``).

A placer is a regular expression (every match covers the numbers inside it) or a function
``(text) -> spans``. ``DATES`` and ``TIMES`` cover only what parses as a real date or time:
``February 30`` and ``at 25`` are left unplaced, so they are refused instead of read as today
or dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from plangate.graphs.offline import slots

Span = tuple[int, int]
Placer = str | re.Pattern[str] | Callable[[str], Iterable[Span]]
"""Where an intent reads numbers: a regex (case-insensitive when a string) or ``text -> spans``."""

_WORD_NUMBERS_TEXT = (
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand million billion dozen couple pair zero"
)
_WORD_NUMBERS = _WORD_NUMBERS_TEXT.split()
_UNITS = r"(?:k|m|mm|bn|st|nd|rd|th|am|pm|h|hrs?|d|x|s|mins?)"
_NUMBER_RE = re.compile(
    r"(?<![\w.])(?<!\w-)(?P<digits>[-+]?\d(?:[\d,]*\d)?(?:\.\d+)?)(?="
    + _UNITS
    + r"\b|(?![A-Za-z\d]))"
    r"|\b(?P<word>" + "|".join(_WORD_NUMBERS) + r")\b(?!\s+(?-i:[A-Z]))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NumberMention:
    """A number as written in a request.

    Attributes:
        text: the number as written, e.g. ``"30"`` or ``"twelve"``.
        start: where it starts in the request.
        end: where it ends.
        phrase: a few words around it, to show the user which number is meant.
    """

    text: str
    start: int
    end: int
    phrase: str


def find_numbers(text: str) -> list[NumberMention]:
    """Every number ``text`` writes, in order (see the module docstring for what counts)."""
    found: list[NumberMention] = []
    for match in _NUMBER_RE.finditer(text):
        mid_sentence = match.start() > 0 and text[: match.start()].rstrip()[-1:] not in ".!?"
        if match["word"] and match["word"][0].isupper() and mid_sentence:
            continue  # "at Four Seasons": a capitalised number word mid-sentence is a name
        found.append(NumberMention(match.group(), match.start(), match.end(), _phrase(text, match)))
    return found


def _phrase(text: str, match: re.Match[str]) -> str:
    """The word holding the number, with the word before and after it ("Book 30 tables")."""
    head, tail = text[: match.start()], text[match.end() :]
    token_start = (
        len(head) - len(head.split()[-1]) if head and not head[-1].isspace() else len(head)
    )
    token_end = match.end() + (len(tail.split()[0]) if tail and not tail[0].isspace() else 0)
    before = text[:token_start].split()[-1:]
    after = text[token_end:].split()[:1]
    words = [*before, text[token_start:token_end], *after]
    return " ".join(words).strip(" ,;:.!?")


def unplaced(text: str, placers: Sequence[Placer]) -> list[NumberMention]:
    """The numbers of ``text`` that no placer covers, in order."""
    spans = [span for placer in placers for span in _spans(placer, text)]
    return [
        number
        for number in find_numbers(text)
        if not any(lo <= number.start and number.end <= hi for lo, hi in spans)
    ]


def _spans(placer: Placer, text: str) -> Iterable[Span]:
    if isinstance(placer, str):
        placer = re.compile(placer, re.IGNORECASE)
    if isinstance(placer, re.Pattern):
        return [match.span() for match in placer.finditer(text) if match.group()]
    return placer(text)


def pattern_group(regex: str | re.Pattern[str], group: int | str = 1) -> Placer:
    """A placer covering one group of each match of ``regex`` (e.g. only ``N`` of ``for N``)."""
    compiled = re.compile(regex, re.IGNORECASE) if isinstance(regex, str) else regex

    def place(text: str) -> list[Span]:
        return [m.span(group) for m in compiled.finditer(text) if m.group(group)]

    return place


def _dates(text: str) -> list[Span]:
    reference = date(2000, 1, 1)  # any day: only whether the words make a date matters
    return [span for span, value in slots.date_mentions(text, reference) if value is not None]


def _times(text: str) -> list[Span]:
    return [span for span, value in slots.time_mentions(text) if value is not None]


def _everything(text: str) -> list[Span]:
    return [(0, len(text))]


DATES: Placer = _dates
"""Numbers inside a date that parses (``2026-03-14``, ``14/03``, ``March 3``, ``in 2 days``)."""
TIMES: Placer = _times
"""Numbers inside a time of day that parses (``8pm``, ``19:30``, ``at 8``, ``half past seven``)."""
ANYWHERE: Placer = _everything
"""Every number: for intents whose plan carries the request's own words (a search query)."""
