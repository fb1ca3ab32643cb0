"""Table inventory of the sandbox: which tables are free in each 30-minute window of each day.

A day's service is cut into 30-minute windows. A seating lasts three of them, so a table is free
for a seating only if it is free in all three. Each window offers a deterministic share of the
venue's tables (the rest are held for walk-ins and regulars), drawn lazily the first time the
window is looked at from ``(seed, venue, date, window)``, so availability varies by day and
time yet never depends on which window was looked at first.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from plangate.tools.domains.restaurants.models import (
    SEATING_MINUTES,
    SLOT_MINUTES,
    Reservation,
    ReservationStatus,
    Venue,
)

HELD_SHARE = 0.25
"""Chance that any one table is held back (not bookable) in a window."""

WindowKey = tuple[str, date, int]
"""(venue id, local date, minutes after midnight the window starts)."""


@dataclass
class Window:
    """One 30-minute window of a venue's day.

    Attributes:
        capacity: bookable tables per table size.
        used: tables per size taken by confirmed reservations.
    """

    capacity: dict[int, int]
    used: Counter[int] = field(default_factory=Counter)

    def free(self, seats: int) -> int:
        """Tables of ``seats`` still free in this window."""
        return self.capacity.get(seats, 0) - self.used[seats]


def seating_windows(start_minute: int) -> range:
    """The windows a seating starting at ``start_minute`` occupies."""
    return range(start_minute, start_minute + SEATING_MINUTES, SLOT_MINUTES)


def minute_of_day(hour: int, minute: int) -> int:
    """Minutes after midnight."""
    return hour * 60 + minute


class Inventory:
    """The windows looked at so far, created on first use.

    Args:
        seed: makes each window's bookable share reproducible.
    """

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._windows: dict[WindowKey, Window] = {}

    def window(self, venue: Venue, day: date, minute: int) -> Window:
        """The window of ``venue`` on ``day`` starting at ``minute``, created if new."""
        key = (venue.id, day, minute)
        found = self._windows.get(key)
        if found is None:
            rng = random.Random(f"{self._seed}|{venue.id}|{day.isoformat()}|{minute}")
            capacity = {
                group.seats: group.count
                - sum(rng.random() < HELD_SHARE for _ in range(group.count))
                for group in venue.tables
            }
            found = self._windows[key] = Window(capacity)
        return found

    def free_tables(self, venue: Venue, day: date, start_minute: int, seats: int) -> int:
        """Tables of ``seats`` free for the whole seating starting at ``start_minute``."""
        return min(
            self.window(venue, day, minute).free(seats) for minute in seating_windows(start_minute)
        )

    def tables_left(self, venue: Venue, day: date, start_minute: int, party_size: int) -> int:
        """Free tables, of any size seating the party, for the whole seating."""
        return sum(
            self.free_tables(venue, day, start_minute, group.seats)
            for group in venue.tables
            if group.seats >= party_size
        )

    def smallest_free(
        self, venue: Venue, day: date, start_minute: int, party_size: int
    ) -> int | None:
        """The size of the smallest table free for the seating that seats the party."""
        return next(
            (
                group.seats
                for group in venue.tables
                if group.seats >= party_size
                and self.free_tables(venue, day, start_minute, group.seats) > 0
            ),
            None,
        )

    def take(self, venue: Venue, day: date, start_minute: int, seats: int) -> None:
        """Mark one table of ``seats`` used for the seating (the caller checked it is free)."""
        for minute in seating_windows(start_minute):
            self.window(venue, day, minute).used[seats] += 1

    def release(self, venue: Venue, day: date, start_minute: int, seats: int) -> None:
        """Free the table a cancelled seating held."""
        for minute in seating_windows(start_minute):
            self.window(venue, day, minute).used[seats] -= 1

    def audit(self, venues: Mapping[str, Venue], reservations: Iterable[Reservation]) -> list[str]:
        """Every way the windows disagree with the confirmed reservations; empty when sound.

        Checks that each window's used tables equal the tables of the confirmed reservations
        overlapping it, and that no window uses more tables than it offers or the venue owns.
        """
        expected: dict[WindowKey, Counter[int]] = {}
        for booking in reservations:
            if booking.status is not ReservationStatus.CONFIRMED:
                continue
            start = minute_of_day(booking.start.hour, booking.start.minute)
            for minute in seating_windows(start):
                key = (booking.venue_id, booking.start.date(), minute)
                expected.setdefault(key, Counter())[booking.table_seats] += 1
        problems: list[str] = []
        for key in sorted(set(expected) | set(self._windows)):
            window = self._windows.get(key)
            want = expected.get(key, Counter())
            where = f"{key[0]} {key[1].isoformat()} {key[2] // 60:02d}:{key[2] % 60:02d}"
            if window is None:
                problems.append(f"{where}: reserved but the window was never created")
                continue
            used = +window.used  # drop zero counts before comparing
            if used != want:
                problems.append(f"{where}: used {dict(used)} != reserved {dict(want)}")
            owned = {group.seats: group.count for group in venues[key[0]].tables}
            for seats, count in window.used.items():
                if count < 0 or count > window.capacity.get(seats, 0):
                    problems.append(
                        f"{where}: {count} tables of {seats} used, {window.capacity.get(seats, 0)} "
                        "bookable"
                    )
            for seats, offered in window.capacity.items():
                if not 0 <= offered <= owned.get(seats, 0):
                    problems.append(f"{where}: offers {offered} tables of {seats}, owns fewer")
        return problems
