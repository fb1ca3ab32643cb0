"""The booking rules the sandbox enforces: party limits, idempotency keys, seating times.

Shared by the sandbox's operations and its search, so a rule is stated once and refused in
the same words wherever it applies.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from plangate.tools.domains.restaurants.models import MAX_PARTY_SIZE, Venue
from plangate.tools.errors import ToolRefusedError


def seating_starts(venue: Venue, day: date) -> list[int]:
    """Minutes after midnight at which a seating starts at ``venue`` on ``day``."""
    return [
        minute for service in venue.hours_on(day).services for minute in service.seating_starts()
    ]


def local_start(venue: Venue, day: date, minute: int) -> datetime:
    """The seating at ``minute`` on ``day``, in the venue's time zone."""
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=ZoneInfo(venue.timezone))


def check_party(party_size: int, venue: Venue | None = None) -> None:
    """Refuse a party no reservation (or no table at ``venue``) can seat.

    Raises:
        ToolRefusedError: ``invalid`` below 1; ``party_too_large`` above the limits.
    """
    if party_size < 1:
        raise ToolRefusedError(
            f"party size {party_size} is too small",
            reason="invalid",
            hint=f"pass party_size between 1 and {MAX_PARTY_SIZE}",
        )
    if party_size > MAX_PARTY_SIZE:
        raise ToolRefusedError(
            f"party size {party_size} is over the limit of {MAX_PARTY_SIZE} guests",
            reason="party_too_large",
            hint=f"split the group into bookings of at most {MAX_PARTY_SIZE}",
        )
    if venue is not None and party_size > venue.max_party_size:
        raise ToolRefusedError(
            f"{venue.name} seats at most {venue.max_party_size} guests at one table, "
            f"not {party_size}",
            reason="party_too_large",
            hint=f"split the party into bookings of at most {venue.max_party_size}, or search "
            "for a venue with larger tables",
        )


def check_key(key: str) -> None:
    """Refuse a write without an idempotency key.

    Raises:
        ToolRefusedError: ``invalid`` when the key is blank.
    """
    if not key.strip():
        raise ToolRefusedError(
            "the write has no idempotency key",
            reason="invalid",
            hint="send a non-empty idempotency key (over HTTP, the Idempotency-Key header), "
            "unique to this booking or cancellation",
        )


def check_name(name: str) -> str:
    """The guest's name, trimmed.

    Raises:
        ToolRefusedError: ``invalid`` when blank or longer than 80 characters.
    """
    trimmed = name.strip()
    if not trimmed or len(trimmed) > 80:
        raise ToolRefusedError(
            f"name {name!r} is not usable for a reservation",
            reason="invalid",
            hint="give the guest's name, 1 to 80 characters",
        )
    return trimmed
