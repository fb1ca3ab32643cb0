"""The restaurants domain: search venues, check availability, book, list and cancel tables.

``RestaurantBackend`` is the seam; ``SandboxRestaurantBackend`` (seeded, in process) and
``HttpRestaurantBackend`` (the REST API documented in ``plangate.tools.domains.restaurants.http``)
implement it. The tools are in ``plangate.tools.domains.restaurants.tools`` (``TOOLS``); the REST
routes in ``plangate.tools.domains.restaurants.routes``.
"""

from plangate.tools.domains.restaurants.backend import RestaurantBackend
from plangate.tools.domains.restaurants.http import HttpRestaurantBackend
from plangate.tools.domains.restaurants.listing import ReservationQuery
from plangate.tools.domains.restaurants.models import (
    MAX_PARTY_SIZE,
    Availability,
    Cuisine,
    Reservation,
    ReservationList,
    ReservationStatus,
    Slot,
    Venue,
    VenuePage,
)
from plangate.tools.domains.restaurants.sandbox import SandboxRestaurantBackend

__all__ = [
    "MAX_PARTY_SIZE",
    "Availability",
    "Cuisine",
    "HttpRestaurantBackend",
    "Reservation",
    "ReservationList",
    "ReservationQuery",
    "ReservationStatus",
    "RestaurantBackend",
    "SandboxRestaurantBackend",
    "Slot",
    "Venue",
    "VenuePage",
]
