"""``Scope``: what an agent can be asked to do, so that anything else is refused, never defaulted.

An intent grammar recognises requests by their words, so on its own it answers "transfer $5000
to my bank account" with the balance (it says "account") and "book a hotel in Lisbon" with a
restaurant search. A ``Scope`` reads what the request *asks* first, and refuses what no tool of
the agent offers:

1. The request is cut into clauses (at punctuation and at and/then/also/plus/but). A clause's
   polite or indirect start is dropped ("could you please", "I'd like to", "help me").
2. Its first word is its verb when it is an action verb
   (``plangate.graphs.offline.lexicon.ACTION_VERBS``) or a verb of one of the scope's
   ``Action``s — unless the next word shows it is a noun ("order history"). A clause that starts
   like an object ("and *a taxi*", "and *5* MSFT", "and *lunch* for 3": an article, a number, a
   thing the verb acts on) takes the verb of the clause before it, except
   inside a condition ("buy 10 XOM if RSI < 30 and the price is under 155").
3. The verb's object runs to the first boundary word (in, at, for, to...); its head is its last
   word that says something (not "me", "a", "nice", nor a number).
4. The clause is refused when no ``Action`` has the verb, or none of those acts on the head: a
   thing it lists (plurals understood), a name when it takes names (a capitalised word, or one
   ``is_name`` knows: a city, a ticker), an amount of money when it takes money. A write that
   names everything ("cancel all my orders", "buy 100 shares of every stock") is refused too:
   writes go one at a time.
5. ``Unsupported`` patterns refuse known features no tool has (a stop-loss order), when the
   request asks for a write.

The ``RulePlanner`` then also refuses a request asking more writes than its intent makes
(``Intent.actions``). Reads the scope does not know are left to the grammar, which says when
it does not understand them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from plangate.graphs.offline.lexicon import (
    ACTION_BIGRAMS,
    ACTION_VERBS,
    BOUNDARY,
    MONEY_WORDS,
    NEUTRAL,
    NOT_ACTIONS,
    NOUN_FOLLOWERS,
    PREAMBLE,
    QUANTIFIERS,
)
from plangate.tools.errors import UsageError

MONEY = "<money>"
"""The head of an object that is an amount of money ("withdraw $1000")."""


@dataclass(frozen=True)
class Action:
    """Something an agent can do: the verbs that ask for it and the things it acts on.

    Attributes:
        verbs: base forms, one or two words, e.g. ``("book", "reserve", "call off")``.
        things: nouns it acts on, singular (plurals are understood), e.g. ``("table",)``;
            empty when any object will do.
        write: whether it changes something (a booking, an order).
        names: whether a name is a thing it acts on (``Book Nobu``, ``buy Apple``).
        money: whether an amount of money is (``buy $5,000 of Apple``).
    """

    verbs: tuple[str, ...]
    things: tuple[str, ...] = ()
    write: bool = False
    names: bool = False
    money: bool = False

    def __post_init__(self) -> None:
        if not self.verbs or isinstance(self.verbs, str) or isinstance(self.things, str):
            raise UsageError("an Action needs a tuple of verbs (and a tuple of things)")

    def takes(self, head: str | None, *, is_name: bool) -> bool:
        """Whether this action acts on an object whose head is ``head``."""
        if head is None or not self.things:
            return True
        if head == MONEY:
            return self.money
        forms = _singulars(head)
        if forms & set(self.things):
            return True
        if head.lower() in MONEY_WORDS:  # "withdraw money"; but "show my cash" is a read
            return self.money
        return self.names and is_name


@dataclass(frozen=True)
class Unsupported:
    """A feature no tool has, refused with its own reason.

    Attributes:
        pattern: a regular expression (case-insensitive) that finds it in a request.
        reason: why it is refused, e.g. "I place market and limit orders only".
        writes_only: refuse only when the request asks for a write (a question may mention it).
    """

    pattern: str
    reason: str
    writes_only: bool = True


@dataclass(frozen=True)
class Clause:
    """One clause of a request, as the scope read it.

    Attributes:
        text: the clause from its verb on ("book a table for 4").
        verb: its verb, lower case; ``None`` when it asks no action.
        head: its object's head word (``"<money>"`` for an amount); ``None`` without one.
        action: the action it asks for; ``None`` when it asks none, or none the scope has.
    """

    text: str
    verb: str | None = None
    head: str | None = None
    action: Action | None = None


@dataclass(frozen=True)
class Reading:
    """What a request asks, clause by clause, and why it is refused (if it is).

    Attributes:
        clauses: the clauses that ask for an action.
        refusal: the reason to refuse the request, or ``None``.
    """

    clauses: tuple[Clause, ...]
    refusal: str | None = None

    @property
    def writes(self) -> list[str]:
        """The clauses that ask for a write, as written."""
        return [c.text for c in self.clauses if c.action is not None and c.action.write]


class Scope:
    """What an agent can be asked to do (see the module docstring).

    Args:
        actions: what the agent does, with the verbs that ask for it.
        can: one line saying what the agent can do, shown with every refusal
            ("book a table or a flight, ...").
        is_name: whether a word is a name the agent knows (a city, a ticker), beyond
            capitalised words.
        unsupported: features refused with their own reason.

    Raises:
        UsageError: no actions, or an unsupported pattern is not a valid regular expression.
    """

    def __init__(
        self,
        actions: Iterable[Action],
        *,
        can: str,
        is_name: Callable[[str], bool] | None = None,
        unsupported: Iterable[Unsupported] = (),
    ) -> None:
        self.actions = tuple(actions)
        if not self.actions:
            raise UsageError("a Scope needs at least one Action")
        self.can = can
        self.is_name = is_name or (lambda word: False)
        self.unsupported = tuple(unsupported)
        try:
            self._unsupported = [re.compile(u.pattern, re.IGNORECASE) for u in self.unsupported]
        except re.error as exc:
            raise UsageError(f"invalid Unsupported pattern: {exc}") from exc
        self.verbs = frozenset(verb for action in self.actions for verb in action.verbs)

    def read(self, request: str) -> Reading:
        """What ``request`` asks, and the reason to refuse it when it asks what cannot be done."""
        clauses: list[Clause] = []
        previous: str | None = None
        in_condition = False
        for raw in _CLAUSE_SPLIT.split(_normalize(request)):
            text = _strip_preamble(raw)
            words = _WORD.findall(text)
            if not words:
                continue
            verb, rest = self._verb(words)
            if verb is None and previous and not in_condition and self._continues(previous, words):
                verb, rest, text = previous, words, f"{previous} {text}"
            in_condition = (in_condition and verb is None) or bool(
                _CONDITION.search(text) or words[0].lower() in _CONDITION_WORDS
            )
            if verb is None:
                continue
            previous = verb
            clause, refusal = self._resolve(verb, rest, text)
            clauses.append(clause)
            if refusal is not None:
                return Reading(tuple(clauses), refusal)
        reading = Reading(tuple(clauses))
        for unsupported, pattern in zip(self.unsupported, self._unsupported, strict=True):
            if (reading.writes or not unsupported.writes_only) and pattern.search(request):
                return Reading(reading.clauses, unsupported.reason)
        return reading

    def _continues(self, verb: str, words: list[str]) -> bool:
        """Whether a clause without a verb is one more object of ``verb`` ("and lunch for 3").

        A party ("…, 2 people", "four of us") says who the request is for, not one more thing.
        """
        if _is_party(words):
            return False
        if _starts_object(words[0]):
            return True
        forms = _singulars(words[0])
        return any(verb in a.verbs and forms & set(a.things) for a in self.actions)

    def _verb(self, words: list[str]) -> tuple[str | None, list[str]]:
        lowered = [w.lower() for w in words]
        bigram = " ".join(lowered[:2])
        if bigram in NOT_ACTIONS:
            return None, words  # "get to Madrid": travel, not getting a thing
        if bigram in self.verbs or bigram in ACTION_BIGRAMS:
            return bigram, words[2:]
        first = lowered[0]
        if first not in self.verbs and first not in ACTION_VERBS:
            return None, words
        if len(lowered) == 1 or lowered[1] in NOUN_FOLLOWERS:
            return None, words  # "order history", "transfer of funds": a noun
        return first, words[1:]

    def _resolve(self, verb: str, rest: list[str], text: str) -> tuple[Clause, str | None]:
        chunk = _object(rest)
        head = _head(chunk)
        shown = _shown(text)
        candidates = [a for a in self.actions if verb in a.verbs]
        named = head is not None and head != MONEY and (head[:1].isupper() or self.is_name(head))
        fitting = [a for a in candidates if a.takes(head, is_name=named)]
        if not fitting:
            return Clause(shown, verb, head), f"I have no way to {shown}"
        action = fitting[0]
        clause = Clause(shown, verb, head, action)
        owned = _of_phrase(rest[len(chunk) :])  # "100 shares | of every stock"
        if action.write and any(w.lower() in QUANTIFIERS for w in (*chunk, *owned)):
            what = " ".join((*chunk, "of", *owned) if owned else chunk)
            return clause, f'I {verb} one thing per request, named exactly, not "{what}"'
        return clause, None


_CLAUSE_SPLIT = re.compile(
    r"[;!?]+|,(?!\d)|\.(?=\s|$)|\s+(?:and then|and|then|also|plus|but|after that)\s+",
    re.IGNORECASE,
)
_WORD = re.compile(r"[$€£¥#]?\w[\w'&.,\-]*\w|[$€£¥#]?\w")
_CONDITION_WORDS = frozenset(("if", "when", "whenever", "once", "unless", "provided"))
_CONDITION = re.compile(r"\b(?:if|when|whenever|once|unless|provided)\b", re.IGNORECASE)
_ARTICLES = frozenset(("a", "an", "the", "one", "another", "some", "my", "our"))
_NUMBER_WORD = re.compile(r"^(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a)$")


def _normalize(request: str) -> str:
    return " ".join(request.replace("\u2019", "'").replace("\u2018", "'").split())


def _strip_preamble(clause: str) -> str:
    text = clause.strip()
    while (found := PREAMBLE.match(text)) is not None and found.end() > 0:
        text = text[found.end() :].strip()
    return text


_PEOPLE = frozenset(
    ("people", "persons", "person", "guests", "guest", "adults", "adult", "pax", "diners", "folks")
)


def _is_party(words: list[str]) -> bool:
    """Whether a clause is a count of people ("2 people", "four guests", "3 of us")."""
    if len(words) < 2 or not (_is_number(words[0]) or _NUMBER_WORD.match(words[0].lower())):
        return False
    rest = [word.lower() for word in words[1:3]]
    return rest[0] in _PEOPLE or rest == ["of", "us"]


def _starts_object(word: str) -> bool:
    """Whether a clause starting with ``word`` is an object of an earlier verb ("a taxi")."""
    lowered = word.lower()
    return lowered in _ARTICLES or _is_number(word) or _NUMBER_WORD.match(lowered) is not None


def _is_number(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


def _is_money(word: str) -> bool:
    """Whether ``word`` is an amount ("$5,000", "5k"); money words are heads of their own."""
    lowered = word.lower()
    if word[:1] in "$€£¥" and _is_number(word):
        return True
    return re.fullmatch(r"\d[\d,.]*(?:k|m|bn|mm)", lowered) is not None


def _object(words: list[str]) -> list[str]:
    """The verb's object: the words up to the first boundary word."""
    chunk: list[str] = []
    for word in words:
        if word.lower() in BOUNDARY:
            break
        chunk.append(word)
    return chunk


def _of_phrase(words: list[str]) -> list[str]:
    """The words of an "of" phrase that follows an object ("of every stock"), if one does."""
    if not words or words[0].lower() != "of":
        return []
    return _object(words[1:])


def _head(chunk: list[str]) -> str | None:
    """The object's head: its last word that says what it is (``MONEY`` for an amount)."""
    if chunk and chunk[-1].lower() in MONEY_WORDS and any(_is_number(w) for w in chunk):
        return MONEY  # "500 dollars"
    for word in reversed(chunk):
        if _is_money(word):
            return MONEY
        lowered = word.lower()
        if lowered in NEUTRAL or lowered in QUANTIFIERS or _is_number(word):
            continue
        return word.lstrip("$#")
    return None


def _singulars(word: str) -> set[str]:
    lowered = word.lower()
    forms = {lowered}
    if lowered.endswith("ies"):
        forms.add(lowered[:-3] + "y")
    if lowered.endswith("es"):
        forms.add(lowered[:-2])
    if lowered.endswith("s"):
        forms.add(lowered[:-1])
    return forms


def _shown(text: str, width: int = 90) -> str:
    """The clause as quoted in a refusal: first letter in lower case, cut to ``width``."""
    line = text.strip(" ,;:.!?")
    if line[:1].isupper() and not line[1:2].isupper():
        line = line[0].lower() + line[1:]
    return line if len(line) <= width else f"{line[: width - 1]}…"
