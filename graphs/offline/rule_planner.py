"""``RulePlanner``: the deterministic offline planner on the engine's planner seam."""

from __future__ import annotations

import re
from collections.abc import Sequence

from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.planner import (
    NothingToPlanError,
    PlanningContext,
    RequestNotUnderstoodError,
)
from plangate.graphs.engine.validation import PlanIssue, format_issues
from plangate.graphs.offline.grammar import (
    Grammar,
    Intent,
    OutsideGrammarError,
    replan_without_repeats,
)
from plangate.graphs.offline.suggestions import DidYouMeanError
from plangate.tools.errors import UsageError


class RulePlanner:
    """The deterministic offline planner, driven by an intent ``Grammar``.

    ``plan`` returns the plan of the first intent matching the request. On a re-plan
    (``context.failed`` non-empty) it calls the intent's ``replan``; without one it builds the
    plan again and applies ``plangate.graphs.offline.grammar.replan_without_repeats``: steps already
    completed are dropped (the rest reference their results under the same ids), and so is every
    step that repeats a failed one exactly (same tool, same arguments), with its dependents.
    """

    def __init__(self, grammar: Grammar) -> None:
        self.grammar = grammar

    async def plan(self, context: PlanningContext, feedback: Sequence[PlanIssue] = ()) -> Plan:
        """The plan of the matching intent.

        Raises:
            RequestRefusedError: the request asks what the agent cannot do — an action no
                tool offers, more writes than its intent makes, a number the intent does not
                read (``Grammar.refuse_asked`` and ``Grammar.refuse_unplanned``).
            OutsideGrammarError: no intent matches; the message lists what is understood.
            DidYouMeanError: a word of the request is one slip from a word the grammar's
                ``Suggester`` will not guess at, and the planner could not act on the request
                as typed, or the slip is written like a code ("APPL") and would be planned.
            UsageError: called with feedback — the grammar built an invalid plan, which asking
                again cannot fix.
            NothingToPlanError: a re-plan has nothing left to run: the intent has no
                alternative to the failed steps, and asking again would repeat them, so the
                engine answers at once with what finished.
        """
        try:
            self.grammar.refuse_asked(context.request)
            found = self.grammar.match(context.request)
            if found is None:
                raise OutsideGrammarError(context.request, self.grammar)
            self.grammar.refuse_unplanned(context.request, found)
            intent, match = found
            plan = self._plan(intent, match, context)
        except RequestNotUnderstoodError as exc:
            suggester = self.grammar.suggester
            slips = suggester.suggest(context.request) if suggester is not None else []
            if slips:
                raise DidYouMeanError(context.request, slips) from exc
            raise
        suggester = self.grammar.suggester
        codes = suggester.suggest_codes(context.request) if suggester is not None else []
        if codes:
            raise DidYouMeanError(context.request, codes)
        if feedback:
            raise UsageError(
                f"intent {intent.name!r} of the offline grammar built an invalid plan:\n"
                f"{format_issues(feedback)}"
            )
        return plan

    @staticmethod
    def _plan(intent: Intent, match: re.Match[str], context: PlanningContext) -> Plan:
        if not context.failed:
            return intent.build(match, context)
        if intent.replan is not None:
            return intent.replan(match, context)
        remaining = replan_without_repeats(intent.build(match, context), context)
        if remaining is None:
            failures = "; ".join(f"{key}: {why}" for key, why in context.failed.items())
            raise NothingToPlanError(
                f"intent {intent.name!r} has no alternative to the failed steps ({failures})"
            )
        return remaining
