"""Stable pseudonyms for PII in a trace: the same value always becomes the same stand-in.

A trace that replaced every email with ``[email]`` could not be replayed: the code reading the
recorded results sees ``[email]``, which no email validator accepts, and two attendees become one.
``Pseudonyms`` gives each distinct value (per kind, in a canonical form: an email in lower case, a
phone, card or IBAN without its spaces) a stand-in of the same shape, numbered in the order values
first appear, and remembers it for the rest of the trace:

- an email becomes ``user3@redacted.example.com`` (``example.com`` is reserved for examples and,
  unlike ``.invalid``, passes strict email validators);
- a phone keeps its layout (``+``, spaces, brackets, dashes) and its number of digits, which
  become ``000``, the counter and a digit that keeps the number from passing Luhn (so it never
  reads as a card): ``+351 912 345 678`` → ``+000 000 000 010``;
- a card keeps its layout, its length and its last four digits (what ``[card ****1111]`` showed)
  and passes Luhn: ``4111 1111 1111 1111`` → ``0000 0000 0012 1111``;
- an IBAN keeps its country, length and layout; its account part becomes zeros and the counter
  and its check digits are recomputed, so it stays a valid IBAN.

No real email is at ``redacted.example.com``, no phone or card number starts with ``000`` and no
bank account with five zeros, which is how a stand-in is recognised when it is met again (also
re-spaced or re-cased by the code that handled it): it is kept, so cleaning is idempotent. The
counter never derives from the value, and the table is never written, so a stand-in tells nothing
about the value it replaces (a hash of a phone number could be reversed by trying them all).

A table that cannot allocate (``allocate=False``, as replay uses it) stands a *placeholder* in for
a value it has not seen; ``bind`` later ties the value to the stand-in recorded in its place.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from plangate.graphs.guards.pii import IBAN_LENGTHS, PiiKind, PiiMatch, is_luhn_valid

PSEUDONYM_DOMAIN = "redacted.example.com"
# Readable in a replay's diff, and never read as PII: a lone number is no phone or card.
_PLACEHOLDER = re.compile(r"⟦unmatched (?:email|phone|card|iban) ([0-9]+)⟧")
_IBAN_COUNTER = 6  # digits of the counter at the end of a stand-in IBAN's account part


@dataclass(frozen=True)
class Pending:
    """A value a non-allocating table met without a stand-in for it.

    Attributes:
        kind: what the value is.
        canonical: the value in canonical form (the table's key).
        text: the value as written (its layout shapes the stand-in's).
    """

    kind: PiiKind
    canonical: str
    text: str


def canonical(kind: PiiKind, text: str) -> str:
    """``text`` (a value of ``kind``) in the form that makes two spellings of it equal."""
    if kind == "email":
        return text.lower()
    if kind == "iban":
        return re.sub(r"[^0-9A-Za-z]", "", text).upper()
    digits = re.sub(r"[^0-9]", "", text)
    return "+" + digits if kind == "phone" and text.startswith("+") else digits


def is_pseudonym(kind: PiiKind, text: str) -> bool:
    """Whether ``text``, found as ``kind``, is a stand-in (see the module docstring)."""
    if kind == "email":
        return text.rpartition("@")[2].lower() == PSEUDONYM_DOMAIN
    if kind == "iban":
        body = canonical("iban", text)[4:-_IBAN_COUNTER]
        return len(body) >= 5 and set(body) == {"0"}
    return canonical("card", text).startswith("000")


def has_placeholder(text: str) -> bool:
    """Whether a cleaned string still holds a placeholder (see ``Pseudonyms``)."""
    return _PLACEHOLDER.search(text) is not None


def split_placeholders(text: str) -> list[str | int]:
    """``text`` as literal parts and placeholder ids, in order."""
    parts: list[str | int] = []
    for index, part in enumerate(_PLACEHOLDER.split(text)):
        parts.append(int(part) if index % 2 else part)
    return parts


def _placeholder(kind: PiiKind, index: int) -> str:
    return f"⟦unmatched {kind} {index}⟧"


def _key(kind: PiiKind, text: str) -> str:
    """A stand-in's key: canonical, and for a phone without its ``+`` (stand-ins are digits)."""
    return canonical(kind, text).lstrip("+")


def _stand_in_digits(kind: PiiKind, number: int, size: int, last4: str) -> str | None:
    if kind == "phone":
        body = "000" + str(number).zfill(size - 4)
        fixes = (body + str(d) for d in range(10))
        return next(d for d in fixes if not is_luhn_valid(d)) if len(body) == size - 1 else None
    head = "000" + str(number).zfill(size - 8)
    if len(head) != size - 5:
        return None
    check = next(str(d) for d in range(10) if is_luhn_valid(f"{head}{d}{last4}"))
    return f"{head}{check}{last4}"


def _stand_in_iban(country: str, number: int) -> str | None:
    size = IBAN_LENGTHS.get(country, 0)
    counter = str(number)
    if size < 15 or len(counter) > _IBAN_COUNTER:
        return None
    account = counter.zfill(size - 4)
    rearranged = account + country + "00"
    check = 98 - int("".join(str(int(char, 36)) for char in rearranged)) % 97
    return f"{country}{check:02d}{account}"


def render(kind: PiiKind, text: str, stand_in: str) -> str:
    """``stand_in`` (a canonical stand-in) written in the layout of ``text``."""
    if kind == "email":
        return stand_in
    wanted = str.isalnum if kind == "iban" else str.isdigit
    chars = iter(stand_in.lstrip("+"))
    return "".join(next(chars, char) if wanted(char) else char for char in text)


def pattern(kind: PiiKind, text: str) -> str:
    """A regular expression matching the stand-ins of ``text`` in its layout."""
    if kind == "email":
        return r"[A-Za-z0-9._%+-]+@" + re.escape(PSEUDONYM_DOMAIN)
    wanted = str.isalnum if kind == "iban" else str.isdigit
    return "".join("[0-9A-Z]" if wanted(char) else re.escape(char) for char in text)


class Pseudonyms:
    """The stand-ins of one trace (see the module docstring).

    Args:
        allocate: give unseen values new stand-ins (recording); ``False`` stands placeholders in
            for them until ``bind`` ties them to recorded stand-ins (replay).
    """

    def __init__(self, *, allocate: bool = True) -> None:
        self.allocate = allocate
        self._table: dict[tuple[PiiKind, str], str] = {}
        self._owners: dict[tuple[PiiKind, str], str] = {}
        self._taken: set[tuple[PiiKind, str]] = set()
        self._counters: Counter[PiiKind] = Counter()
        self._pending: list[Pending] = []
        self._pending_ids: dict[Pending, int] = {}
        self._lock = threading.Lock()  # a recorder may clean from a model's worker thread

    def replace(self, match: PiiMatch) -> str:
        """What stands in for ``match``: its stand-in, a placeholder, or itself if it is one.

        The marker of ``match`` (``[phone]``) when no stand-in of its shape is left.
        """
        with self._lock:
            return self._replace(match)

    def _replace(self, match: PiiMatch) -> str:
        kind, text = match.kind, match.text
        if is_pseudonym(kind, text):
            self._taken.add((kind, _key(kind, text)))
            return text.lower() if kind == "email" else text
        key = (kind, canonical(kind, text))
        stand_in = self._table.get(key)
        if stand_in is None and not self.allocate:
            pending = Pending(kind, key[1], text)
            index = self._pending_ids.setdefault(pending, len(self._pending))
            if index == len(self._pending):
                self._pending.append(pending)
            return _placeholder(kind, index)
        if stand_in is None:
            stand_in = self._new(kind, key[1])
            if stand_in is None:
                return match.replacement
            self._table[key] = stand_in
            self._owners[(kind, stand_in)] = key[1]
        return render(kind, text, stand_in)

    def _new(self, kind: PiiKind, value: str) -> str | None:
        while True:
            self._counters[kind] += 1
            number = self._counters[kind]
            if kind == "email":
                made: str | None = f"user{number}@{PSEUDONYM_DOMAIN}"
            elif kind == "iban":
                made = _stand_in_iban(value[:2], number)
            else:
                size = len(value.lstrip("+"))
                made = _stand_in_digits(kind, number, size, value[-4:])
            if made is None or (kind, made) not in self._taken:
                return made

    def note(self, kind: PiiKind, text: str) -> None:
        """Keep the stand-in ``text`` (found in a trace being continued) from being reused."""
        if is_pseudonym(kind, text):
            self._taken.add((kind, _key(kind, text)))

    def pending(self, index: int) -> Pending:
        """The value placeholder ``index`` stands in for."""
        return self._pending[index]

    def bind(self, ties: Iterable[tuple[Pending, str]]) -> bool:
        """Tie each value to the stand-in recorded in its place: all of them, or none.

        None when a text is no stand-in of its value's kind (or, for a card, does not end in
        its last four digits), already stands in for another value, or the value already has
        another stand-in.
        """
        with self._lock:
            return self._bind(list(ties))

    def _bind(self, ties: list[tuple[Pending, str]]) -> bool:
        table, owners = dict(self._table), dict(self._owners)
        for pending, text in ties:
            kind, value = pending.kind, pending.canonical
            stand_in = _key(kind, text)
            if not is_pseudonym(kind, text) or (kind == "card" and stand_in[-4:] != value[-4:]):
                return False
            if owners.setdefault((kind, stand_in), value) != value:
                return False
            if table.setdefault((kind, value), stand_in) != stand_in:
                return False
        self._table, self._owners = table, owners
        return True
