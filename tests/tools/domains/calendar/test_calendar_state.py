"""Hypothesis state audits: after any sequence of writes, the sandbox's invariants hold exactly.

The machine creates single and recurring events (sometimes double-booking on purpose), cancels
events, series and single occurrences, reuses idempotency keys, and lets time pass. After every
step ``audit()`` must find nothing, and the machine's own model of what the keys did must agree
with what the sandbox answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from plangate.tools.clock import FakeClock
from plangate.tools.domains.calendar.models import Event, NewEvent
from plangate.tools.domains.calendar.sandbox import COLLEAGUE, PRIMARY, SandboxCalendarBackend
from plangate.tools.errors import ToolRefusedError

T = TypeVar("T")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEYS = [f"key-{n}" for n in range(8)]
RULES = [
    "",
    "RRULE:FREQ=DAILY;COUNT=5",
    "RRULE:FREQ=WEEKLY;BYDAY=TU,TH",
    "RRULE:FREQ=WEEKLY;COUNT=3",
]
ZONES = ["Europe/Lisbon", "America/New_York", "Asia/Tokyo"]


class CalendarMachine(RuleBasedStateMachine):
    """Random creations and cancellations against one sandbox."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.clock = FakeClock(NOW)
        self.sandbox = SandboxCalendarBackend(seed=5, clock=self.clock)
        # key -> (operation, what it asked, first result): a repeat of the same write gets the
        # first result, any other write under the key is refused as a reused key.
        self.first: dict[str, tuple[str, Any, Event]] = {}
        self.cancelled: set[str] = set()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coro)

    def attempt(self, coro: Coroutine[Any, Any, Event]) -> Event | ToolRefusedError:
        """The write's result, or the refusal it met (returned, so it can be checked)."""
        try:
            return self.run(coro)
        except ToolRefusedError as exc:
            return exc

    def teardown(self) -> None:
        self.loop.close()

    def _listed(self, calendar_id: str) -> list[Event]:
        page = self.run(
            self.sandbox.list_events(
                calendar_id, self.clock.now(), NOW + timedelta(days=30), max_results=2500
            )
        )
        return list(page.items)

    @rule(
        calendar_id=st.sampled_from([PRIMARY, COLLEAGUE]),
        hours=st.integers(-2, 24 * 14),
        quarter=st.integers(0, 3),
        minutes=st.sampled_from([15, 30, 60, 120]),
        rule=st.sampled_from(RULES),
        zone=st.sampled_from(ZONES),
        allow=st.booleans(),
        key=st.sampled_from(KEYS),
    )
    def create(
        self,
        calendar_id: str,
        hours: int,
        quarter: int,
        minutes: int,
        rule: str,
        zone: str,
        allow: bool,
        key: str,
    ) -> None:
        start = NOW + timedelta(hours=hours, minutes=15 * quarter)
        event = NewEvent(
            summary=f"Made with {key}",
            timezone=zone,
            start=start,
            end=start + timedelta(minutes=minutes),
            recurrence=[rule] if rule else [],
        )
        outcome = self.attempt(
            self.sandbox.create_event(calendar_id, event, key, allow_conflict=allow)
        )
        asked = ("create", (calendar_id, event))
        if isinstance(outcome, ToolRefusedError):
            if key in self.first:
                assert outcome.reason == "idempotency_key_reused"
                assert self.first[key][:2] != asked
            else:
                assert outcome.reason in ("past_date", "conflict")
                assert outcome.reason != "conflict" or not allow
                assert outcome.reason != "past_date" or start < self.clock.now()
            return
        created = outcome
        if key in self.first:
            assert self.first[key] == (*asked, created)
        else:
            assert start >= self.clock.now()
            self.first[key] = (*asked, created)

    @rule(
        calendar_id=st.sampled_from([PRIMARY, COLLEAGUE]),
        pick=st.integers(0, 10_000),
        whole_series=st.booleans(),
        key=st.sampled_from(KEYS),
    )
    def cancel(self, calendar_id: str, pick: int, whole_series: bool, key: str) -> None:
        listed = self._listed(calendar_id)
        if not listed:
            return
        target = listed[pick % len(listed)]
        event_id = (target.recurring_event_id or target.id) if whole_series else target.id
        outcome = self.attempt(self.sandbox.cancel_event(calendar_id, event_id, key))
        asked = ("cancel", (calendar_id, event_id))
        if isinstance(outcome, ToolRefusedError):
            if key in self.first:
                assert outcome.reason == "idempotency_key_reused"
                assert self.first[key][:2] != asked
            else:
                # A listed occurrence may have ended meanwhile (the clock moves).
                assert outcome.reason in ("past_date", "already_cancelled")
            return
        cancelled = outcome
        if key in self.first:
            assert self.first[key] == (*asked, cancelled)
            return
        assert cancelled.status == "cancelled"
        assert cancelled.id == event_id
        self.first[key] = (*asked, cancelled)
        self.cancelled.add(event_id)
        assert event_id not in {e.id for e in self._listed(calendar_id)}

    @rule(minutes=st.integers(0, 24 * 60))
    def wait(self, minutes: int) -> None:
        self.clock.advance(minutes * 60)

    @invariant()
    def audit_finds_nothing(self) -> None:
        assert self.sandbox.audit() == []

    @invariant()
    def keys_find_what_they_did(self) -> None:
        for key, (operation, _, first) in self.first.items():
            found = self.run(self.sandbox.find_event_by_key(key))
            assert found is not None
            assert found.id == first.id
            if operation == "cancel":
                assert found.status == "cancelled"

    @invariant()
    def cancelled_ids_stay_unlisted(self) -> None:
        listed = [e for cid in (PRIMARY, COLLEAGUE) for e in self._listed(cid)]
        assert not self.cancelled & {e.id for e in listed}
        assert not self.cancelled & {e.recurring_event_id for e in listed}


CalendarMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=12, deadline=None)
TestCalendarState = CalendarMachine.TestCase
