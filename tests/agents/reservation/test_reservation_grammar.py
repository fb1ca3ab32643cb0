"""The offline grammar: natural phrasings, the slots read from them, and valid plans."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from plangate.agents.reservation.grammar import GRAMMAR
from plangate.agents.reservation.slots import UnclearRequestError
from plangate.agents.reservation.spec import SPEC
from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.planner import PlanningContext
from plangate.graphs.engine.validation import validate_plan
from plangate.graphs.offline.grammar import OutsideGrammarError, unmatched_examples
from plangate.graphs.offline.rule_planner import RulePlanner
from plangate.tools.clock import FakeClock
from plangate.tools.domains.backends import bind_tools, sandbox_backends
from tests.agents.reservation.sandbox_world import NOW

TODAY = date(2026, 3, 9)  # a Monday

# (request, intent, {"step.arg": expected value}); "-step" asserts the step is absent.
PHRASINGS: list[tuple[str, str, dict[str, Any]]] = [
    ("Book a table for 4 at a Thai restaurant in Lisbon tomorrow at 8pm", "book_table",
     {"find.city": "Lisbon", "find.party_size": 4, "find.date": "2026-03-10", "find.time": "20:00",
      "find.cuisine": "thai", "table.start": "2026-03-10T20:00:00+00:00", "table.party_size": 4}),
    ("Reserve dinner for two in Porto on the 14th at 19:30", "book_table",
     {"find.city": "Porto", "find.party_size": 2, "find.date": "2026-03-14", "find.time": "19:30",
      "find.cuisine": None}),
    ("book a table for six in Madrid next Friday at 9", "book_table",
     {"find.city": "Madrid", "find.party_size": 6, "table.start": "2026-03-13T21:00:00+01:00"}),
    ("I need a table for 2 in Paris on 2026-03-20 at 20:15", "book_table",
     {"find.city": "Paris", "find.date": "2026-03-20", "find.time": "20:15"}),
    ("party of five, Italian, in Barcelona on Saturday at 8pm, please book it", "book_table",
     {"find.city": "Barcelona", "find.party_size": 5, "find.date": "2026-03-14",
      "find.cuisine": "italian"}),
    ("Get us a sushi dinner in Tokyo tonight for 3", "book_table",
     {"find.city": "Tokyo", "find.party_size": 3, "find.date": "2026-03-09",
      "find.cuisine": "japanese", "table.start": "2026-03-09T20:00:00+09:00"}),
    ("Grab lunch for 4 in Rome tomorrow", "book_table",
     {"find.city": "Rome", "find.time": "13:00", "find.date": "2026-03-10"}),
    ("Book lunch for a couple in Vienna on Wednesday at 1pm", "book_table",
     {"find.city": "Vienna", "find.party_size": 2, "find.date": "2026-03-11", "find.time": "13:00"}),
    ("Reserve a table in Berlin for 8 people on the 21st at 19:00", "book_table",
     {"find.city": "Berlin", "find.party_size": 8, "find.date": "2026-03-21"}),
    ("table for 12 in London next Tuesday at half past seven", "book_table",
     {"find.city": "London", "find.party_size": 12, "find.date": "2026-03-10",
      "find.time": "19:30"}),
    ("Book a vegan dinner for 3 in Amsterdam on 14/03 at 20:30", "book_table",
     {"find.cuisine": "vegetarian", "find.date": "2026-03-14", "find.time": "20:30"}),
    ("Book a tapas dinner for 4 in BCN on Friday at 21:30", "book_table",
     {"find.city": "Barcelona", "find.cuisine": "spanish", "find.date": "2026-03-13"}),
    ("Book a table under the name Ana Costa for 2 in Lisbon tomorrow at 8", "book_table",
     {"table.name": "Ana Costa", "find.time": "20:00", "find.party_size": 2}),
    ("Book breakfast for 2 in Zurich tomorrow at 9", "book_table",
     {"find.city": "Zurich", "find.time": "09:00"}),
    ("Please reserve a seafood restaurant for 4 in Dublin in 2 days at 7:30 pm", "book_table",
     {"find.city": "Dublin", "find.cuisine": "seafood", "find.date": "2026-03-11",
      "find.time": "19:30"}),
    ("Book a table for one in Copenhagen on March 20 at 18:00", "book_table",
     {"find.party_size": 1, "find.date": "2026-03-20", "find.time": "18:00"}),
    ("Find Italian restaurants in Barcelona on Saturday for six", "find_restaurants",
     {"find.city": "Barcelona", "find.party_size": 6, "find.cuisine": "italian",
      "find.date": "2026-03-14", "-table": None}),
    ("Where can we eat sushi in Tokyo tonight?", "find_restaurants",
     {"find.city": "Tokyo", "find.cuisine": "japanese", "find.date": "2026-03-09"}),
    ("Any Indian restaurants in London tomorrow at 7pm for 3?", "find_restaurants",
     {"find.city": "London", "find.party_size": 3, "find.time": "19:00", "find.cuisine": "indian"}),
    ("Recommend a dinner spot in Athens for a group of 4 on Friday", "find_restaurants",
     {"find.city": "Athens", "find.party_size": 4, "find.date": "2026-03-13"}),
    ("show me restaurants in Milan", "find_restaurants",
     {"find.city": "Milan", "find.party_size": 2, "find.date": "2026-03-09"}),
    ("Book a flight from Lisbon to Madrid next Friday", "book_flight",
     {"flights.origin": "LIS", "flights.destination": "MAD", "flights.departure_date": "2026-03-13",
      "flights.cabin": "economy", "offer.offer_id": "${flights[0].id}"}),
    ("Get me a business class ticket LHR to JFK on 2026-04-02", "book_flight",
     {"flights.origin": "LHR", "flights.destination": "JFK", "flights.cabin": "business",
      "flights.departure_date": "2026-04-02"}),
    ("fly from Porto to Paris on the 20th", "book_flight",
     {"flights.origin": "OPO", "flights.destination": "CDG", "flights.departure_date": "2026-03-20"}),
    ("I want to fly to Berlin tomorrow", "book_flight",
     {"flights.origin": "LIS", "flights.destination": "BER", "flights.departure_date": "2026-03-10"}),
    ("Book me a premium economy seat from Frankfurt to Sydney on 1 April", "book_flight",
     {"flights.origin": "FRA", "flights.destination": "SYD", "flights.cabin": "premium_economy",
      "flights.departure_date": "2026-04-01"}),
    ("book a flight MAD-BCN on Thursday", "book_flight",
     {"flights.origin": "MAD", "flights.destination": "BCN", "flights.departure_date": "2026-03-12"}),
    ("Please book a plane ticket from New York to San Francisco next Monday", "book_flight",
     {"flights.origin": "JFK", "flights.destination": "SFO", "flights.departure_date": "2026-03-16"}),
    ("Book a flight from Heathrow to Schiphol in 2 weeks", "book_flight",
     {"flights.origin": "LHR", "flights.destination": "AMS", "flights.departure_date": "2026-03-23"}),
    ("Show me flights from LHR to JFK on the 20th", "find_flights",
     {"flights.origin": "LHR", "flights.destination": "JFK", "-flight": None, "-offer": None}),
    ("Any flights to Paris tomorrow?", "find_flights",
     {"flights.origin": "LIS", "flights.destination": "CDG", "flights.departure_date": "2026-03-10"}),
    ("cheapest flights from Rome to Athens on Friday", "find_flights",
     {"flights.origin": "FCO", "flights.destination": "ATH", "flights.departure_date": "2026-03-13"}),
    ("Fly from Lisbon to Madrid next Friday and book dinner for 2 there at 21:00", "plan_trip",
     {"flights.origin": "LIS", "flights.destination": "MAD", "find.city": "Madrid",
      "find.party_size": 2, "find.time": "21:00", "flights.departure_date": "2026-03-13",
      "find.date": "${date(offer.segments[-1].arrival)}",
      "table.start": "${date(offer.segments[-1].arrival)}T21:00", "event.start": "${table.start}"}),
    ("Plan a trip to Paris on the 20th with dinner for 3 at 8pm", "plan_trip",
     {"flights.origin": "LIS", "flights.destination": "CDG", "find.city": "Paris",
      "find.party_size": 3, "find.time": "20:00"}),
    ("Book a flight from London to Rome on Saturday and a table for 4 at an Italian restaurant there at 8",
     "plan_trip",
     {"flights.origin": "LHR", "flights.destination": "FCO", "find.city": "Rome",
      "find.cuisine": "italian", "find.party_size": 4, "find.time": "20:00",
      "flights.departure_date": "2026-03-14", "find.date": "${date(offer.segments[-1].arrival)}"}),
    ("Trip from Berlin to Vienna tomorrow, lunch for two on arrival at 1pm", "plan_trip",
     {"flights.origin": "BER", "flights.destination": "VIE", "find.city": "Vienna",
      "find.time": "13:00", "find.party_size": 2}),
    ("What's on my calendar tomorrow?", "calendar",
     {"events.time_min": "2026-03-10T00:00:00+00:00", "events.time_max": "2026-03-11T00:00:00+00:00",
      "free.duration_minutes": 60}),
    ("When am I free next Tuesday for 2 hours?", "calendar",
     {"free.duration_minutes": 120, "free.time_min": "2026-03-10T00:00:00+00:00"}),
    ("Am I free on Friday evening?", "calendar",
     {"free.day_start": "18:00", "free.time_min": "2026-03-13T00:00:00+00:00"}),
    ("show my schedule for next week", "calendar",
     {"events.time_min": "2026-03-16T00:00:00+00:00", "events.time_max": "2026-03-23T00:00:00+00:00"}),
    ("Find a free slot of 30 minutes on the 12th", "calendar",
     {"free.duration_minutes": 30, "free.time_min": "2026-03-12T00:00:00+00:00"}),
    ("Cancel reservation rsv-000001", "cancel",
     {"cancel.reservation_id": "rsv-000001"}),
    ("Please cancel my flight booking K7Q2ZD", "cancel", {"cancel.booking_id": "K7Q2ZD"}),
    ("cancel event c2eeb9b30f4bf7fd8a48", "cancel", {"cancel.event_id": "c2eeb9b30f4bf7fd8a48"}),
    ("Cancel my table RSV-000002", "cancel", {"cancel.reservation_id": "rsv-000002"}),
    ("What does the travel policy say about business class?", "policy",
     {"policy.query": "business class", "policy.sources": ["travel-policy.md"]}),
    ("Am I allowed to fly premium economy to New York?", "policy",
     {"policy.query": "fly premium economy to New York"}),
    ("Read the travel policy", "policy", {"policy_doc.doc_id": "travel-policy"}),
    ("what's the policy on hotel caps in London", "policy",
     {"policy.query": "hotel caps in London"}),
    ("What does the travel policy say about booking flights?", "policy",
     {"policy.query": "booking flights"}),
]  # fmt: skip


def _context(request: str) -> PlanningContext:
    return PlanningContext(request=request, today=TODAY)


def _value(plan: Plan, path: str) -> Any:
    step_id, arg = path.split(".", 1)
    return plan.step(step_id).args.get(arg)


@pytest.fixture(scope="module")
def toolset() -> Any:
    return bind_tools(sandbox_backends(seed=0, clock=FakeClock(NOW))).allow(SPEC.tools)


def test_there_are_at_least_forty_phrasings() -> None:
    assert len(PHRASINGS) >= 40
    assert {intent for _, intent, _ in PHRASINGS} == {i.name for i in GRAMMAR.intents}


@pytest.mark.parametrize(("request_text", "intent", "expected"), PHRASINGS)
def test_a_phrasing_matches_its_intent_and_reads_its_slots(
    request_text: str, intent: str, expected: dict[str, Any], toolset: Any
) -> None:
    found = GRAMMAR.match(request_text)
    assert found is not None, f"no intent matched {request_text!r}"
    assert found.intent.name == intent
    plan = found.intent.build(found.match, _context(request_text))
    for path, value in expected.items():
        if path.startswith("-"):
            assert path[1:] not in {step.id for step in plan.steps}
        else:
            assert _value(plan, path) == value, path
    assert validate_plan(plan, toolset, allowed=SPEC.tools) == []


def test_every_example_shown_to_users_matches_its_intent() -> None:
    assert unmatched_examples(GRAMMAR) == []


def test_booking_plans_read_before_they_write_and_run_reads_in_parallel() -> None:
    request = "Fly from Lisbon to Madrid next Friday and book dinner for 2 there at 21:00"
    found = GRAMMAR.match(request)
    assert found is not None
    plan = found.intent.build(found.match, _context(request))
    first_wave = {step.id for step in plan.ready(done=())}
    assert first_wave == {"policy", "flights", "cal"}
    # The dinner's date is the day the re-priced offer lands: the search waits for it.
    after_offer = plan.ready(done=("policy", "flights", "cal", "offer"))
    assert {step.id for step in after_offer} == {"flight", "find"}
    assert plan.step("flight").condition == "${offer.seats_left} >= 1"
    # Dinner at 21:00: booked once the flight is, and if it lands by 20:00.
    assert plan.step("table").condition == (
        "${flight.status} == 'confirmed' and ${time(offer.segments[-1].arrival)} <= '20:00'"
    )
    assert set(plan.dependencies("table")) >= {"cal", "avail", "flight", "offer"}
    assert plan.dependencies("event") == ["table"]


async def test_a_request_outside_the_grammar_lists_what_is_understood() -> None:
    planner = RulePlanner(GRAMMAR)
    with pytest.raises(OutsideGrammarError) as caught:
        await planner.plan(_context("sing me a song about the sea"))
    message = str(caught.value)
    assert "does not understand 'sing me a song about the sea'" in message
    for intent in GRAMMAR.intents:
        assert intent.description in message
    assert "Book a table for 4 at a Thai restaurant in Lisbon tomorrow at 8pm" in message
    assert "--model" in message


@pytest.mark.parametrize(
    ("request_text", "missing"),
    [
        ("Book a table for 4 tomorrow at 8pm", "which city"),
        ("Book a flight to Madrid", "the date of the flight"),
        ("Book a flight from Lisbon on Friday", "where to fly"),
        ("Fly from Paris to Paris tomorrow", "both ends are Paris"),
        ("Book a table for 25 in Lisbon tomorrow", "a party of 25"),
        ("Cancel my booking please", "what to cancel"),
    ],
)
async def test_an_incomplete_request_says_what_is_missing(request_text: str, missing: str) -> None:
    with pytest.raises(UnclearRequestError) as caught:
        await RulePlanner(GRAMMAR).plan(_context(request_text))
    assert missing in str(caught.value)
    assert "Say it in full, e.g." in str(caught.value)
    assert isinstance(caught.value, OutsideGrammarError)  # so the engine ends the run cleanly
