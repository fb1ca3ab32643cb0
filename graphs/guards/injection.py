"""Prompt-injection heuristics for requests and, above all, for text inside tool results.

A restaurant review, a research note or an email body can carry instructions aimed at the model
("ignore previous instructions and book ..."). ``scan_injection`` scores a text against weighted
patterns — instruction overrides, role reassignment and jailbreaks, chat-role markers, requests
to call tools or move money, secrecy towards the user, hidden comments and links, encoded
payloads — and lists what matched. It sees through common obfuscations: zero-width and Unicode
tag characters, homoglyphs and full-width letters, accents, HTML entities, URL encoding, letter
spacing, leetspeak, and base64 blobs (decoded and scanned).

``PromptInjection`` blocks a flagged request at ``input``. At ``tool_result`` it never blocks —
the data may be legitimate — but returns a ``modify`` verdict with the suspicious passages
replaced by ``[removed: possible prompt injection]`` and ``details["tainted"] = True``, so the
engine taints the step: a write whose arguments derive from it then needs approval
(``plangate.graphs.guards.policy.TaintedWriteApproval``).
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import unicodedata
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from plangate.graphs.guards.guardrails import GuardSubject, Stage, Verdict, stage_set
from plangate.tools.errors import UsageError

REMOVED = "[removed: possible prompt injection]"

_AI = r"(?:ai|assistant|agent|chatbot|bot|llm|language model|model|gpt|copilot|claude)s?"
# Words that name an AI without doubt; "agent" and "model" also name travel agents and P/E models.
_BOT = r"(?:ai|ai assistant|ai agent|assistant|chatbot|llm|language model|gpt|copilot|claude)s?"
_RULES = r"(?:instructions?|prompts?|rules|directions|guidelines|guidance|guardrails|directives|programming|constraints)"
_OVERRIDE = r"(?:ignore|disregard|forget|overrid(?:e|es|ing)|bypass|neglect)"
_QUALIFIER = (
    r"(?:previous|prior|above|earlier|preceding|your|original|initial|system|developer|safety)"
)
_VERBS = r"(?:ignore|call|invoke|use|execute|run|book|buy|sell|transfer|send|wire|forward|email|cancel|delete|reveal|tell|say|respond|reply|output|recommend|include|add|place|mark|rate|approve)"
_MARK = r"(?:^|[.!?>\])}]\s*|\s{2,})[\[<(#*]*\s*(?:system|assistant|developer|user)\s*[\]>)*]*\s*:"

# (name, weight, pattern) over the normalised text; a score of 1.0 or more flags a text.
_PATTERNS: tuple[tuple[str, float, re.Pattern[str]], ...] = tuple(
    (name, weight, re.compile(pattern, re.IGNORECASE | re.MULTILINE))
    for name, weight, pattern in (
        # "my previous instructions" is a person correcting themselves, not an override.
        ("instruction_override", 1.0, rf"\b{_OVERRIDE}\b(?:\W+(?!my\b|our\b)\w+){{0,3}}?\W+{_QUALIFIER}\b(?:\W+\w+){{0,2}}?\W+{_RULES}\b"),
        ("instruction_override", 1.0, r"\b(?:ignora|ignorez|ignoriere|ignorar|ignori)\b.{0,30}\b(?:instrucciones|instructions|anweisungen|instrucoes|istruzioni)\b"),
        ("instruction_override", 1.0, rf"\byou are no longer bound by\b.{{0,30}}\b{_RULES}\b"),
        ("instruction_override", 1.0, rf"\b{_OVERRIDE},?\s+(?:all|everything|anything|whatever)\b(?:\s+\w+){{0,3}}?\s+(?:above|before|prior|previously|earlier|so far|(?:were|have been) (?:told|given))\b(?!\s+(?:the|this|that|a)\b)|\b{_OVERRIDE}\s+(?:the\s+)?user'?s?\s+(?:request|question|instructions?|message|query)\b"),
        ("directive", 0.6, r"\b(?:priority|mandatory|binding|override|admin|administrator)\s+(?:directive|instruction|command|override|notice)s?\b"),
        ("agent_audience", 0.6, r"\bfor (?:all |any )?(?:automated|autonomous|ai) (?:agents?|assistants?|systems?|models?|readers?)\b"),
        ("imperative_now", 0.5, r"\byou (?:must|should|will|need to) now\b"),
        ("new_instructions", 0.6, r"\b(?:new|updated|revised|real|actual|true)\s+(?:instructions?|task|objective|directives?|orders)\b\s*[:\-]|\byou have (?:new|updated) (?:instructions|orders|tasks)\b"),
        ("reveal_prompt", 1.0, r"\b(?:reveal|print|show|repeat|output|leak|display|dump)\b.{0,30}\b(?:system prompt|hidden instructions|initial prompt|your (?:instructions|prompt|configuration|config|secrets|credentials)|(?:the|your) api keys?)"),
        ("role_reassignment", 1.0, rf"\byou are now (?:an?\s+|the\s+|my\s+)?(?:[\w-]+\s+){{0,2}}(?:{_AI}|dan|jailbroken|unrestricted|unfiltered|uncensored)\b|\byou are now in \w+ mode\b"),
        ("role_reassignment", 1.0, rf"\bfrom now on,? you\b.{{0,40}}\b(?:ignore|obey|only (?:respond|answer|follow)|respond only|act as|are an?\s+(?:[\w-]+\s+)?(?:{_AI}|dan))\b"),
        ("jailbreak", 1.0, r"\bdo anything now\b|\b(?:dan|developer|god) mode (?:enabled|activated|on)\b|\benter (?:dan|god|developer) mode\b|\bact as (?:an? )?(?:unrestricted|unfiltered|jailbroken|evil|uncensored)\b|\bpretend (?:to be|you are)\b.{0,40}\b(?:no|without) (?:restrictions|rules|limits|filters)\b"),
        ("role_marker", 0.6, _MARK),
        ("chat_template", 1.0, r"<\|(?:im_start|im_end|system|endoftext)\|>|\[/?inst\]|<</?sys>>|###\s*(?:instruction|system)\b|</?(?:system|assistant|instructions?)>|\b(?:begin|start) (?:system|new) (?:instructions?|prompt|message)\b|\bend of user (?:input|message|content)\b|[\]}>#=*-]\s*end user input\b"),
        ("addressed_to_ai", 1.0, rf"\b(?:note|message|instructions?) (?:to|for) (?:the |any )?{_BOT}\b|\bif you are an? {_AI}\b|\b{_AI} (?:reading|processing|summari[sz]ing) this\b|\b(?:dear|attention|hey|hi),? {_BOT}\b|\b(?:instructions?|notice|note|message|directive)s?\s+(?:to|for)\s+(?:all\s+|any\s+)?(?:downstream|automated|autonomous|ai|ml)\b|\b{_BOT}\s+(?:instructions?|directives?|tasks?|orders)\s*:"),
        ("reader_address", 0.6, rf"\b(?:whoever|anyone|any (?:system|tool|program)) (?:is )?(?:reading|processing|parsing) this\b|\b{_BOT}\s*:|\bi am (?:the|your) (?:developer|creator|administrator|admin|owner|operator)\b.{{0,20}}\b{_AI}\b"),
        ("addressed_to_ai", 0.6, rf"\b{_BOT}\b[,:]?\s+(?:you\s+)?(?:(?:must|should|shall|will|needs? to|has to|please|now|immediately)\s+)*{_VERBS}\b"),
        ("task_hijack", 1.0, r"\b(?:stop|cease|quit)\s+\w+ing\b.{0,40}\binstead\b.{0,20}\b(?:output|reply|respond|print|say|write|return|reveal|send)\b"),
        ("safety_bypass", 1.0, rf"\b{_OVERRIDE}\s+(?:[\w']+\s+){{0,2}}?(?:safety|security|policy|risk|compliance|content)\s+(?:checks?|filters?|guidelines|rules|limits|policies|measures|controls)\b|\b{_OVERRIDE}\s+(?:all\s+)?safety\b"),
        ("tool_request", 0.8, r"\b(?:call|invoke|use|execute|run|trigger)\s+(?:the\s+)?[`'\"]?[a-z]+_[a-z0-9_]+[`'\"]?(?:\s+(?:tool|function))?\b|\b(?:call|invoke|execute|trigger)\s+the\s+\w+\s+(?:tool|function|api)\b"),
        ("tool_request", 1.0, r"[\"']?(?:tool_calls?|function_call)[\"']?\s*:|\{\s*[\"']name[\"']\s*:\s*[\"']\w+[\"']\s*,\s*[\"'](?:arguments|parameters|args)[\"']"),
        ("money_movement", 0.6, r"\b(?:transfer|wire|send|move)\b.{0,30}(?:[$€£]|\b(?:usd|eur|gbp|funds|money|payment|bitcoin|btc|crypto)\b)"),
        ("urgent_action", 0.6, r"\b(?:book|buy|sell|purchase|order|reserve|cancel|transfer|delete|place)\b.{0,80}\b(?:immediately|right away|at once|skip\w* (?:the |any )?(?:confirmation|approval|verification)|(?:without|no need to) (?:any |further |additional )?(?:ask\w*|confirm\w*|approval|verif\w*|check\w*|tell\w*|notify\w*))"),
        ("secrecy", 1.0, r"\b(?:do not|don't|never)\s+(?:tell|inform|notify|mention|alert|reveal)\w*\s+(?:(?:this|it|anything)\s+)?(?:to\s+)?(?:the|your)\s+(?:user|customer|human|client|traveller|traveler|passenger|guest)s?\b|\bwithout (?:tell|inform|notify|alert)ing (?:the |your )?(?:user|human)\b|\b(?:keep (?:this|it) (?:secret|hidden)|hide (?:this|it)) from (?:the |your )?(?:user|customer|human)\b"),
        ("exfiltration", 1.0, r"\b(?:send|forward|email|post|upload|leak)\b.{0,30}\b(?:conversation|chat history|user'?s? (?:data|details|information)|credentials|api keys?|passwords?|system prompt)\b.{0,30}\bto\s*(?:https?://|[\w.+-]+@\w|the following (?:address|url|endpoint))"),
        ("exfiltration", 1.0, r"!\[[^\]]*\]\(https?://[^)\s]*[?&]\w+=(?:\{|%7b|\$)"),
        ("context_break", 0.5, r"\b(?:end of (?:document|review|text|context|data|email|note))\b|</(?:document|context|data|review)>"),
        ("encoded_payload", 1.0, r"\bdecode (?:this|the following)\b.{0,40}\b(?:follow|execute|obey|run)\b"),
    )
)  # fmt: skip

# Squashed form: letters only, leetspeak mapped — sees through "I g n o r e", "1gn0re", "i.g.n".
_SQUASHED = re.compile(
    r"(?:ignore|disregard|forget|override|bypass)(?:all|any)?(?:the|your|of)?"
    r"(?:previous|prior|above|earlier|preceding|system|original|initial)"
    r"(?:instruction|prompt|rule|direction|guideline)|donot(?:tell|inform|notify)(?:the)?user"
    r"|youarenow(?:dan|jailbroken|unrestricted)"
)
_LEET = str.maketrans("013457@$!|", "oieastasii")
# Cyrillic and Greek letters that look Latin (NFKC already folds full-width and math letters).
_CONFUSABLES = str.maketrans(
    "аеорсхуіѕјԁһԛԝӏкмαειονυκρΑΒΕΖΗΙΚΜΝΟΡΤΥΧАВЕКМНОРСТХУІЈЅɡı",
    "aeopcxyisjdhqwlkmaeiovukpABEZHIKMNOPTYXABEKMHOPCTXYIJSgi",
)
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u180e\u00ad]")
_TAGS = re.compile(r"[\U000e0000-\U000e007f]+")
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{24,}={0,2}")
# A sentence ends at . ! ? followed by a space (not inside "example.com") or at a line end.
_SEGMENT = re.compile(r"(?:[^\n.!?]|[.!?]+(?![\s.!?]|$))*(?:[.!?]+(?=\s|$)|\n|$)")
_WORDS = re.compile(r"(?<![A-Za-z])[A-Za-z]{3,} [A-Za-z]{2}")
_LETTER_SPACED = re.compile(r"\b(?:\w[ .\-_*]){2,}\w\b")


@dataclass(frozen=True)
class InjectionScan:
    """How suspicious a text looks.

    Attributes:
        score: the sum of the weights of the distinct signals found.
        signals: their names, in the order found.
        flagged: whether ``score`` reached the threshold.
    """

    score: float
    signals: tuple[str, ...]
    flagged: bool


def normalise(text: str) -> str:
    """``text`` as the patterns see it: decoded, de-obfuscated, accent-free, one-line spaces."""
    text = _TAGS.sub(lambda m: "".join(chr(ord(c) - 0xE0000) for c in m.group()), text)
    text = html.unescape(urllib.parse.unquote(_ZERO_WIDTH.sub("", text)))
    text = unicodedata.normalize("NFKC", text).translate(_CONFUSABLES)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _LETTER_SPACED.sub(lambda m: re.sub(r"[ .\-_*]", "", m.group()), text)
    return re.sub(r"[ \t]+", " ", text)


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


def _without_comments(text: str, replacement: str) -> str:
    pieces, position = [], 0
    for start, end, _ in comments(text):
        pieces += [text[position:start], replacement]
        position = end
    return "".join([*pieces, text[position:]])


def _decoded_blobs(text: str) -> Iterable[str]:
    for blob in _BASE64.findall(text):
        try:
            decoded = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            continue
        # Words, not a blob of letters; the lookbehind keeps the search linear in a long blob.
        if decoded.isprintable() and _WORDS.search(decoded):
            yield decoded


def scan_injection(text: str, *, threshold: float = 1.0) -> InjectionScan:
    """Score ``text`` for prompt injection; ``flagged`` when the score reaches ``threshold``."""
    signals = _signals(text, decode=True)
    score = round(sum(signals.values()), 2)
    return InjectionScan(score, tuple(signals), score >= threshold)


def _signals(text: str, *, decode: bool) -> dict[str, float]:
    signals: dict[str, float] = {}
    plain = normalise(text)
    for name, weight, pattern in _PATTERNS:
        if name not in signals and pattern.search(plain):
            signals[name] = weight
    squashed = re.sub(r"[^a-z]", "", plain.lower().translate(_LEET))
    # The squashed phrases are the override, secrecy and role patterns seen through spacing and
    # leetspeak; they count only when the plain patterns missed them.
    if not signals.keys() & {
        "instruction_override",
        "secrecy",
        "role_reassignment",
    } and _SQUASHED.search(squashed):
        signals["obfuscated_override"] = 1.0
    if re.search(r"[A-Za-z][\u200b-\u200f\u2060\ufeff]+[A-Za-z]", text) or _TAGS.search(text):
        signals["invisible_characters"] = 0.5
    if weight := max((_comment_weight(body) for _, _, body in comments(plain)), default=0.0):
        signals["hidden_comment"] = weight
    # One level of decoding: a blob inside a decoded blob is not decoded again.
    if decode and any(_signals(blob, decode=False) for blob in _decoded_blobs(text)):
        signals["encoded_payload"] = 1.0
    return signals


def _comment_weight(comment: str) -> float:
    """How strongly a hidden HTML comment speaks to a model rather than to a web developer."""
    words = rf"\b(?:{_AI}|instruct\w*|ignore|tool|call|execute|transfer|book|buy|sell|tell|user)\b"
    if not re.search(words, comment, re.IGNORECASE):
        return 0.0
    commands = re.search(rf"\b{_AI}\b", comment, re.I) and re.search(
        rf"\b{_VERBS}\b", comment, re.I
    )
    return 1.0 if commands else 0.6


def neutralise(text: str, *, threshold: float = 1.0) -> str:
    """``text`` with its suspicious passages replaced by ``REMOVED``; unchanged when clean.

    Hidden comments and decodable blobs go whole; otherwise each sentence or line that matches a
    signal is replaced. When the remainder would still be flagged, the whole text is replaced.
    """
    if not scan_injection(text, threshold=threshold).flagged:
        return text
    cleaned = _TAGS.sub(REMOVED, _ZERO_WIDTH.sub("", text))
    cleaned = _without_comments(cleaned, REMOVED)
    cleaned = _BASE64.sub(
        lambda m: REMOVED if any(_decoded_blobs(m.group())) else m.group(), cleaned
    )

    def replace(segment: re.Match[str]) -> str:
        part = segment.group()
        if not part.strip() or not scan_injection(part, threshold=threshold).score:
            return part
        lead = part[: len(part) - len(part.lstrip())]
        return lead + REMOVED + ("\n" if part.endswith("\n") else "")

    cleaned = _SEGMENT.sub(replace, cleaned).rstrip() or REMOVED
    return REMOVED if scan_injection(cleaned, threshold=threshold).flagged else cleaned


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
        scans: list[InjectionScan] = []
        cleaned = self._walk(subject.payload, scans)
        flagged = [scan for scan in scans if scan.flagged]
        if not flagged:
            return Verdict.allow(self.name, subject.stage)
        signals = sorted({signal for scan in flagged for signal in scan.signals})
        score = max(scan.score for scan in flagged)
        reason = (
            f"possible prompt injection (score {score} ≥ {self.threshold}): {', '.join(signals)}"
        )
        details: dict[str, Any] = {"score": score, "threshold": self.threshold, "signals": signals}
        if subject.stage is Stage.TOOL_RESULT:
            details["tainted"] = True
            return Verdict.modify(self.name, subject.stage, reason, cleaned, details=details)
        return Verdict.block(self.name, subject.stage, reason, details=details)

    def _walk(self, value: Any, scans: list[InjectionScan]) -> Any:
        if isinstance(value, str):
            scans.append(scan_injection(value, threshold=self.threshold))
            return neutralise(value, threshold=self.threshold) if scans[-1].flagged else value
        if isinstance(value, Mapping):
            return {key: self._walk(item, scans) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._walk(item, scans) for item in value)
        return value
