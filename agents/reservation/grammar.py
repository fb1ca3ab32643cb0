"""What the offline planner understands, and the plan it makes of each kind of request.

Intents are tried in order (see ``plangate.graphs.offline.grammar``): cancellations and policy
questions first, since they mention bookings and flights too; a trip (a flight *and* a meal) before
a flight alone; bookings before searches. Each intent's ``build`` reads its slots from the whole
request (``plangate.agents.reservation.slots`` and ``plangate.graphs.offline.slots``), so words may
come in any order: "for four tomorrow at 8 in Lisbon" and "in Lisbon at 8pm tomorrow, party of four"
plan the same table.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from plangate.agents.reservation import slots
from plangate.agents.reservation.lookup import is_table_lookup, read_lookup
from plangate.agents.reservation.plans import (
    FlightAsk,
    TableAsk,
    calendar_plan,
    cancel_plan,
    flight_plan,
    lookup_cancel_plan,
    policy_plan,
    restaurants_plan,
    table_plan,
    trip_plan,
)
from plangate.agents.reservation.replan import replan
from plangate.agents.reservation.scope import DURATION, ONE_PASSENGER, PARTY, SCOPE, SPELLER
from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.planner import PlanningContext
from plangate.graphs.offline.grammar import Grammar, Intent
from plangate.graphs.offline.lexicon import CANCEL_VERBS
from plangate.graphs.offline.numbers import ANYWHERE, DATES, TIMES
from plangate.graphs.offline.slots import parse_date, parse_time
from plangate.tools.clock import SystemClock
from plangate.tools.domains.flights.models import Cabin

_MEAL = r"(?:dinner|supper|lunch|breakfast|brunch|table|restaurant|reservation)"
_BROWSING = (
    r"(?:find|search|show|see|list|look|recommend|suggest|options?|ideas?|spots?|places?"
    r"|recommendations?|suggestions?|restaurants|which|where|any)"
)
_CUISINE_WORDS = "|".join(
    sorted((re.escape(word) for word in slots.CUISINES), key=len, reverse=True)
)
"""Cuisines and dishes ("sushi", "tapas"): "book sushi for four" books a table."""
_ARRIVAL = re.compile(
    r"\b(?:night|evening|day|when|after|once|as soon as)\s+(?:i|we)(?:'ll| will)?\s+"
    r"(?:arrive|land|get (?:in|there|to)|touch down|fly in)\b|\b(?:up)?on (?:my |our )?arrival\b",
    re.IGNORECASE,
)
"""A meal set by a landing ("the night I arrive", "the evening we land", "on arrival")."""
_RESERVATION_ID = re.compile(r"\b(rsv-\d+)\b", re.IGNORECASE)
_LOCATOR = re.compile(r"\b(?=[A-Z0-9]*[A-Z])[A-Z0-9]{6}\b")
_EVENT_ID = re.compile(
    # An id has a digit: "cancel my meeting tomorrow" names no event id.
    r"\b(?:event|meeting|appointment)\s+(?:id\s+)?(?P<id>(?=[A-Za-z_@.-]*\d)[A-Za-z0-9_@.-]{6,})",
    re.IGNORECASE,
)
_TOPIC = re.compile(
    r"\b(?:about|on|regarding|for|re)\s+(?P<topic>.+?)[?.!]*$|\ballowed to\s+(?P<act>.+?)[?.!]*$",
    re.IGNORECASE,
)
_CABINS: tuple[tuple[str, Cabin], ...] = (
    (r"\bpremium(?: economy)?\b", "premium_economy"),
    (r"\bbusiness\b", "business"),
    (r"\bfirst class\b", "first"),
)


def _today(context: PlanningContext) -> date:
    # The engine always passes today from its clock; a bare PlanningContext may not.
    return context.today or SystemClock().now().date()


def _text(match: re.Match[str]) -> str:
    return match.string  # the whole request, case kept (IATA codes and names need it)


def _table(text: str, context: PlanningContext, example: str, *, book: bool = True) -> TableAsk:
    if book:
        slots.refuse_days(text, _today(context), SCOPE.can)
    day = parse_date(text, _today(context))
    if day is None and _ARRIVAL.search(text):
        city = slots.read_city(text, example).city
        # No tool lists the user's flights and the calendar holds none: ask, never assume today.
        raise slots.UnclearRequestError(
            text, f"the day you arrive in {city}: I can only read a landing from a flight booked "
            "in the same request (say the day, or fly there and dine in one request)",
            f"Fly to {city} on Friday and book dinner the night I arrive",
        )  # fmt: skip
    return TableAsk(
        city=slots.read_city(text, example),
        day=day or _today(context),
        at=slots.read_meal_time(text),
        party=slots.read_party(text, example),
        cuisine=slots.read_cuisine(text),
        name=slots.read_name(text),
    )


def _flight(text: str, context: PlanningContext, example: str, *, book: bool = True) -> FlightAsk:
    if book:
        slots.refuse_days(text, _today(context), SCOPE.can)
    origin, destination = slots.read_route(text, example)
    day = slots.require_date(parse_date(text, _today(context)), text, "the flight", example)
    default: Cabin = "economy"
    cabin = next((c for pattern, c in _CABINS if re.search(pattern, text, re.I)), default)
    return FlightAsk(origin, destination, day, cabin, slots.read_passenger(text))


def build_table(match: re.Match[str], context: PlanningContext) -> Plan:
    """Book a table."""
    return table_plan(_table(_text(match), context, BOOK_TABLE_EXAMPLE))


def build_restaurants(match: re.Match[str], context: PlanningContext) -> Plan:
    """Find restaurants, nothing booked."""
    text = _text(match)
    ask = _table(text, context, FIND_RESTAURANTS_EXAMPLE, book=False)
    return restaurants_plan(ask, with_time=parse_time(text) is not None)


def build_flight(match: re.Match[str], context: PlanningContext) -> Plan:
    """Book the cheapest flight."""
    return flight_plan(_flight(_text(match), context, BOOK_FLIGHT_EXAMPLE))


def build_flight_search(match: re.Match[str], context: PlanningContext) -> Plan:
    """Find flights, nothing booked."""
    ask = _flight(_text(match), context, FIND_FLIGHTS_EXAMPLE, book=False)
    return flight_plan(ask, book=False)


def build_trip(match: re.Match[str], context: PlanningContext) -> Plan:
    """A flight, dinner where it lands, and the dinner in the calendar."""
    text = _text(match)
    flight = _flight(text, context, TRIP_EXAMPLE)
    table = TableAsk(
        city=flight.destination,
        day=flight.day,
        at=slots.read_meal_time(text),
        party=slots.read_party(text, TRIP_EXAMPLE),
        cuisine=slots.read_cuisine(text),
        name=slots.read_name(text),
    )
    return trip_plan(flight, table)


def build_calendar(match: re.Match[str], context: PlanningContext) -> Plan:
    """The calendar and its free time on a day (or a week)."""
    text = _text(match)
    today = _today(context)
    lowered = text.casefold()
    week = re.search(r"\b(this|next) week\b", lowered)
    if week is not None:
        day = today if week[1] == "this" else today + timedelta(days=7 - today.weekday())
    else:
        day = parse_date(text, today) or today
    evening = re.search(r"\b(?:evening|tonight|night|dinner)\b", lowered) is not None
    return calendar_plan(
        day,
        slots.HOME.timezone,
        days=7 if week else 1,
        minutes=slots.read_minutes(text, "When am I free next Tuesday for 2 hours?", can=SCOPE.can),
        evening=evening,
    )


def build_cancel(match: re.Match[str], context: PlanningContext) -> Plan:
    """Cancel a reservation, a flight booking or an event by id, or a table by when and where."""
    text = _text(match)
    if found := _RESERVATION_ID.search(text):
        return cancel_plan("reservation", found[1].lower())
    if found := _EVENT_ID.search(text):
        return cancel_plan("event", found["id"])
    if found := _LOCATOR.search(text):
        return cancel_plan("booking", found[0])
    if is_table_lookup(text):
        lookup = read_lookup(text, _today(context))
        return lookup_cancel_plan(lookup.args, lookup.words)
    raise slots.UnclearRequestError(
        text, "what to cancel: give its id (rsv-…, a 6-letter booking reference, or event <id>), "
        "or the day of the table reservation", CANCEL_EXAMPLE,
    )  # fmt: skip


def build_policy(match: re.Match[str], context: PlanningContext) -> Plan:
    """What the travel policy says about a topic."""
    text = _text(match)
    if re.search(r"\b(?:read|show|open)\b.*\bpolicy\b", text, re.I) and not _TOPIC.search(text):
        return policy_plan("the whole policy", whole=True)
    found = _TOPIC.search(text)
    topic = (found["topic"] or found["act"]) if found else text
    return policy_plan(topic.strip() or text)


BOOK_TABLE_EXAMPLE = "Book a table for 4 at a Thai restaurant in Lisbon tomorrow at 8pm"
FIND_RESTAURANTS_EXAMPLE = "Find Italian restaurants in Barcelona on Saturday for six"
BOOK_FLIGHT_EXAMPLE = "Book a flight from Lisbon to Madrid next Friday"
FIND_FLIGHTS_EXAMPLE = "Show me flights from LHR to JFK on the 20th"
TRIP_EXAMPLE = "Fly from Lisbon to Madrid next Friday and book dinner for 2 there at 21:00"
CANCEL_EXAMPLE = "Cancel reservation rsv-000001"
CANCEL_LOOKUP_EXAMPLE = "Cancel my reservation for tonight"

GRAMMAR = Grammar(
    [
        Intent(
            name="cancel",
            description="Cancel a flight booking or a calendar event by id, and a table "
            "reservation by id or by its day, time and venue",
            examples=(CANCEL_EXAMPLE, CANCEL_LOOKUP_EXAMPLE, "Cancel my flight booking K7Q2ZD"),
            patterns=(r"\b(?:" + "|".join(CANCEL_VERBS) + r")\b",),
            build=build_cancel,
            replan=replan,
            numbers=(_RESERVATION_ID, _EVENT_ID, _LOCATOR, DATES, TIMES, *PARTY),
            reads="the id of what to cancel, or a table's day, time and party size",
        ),
        Intent(
            name="policy",
            description="Say what the travel policy says about something",
            examples=(
                "What does the travel policy say about business class?",
                "Am I allowed to fly premium economy to New York?",
            ),
            patterns=(
                r"\bpolicy\b.*\b(?:say|says|allow|allows|about|on|regarding|rules?)\b",
                r"\bwhat\b.*\bpolicy\b",
                r"\b(?:read|show|open)\b.*\bpolicy\b",
                r"\b(?:am I|are we|is it) allowed\b",
                r"\b(?:under|per|according to|within|against|by)\s+(?:the\s+|our\s+|my\s+"
                r"|company\s+)?(?:travel\s+)?polic(?:y|ies)\b",
                r"\b(?:can|may|could|should) (?:i|we)\b.*\bpolic(?:y|ies)\b",
            ),
            build=build_policy,
            replan=replan,
            numbers=(ANYWHERE,),  # the topic is searched as written
            actions=0,
        ),
        Intent(
            name="plan_trip",
            description="Plan a trip: book a flight, then dinner where it lands, in the calendar",
            examples=(TRIP_EXAMPLE, "Plan a trip to Paris on the 20th with dinner for 3 at 8pm"),
            patterns=(
                rf"\b(?:fly|flight|flying|trip|travel)\b.*\b{_MEAL}\b",
                r"\b(?:dinner|lunch)\b.*\b(?:fly|flight)\b",
            ),
            build=build_trip,
            replan=replan,
            numbers=(DATES, TIMES, *PARTY, ONE_PASSENGER),
            reads="the day, the dinner's time and its party size (one passenger flies)",
            actions=2,
        ),
        Intent(
            name="book_flight",
            description="Book the cheapest flight between two cities or airports on a day",
            examples=(
                BOOK_FLIGHT_EXAMPLE,
                "Get me a business class ticket LHR to JFK on 2026-04-02",
            ),
            patterns=(
                r"\b(?:book|get|reserve|buy)\b.*\b(?:flights?|tickets?|plane|seat)\b",
                r"\bfly\b.*\b(?:to|from)\b",
                r"^(?:an?\s+)?(?:one[- ]way\s+)?(?:plane\s+)?(?:ticket|seat)\b.*\bto\b",
                r"\bone[- ]way\b.*\bto\b",
            ),
            build=build_flight,
            replan=replan,
            numbers=(DATES, ONE_PASSENGER),
            reads="only the day of the flight, for one passenger",
        ),
        Intent(
            name="find_flights",
            description="Find flights between two cities or airports on a day (nothing booked)",
            examples=(FIND_FLIGHTS_EXAMPLE, "Any flights to Paris tomorrow?"),
            patterns=(r"\bflights?\b",),
            build=build_flight_search,
            replan=replan,
            numbers=(DATES, ONE_PASSENGER),
            reads="only the day of the flight, for one passenger",
            actions=0,
        ),
        Intent(
            name="book_table",
            description="Book a restaurant table for a party in a city at a time",
            examples=(BOOK_TABLE_EXAMPLE, "Reserve dinner for two in Porto on the 14th at 19:30"),
            patterns=(
                rf"\b(?:book|reserve|get|grab|want|need)\b.*\b{_MEAL}s?\b",
                rf"\b{_MEAL}s?\b.*\b(?:book|reserve)\b",
                r"^(?!(?:which|where|what|are there|is there|any)\b).*(?:\b(?:table|reservation) "
                r"for\b|\bparty of\b)",
                rf"\b(?:book|reserve)\b(?!.*\b{_BROWSING}\b).*\b(?:{_CUISINE_WORDS})\b",
                r"\b(?:book|reserve)\b.*\b(?:somewhere|spot|place)\b",
                rf"^(?!.*\b{_BROWSING}\b).*\b(?:like|love|fancy|have|arrange|organi[sz]e)\b"
                r".*\b(?:dinner|supper|lunch|breakfast|brunch|table)\b",
                rf"^(?:an?\s+|one\s+)?(?:table|dinner|lunch|breakfast|brunch)\b(?!.*\b{_BROWSING}\b)",
            ),
            build=build_table,
            replan=replan,
            numbers=(DATES, TIMES, *PARTY),
            reads="a party size, a date and a time",
        ),
        Intent(
            name="find_restaurants",
            description="Find restaurants with a free table (nothing booked)",
            examples=(FIND_RESTAURANTS_EXAMPLE, "Where can we eat sushi in Tokyo tonight?"),
            patterns=(
                r"\brestaurants?\b",
                r"\b(?:where|somewhere|place|anything|something)\b.*\b(?:eat|dine)\b",
                r"\b(?:find|search|show|recommend|suggest)\b.*\b(?:dinner|lunch|food)\b",
                r"\b(?:options?|ideas?|suggestions?|recommendations?)\s+(?:for|to)\s+(?:have\s+)?"
                r"(?:dinner|lunch|breakfast|brunch|food|eat)\b",
                r"\b(?:spots?|places?|joints?|eater(?:y|ies))\s+(?:to\s+)?(?:eat|dine|for\s+"
                r"(?:dinner|lunch|food))\b|\b(?:good|best|nice|cheap|local|decent|great|any)\s+"
                r"(?:\w+\s+)?(?:spots?|places?|joints?|eater(?:y|ies)|food)\b",
                rf"\b(?:{_CUISINE_WORDS})\s+(?:spots?|places?|joints?|eater(?:y|ies))\b",
            ),
            build=build_restaurants,
            replan=replan,
            numbers=(DATES, TIMES, *PARTY),
            reads="a party size, a date and a time",
            actions=0,
        ),
        Intent(
            name="calendar",
            description="Show the calendar and its free slots on a day or a week",
            examples=(
                "What's on my calendar tomorrow?",
                "When am I free next Tuesday for 2 hours?",
            ),
            patterns=(
                r"\b(?:calendar|schedule|agenda)\b",
                r"\b(?:am I|are we) (?:free|busy|available)\b",
                r"\bwhen am I free\b",
                r"\bfree (?:time|slots?)\b",
                r"\b(?:do|did|have) (?:i|we) (?:have |got )?(?:anything|something|plans|events?"
                r"|meetings?|appointments?)\b",
                r"\bwhat(?:'s| is| do i have) (?:on|happening|planned)\b",
                r"\b(?:gaps?|openings?|free windows?|spare time|time slots?)\b",
                r"\bmy (?:day|week|diary)\b",
            ),
            build=build_calendar,
            replan=replan,
            numbers=(DATES, TIMES, DURATION),
            reads="a day or a week, and how long a free slot should be",
            actions=0,
        ),
    ],
    scope=SCOPE,
    speller=SPELLER,
)
"""The reservation assistant's offline grammar."""
