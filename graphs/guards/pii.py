"""PII detection and redaction: email addresses, phone numbers, card numbers and IBANs.

Detection favours precision where a checksum exists: a card number is only a card number when
it passes Luhn (13-19 digits, spaces or dashes allowed), an IBAN only when its country's length
and the mod-97 check agree. Phone numbers have no checksum, so they are recognised by shape — an
international ``+CC`` number, or a national number written in groups (``(555) 123-4567``,
``020 7946 0958``, ``06 12 34 56 78``) — while dates, times, prices, ISO timestamps, decimals and
numbers introduced as order or booking ids are left alone.

``find_pii(text)`` reports matches; ``redact(value)`` walks JSON-like data (dicts, lists,
strings) and replaces each match with a marker such as ``[email]`` or ``[card ****1111]``.
Redaction is idempotent: markers are never detected again. The engine reuses ``redact`` for
traces; ``PIIRedaction`` is the guardrail.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from plangate.graphs.guards.guardrails import GuardSubject, Stage, Verdict, stage_set
from plangate.tools.errors import UsageError

PiiKind = Literal["email", "phone", "card", "iban"]
PII_KINDS: tuple[PiiKind, ...] = ("email", "phone", "card", "iban")
_PRIORITY = {"card": 0, "iban": 1, "email": 2, "phone": 3}

# IBAN length per country (ISO 13616 registry); an unknown country code is not an IBAN.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip

_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])"
)
# Runs start only where a number starts (not after "7 " or "7-"), which keeps scanning linear.
_DIGIT_RUN = re.compile(r"(?<![\w+.,*])(?<![0-9][ -])[0-9]+(?:[ -][0-9]+)*(?![\w]|[.,][0-9])")
_IBAN_HEAD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2} ?$")
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11,32}")
_PHONE = re.compile(
    r"(?<![\w#/.,:+*$€£¥-])(?:(?<![0-9][ .-])|(?=\+))(?:\+[0-9]{1,3}[ .-]?)?(?:\([0-9]{1,5}\)[ .-]?)?"
    r"[0-9]{1,14}(?:[ .-][0-9]{1,14})*(?![\w]|[.,][0-9])"
)
_ID_BEFORE = re.compile(
    r"\b(?:order|ref|reference|booking|confirmation|conf|invoice|ticket|tracking|receipt|"
    r"transaction|txn|account|acct|id|sku|pnr|case|serial|isbn|po)\b\.?"
    r"\s*(?:no\.?|number|#|id)?\s*[:#]?\s*$",
    re.IGNORECASE,
)
_MAX_PASSES = 6  # with a replacer; then markers, which always end (see redact_text)
_CURRENCY = re.compile(r"[$€£¥]|\b(?:usd|eur|gbp|chf|jpy)\b", re.IGNORECASE)


@dataclass(frozen=True)
class PiiMatch:
    """One piece of PII found in a text.

    Attributes:
        kind: ``email``, ``phone``, ``card`` or ``iban``.
        start: offset of the first character.
        end: offset just past the last character.
        text: the matched text.
    """

    kind: PiiKind
    start: int
    end: int
    text: str

    @property
    def replacement(self) -> str:
        """The marker that replaces the match; a card keeps its last four digits."""
        if self.kind == "card":
            return f"[card ****{re.sub(r'[^0-9]', '', self.text)[-4:]}]"
        return f"[{self.kind}]"


Replacer = Callable[[PiiMatch], str]
"""What replaces a match, instead of its marker (``redact_text``)."""


def is_luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn checksum."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return bool(digits) and total % 10 == 0


def is_iban_valid(text: str) -> bool:
    """Whether ``text`` (spaces allowed) is an IBAN of a known country with a valid checksum."""
    compact = text.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+", compact):
        return False
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _cards(text: str) -> Iterable[PiiMatch]:
    for run in _DIGIT_RUN.finditer(text):
        if _IBAN_HEAD.search(text, max(0, run.start() - 6), run.start()):
            continue  # the digits of an IBAN ("DE89 3704 ..."), valid or not, are not a card
        offset = run.start()
        groups = [
            (offset + m.start(), offset + m.end()) for m in re.finditer("[0-9]+", run.group())
        ]
        total = sum(end - start for start, end in groups)
        # A run of card length is one number: valid or not, it is not searched for a card
        # inside. A longer run holds several numbers ("4111 ... 1111 2027 0042"), so every
        # window of whole groups is tried.
        first_groups = [0] if total <= 19 else range(len(groups))
        for first in first_groups:
            digits = ""
            for last in range(first, len(groups)):
                digits += text[groups[last][0] : groups[last][1]]
                if len(digits) > 19:
                    break
                whole = total > 19 or last == len(groups) - 1
                if whole and len(digits) >= 13 and is_luhn_valid(digits):
                    start, end = groups[first][0], groups[last][1]
                    yield PiiMatch("card", start, end, text[start:end])


def _ibans(text: str) -> Iterable[PiiMatch]:
    position = 0
    while found := _IBAN.search(text, position):
        position = found.start() + 1
        length = IBAN_LENGTHS.get(found.group()[:2].upper())
        count = 0
        for offset, char in enumerate(found.group()):
            count += char != " "
            if count == length:
                end = found.start() + offset + 1
                if (end == len(text) or not text[end].isalnum()) and is_iban_valid(
                    text[found.start() : end]
                ):
                    yield PiiMatch("iban", found.start(), end, text[found.start() : end])
                    position = end
                break


def _is_phone(text: str, start: int, end: int) -> bool:
    candidate = text[start:end]
    groups = re.findall(r"[0-9]+", candidate)
    if not 7 <= sum(map(len, groups)) <= 15 or re.match(r":[0-9]", text[end : end + 2]):
        return False  # too short/long, or the hour of a date-time ("2024-05-01 12:30")
    if _ID_BEFORE.search(text[max(0, start - 30) : start]):
        return False
    if candidate.startswith("+"):
        return True
    sizes = [len(group) for group in groups]
    thousands = sizes[0] <= 3 and all(size == 3 for size in sizes[1:])
    nearby = text[max(0, start - 4) : start] + text[end : end + 4]
    return not (
        len(groups) < 2  # a bare run of digits is an id or an amount as often as a phone
        or (len(groups) == 2 and "." in candidate)  # a decimal
        or (thousands and ("." in candidate or sizes[0] == 1 or _CURRENCY.search(nearby)))
        or (len(groups) == 3 and sum(sizes) <= 8 and 4 in (sizes[0], sizes[-1]))  # a date
        or (len(groups) == 2 and sizes == [4, 4] and all(g[:2] in ("19", "20") for g in groups))
    )


def find_pii(text: str, kinds: Iterable[PiiKind] = PII_KINDS) -> list[PiiMatch]:
    """Non-overlapping PII matches in ``text``, in order; the longest wins an overlap."""
    wanted = set(kinds)
    candidates: list[PiiMatch] = []
    if "card" in wanted:
        candidates += _cards(text)
    if "iban" in wanted:
        candidates += _ibans(text)
    if "email" in wanted:
        candidates += (
            PiiMatch("email", m.start(), m.end(), m.group()) for m in _EMAIL.finditer(text)
        )
    if "phone" in wanted:
        candidates += (
            PiiMatch("phone", m.start(), m.end(), m.group())
            for m in _PHONE.finditer(text)
            if _is_phone(text, m.start(), m.end())
        )
    chosen: list[PiiMatch] = []
    for match in sorted(candidates, key=lambda m: (m.start - m.end, _PRIORITY[m.kind], m.start)):
        if all(match.end <= kept.start or match.start >= kept.end for kept in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def redact_text(
    text: str, kinds: Iterable[PiiKind] = PII_KINDS, replace: Replacer | None = None
) -> tuple[str, list[PiiMatch]]:
    """``text`` with each match replaced by its marker (or by ``replace(match)``), and the matches.

    Redaction repeats until nothing more changes: removing a card can leave digits that read
    as a phone on their own, and a second ``redact`` must find nothing new (idempotence). With
    markers each pass removes digits, so this ends; a ``replace`` that keeps what it already
    replaced (``plangate.graphs.guards.pseudonyms``) has a few passes, then markers finish
    what it left. Matches of later passes have offsets in the earlier result.
    """
    kinds = tuple(kinds)
    found: list[PiiMatch] = []
    for attempt in itertools.count():
        matches = find_pii(text, kinds)
        chosen = replace if replace is not None and attempt < _MAX_PASSES - 1 else None
        parts: list[str] = []
        position = 0
        for match in matches:
            swap = chosen(match) if chosen is not None else match.replacement
            if replace is not None and chosen is None and replace(match) == match.text:
                swap = match.text  # already a stand-in: the last pass keeps it
            parts += [text[position : match.start], swap]
            position = match.end
        replaced = "".join(parts) + text[position:]
        if replaced == text:
            break
        found += matches
        text = replaced
    return text, found


def redact(
    value: Any, kinds: Iterable[PiiKind] = PII_KINDS, replace: Replacer | None = None
) -> Any:
    """``value`` with PII redacted in every string of nested dicts, lists and tuples.

    Each match becomes its marker, or ``replace(match)`` when given (stable pseudonyms: see
    ``plangate.graphs.guards.pseudonyms``). Keys and non-string leaves are kept as they are;
    the input is not mutated.
    """
    return _walk(value, tuple(kinds), [], replace)


def _walk(
    value: Any,
    kinds: tuple[PiiKind, ...],
    found: list[PiiMatch],
    replace: Replacer | None = None,
) -> Any:
    if isinstance(value, str):
        redacted, matches = redact_text(value, kinds, replace)
        found += matches
        return redacted
    if isinstance(value, Mapping):
        return {key: _walk(item, kinds, found, replace) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_walk(item, kinds, found, replace) for item in value)
    return value


class PIIRedaction:
    """Redact PII from requests, tool results and answers (a ``modify`` verdict)."""

    def __init__(
        self,
        kinds: Iterable[PiiKind] = PII_KINDS,
        *,
        stages: Iterable[Stage | str] = (Stage.INPUT, Stage.TOOL_RESULT, Stage.OUTPUT),
        name: str = "pii_redaction",
    ) -> None:
        self.kinds = tuple(dict.fromkeys(kinds))
        if unknown := set(self.kinds) - set(PII_KINDS):
            raise UsageError(f"unknown PII kinds {sorted(unknown)}; known: {', '.join(PII_KINDS)}")
        if not self.kinds:
            raise UsageError("PIIRedaction needs at least one PII kind")
        self.name = name
        self.stages = stage_set(stages, owner="PIIRedaction")

    async def check(self, subject: GuardSubject) -> Verdict:
        """Allow clean payloads; otherwise modify with the redacted payload."""
        found: list[PiiMatch] = []
        redacted = _walk(subject.payload, self.kinds, found)
        if not found:
            return Verdict.allow(self.name, subject.stage)
        counts = Counter(match.kind for match in found)
        summary = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
        details = {"kinds": sorted(counts), "counts": dict(sorted(counts.items()))}
        return Verdict.modify(
            self.name, subject.stage, f"redacted PII: {summary}", redacted, details=details
        )
