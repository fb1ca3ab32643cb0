"""The booking limits: how big a party, how far ahead (and never in the past).

Both are checked twice. At the ``plan`` stage, on the arguments a plan writes literally — a
table for 15 is refused before anything is searched. At the ``tool_call`` stage, on the
resolved arguments of every call — what references filled in, what a person edited at the
approval, what a model planned — with the facts the backends hold (a flight's departure).

The party size is a business rule (``plangate.graphs.guards.business_rules``): one comparison
on ``book_table``'s arguments, judged on plans and calls by ``PlannedRules``.

The booking window stays a hand-written guardrail: the rule language reads days on the run's
clock in UTC, while the window counts days local to each booking — a table's start read in the
venue's time zone when it is written without one, a flight's departure taken from its offer in
the origin's zone, a planned date in the zone of the city or airport it names. Writing that as
rules would need a rule per tool and a time-zone lookup the language does not have.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from plangate.agents.reservation.facts import BOOKING_TOOLS, BookingFacts, parse_moment
from plangate.graphs.guards.business_rules import BusinessRule, BusinessRules
from plangate.graphs.guards.guardrails import GuardSubject, Stage, Verdict
from plangate.graphs.guards.policy import plan_tools
from plangate.graphs.guards.rule_checks import Compare
from plangate.graphs.guards.rule_terms import Arg, Const
from plangate.tools.domains.world import AIRPORTS_BY_IATA, airport_for_city
from plangate.tools.errors import UsageError
from plangate.tools.registry import Toolset

MAX_PARTY = 12
PARTY_MESSAGE = (
    f"Parties over {MAX_PARTY} need the events team: ask them to arrange a group booking"
)
PARTY_RULES = (
    BusinessRule(
        id="party_size",
        tool="book_table",
        require=Compare(Arg("party_size"), "<=", Const(MAX_PARTY)),
        message=PARTY_MESSAGE,
    ),
)
"""The party-size limit as business rules (``plangate.graphs.guards.business_rules``)."""

HORIZON_DAYS = 180
"""Bookings are made at most this many days ahead."""

_PLAN_AND_CALL = frozenset({Stage.PLAN, Stage.TOOL_CALL})


def _steps(plan: Any) -> list[Mapping[str, Any]]:
    steps = plan.get("steps") if isinstance(plan, Mapping) else None
    return [step for step in steps or [] if isinstance(step, Mapping)]


def _args(step: Mapping[str, Any]) -> Mapping[str, Any]:
    args = step.get("args")
    return args if isinstance(args, Mapping) else {}


def _is_reference(value: Any) -> bool:
    return isinstance(value, str) and "${" in value


class PlannedRules(BusinessRules):
    """Business rules on a plan's literal arguments and on every call.

    A value that is a ``${...}`` reference is not known when the plan is made: the call
    stage checks it once resolved.

    Args:
        rules: the rules.
        name: the guardrail's name in verdicts.
        toolset: the agent's tools, to validate the rules against when the policy is built.
    """

    def __init__(
        self, rules: Iterable[BusinessRule], *, name: str, toolset: Toolset | None = None
    ) -> None:
        super().__init__(rules, toolset, stages=_PLAN_AND_CALL, name=name)


# Where a plan writes the date a booking is for; searches count only in plans that book.
_PLANNED_DATES = {
    "book_table": "start", "create_event": "start",
    "search_restaurants": "date", "search_flights": "departure_date",
}  # fmt: skip


class BookingWindow:
    """No booking in the past, none more than ``days`` days ahead.

    Args:
        facts: looks up a flight's departure and a venue's time zone.
        days: how far ahead bookings open.
    """

    def __init__(self, facts: BookingFacts, *, days: int = HORIZON_DAYS) -> None:
        if days < 1:
            raise UsageError(f"BookingWindow.days must be at least 1, got {days}")
        self.name = "booking_window"
        self.stages = _PLAN_AND_CALL
        self.facts = facts
        self.days = days

    async def check(self, subject: GuardSubject) -> Verdict:
        """Block a booking (or a booking plan) outside the window."""
        if subject.stage is Stage.TOOL_CALL:
            tool = subject.tool.name if subject.tool else ""
            if tool not in BOOKING_TOOLS:
                return Verdict.allow(self.name, subject.stage)
            span = await self.facts.span(tool, subject.args or {})
            problem = None if span is None else self._judge_moment(span.start)
            return self._verdict(subject.stage, problem, None)
        if not any(tool in BOOKING_TOOLS for _, tool in plan_tools(subject.plan)):
            return Verdict.allow(self.name, subject.stage)
        for step in _steps(subject.plan):
            field = _PLANNED_DATES.get(str(step.get("tool")))
            value = _args(step).get(field) if field else None
            if value is None or _is_reference(value):
                continue
            problem = self._judge_planned(str(step.get("tool")), _args(step), value)
            if problem is not None:
                return self._verdict(subject.stage, problem, str(step.get("id")))
        return Verdict.allow(self.name, subject.stage)

    def _verdict(self, stage: Stage, problem: str | None, step_id: str | None) -> Verdict:
        if problem is None:
            return Verdict.allow(self.name, stage)
        details = {"horizon_days": self.days}
        return Verdict.block(self.name, stage, problem, step_id=step_id, details=details)

    def _judge_moment(self, start: datetime) -> str | None:
        now = self.facts.clock.now()
        if start.tzinfo is None:
            return f"{start.isoformat()} has no time zone, so its place in the window is unknown"
        if start <= now:
            return f"{start.isoformat()} is in the past (now is {now.isoformat()}): nothing is booked in the past"
        # Counted in days, local to the booking, like a date in a plan: day 180 is still open.
        today = now.astimezone(start.tzinfo).date()
        if start.date() > today + timedelta(days=self.days):
            return self._too_far(start.date(), today)
        return None

    def _judge_planned(self, tool: str, args: Mapping[str, Any], value: Any) -> str | None:
        moment = parse_moment(value)
        if moment is not None and moment.tzinfo is not None:
            return self._judge_moment(moment)
        try:
            day = date.fromisoformat(str(value)[:10])
        except ValueError:
            return None  # not a date at all: plan validation has refused it already
        today = self.facts.clock.now().astimezone(_zone_of(tool, args)).date()
        if day < today:
            return f"{day} is in the past (today is {today}): nothing is booked in the past"
        if day > today + timedelta(days=self.days):
            return self._too_far(day, today)
        return None

    def _too_far(self, day: date, today: date) -> str:
        return (
            f"bookings open at most {self.days} days ahead: {day} is {(day - today).days} days "
            f"from today ({today})"
        )


def _zone_of(tool: str, args: Mapping[str, Any]) -> ZoneInfo:
    """The time zone a planned date is local to: the restaurant's city or the origin airport."""
    if tool == "search_flights":
        airport = AIRPORTS_BY_IATA.get(str(args.get("origin")))
    else:
        airport = airport_for_city(str(args.get("city", "")))
    return ZoneInfo(airport.timezone if airport else "UTC")
