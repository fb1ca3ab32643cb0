"""Scan one text for prompt injection: normalise, find triggers, run the rules around them.

``scan_injection`` reads a text the way ``plangate.graphs.guards.normalize`` prepares it (and
its look-alike-folded and leetspeak readings), finds every trigger word of
``plangate.graphs.guards.injection_rules`` in one pass, runs each rule only in windows around
its triggers (one rule reads the window letters-only, for spelt-out overrides), and adds two
checks of its own: HTML comments that speak to a model, and encoded text decoded once and
scanned: base64 blobs here, hex runs, rot13 and reversed text in
``plangate.graphs.guards.injection_decoders``.

Cost and bounds: every step is linear in the text's length (one pass per view; windows of a
rule are merged before it runs, so no character is searched twice by one rule; patterns use
bounded repetition only). A text longer than ``SCAN_LIMIT`` characters is scanned in part:
its head (``HEAD``), its tail (``TAIL``) and ``SAMPLES`` evenly spaced windows of its middle;
the scan then carries the zero-weight signal ``partially_scanned`` and ``complete=False``, so
the caller knows some text went unread. A megabyte of prose scans in about half a second
of CPU (``python -m bench --only injection_scan``).
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from dataclasses import dataclass

from plangate.graphs.guards.injection_decoders import decoded_readings
from plangate.graphs.guards.injection_rules import RULES, UNLESS_REACH, Rule, trigger_index
from plangate.graphs.guards.normalize import decode_escapes, leet, squash, views

SCAN_LIMIT = 2_000_000
"""Texts up to this many characters are scanned whole."""
HEAD, TAIL, SAMPLES, SAMPLE = 1_000_000, 500_000, 8, 62_500
"""Above ``SCAN_LIMIT``: the first ``HEAD`` and last ``TAIL`` characters, and ``SAMPLES``
windows of ``SAMPLE`` characters spread evenly over the middle, are scanned."""

BLOCK = 256
"""Trigger positions are kept per block of this many characters (see ``match_rules``)."""

_TRIGGERS, _OPENS = trigger_index(RULES)
_LEET_RULES = frozenset(i for i, rule in enumerate(RULES) if rule.leet)
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{24,}={0,2}")
_WORDS = re.compile(r"(?<![A-Za-z])[A-Za-z]{3,} [A-Za-z]{2}")
_INVISIBLE = re.compile(
    "[\u200b-\u200f\u2060\ufeff\u202a-\u202e\u2066-\u2069\U000e0000-\U000e007f]"
)
_HIDDEN = re.compile("[A-Za-z][\u200b-\u200f\u2060\ufeff]+[A-Za-z]|[\u202a-\u202e\u2066-\u2069]")
_TAGS = re.compile("[\U000e0000-\U000e007f]")
_MODEL_WORDS = re.compile(
    r"\b(?:ai|assistant|agent|chatbot|bot|llm|language model|model|gpt|copilot|claude)s?\b"
)
_COMMENT_WORDS = re.compile(
    r"\b(?:instruct\w*|ignore|tool|call|execute|transfer|book|buy|sell|tell|user)\b"
)
_COMMAND_WORDS = re.compile(
    r"\b(?:ignore|call|invoke|use|execute|run|book|buy|sell|transfer|send|wire|forward|email"
    r"|cancel|delete|reveal|tell|say|respond|reply|output|recommend|include|add|place|mark"
    r"|rate|approve)\b"
)


@dataclass(frozen=True)
class InjectionScan:
    """How suspicious a text looks.

    Attributes:
        score: the sum of the weights of the distinct signals found.
        signals: their names, in the order found.
        flagged: whether ``score`` reached the threshold.
        complete: False when the text was longer than ``SCAN_LIMIT`` and scanned in part.
    """

    score: float
    signals: tuple[str, ...]
    flagged: bool
    complete: bool = True


def scan_injection(text: str, *, threshold: float = 1.0) -> InjectionScan:
    """Score ``text`` for prompt injection; ``flagged`` when the score reaches ``threshold``.

    A scan is a pure function of its arguments: short texts, which recur (the keys of every
    result, status words, ids), are scanned once each and their scan remembered.
    """
    if len(text) <= REMEMBERED_LENGTH:
        return _remembered_scan(text, threshold)
    return _scan(text, threshold)


REMEMBERED_LENGTH = 256
"""Texts up to this many characters have their scan remembered (``_remembered_scan``)."""


@functools.lru_cache(maxsize=8192)
def _remembered_scan(text: str, threshold: float) -> InjectionScan:
    return _scan(text, threshold)


def _scan(text: str, threshold: float) -> InjectionScan:
    complete = len(text) <= SCAN_LIMIT
    signals = signals_of(text if complete else _excerpt(text), decode=True)
    if not complete:
        signals["partially_scanned"] = 0.0
    score = round(sum(signals.values()), 2)
    return InjectionScan(score, tuple(signals), score >= threshold, complete)


def _excerpt(text: str) -> str:
    middle = len(text) - HEAD - TAIL
    step = middle // SAMPLES
    samples = [text[HEAD + i * step : HEAD + i * step + SAMPLE] for i in range(SAMPLES)]
    return "\n".join([text[:HEAD], *samples, text[-TAIL:]])


def signals_of(text: str, *, decode: bool) -> dict[str, float]:
    """The signals found in ``text`` and their weights (the largest per name).

    Args:
        text: the raw text.
        decode: whether encoded text (base64, hex, rot13, reversed) is decoded and scanned
            (one level: not inside what was decoded).
    """
    signals: dict[str, float] = {}
    suppressed: set[str] = set()
    readings = views(decode_escapes(text))
    plain = readings[0]
    for reading in readings:
        match_rules(reading, signals, None, suppressed)
    leetspeak = leet(readings[-1])
    if leetspeak is not None:
        match_rules(leetspeak, signals, _LEET_RULES, suppressed)
    if (signals.keys() | suppressed) & {"instruction_override", "secrecy", "role_reassignment"}:
        # The same phrase, already counted, or read plainly as reported speech.
        signals.pop("obfuscated_override", None)
    found = None if text.isascii() else _INVISIBLE.search(text)
    if found and (_TAGS.search(text, found.start()) or _HIDDEN.search(text, found.start() - 1)):
        signals["invisible_characters"] = 0.5
    if weight := max((_comment_weight(body) for _, _, body in comments(plain)), default=0.0):
        signals["hidden_comment"] = weight
    decoded = "\n".join([*decoded_blobs(text), *decoded_readings(text)]) if decode else ""
    if decoded and signals_of(decoded, decode=False):
        signals["encoded_payload"] = 1.0
    return signals


def match_rules(
    view: str,
    signals: dict[str, float],
    only: frozenset[int] | None,
    suppressed: set[str] | None = None,
) -> None:
    """Add to ``signals`` every rule (of ``only``, or all) that matches ``view``.

    Args:
        view: a normalised reading of the text.
        signals: the signals found so far, updated in place.
        only: the indexes of the rules to run, or None for all.
        suppressed: when given, receives the names of rules whose every match was cancelled
            by their ``Rule.unless`` pattern (reported speech).
    """
    for index, spans in search_plan(view, only).items():
        rule = RULES[index]
        if signals.get(rule.name, 0.0) >= rule.weight:
            continue
        found = [_search(rule, view, low, high) for low, high in spans]
        if any(result is True for result in found):
            signals[rule.name] = rule.weight
        elif suppressed is not None and None in found:
            suppressed.add(rule.name)


def search_plan(view: str, only: frozenset[int] | None = None) -> dict[int, list[tuple[int, int]]]:
    """Where each rule (of ``only``, or all) must search ``view``: sorted, disjoint spans.

    The text is cut into blocks of ``BLOCK`` characters; a trigger marks its block for the rules
    it opens, and each rule searches its marked blocks widened by its ``Rule.reach``, spans
    that touch joined. The trigger loop does one set insertion per trigger found, and the
    spans of a rule are disjoint, so a rule reads each character at most once: with patterns of
    bounded repetition only, the whole scan is linear even in text made of nothing but triggers.
    """
    marked: dict[str, set[int]] = {}
    for search in _TRIGGERS:
        for found in search.finditer(view):
            marked.setdefault(found.group(), set()).add(found.start() // BLOCK)
    blocks: dict[int, set[int]] = {}
    for word, found_in in marked.items():
        for index in _OPENS[word]:
            if only is None or index in only:
                blocks.setdefault(index, set()).update(found_in)
    plan: dict[int, list[tuple[int, int]]] = {}
    for index, found_in in blocks.items():
        reach, spans = RULES[index].reach, plan.setdefault(index, [])
        for block in sorted(found_in):
            low, high = max(block * BLOCK - reach, 0), min((block + 1) * BLOCK + reach, len(view))
            if spans and low <= spans[-1][1]:
                spans[-1] = (spans[-1][0], high)
            else:
                spans.append((low, high))
    return plan


def _search(rule: Rule, view: str, low: int, high: int) -> bool | None:
    """Whether ``rule`` matches ``view[low:high]``; None when it matched only where its
    ``unless`` pattern cancels the match."""
    if rule.squashed:
        return rule.pattern.search(squash(view[low:high])) is not None
    if rule.unless is None:
        return rule.pattern.search(view, low, high) is not None
    cancelled = False
    # Matches do not overlap and each reads a bounded prefix: still linear.
    for found in rule.pattern.finditer(view, low, high):
        if rule.unless.search(view, max(found.start() - UNLESS_REACH, 0), found.start()) is None:
            return True
        cancelled = True
    return None if cancelled else False


def comments(text: str) -> list[tuple[int, int, str]]:
    """Each HTML comment in ``text``: ``(start, end, body)``, the first ``-->`` closing it.

    Found with ``str.find`` rather than a lazy regex, which scans to the end of the text from
    every unclosed ``<!--`` and so takes quadratic time on a text full of them.
    """
    found: list[tuple[int, int, str]] = []
    position = 0
    while (start := text.find("<!--", position)) != -1:
        end = text.find("-->", start + 4)
        if end == -1:
            break  # no comment closes after this one, so none after it either
        found.append((start, end + 3, text[start + 4 : end]))
        position = end + 3
    return found


def decoded_blobs(text: str) -> list[str]:
    """The base64 blobs of ``text`` that decode to printable words."""
    found = []
    for blob in _BASE64.findall(text):
        try:
            decoded = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            continue
        # Words, not a blob of letters; the lookbehind keeps the search linear in a long blob.
        if decoded.isprintable() and _WORDS.search(decoded):
            found.append(decoded)
    return found


def _comment_weight(comment: str) -> float:
    """How strongly a hidden HTML comment speaks to a model rather than to a web developer."""
    model = _MODEL_WORDS.search(comment)
    if not (model or _COMMENT_WORDS.search(comment)):
        return 0.0
    return 1.0 if model and _COMMAND_WORDS.search(comment) else 0.6
