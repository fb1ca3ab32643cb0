"""No double booking: a table, a flight or an event must not overlap the user's calendar.

The guardrail asks the calendar bound in the toolset for busy time over the booking's span — a
table's 90-minute seating, a flight from departure to arrival (read from its offer), an event's
start to end — and blocks with the clashing events named, before anything is booked.

It is not a business rule: the span depends on the tool (a seating length, an offer's times, an
event's own end) and the test is an overlap of intervals over free/busy, which the rule
language (comparisons of values, counts and sums) does not express.
"""

from __future__ import annotations

from datetime import datetime

from plangate.agents.reservation.facts import BOOKING_TOOLS, BookingFacts
from plangate.graphs.guards.guardrails import GuardSubject, Stage, Verdict


class CalendarClash:
    """Block a booking that overlaps an event in the user's calendar.

    Args:
        facts: resolves the booking's span and reads the calendar.
    """

    def __init__(self, facts: BookingFacts) -> None:
        self.name = "calendar_clash"
        self.stages = frozenset({Stage.TOOL_CALL})
        self.facts = facts

    async def check(self, subject: GuardSubject) -> Verdict:
        """Allow a booking over free time; block one that overlaps an event, naming it."""
        tool = subject.tool.name if subject.tool else ""
        if tool not in BOOKING_TOOLS:
            return Verdict.allow(self.name, subject.stage)
        span = await self.facts.span(tool, subject.args or {})
        if span is None:
            return Verdict.allow(self.name, subject.stage)
        events = await self.facts.clashes(span)
        if not events:
            return Verdict.allow(self.name, subject.stage)
        named = "; ".join(
            f"'{event.summary}' ({_between(event.start, event.end)})" for event in events
        )
        reason = (
            f"the {span.what} ({_between(span.start, span.end)}) clashes with {named} in your "
            "calendar"
        )
        details = {
            "start": span.start.isoformat(),
            "end": span.end.isoformat(),
            "events": [
                {"id": e.id, "summary": e.summary, "start": e.start.isoformat(),
                 "end": e.end.isoformat()}
                for e in events
            ],
        }  # fmt: skip
        return Verdict.block(self.name, subject.stage, reason, details=details)


def _between(start: datetime, end: datetime) -> str:
    """``start``–``end`` with their offsets; the end's date only when it differs."""
    same_day = end.date() == start.date() and end.utcoffset() == start.utcoffset()
    until = end.strftime("%H:%M") if same_day else end.isoformat(timespec="minutes")
    return f"{start.isoformat(timespec='minutes')}–{until}"
