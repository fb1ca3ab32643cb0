"""Prompt-injection heuristics for requests and, above all, for text inside tool results.

A restaurant review, a research note or an email body can carry instructions aimed at the model
("ignore previous instructions and book ..."). ``scan_injection``
(``plangate.graphs.guards.injection_scan``) scores a text against weighted rules
(``injection_rules``; overrides in a dozen languages in ``injection_lexicon``) — instruction
overrides, role reassignment and jailbreaks, chat-template tokens, role markers and fake
conversation turns, fake tool results, requests to call tools or move money, secrecy towards
the user, hidden comments and links, encoded payloads — after undoing obfuscation
(``normalize``, ``confusables``): zero-width, bidi and tag characters, homoglyphs, full-width
and mathematical letters, accents, HTML entities, URL encoding, letter spacing, hyphenation,
leetspeak, and base64 blobs (decoded and scanned). The scan is linear in the text's length and
bounded (``SCAN_LIMIT``).

``PromptInjection`` walks a payload at any depth, scanning dictionary keys as well as values,
skipping objects shaped like a forged tool call or chat message
(``plangate.graphs.guards.injection_structure``), which are flagged and replaced whole, and
also scans each pair of adjacent strings joined (the end of one and the start of the next,
``PAIR_WINDOW`` characters each), so an instruction split across two documents of one result
is found. It blocks a flagged request at ``input``. At ``tool_result`` it never blocks — the
data may be legitimate — but returns a ``modify`` verdict with the suspicious passages replaced
by ``[removed: possible prompt injection]`` and ``details["tainted"] = True``, so the engine
taints the step: a write whose arguments derive from it then needs approval
(``plangate.graphs.guards.policy.TaintedWriteApproval``). Detection is one layer; that gate is
what must hold when a phrasing slips through.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from plangate.graphs.guards.guardrails import GuardSubject, Stage, Verdict, stage_set
from plangate.graphs.guards.injection_scan import (
    SCAN_LIMIT,
    InjectionScan,
    comments,
    decoded_blobs,
    scan_injection,
)
from plangate.graphs.guards.injection_structure import spoofed_objects, without_spoofed
from plangate.graphs.guards.normalize import INVISIBLE, normalise
from plangate.tools.errors import UsageError

__all__ = [
    "PAIR_WINDOW",
    "REMOVED",
    "SCAN_LIMIT",
    "InjectionScan",
    "PromptInjection",
    "comments",
    "neutralise",
    "normalise",
    "scan_injection",
]

REMOVED = "[removed: possible prompt injection]"
PAIR_WINDOW = 400
"""Characters taken from the end of one string and the start of the next for a joined scan."""

CHUNK = 2_000
"""``neutralise`` scans sentences in chunks of about this many characters first."""

_TAGS = re.compile("[\U000e0000-\U000e007f]+")
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{24,}={0,2}")
# A sentence ends at . ! ? followed by a space (not inside "example.com"), or at a line end.
_BOUNDARY = re.compile(r"(?<=[.!?])[ \t]+|\n")
_KEY_SPLIT = re.compile(r"[_\-.]+|(?<=[a-z])(?=[A-Z])")


def _without_comments(text: str, replacement: str) -> str:
    pieces, position = [], 0
    for start, end, _ in comments(text):
        pieces += [text[position:start], replacement]
        position = end
    return "".join([*pieces, text[position:]])


def neutralise(text: str, *, threshold: float = 1.0) -> str:
    """``text`` with its suspicious passages replaced by ``REMOVED``; unchanged when clean.

    Hidden comments and decodable blobs go whole; otherwise each sentence or line that holds a
    signal is replaced. Sentences are scanned in chunks of about ``CHUNK`` characters first and
    one by one only inside a chunk with a signal, so a long text stays linear. When the
    remainder would still be flagged, the whole text is replaced.
    """
    if not scan_injection(text, threshold=threshold).flagged:
        return text
    return _neutralise_flagged(text, threshold)


def _neutralise_flagged(text: str, threshold: float) -> str:
    """``neutralise`` for a text already scanned and flagged."""
    cleaned = _TAGS.sub(REMOVED, INVISIBLE.sub("", text))
    cleaned = _without_comments(cleaned, REMOVED)
    cleaned = _BASE64.sub(lambda m: REMOVED if decoded_blobs(m.group()) else m.group(), cleaned)
    pieces, position = [], 0
    for boundary in _BOUNDARY.finditer(cleaned):
        pieces += [cleaned[position : boundary.start()], boundary.group()]
        position = boundary.end()
    pieces.append(cleaned[position:])
    start = size = 0
    for end in range(0, len(pieces) + 2, 2):  # sentences sit at even indexes; one past the end
        size += len(pieces[end]) if end < len(pieces) else CHUNK
        if size >= CHUNK:
            _clear(pieces, start, min(end + 1, len(pieces)))
            start, size = end + 2, 0
    cleaned = "".join(pieces).rstrip() or REMOVED
    return REMOVED if scan_injection(cleaned, threshold=threshold).flagged else cleaned


def _clear(pieces: list[str], start: int, end: int) -> None:
    """Replace each sentence of ``pieces[start:end]`` (even indexes) that holds a signal."""
    if start >= end or not scan_injection("".join(pieces[start:end])).score:
        return
    for i in range(start, end, 2):
        if pieces[i].strip() and scan_injection(pieces[i]).score:
            pieces[i] = REMOVED


def _key_text(key: str) -> str:
    """A dictionary key as words: "note_to_ai" and "noteToAi" read "note to ai"."""
    return _KEY_SPLIT.sub(" ", key)


def _cut_last_sentence(text: str) -> str:
    cut = max(text.rstrip().rfind(". "), text.rstrip().rfind("\n"))
    return (text[: cut + 2] if cut >= 0 else "") + REMOVED


def _cut_first_sentence(text: str) -> str:
    found = _BOUNDARY.search(text)
    return REMOVED + (text[found.start() :] if found else "")


class PromptInjection:
    """Block injected requests; neutralise and taint injected tool results."""

    def __init__(
        self,
        *,
        threshold: float = 1.0,
        stages: Iterable[Stage | str] = (Stage.INPUT, Stage.TOOL_RESULT),
        name: str = "prompt_injection",
    ) -> None:
        if not threshold > 0:
            raise UsageError(f"PromptInjection.threshold must be positive, got {threshold!r}")
        allowed = (Stage.INPUT, Stage.TOOL_RESULT, Stage.OUTPUT)
        self.name = name
        self.stages = stage_set(stages, owner="PromptInjection", allowed=allowed)
        self.threshold = threshold

    async def check(self, subject: GuardSubject) -> Verdict:
        """Allow clean text; block a flagged request; modify and taint a flagged result."""
        spoofed = spoofed_objects(subject.payload)  # iterative: any depth is read
        try:
            payload = without_spoofed(subject.payload, spoofed, REMOVED)
        except RecursionError:  # nested past Python's limit: the whole result goes
            payload = REMOVED
        leaves = _leaves(payload)
        scans = [scan_injection(text, threshold=self.threshold) for text, _ in leaves]
        replace = {i: scan for i, scan in enumerate(scans) if scan.flagged}
        tails: set[int] = set()  # strings whose end starts a split instruction
        heads: set[int] = set()  # strings whose start ends one
        for first, second in _neighbours(leaves):
            if first in replace or second in replace:
                continue
            # A key labels its value as "System:" labels a line: join them the same way.
            glue = ": " if leaves[first][1] else " "
            joined = f"{leaves[first][0][-PAIR_WINDOW:]}{glue}{leaves[second][0][:PAIR_WINDOW]}"
            scan = scan_injection(joined, threshold=self.threshold)
            if scan.flagged:
                scans.append(scan)
                tails.add(first)
                heads.add(second)
        if spoofed:
            signals = tuple(sorted(set(spoofed.values())))
            scans.append(InjectionScan(float(len(signals)), signals, flagged=True))
        if not replace and not tails and not spoofed:
            return Verdict.allow(self.name, subject.stage)
        texts = {
            i: self._replacement(leaves[i], i in replace, tail=i in tails, head=i in heads)
            for i in {*replace, *tails, *heads}
        }
        try:
            cleaned = _rebuild(payload, texts, [0])
        except RecursionError:  # nested past Python's limit: the whole result goes
            cleaned = REMOVED
        return self._verdict(subject, scans, cleaned, split=bool(tails))

    def _replacement(self, leaf: tuple[str, bool], flagged: bool, *, tail: bool, head: bool) -> str:
        text, is_key = leaf
        if is_key:
            return REMOVED
        if flagged:
            return _neutralise_flagged(text, self.threshold)
        # One part of an instruction split across strings: cut where it meets its neighbour.
        if head:
            text = _cut_first_sentence(text)
        return _cut_last_sentence(text) if tail else text

    def _verdict(
        self, subject: GuardSubject, scans: list[InjectionScan], cleaned: Any, *, split: bool
    ) -> Verdict:
        flagged = [scan for scan in scans if scan.flagged]
        signals = sorted({signal for scan in flagged for signal in scan.signals})
        score = max(scan.score for scan in flagged)
        reason = (
            f"possible prompt injection (score {score} ≥ {self.threshold}): {', '.join(signals)}"
        )
        details: dict[str, Any] = {"score": score, "threshold": self.threshold, "signals": signals}
        if split:
            details["split_across_strings"] = True
        if subject.stage is Stage.TOOL_RESULT:
            details["tainted"] = True
            return Verdict.modify(self.name, subject.stage, reason, cleaned, details=details)
        return Verdict.block(self.name, subject.stage, reason, details=details)


def _leaves(value: Any) -> list[tuple[str, bool]]:
    """Every string in ``value`` in depth-first order, as ``(text, is_key)``; keys read as words."""
    found: list[tuple[str, bool]] = []
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, is_key = stack.pop()
        if isinstance(item, str):
            found.append((_key_text(item) if is_key else item, is_key))
        elif isinstance(item, Mapping):
            children: list[tuple[Any, bool]] = []
            for key, child in item.items():
                children += [(key, True), (child, False)]
            stack.extend(reversed(children))
        elif isinstance(item, list | tuple):
            stack.extend((child, False) for child in reversed(item))
    return found


def _neighbours(leaves: list[tuple[str, bool]]) -> Iterable[tuple[int, int]]:
    """The pairs of strings read together: consecutive values (keys between them skipped,
    so the documents of a list meet), and each key with the string value that follows it.
    """
    values = [i for i, (text, is_key) in enumerate(leaves) if text and not is_key]
    yield from itertools.pairwise(values)
    for i, (text, is_key) in enumerate(leaves[:-1]):
        if is_key and text and leaves[i + 1][0] and not leaves[i + 1][1]:
            yield i, i + 1


def _rebuild(value: Any, texts: dict[int, str], counter: list[int]) -> Any:
    """``value`` with its ``n``-th string (``_leaves`` order) replaced by ``texts[n]``."""
    if isinstance(value, str):
        counter[0] += 1
        return texts.get(counter[0] - 1, value)
    if isinstance(value, Mapping):
        rebuilt: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(key, str):
                counter[0] += 1
                key = texts.get(counter[0] - 1, key)
                while key in rebuilt:  # two keys neutralised alike stay apart
                    key = f"{key} "
            rebuilt[key] = _rebuild(item, texts, counter)
        return rebuilt
    if isinstance(value, list | tuple):
        return type(value)(_rebuild(item, texts, counter) for item in value)
    return value
