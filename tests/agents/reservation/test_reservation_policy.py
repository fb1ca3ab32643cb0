"""Each reservation guardrail on its own: what it allows, blocks or holds, and why."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib.resources import files
from typing import Any

import pytest

from plangate.agents.reservation.clashes import CalendarClash
from plangate.agents.reservation.facts import BookingFacts
from plangate.agents.reservation.fares import FareCap, load_fare_caps, parse_fare_caps
from plangate.agents.reservation.limits import PARTY_RULES, BookingWindow, PlannedRules
from plangate.agents.reservation.policy import policy
from plangate.graphs.guards.guardrails import Action, GuardSubject, Stage
from plangate.tools.errors import UsageError
from plangate.tools.registry import Toolset
from tests.agents.reservation.sandbox_world import World


def call(world: World, tool: str, **args: Any) -> GuardSubject:
    return GuardSubject(stage=Stage.TOOL_CALL, tool=world.toolset.get(tool), args=args, step_id="s")


def planned(*steps: tuple[str, str, dict[str, Any]]) -> GuardSubject:
    plan = {"steps": [{"id": sid, "tool": tool, "args": args} for sid, tool, args in steps]}
    return GuardSubject(stage=Stage.PLAN, plan=plan)


TABLE = {"venue_id": "lis-007", "party_size": 4, "name": "Alex Silva"}


async def offer_id(world: World, origin: str, destination: str, day: date, cabin: Any) -> str:
    offers = await world.flights.search(origin, destination, day, 1, cabin)
    return offers[0].id


async def test_party_size_blocks_a_literal_plan_and_any_call_over_twelve(world: World) -> None:
    guard = PlannedRules(PARTY_RULES, name="party_size")
    big = planned(("table", "book_table", {**TABLE, "party_size": 15, "start": "x"}))
    verdict = await guard.check(big)
    assert verdict.action is Action.BLOCK
    assert verdict.step_id == "table"
    assert "Parties over 12 need the events team" in verdict.reason
    referenced = planned(("table", "book_table", {**TABLE, "party_size": "${ask.size}"}))
    assert (await guard.check(referenced)).action is Action.ALLOW  # judged once resolved
    search = planned(("find", "search_restaurants", {"city": "Lisbon", "party_size": 15}))
    assert (await guard.check(search)).action is Action.ALLOW  # looking is not booking
    start = "2026-03-10T20:00:00+00:00"
    edited = call(world, "book_table", **{**TABLE, "party_size": 20}, start=start)
    assert (await guard.check(edited)).action is Action.BLOCK
    twelve = call(world, "book_table", **{**TABLE, "party_size": 12}, start=start)
    assert (await guard.check(twelve)).action is Action.ALLOW


@pytest.mark.parametrize(
    ("start", "action", "said"),
    [
        ("2026-03-10T20:00:00+00:00", Action.ALLOW, ""),
        ("2026-03-08T20:00:00+00:00", Action.BLOCK, "is in the past"),
        ("2026-09-05T20:00:00+01:00", Action.ALLOW, ""),  # day 180
        ("2026-09-10T20:00:00+01:00", Action.BLOCK, "at most 180 days ahead"),
        ("2026-03-10T20:00:00", Action.ALLOW, ""),  # naive: read in the venue's time zone
    ],
)
async def test_the_booking_window_judges_each_call(
    world: World, start: str, action: Action, said: str
) -> None:
    guard = BookingWindow(BookingFacts(world.toolset))
    verdict = await guard.check(call(world, "book_table", **TABLE, start=start))
    assert verdict.action is action
    assert said in verdict.reason


async def test_the_booking_window_reads_a_flights_departure_and_plans_that_book(
    world: World,
) -> None:
    guard = BookingWindow(BookingFacts(world.toolset))
    offer = await offer_id(world, "LIS", "MAD", date(2026, 3, 13), "economy")
    assert (await guard.check(call(world, "book_flight", offer_id=offer))).action is Action.ALLOW
    far = {"origin": "LIS", "destination": "MAD", "departure_date": "2026-11-20"}
    booking = planned(
        ("flights", "search_flights", far), ("flight", "book_flight", {"offer_id": "${o}"})
    )
    verdict = await guard.check(booking)
    assert verdict.action is Action.BLOCK
    assert verdict.step_id == "flights"
    assert "2026-11-20 is 256 days from today (2026-03-09)" in verdict.reason
    assert (await guard.check(planned(("flights", "search_flights", far)))).action is Action.ALLOW
    with pytest.raises(UsageError, match="at least 1"):
        BookingWindow(BookingFacts(world.toolset), days=0)


async def test_a_booking_over_a_calendar_event_is_blocked_with_the_event_named(
    world: World,
) -> None:
    guard = CalendarClash(BookingFacts(world.toolset))
    # The seeded calendar has "Customer call: Acme" on Wednesday 11 March, 16:30-17:30.
    clash = call(world, "book_table", **TABLE, start="2026-03-11T17:00:00+00:00")
    verdict = await guard.check(clash)
    assert verdict.action is Action.BLOCK
    assert "'Customer call: Acme'" in verdict.reason
    assert "table at lis-007 (2026-03-11T17:00+00:00–18:30)" in verdict.reason
    assert [e["summary"] for e in verdict.details["events"]] == ["Customer call: Acme"]
    free = call(world, "book_table", **TABLE, start="2026-03-11T20:00:00+00:00")
    assert (await guard.check(free)).action is Action.ALLOW
    standup = call(
        world, "create_event", summary="Coffee", start="2026-03-12T09:00:00+00:00",
        end="2026-03-12T09:20:00+00:00", timezone="Europe/Lisbon",
    )  # fmt: skip
    assert "'Team standup'" in (await guard.check(standup)).reason
    reading = call(
        world, "list_events", time_min="2026-03-11T00:00:00Z", time_max="2026-03-12T00:00:00Z"
    )
    assert (await guard.check(reading)).action is Action.ALLOW


@pytest.mark.parametrize(
    ("route", "cabin", "action", "said"),
    [
        (("LIS", "MAD"), "economy", Action.ALLOW, ""),
        (("FRA", "SYD"), "premium_economy", Action.REQUIRE_APPROVAL,
         "above the one-way premium economy cap on ultra long-haul flights, 1560.00 EUR"),
        (("LIS", "OPO"), "business", Action.REQUIRE_APPROVAL,
         "business class is not permitted on domestic flights"),
        (("LHR", "JFK"), "economy", Action.REQUIRE_APPROVAL, "is not in EUR"),
    ],
)  # fmt: skip
async def test_a_fare_above_the_travel_policy_cap_needs_approval_with_the_reason(
    world: World, route: tuple[str, str], cabin: str, action: Action, said: str
) -> None:
    guard = FareCap(BookingFacts(world.toolset), load_fare_caps())
    offer = await offer_id(world, *route, date(2026, 3, 20), cabin)
    verdict = await guard.check(call(world, "book_flight", offer_id=offer))
    assert verdict.action is action
    assert said in verdict.reason
    assert verdict.details["cabin"] == cabin


def test_fare_caps_are_read_from_the_bundled_travel_policy() -> None:
    caps = load_fare_caps()
    assert caps.one_way_share == Decimal("0.6")
    assert caps.one_way("europe", "economy") == Decimal("360.00")
    assert caps.one_way("intercontinental", "business") == Decimal("2700.00")
    assert caps.one_way("domestic", "business") is None
    assert caps.one_way("europe", "first") is None


def test_fare_caps_follow_the_document_and_fail_clearly_without_it() -> None:
    text = (
        files("plangate.tools.domains.retrieval")
        .joinpath("corpus/travel-policy.md")
        .read_text("utf-8")
    )
    raised = text.replace("| 600 EUR   |", "| 700 EUR   |")
    assert parse_fare_caps(raised).one_way("europe", "economy") == Decimal("420.00")
    with pytest.raises(UsageError, match=r"no section '### 3\.2'"):
        parse_fare_caps(text.replace("### 3.2", "### 3.9"))
    with pytest.raises(UsageError, match="one-way ticket"):
        parse_fare_caps(text.replace("A one-way ticket is capped", "A single is capped"))
    with pytest.raises(UsageError, match="no economy cap for europe"):
        parse_fare_caps(text.replace("Within Europe (including Istanbul)", "Regional"))


def test_the_policy_runs_blocks_before_approvals_and_needs_the_backends(world: World) -> None:
    names = [guard.name for guard in policy(world.toolset)]
    assert names == [
        "prompt_injection", "party_size", "booking_window", "calendar_clash", "fare_cap",
        "approve_writes", "tainted_write_approval", "pii_redaction",
    ]  # fmt: skip
    with pytest.raises(UsageError, match="needs the calendar tools bound"):
        policy(Toolset())
