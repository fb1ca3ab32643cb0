"""What the reservation assistant can be asked to do, and where its requests carry numbers.

``SCOPE`` lists its actions: book (a table, a flight, a trip), cancel (by id, or a table by
its day, time or venue), and look up restaurants, flights, the calendar and the travel policy.
Anything else a request asks — a hotel, a car, an email, moving money, changing a booking — is
refused by name (``plangate.graphs.offline.scope``). One request makes one booking for one
party: "book 2 tables" or "2 tickets" is refused rather than booked once; a trip books a flight
and the dinner where it lands.

The placers say which numbers each intent reads (``plangate.graphs.offline.numbers``): a
number anywhere else ("for 3 hours" at a table, "under $300" for a flight) is refused, not
dropped.
"""

from __future__ import annotations

from plangate.agents.reservation import slots
from plangate.graphs.offline.lexicon import CANCEL_VERBS
from plangate.graphs.offline.numbers import Placer, pattern_group
from plangate.graphs.offline.scope import Action, Scope, Unsupported
from plangate.graphs.offline.slots import MONTHS, WEEKDAYS
from plangate.graphs.offline.spelling import Speller
from plangate.tools.domains.restaurants.models import MAX_PARTY_SIZE
from plangate.tools.domains.world import AIRPORTS

_TABLE = ("table", "dinner", "supper", "lunch", "breakfast", "brunch", "meal", "restaurant", "reservation",
          "booking", "seat", "spot", "place", "venue", "bite")  # fmt: skip
_FLIGHT = ("flight", "ticket", "plane", "seat", "fare", "trip", "journey", "class", "economy",
           "business", "cabin", "route")  # fmt: skip
_LOOKUP = (*_TABLE, *_FLIGHT, "food", "cuisine", "option", "price", "offer", "connection",
           "calendar", "schedule", "agenda", "diary", "event", "meeting", "appointment", "slot",
           "time", "availability", "day", "week", "evening", "morning", "afternoon", "policy",
           "rule", "guide", "cap", "limit", "allowance", "document", "travel", "itinerary",
           "plan", "free", "anything", "gap", "window", "opening", "break", "hole", "somewhere",
           "spots", "eatery", "joint")  # fmt: skip

CAN = (
    "book one table or one flight (or, on a trip, a flight and dinner where it lands), find "
    "restaurants and flights, cancel a booking by its id (a table also by its day, time or "
    "venue), and show your calendar and the travel policy"
)


def is_name(word: str) -> bool:
    """Whether ``word`` names a city, an airport or a cuisine the assistant knows."""
    return bool(slots.find_places(word)) or word.casefold() in slots.CUISINES


_MANY = (r"(?:[2-9]|[1-9]\d+|two|three|four|five|six|seven|eight|nine|ten|a few|several|"
         r"multiple|a couple of|couple of|a dozen|dozens of)\s+(?:[\w-]+\s+){0,2}")  # fmt: skip

_BOOK_VERBS = ("book", "reserve", "get", "grab", "secure", "make", "want", "need", "fly", "plan",
               "organise", "organize", "arrange")  # fmt: skip
_CANCELLED = ("reservation", "booking", "table", "flight", "ticket", "event", "meeting",
              "appointment", "dinner", "supper", "lunch", "breakfast", "brunch", "trip", "seat")  # fmt: skip
_LOOKUP_VERBS = ("find", "search", "show", "list", "look", "look up", "check", "see", "tell",
                 "give", "get", "want", "need", "display", "recommend", "suggest", "compare",
                 "view", "pull up")  # fmt: skip

# "Book dinner the night I arrive": the object's last word is the landing, not a thing booked.
_LANDING = ("arrive", "arrival", "land", "landing")

SCOPE = Scope(
    [
        Action(_BOOK_VERBS, things=(*_TABLE, *_FLIGHT, *_LANDING), write=True, names=True),
        Action(("buy", "purchase"), things=("ticket", "flight", "seat", "fare"), write=True),
        Action(CANCEL_VERBS, things=_CANCELLED, write=True),
        Action(_LOOKUP_VERBS, things=_LOOKUP, names=True),
        Action(("read", "open"), things=("policy", "document", "guide", "rule")),
    ],
    can=CAN,
    is_name=is_name,
    unsupported=[
        Unsupported(
            r"\b(?:trains?|bus|coach|ferry|boat|cruise|hotel|hostel|airbnb|car|taxi|cab|uber"
            r"|limo|shuttle|museum|concert|theat(?:re|er)|show|game|match|tour)\s+(?:tickets?"
            r"|rides?|rooms?|rentals?|bookings?|reservations?|seats?|pass(?:es)?|transfers?)\b",
            "I book flights and restaurant tables only",
        ),
        Unsupported(
            r"\b(?:trains?|rail|bus|coach|ferry|boat|cruise|taxi|cab|uber|lyft|limo|shuttle"
            r"|car|scooter|bike)\b(?!\s+(?:station|terminal|park))",
            "I book flights and restaurant tables only, no other transport",
        ),
        Unsupported(
            r"\b(?:match|game|concert|museum|theat(?:re|er)|football|soccer|opera|festival|gig"
            r"|exhibition|movie|cinema|musical|ballet|stadium|spa|massage)\b",
            "I book flights and restaurant tables only: not events or tickets to them",
        ),
        Unsupported(
            r"\bseat\s+\d+\s?[a-k]\b|\b(?:window|aisle|exit[- ]row|extra[- ]legroom)\s+seats?\b"
            r"|\b(?:checked\s+)?bags?\b|\bluggage\b|\bbaggage\b|\bmeals? on board\b",
            "I book the cheapest fare as it is: I can't choose seats, bags or extras",
        ),
        Unsupported(
            r"\b(?:whole|entire)\s+(?:restaurant|place|venue|floor|room)\b|\bprivate\s+(?:room"
            r"|dining|event|party|chef|area)\b|\bbuy[- ]?out\b|\bexclusive use\b|\bwedding\b"
            r"|\bcatering\b|\bset menu\b|\bcourse menu\b|\bpre-?order\b",
            f"I book a table for a party of 1 to {MAX_PARTY_SIZE}, not a whole venue, an event "
            "or a menu",
        ),
        Unsupported(
            r"\bevery\s+(?:day|night|week|month|year|evening|morning|weekend|(?:mon|tues|wednes"
            r"|thurs|fri|satur|sun)day)\b|\b(?:weekly|daily|nightly|monthly|recurring)\b"
            r"|\beach\s+(?:week|month|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b",
            "I book one date per request, not a recurring booking",
        ),
        Unsupported(
            _MANY + r"(?:tables|reservations|bookings|restaurants)\b",
            f"I book one table per request, for a party of 1 to {MAX_PARTY_SIZE}; ask for "
            "each table separately",
        ),
        Unsupported(
            _MANY + r"(?:tickets|seats|passengers|travell?ers|flights)\b",
            "I book a flight for one passenger per request; ask for each traveller separately",
        ),
        Unsupported(
            r"\b(?:book|reserve|get|grab|secure|buy)\s+(?:\w+\s+){0,2}?(?:tables|reservations"
            r"|bookings|flights|tickets|seats)\b|\band (?:another|one more|a second)\b",
            "I make one booking per request; ask for each separately",
        ),
    ],
)
"""The reservation assistant's scope: anything else is refused."""

SPELLER = Speller(
    vocabulary=(
        *(a.city for a in AIRPORTS), *WEEKDAYS, *MONTHS, *slots.CUISINES, "tomorrow", "tonight",
        "table", "restaurant", "restaurants", "reservation", "reserve", "breakfast", "lunch",
        "dinner", "brunch", "supper",
        "flight", "flights", "calendar", "schedule", "policy", "people", "cancel", "booking",
        "ticket", "evening", "morning", "afternoon", "business", "economy", "premium", "please",
    ),
    protected=("fight", "fights", "diner", "diners", "cable", "tablet", "policy", "lunchs"),
)  # fmt: skip
"""Respells slang and typos of the assistant's words before its grammar reads a request."""

PARTY: tuple[Placer, ...] = tuple(pattern_group(pattern) for pattern in slots.PARTY_RES)
"""The party size: "for 4", "party of six", "8 people"."""
DURATION: Placer = slots.DURATION_RE
"""A duration: "2 hours", "30 minutes"."""
ONE_PASSENGER: Placer = r"\b(?:1|one|a single)\s+(?:passenger|adult|person|traveller|traveler)\b"
"""One passenger, said outright."""
