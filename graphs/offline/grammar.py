"""Intent grammars: what the offline ``RulePlanner`` understands, and how it plans each request.

An agent's grammar is a list of ``Intent``s. Each names a kind of request, shows a couple of
examples, recognises the request with regular expressions (named groups capture the slots), and
builds the plan from the match::

    BOOK = Intent(
        name="book_table",
        description="Book a restaurant table",
        examples=("book a table for 4 in Lisbon tomorrow at 8",),
        patterns=(r"\\bbook\\b.*\\btable\\b.*\\bin (?P<city>[a-z ]+?)(?: on| tomorrow| at|$)",),
        build=lambda match, ctx: Plan(steps=[...]),
    )
    grammar = Grammar([BOOK, CANCEL])

The slot parsers that turn captured text into values (dates, times, counts, money) live in
``plangate.graphs.offline.slots``.

**Refusals.** A grammar given a ``Scope`` (``plangate.graphs.offline.scope``) refuses, before
matching, a request that asks an action no tool offers; an intent that lists its ``numbers``
(``plangate.graphs.offline.numbers``) refuses a request with a number it does not read; and an
intent refuses a request asking more writes than its ``actions``. Each is a
``RequestRefusedError``: the ``RulePlanner`` never falls back on a default.

**Spelling.** A grammar given a ``Speller`` (``plangate.graphs.offline.spelling``) reads the
request respelled: slang ("tmrw", "ppl"), arrows ("LIS→MAD"), compound number words ("five
hundred") and safe typos of its own words ("tabel", "Microsft"). A grammar given a ``Suggester``
(``plangate.graphs.offline.suggestions``) asks back about a slip too risky to correct ("appl":
did you mean AAPL?) when it cannot act on the request as typed.

**Precedence.** ``Grammar.match`` tries intents in the order given and, within an intent, its
patterns in order; the first pattern that ``re.search``es the request wins. Put specific intents
before general ones (``cancel booking`` before ``booking``). Patterns are compiled
case-insensitively, and the request is matched with its runs of whitespace collapsed to one
space and its ends stripped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.planner import (
    PlanningContext,
    RequestNotUnderstoodError,
    RequestRefusedError,
)
from plangate.graphs.offline.numbers import Placer, unplaced
from plangate.graphs.offline.scope import Scope
from plangate.graphs.offline.spelling import Speller
from plangate.graphs.offline.suggestions import Suggester
from plangate.tools.errors import UsageError

REAL_MODELS = "--model openai:gpt-4o-mini / ollama:llama3.1 / anthropic:claude-haiku-4-5"
"""How to name a real model on the command line, suggested when a request is not understood."""

PlanBuilder = Callable[["re.Match[str]", "PlanningContext"], Plan]
"""``(match, context) -> Plan``: builds the plan of a matched request."""


@dataclass(frozen=True)
class Intent:
    """One kind of request the rule planner understands.

    Attributes:
        name: unique within its grammar, e.g. ``"book_table"``.
        description: what the request does, shown when a request is not understood.
        examples: one or two phrasings that match, shown alongside the description.
        patterns: regular expressions (case-insensitive); named groups capture the slots.
        build: makes the plan from the match and the planning context.
        replan: makes the plan after a step failed (``context.failed`` is non-empty); when
            ``None`` the ``RulePlanner`` derives one from ``build`` (see its docstring).
        numbers: where the plan reads numbers (``plangate.graphs.offline.numbers``): a
            request with a number none of them covers is refused. ``None`` checks nothing.
        reads: the numbers it reads, said to the user when one has no place, e.g. "a party
            size, a date and a time".
        actions: how many writes one request may ask for (a trip: a flight and a dinner);
            counted only when the grammar has a ``Scope``.
    """

    name: str
    description: str
    examples: tuple[str, ...]
    patterns: tuple[str, ...]
    build: PlanBuilder
    replan: PlanBuilder | None = None
    numbers: tuple[Placer, ...] | None = None
    reads: str = ""
    actions: int = 1

    def __post_init__(self) -> None:
        if not self.name or not self.description.strip():
            raise UsageError(f"intent {self.name!r} needs a name and a description")
        if not self.patterns:
            raise UsageError(f"intent {self.name!r} has no patterns: it could never match")
        if isinstance(self.patterns, str) or isinstance(self.examples, str):
            raise UsageError(f"intent {self.name!r}: patterns and examples are tuples of str")


class IntentMatch(NamedTuple):
    """A request recognised by a grammar; unpacks as ``intent, match``.

    Attributes:
        intent: the intent whose pattern matched.
        match: the match object; ``match["slot"]`` reads a named group.
    """

    intent: Intent
    match: re.Match[str]


class Grammar:
    """An ordered list of intents (see the module docstring for precedence and refusals).

    Args:
        intents: the intents, most specific first.
        scope: what the agent can be asked to do; requests asking anything else are refused.
        speller: rewrites slang, arrows, compound numbers and typos of the grammar's words
            before a request is read (``plangate.graphs.offline.spelling``); ``None`` reads
            the request as typed.
        suggester: words too risky to correct (stock symbols); a request the planner cannot
            act on that has a slip of one is asked back about
            (``plangate.graphs.offline.suggestions``).

    Raises:
        UsageError: two intents share a name, or a pattern is not a valid regular expression.
    """

    def __init__(
        self,
        intents: Iterable[Intent],
        *,
        scope: Scope | None = None,
        speller: Speller | None = None,
        suggester: Suggester | None = None,
    ) -> None:
        self.scope = scope
        self.speller = speller
        self.suggester = suggester
        self.intents: tuple[Intent, ...] = tuple(intents)
        if not self.intents:
            raise UsageError("a grammar needs at least one intent")
        names = [intent.name for intent in self.intents]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise UsageError(f"intent names must be unique; repeated: {', '.join(duplicates)}")
        self._compiled: list[tuple[Intent, list[re.Pattern[str]]]] = [
            (intent, [_compile(intent, pattern) for pattern in intent.patterns])
            for intent in self.intents
        ]

    def normalize(self, request: str) -> str:
        """``request`` as the grammar reads it: respelled (with a speller), whitespace collapsed."""
        respelled = self.speller.respell(request) if self.speller is not None else request
        return normalize_request(respelled)

    def match(self, request: str) -> IntentMatch | None:
        """The first intent matching ``request``, with its match; ``None`` when none does.

        The match is made on ``normalize(request)``: ``match.string`` is the text read.
        """
        text = self.normalize(request)
        for intent, patterns in self._compiled:
            for pattern in patterns:
                found = pattern.search(text)
                if found is not None:
                    return IntentMatch(intent, found)
        return None

    def refuse_asked(self, request: str) -> None:
        """Refuse ``request`` when it asks an action the scope does not offer.

        Raises:
            RequestRefusedError: the reason, and what the agent can do instead.
        """
        if self.scope is None:
            return
        reading = self.scope.read(self.normalize(request))
        if reading.refusal is not None:
            raise RequestRefusedError(request, reading.refusal, can=self.scope.can)

    def refuse_unplanned(self, request: str, found: IntentMatch) -> None:
        """Refuse ``request`` when its intent would drop part of it: a write or a number.

        Raises:
            RequestRefusedError: it asks more writes than the intent makes, or writes a
                number the intent does not read.
        """
        intent = found.intent
        can = self.scope.can if self.scope is not None else ""
        if self.scope is not None:
            writes = self.scope.read(self.normalize(request)).writes
            if len(writes) > intent.actions:
                asked = ", ".join(f'"{w}"' for w in writes)
                reason = (
                    f"I read this as a request to {_lower_first(intent.description)}, "
                    f"which changes nothing, so I will not {asked}"
                    if intent.actions == 0
                    else f"one request does one of these at a time ({asked}); ask for each "
                    "separately"
                )
                raise RequestRefusedError(request, reason, can=can)
        if intent.numbers is None:
            return
        left = unplaced(self.normalize(request), intent.numbers)
        if left:
            number = left[0]
            reads = f"; it reads {intent.reads}" if intent.reads else ""
            raise RequestRefusedError(
                request,
                f'I have no use for "{number.text}" (in "{number.phrase}") when I '
                f"{_lower_first(intent.description)}{reads}",
                can=can,
            )

    def intent(self, name: str) -> Intent:
        """The intent called ``name``.

        Raises:
            UsageError: no intent has that name.
        """
        for intent in self.intents:
            if intent.name == name:
                return intent
        known = ", ".join(intent.name for intent in self.intents)
        raise UsageError(f"no intent {name!r}; intents: {known}")

    def describe(self) -> str:
        """One line per intent: its description and up to two examples, for a user to read."""
        return "\n".join(_describe(intent) for intent in self.intents)


class OutsideGrammarError(RequestNotUnderstoodError):
    """The offline planner does not understand the request.

    Attributes:
        request: the request as given.
        understood: the forms the grammar understands (``Grammar.describe``).
    """

    def __init__(self, request: str, grammar: Grammar) -> None:
        self.request: str = request
        self.understood: str = grammar.describe()
        super().__init__(
            f"The offline planner does not understand {request!r}. It understands:\n"
            f"{self.understood}\n"
            f"Rephrase the request like one of these, or run with a real model: {REAL_MODELS}"
        )


def plan_nothing(note: str) -> PlanBuilder:
    """A ``build`` for an intent that calls no tool: an empty plan whose answer is ``note``.

    For requests the instructions answer ("what are your opening hours?") or the policy refuses
    outright ("sell everything"): the run goes straight to the answer, which says ``note``.

    Raises:
        UsageError: ``note`` is empty (the answer would have nothing to say).
    """
    if not note.strip():
        raise UsageError("plan_nothing needs a note: what the answer tells the user")

    def build(match: re.Match[str], context: PlanningContext) -> Plan:
        return Plan(steps=[], note=note.strip())

    return build


def replan_without_repeats(fresh: Plan, context: PlanningContext) -> Plan | None:
    """``fresh`` without what is done and without the failures it would repeat.

    The ``RulePlanner``'s re-plan for intents without a ``replan``. ``fresh`` is the intent's
    plan built again (``build`` sees ``context.failed`` and may choose an alternative). Dropped:

    1. steps whose id is in ``context.completed`` — their results are kept, and the remaining
       steps reference them under the same ids;
    2. steps that repeat a failed step of ``context.previous`` exactly (same tool, same
       arguments), and every step that depends on one of them.

    Returns:
        The remaining plan, or ``None`` when nothing is left to run.
    """
    previous = {step.id: step for step in context.previous.steps} if context.previous else {}
    failed = [previous[key] for key in context.failed if key in previous]
    repeats = [
        step.id
        for step in fresh.steps
        if any((old.tool, old.args) == (step.tool, step.args) for old in failed)
    ]
    dropped = set(context.completed) | set(repeats)
    for step_id in repeats:
        dropped.update(fresh.dependents(step_id))
    steps = [step for step in fresh.steps if step.id not in dropped]
    return fresh.model_copy(update={"steps": steps}) if steps else None


def normalize_request(request: str) -> str:
    """``request`` with runs of whitespace collapsed to one space and its ends stripped."""
    return " ".join(request.split())


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _describe(intent: Intent) -> str:
    examples = " or ".join(f'"{example}"' for example in intent.examples[:2])
    return f"- {intent.description}" + (f", e.g. {examples}" if examples else "")


def _compile(intent: Intent, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise UsageError(f"intent {intent.name!r}: invalid pattern {pattern!r}: {exc}") from exc


def unmatched_examples(grammar: Grammar) -> Sequence[tuple[str, str]]:
    """``(intent, example)`` pairs whose example is not matched by that intent.

    Grammar tests assert this is empty, so the examples shown to users always work.
    """
    return [
        (intent.name, example)
        for intent in grammar.intents
        for example in intent.examples
        if (found := grammar.match(example)) is None or found.intent.name != intent.name
    ]
