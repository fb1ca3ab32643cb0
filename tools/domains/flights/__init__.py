"""The flights domain: search one-way offers, price one, book it, cancel it.

| module         | owns                                                                  |
|----------------|-----------------------------------------------------------------------|
| ``models``     | airports (IATA codes of ``plangate.tools.domains.world``), offers, passengers, bookings |
| ``backend``    | the ``FlightBackend`` protocol and its refusal reasons                |
| ``offer_ids``  | offer ids that spell their flights, cabin and party                   |
| ``schedule``   | the sandbox's seeded weekly timetable, seats and fares                |
| ``inventory``  | the sandbox's seat counts per flight, day and cabin, and their audit  |
| ``sandbox``    | ``SandboxFlightBackend``: the deterministic, stateful airline         |
| ``wire``       | the Amadeus-shaped JSON of the REST API, and its codec                |
| ``http``       | ``HttpFlightBackend``: the protocol over that REST API                |
| ``routes``     | the REST API over any backend (``PREFIX``, ``router``)                |
| ``tools``      | ``search_flights``, ``get_offer``, ``book_flight``, ``cancel_booking`` |
"""

from plangate.tools.domains.flights.backend import FlightBackend
from plangate.tools.domains.flights.http import HttpFlightBackend
from plangate.tools.domains.flights.models import (
    Booking,
    Cabin,
    Offer,
    Passenger,
    SearchQuery,
    Segment,
)
from plangate.tools.domains.flights.sandbox import SandboxFlightBackend

__all__ = [
    "Booking",
    "Cabin",
    "FlightBackend",
    "HttpFlightBackend",
    "Offer",
    "Passenger",
    "SandboxFlightBackend",
    "SearchQuery",
    "Segment",
]
