"""The restaurants domain's models: venues, their hours and tables, availability, reservations.

Every instant a model carries is timezone-aware and expressed in the venue's city time zone
(``timezone``, an IANA name): a validator converts whatever offset arrives, so a reservation read
back over HTTP equals the one the sandbox made. Seatings last ``SEATING_MINUTES`` and start every
``SLOT_MINUTES`` within a service, the last one ``SEATING_MINUTES`` before the service closes.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from plangate.tools.money import Money

MAX_PARTY_SIZE = 20
SEATING_MINUTES = 90
SLOT_MINUTES = 30


def check_party_size(value: int) -> int:
    """Validate a party size, naming the limit the caller must respect.

    Raises:
        ValueError: the size is below 1 or above ``MAX_PARTY_SIZE``.
    """
    if value < 1:
        raise ValueError(f"party size {value} is too small: a reservation needs at least 1 guest")
    if value > MAX_PARTY_SIZE:
        raise ValueError(
            f"party size {value} is too large: at most {MAX_PARTY_SIZE} guests per reservation; "
            "split a larger group into several bookings"
        )
    return value


PartySize = Annotated[
    int,
    AfterValidator(check_party_size),
    Field(
        description=f"Number of guests, 1 to {MAX_PARTY_SIZE}.",
        json_schema_extra={"minimum": 1, "maximum": MAX_PARTY_SIZE},
    ),
]
PriceLevel = Annotated[
    int, Field(ge=1, le=4, description="Price level from 1 (cheap) to 4 (very expensive).")
]


def check_timezone(name: str) -> str:
    """Validate an IANA time-zone name.

    Raises:
        ValueError: the name is not a time zone this system knows.
    """
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name such as 'Europe/Lisbon'"
        ) from None
    return name


TimeZoneName = Annotated[str, AfterValidator(check_timezone)]


class Cuisine(StrEnum):
    """The kinds of kitchen a venue can have."""

    ITALIAN = "italian"
    FRENCH = "french"
    PORTUGUESE = "portuguese"
    SPANISH = "spanish"
    GREEK = "greek"
    LEBANESE = "lebanese"
    INDIAN = "indian"
    CHINESE = "chinese"
    JAPANESE = "japanese"
    KOREAN = "korean"
    THAI = "thai"
    VIETNAMESE = "vietnamese"
    MEXICAN = "mexican"
    AMERICAN = "american"
    SEAFOOD = "seafood"
    VEGETARIAN = "vegetarian"


class Weekday(StrEnum):
    """Days of the week, in ``date.weekday()`` order (Monday first)."""

    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @classmethod
    def of(cls, day: date) -> Weekday:
        """The weekday of ``day``."""
        return list(cls)[day.weekday()]


class ReservationStatus(StrEnum):
    """Where a reservation stands."""

    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class Service(BaseModel):
    """One service of a day (lunch or dinner): the kitchen is open from ``opens`` to ``closes``.

    Attributes:
        name: ``lunch`` or ``dinner``.
        opens: local time the first seating starts.
        closes: local time every seating must have ended by.
    """

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1)
    opens: time
    closes: time

    @model_validator(mode="after")
    def _long_enough(self) -> Service:
        minutes = _minutes(self.closes) - _minutes(self.opens)
        if minutes < SEATING_MINUTES:
            raise ValueError(
                f"service {self.name!r} runs {self.opens:%H:%M}-{self.closes:%H:%M}: it must last "
                f"at least one {SEATING_MINUTES}-minute seating"
            )
        return self

    def seating_starts(self) -> list[int]:
        """Minutes after midnight at which a seating may start in this service."""
        first, last = _minutes(self.opens), _minutes(self.closes) - SEATING_MINUTES
        return list(range(first, last + 1, SLOT_MINUTES))


class DayHours(BaseModel):
    """A weekday's services; none means the venue is closed that day.

    Attributes:
        weekday: the day.
        services: its services in time order, not overlapping.
    """

    model_config = ConfigDict(frozen=True)

    weekday: Weekday
    services: tuple[Service, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> DayHours:
        for before, after in zip(self.services, self.services[1:], strict=False):
            if after.opens < before.closes:
                raise ValueError(
                    f"{self.weekday}: service {after.name!r} opens before {before.name!r} closes"
                )
        return self


class TableGroup(BaseModel):
    """How many tables of one size a venue has.

    Attributes:
        seats: guests one table seats.
        count: number of such tables.
    """

    model_config = ConfigDict(frozen=True)

    seats: int = Field(ge=1, le=MAX_PARTY_SIZE)
    count: int = Field(ge=1)


class Venue(BaseModel):
    """A restaurant.

    Attributes:
        id: stable id, e.g. ``"lis-003"``.
        name: the venue's name.
        city: the city, as ``plangate.tools.domains.world.CITIES`` spells it.
        address: street address.
        timezone: IANA time zone of the city; every instant about this venue is in it.
        cuisine: the kitchen.
        price_level: 1 (cheap) to 4 (very expensive).
        rating: average guest rating, 1.0 to 5.0.
        opening_hours: one entry per weekday, Monday first.
        tables: the tables, by size, smallest first.
        deposit_per_guest: charged per guest at booking, for venues that ask one.
    """

    model_config = ConfigDict(frozen=True)

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    city: str = Field(min_length=1)
    address: str
    timezone: TimeZoneName
    cuisine: Cuisine
    price_level: PriceLevel
    rating: float = Field(ge=1.0, le=5.0)
    opening_hours: tuple[DayHours, ...]
    tables: tuple[TableGroup, ...] = Field(min_length=1)
    deposit_per_guest: Money | None = None

    @field_validator("opening_hours")
    @classmethod
    def _whole_week(cls, value: tuple[DayHours, ...]) -> tuple[DayHours, ...]:
        if [day.weekday for day in value] != list(Weekday):
            raise ValueError("opening_hours must list each weekday once, Monday to Sunday")
        return value

    @field_validator("tables")
    @classmethod
    def _sizes_unique(cls, value: tuple[TableGroup, ...]) -> tuple[TableGroup, ...]:
        seats = [group.seats for group in value]
        if seats != sorted(set(seats)):
            raise ValueError("tables must list each table size once, smallest first")
        return value

    @property
    def max_party_size(self) -> int:
        """The largest party one table seats."""
        return self.tables[-1].seats

    def hours_on(self, day: date) -> DayHours:
        """The services on ``day``'s weekday."""
        return self.opening_hours[day.weekday()]


def _in_zone(value: datetime, zone: str) -> datetime:
    return value.astimezone(ZoneInfo(zone))


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


class Slot(BaseModel):
    """A seating start and how many tables that fit the party are free for the whole seating.

    Attributes:
        start: when the seating starts, in the venue's time zone.
        tables_left: free tables seating the party (0 means sold out at this time).
    """

    model_config = ConfigDict(frozen=True)

    start: AwareDatetime
    tables_left: int = Field(ge=0)


class Availability(BaseModel):
    """The seatings of one day at one venue for one party size.

    Attributes:
        venue_id: the venue.
        date: the local date.
        party_size: the party the tables were counted for.
        timezone: the venue's time zone; every ``start`` is in it.
        slots: the seatings not yet started, in time order.
    """

    model_config = ConfigDict(frozen=True)

    venue_id: str
    date: date
    party_size: PartySize
    timezone: TimeZoneName
    slots: tuple[Slot, ...]

    @field_validator("slots")
    @classmethod
    def _local(cls, value: tuple[Slot, ...], info: ValidationInfo) -> tuple[Slot, ...]:
        zone = info.data.get("timezone")
        if zone is None:  # the time zone itself failed validation and is reported
            return value
        return tuple(
            slot.model_copy(update={"start": _in_zone(slot.start, zone)}) for slot in value
        )


class VenuePage(BaseModel):
    """One page of search results.

    Attributes:
        data: venues with a free table for the party, best rated first.
        next_cursor: pass it as ``cursor`` to get the next page; ``None`` on the last page.
    """

    model_config = ConfigDict(frozen=True)

    data: tuple[Venue, ...]
    next_cursor: str | None = None


class Reservation(BaseModel):
    """A table booked at a venue.

    Attributes:
        id: stable id, e.g. ``"rsv-000001"``.
        venue_id: the venue.
        venue_name: the venue's name, for confirmations.
        party_size: guests.
        timezone: the venue's time zone.
        start: when the seating starts, in the venue's time zone.
        end: when the table must be free again.
        name: the name the table is booked under.
        table_seats: size of the table assigned.
        status: confirmed or cancelled.
        deposit: the deposit charged, when the venue asks one.
        idempotency_key: the key of the write that booked it.
        cancel_idempotency_key: the key of the write that cancelled it, if cancelled.
        created_at: when it was booked (UTC).
        cancelled_at: when it was cancelled (UTC), if it was.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    venue_id: str
    venue_name: str
    party_size: PartySize
    timezone: TimeZoneName
    start: AwareDatetime
    end: AwareDatetime
    name: str = Field(min_length=1, max_length=80)
    table_seats: int = Field(ge=1)
    status: ReservationStatus
    deposit: Money | None = None
    idempotency_key: str
    cancel_idempotency_key: str | None = None
    created_at: AwareDatetime
    cancelled_at: AwareDatetime | None = None

    @field_validator("start", "end")
    @classmethod
    def _local(cls, value: datetime, info: ValidationInfo) -> datetime:
        zone = info.data.get("timezone")
        return value if zone is None else _in_zone(value, zone)


class ReservationList(BaseModel):
    """A list of reservations, as the REST API wraps them.

    Attributes:
        data: the reservations found, earliest seating first.
        count: how many matched in all; more than ``len(data)`` when a limit cut the list.
    """

    model_config = ConfigDict(frozen=True)

    data: tuple[Reservation, ...]
    count: int = Field(ge=0, description="How many reservations matched in all.")

    @model_validator(mode="before")
    @classmethod
    def _count_missing(cls, value: Any) -> Any:
        # A body without a count (the lookup by key) counts what it holds.
        if isinstance(value, dict) and "count" not in value:
            return {**value, "count": len(value.get("data") or ())}
        return value

    @model_validator(mode="after")
    def _count_covers_data(self) -> ReservationList:
        if self.count < len(self.data):
            raise ValueError(
                f"count {self.count} is below the {len(self.data)} reservations listed"
            )
        return self
