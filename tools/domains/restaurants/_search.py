"""The sandbox's venue search: filters, ranking, and opaque cursor pagination.

A cursor encodes the offset into the ranked result list. It stays valid as long as the
availability it was computed from does: a booking between two pages may shift later pages, as
with any live search API.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from plangate.tools.clock import Clock
from plangate.tools.domains.restaurants._rules import check_party, local_start
from plangate.tools.domains.restaurants.models import Cuisine, Venue, VenuePage
from plangate.tools.domains.world import CITIES
from plangate.tools.errors import ToolRefusedError


class VenueSource(Protocol):
    """What a search reads of the sandbox: its venues, its clock and each venue's free starts."""

    venues: tuple[Venue, ...]
    clock: Clock

    def free_starts(self, venue: Venue, day: date, party_size: int) -> list[int]: ...


MAX_LIMIT = 50
NEAR = timedelta(minutes=60)
"""A datetime search matches seatings starting this close to it, either side."""

_CURSOR_PREFIX = "offset:"


@dataclass(frozen=True)
class Query:
    """A search's arguments, as ``RestaurantBackend.search`` takes them."""

    city: str
    party_size: int
    when: datetime | date
    cuisine: Cuisine | None
    max_price_level: int | None
    limit: int
    cursor: str | None


def encode_cursor(offset: int) -> str:
    """The opaque cursor of the page starting at ``offset``."""
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The offset a cursor stands for (0 for none).

    Raises:
        ToolRefusedError: ``invalid`` when the cursor was not made by ``encode_cursor``.
    """
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    number = text.removeprefix(_CURSOR_PREFIX)
    if not text.startswith(_CURSOR_PREFIX) or not number.isdigit():
        raise ToolRefusedError(
            f"cursor {cursor!r} is not one this service issued",
            reason="invalid",
            hint="pass the next_cursor of the previous page unchanged, or no cursor for page one",
        )
    return int(number)


def resolve_city(city: str) -> str:
    """The city as ``plangate.tools.domains.world.CITIES`` spells it.

    Raises:
        ToolRefusedError: ``not_found`` for a city outside the sandbox world.
    """
    wanted = city.strip().casefold()
    found = next((known for known in CITIES if known.casefold() == wanted), None)
    if found is None:
        raise ToolRefusedError(
            f"no restaurants are listed in {city!r}",
            reason="not_found",
            hint=f"choose one of: {', '.join(CITIES)}",
        )
    return found


def run(sandbox: VenueSource, query: Query) -> VenuePage:
    """One page of venues matching ``query``, best rated first."""
    check_party(query.party_size)
    if not 1 <= query.limit <= MAX_LIMIT:
        raise ToolRefusedError(
            f"limit {query.limit} is out of range",
            reason="invalid",
            hint=f"pass limit between 1 and {MAX_LIMIT}",
        )
    if query.max_price_level is not None and not 1 <= query.max_price_level <= 4:
        raise ToolRefusedError(
            f"max_price_level {query.max_price_level} is out of range",
            reason="invalid",
            hint="pass max_price_level between 1 (cheap) and 4 (very expensive), or omit it",
        )
    offset = decode_cursor(query.cursor)
    city = resolve_city(query.city)
    in_city = [venue for venue in sandbox.venues if venue.city == city]
    zone = ZoneInfo(in_city[0].timezone)
    now = sandbox.clock.now().astimezone(zone)
    at: datetime | None = None
    if isinstance(query.when, datetime):
        at = query.when.astimezone(zone) if query.when.tzinfo else query.when.replace(tzinfo=zone)
        day = at.date()
        if at < now:
            raise ToolRefusedError(
                f"{at.isoformat()} has already passed in {city}",
                reason="past_date",
                hint="search for a time later than now",
            )
    else:
        day = query.when
        if day < now.date():
            raise ToolRefusedError(
                f"{day.isoformat()} is in the past in {city} (today is {now.date()})",
                reason="past_date",
                hint="search for today or a later date",
            )
    matches = [
        venue
        for venue in in_city
        if (query.cuisine is None or venue.cuisine is query.cuisine)
        and (query.max_price_level is None or venue.price_level <= query.max_price_level)
        and query.party_size <= venue.max_party_size
        and _has_seating(sandbox, venue, day, query.party_size, at)
    ]
    matches.sort(key=lambda venue: (-venue.rating, venue.name, venue.id))
    end = offset + query.limit
    return VenuePage(
        data=tuple(matches[offset:end]),
        next_cursor=encode_cursor(end) if end < len(matches) else None,
    )


def _has_seating(
    sandbox: VenueSource, venue: Venue, day: date, party_size: int, at: datetime | None
) -> bool:
    starts = sandbox.free_starts(venue, day, party_size)
    if at is None:
        return bool(starts)
    return any(abs(local_start(venue, day, minute) - at) <= NEAR for minute in starts)
