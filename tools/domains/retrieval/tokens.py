"""Tokenization for lexical search: words, case- and accent-folded, without stopwords.

The same function tokenizes documents and queries, so whatever it folds (case, accents, a
trailing plural ``s``) folds on both sides and still matches. It is not a stemmer: ``booking``
and ``booked`` stay apart, which keeps the index predictable to read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

_STOPWORD_LIST = """
    a about above after again all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    s t d ll re ve
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_LIST.split())
"""English function words, and the tails of contractions (``Visa's`` → ``visa``, ``s``).

Deliberately kept out: ``us`` (the region), ``v`` and ``ma`` (tickers), and numbers.
"""

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Token:
    """A token and where it sits in the text it came from.

    Attributes:
        term: the folded form that is indexed and matched.
        start: offset of the word's first character.
        end: offset just past the word.
    """

    term: str
    start: int
    end: int


def fold(word: str) -> str:
    """The indexed form of one word: casefolded, accents stripped, a plural ``s`` dropped."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # A light plural fold, not stemming: "risks" meets "risk", "class" and "bus" stay whole.
    if len(plain) > 3 and plain.endswith("s") and not plain.endswith(("ss", "us", "is")):
        return plain[:-1]
    return plain


def scan(text: str) -> Iterator[Token]:
    """Every indexed token of ``text`` with its offsets, stopwords left out."""
    for match in _WORD.finditer(text):
        # "_" is a word character to the regex but a separator to people ("snake_case").
        for part in re.finditer(r"[^_]+", match.group()):
            term = fold(part.group())
            if term and term not in STOPWORDS:
                yield Token(term, match.start() + part.start(), match.start() + part.end())


def tokenize(text: str) -> list[str]:
    """The indexed terms of ``text``, in order, repeats kept (BM25 counts them)."""
    return [token.term for token in scan(text)]


def query_terms(query: str) -> list[str]:
    """The distinct terms of a query, in order: repeating a word does not weigh it more."""
    return list(dict.fromkeys(tokenize(query)))
