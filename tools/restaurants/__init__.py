"""The restaurants domain: search venues, check availability, book and cancel tables.

``RestaurantBackend`` is the seam; ``SandboxRestaurantBackend`` (seeded, in process) and
``HttpRestaurantBackend`` (the REST API documented in ``tools.restaurants.http``) implement it.
The tools are in ``tools.restaurants.tools`` (``TOOLS``); the REST routes in
``tools.restaurants.routes``.
"""

from tools.restaurants.backend import RestaurantBackend
from tools.restaurants.http import HttpRestaurantBackend
from tools.restaurants.models import (
    MAX_PARTY_SIZE,
    Availability,
    Cuisine,
    Reservation,
    ReservationStatus,
    Slot,
    Venue,
    VenuePage,
)
from tools.restaurants.sandbox import SandboxRestaurantBackend

__all__ = [
    "MAX_PARTY_SIZE",
    "Availability",
    "Cuisine",
    "HttpRestaurantBackend",
    "Reservation",
    "ReservationStatus",
    "RestaurantBackend",
    "SandboxRestaurantBackend",
    "Slot",
    "Venue",
    "VenuePage",
]
