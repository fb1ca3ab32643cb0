"""The flights domain's models: airports, cabins, offers, passengers and bookings.

What crosses a boundary is validated here, once, in words a model can act on:

- An airport is an IATA code — three uppercase letters — of an airport in
  ``plangate.tools.domains.world``; an unknown code is named in the error together with the codes it
  may have meant.
- Instants are timezone-aware; a segment's departure and arrival are in their airports' local
  time zones, so "07:35" reads as the traveller reads it on the ticket.
- Prices are ``plangate.tools.money.Money``; an offer's ``price`` is the total for all its
  passengers.
- A party is 1 to 9 passengers (the limit Amadeus and most airlines put on one booking).
"""

from __future__ import annotations

import difflib
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Annotated, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from plangate.tools.domains.world import AIRPORTS, AIRPORTS_BY_IATA
from plangate.tools.errors import ToolRefusedError
from plangate.tools.money import Money

Cabin = Literal["economy", "premium_economy", "business", "first"]
CABINS: tuple[Cabin, ...] = ("economy", "premium_economy", "business", "first")
BookingStatus = Literal["confirmed", "cancelled"]

M = TypeVar("M", bound=BaseModel)

MAX_PASSENGERS = 9
MAX_RESULTS = 50


def suggest_airports(code: str, limit: int = 3) -> list[str]:
    """Known airport codes that ``code`` may have meant: near spellings and city names."""
    wanted = code.strip().upper()
    by_city = [a.iata for a in AIRPORTS if wanted and a.city.upper().startswith(wanted)]
    near = difflib.get_close_matches(wanted, list(AIRPORTS_BY_IATA), n=limit, cutoff=0.6)
    return list(dict.fromkeys(by_city + near))[:limit]


def _check_iata(value: str) -> str:
    if value in AIRPORTS_BY_IATA:
        return value
    upper = value.strip().upper()
    guesses = [upper] if upper in AIRPORTS_BY_IATA else suggest_airports(value)
    meant = " or ".join(f"{code} ({AIRPORTS_BY_IATA[code].city})" for code in guesses)
    did_you_mean = f" Did you mean {meant}?" if meant else ""
    advice = f"{did_you_mean} Known codes: {', '.join(sorted(AIRPORTS_BY_IATA))}."
    if len(value) != 3 or not (value.isascii() and value.isalpha() and value.isupper()):
        raise ValueError(f"{value!r} is not an IATA airport code: use 3 uppercase letters.{advice}")
    raise ValueError(f"unknown airport code {value!r}.{advice}")


IataCode = Annotated[
    str,
    AfterValidator(_check_iata),
    Field(
        description="IATA airport code: 3 uppercase letters, e.g. 'LIS' for Lisbon.",
        json_schema_extra={"pattern": "^[A-Z]{3}$"},
    ),
]
PassengerCount = Annotated[
    int, Field(ge=1, le=MAX_PASSENGERS, description="Number of adult passengers, 1 to 9.")
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60, pattern=r"^[^\d]+$"),
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Passenger(_Frozen):
    """A traveller, named as on their passport."""

    first_name: Name = Field(description="Given name(s), e.g. 'Ada'.")
    last_name: Name = Field(description="Family name, e.g. 'Lovelace'.")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Segment(_Frozen):
    """One flight of an offer: a take-off and a landing."""

    flight_number: str = Field(
        pattern=r"^[A-Z0-9]{2}[0-9]{1,4}$", description="Carrier code and number, e.g. 'TP1350'."
    )
    carrier: str = Field(pattern=r"^[A-Z0-9]{2}$", description="IATA airline code, e.g. 'TP'.")
    origin: IataCode
    destination: IataCode
    departure: AwareDatetime = Field(description="Take-off, in the origin's local time.")
    arrival: AwareDatetime = Field(description="Landing, in the destination's local time.")
    duration: timedelta = Field(description="Time in the air, gate to gate.")

    @model_validator(mode="after")
    def _consistent(self) -> Segment:
        if not self.flight_number.startswith(self.carrier):
            raise ValueError(f"flight {self.flight_number} is not operated by {self.carrier}")
        if self.origin == self.destination:
            raise ValueError(f"segment {self.flight_number} lands where it took off")
        # In UTC: two datetimes sharing a tzinfo subtract as wall clocks, blind to DST.
        elapsed = self.arrival.astimezone(UTC) - self.departure.astimezone(UTC)
        if elapsed != self.duration or self.duration <= timedelta(0):
            raise ValueError(f"segment {self.flight_number}: arrival is not departure + duration")
        return self


class Offer(_Frozen):
    """A bookable one-way itinerary: its flights, cabin, party size, total price, seats left."""

    id: str = Field(min_length=1, description="Pass this to get_offer or book_flight.")
    segments: list[Segment] = Field(min_length=1, description="The flights, in order.")
    cabin: Cabin
    passengers: PassengerCount
    price: Money = Field(description="Total for all passengers, taxes included.")
    seats_left: int = Field(ge=0, description="Seats still for sale in this cabin.")

    @model_validator(mode="after")
    def _connected(self) -> Offer:
        for before, after in pairwise(self.segments):
            if before.destination != after.origin or after.departure <= before.arrival:
                raise ValueError(
                    f"segments {before.flight_number} and {after.flight_number} do not connect"
                )
        return self

    @property
    def origin(self) -> str:
        """Where the trip starts."""
        return self.segments[0].origin

    @property
    def destination(self) -> str:
        """Where the trip ends."""
        return self.segments[-1].destination

    @property
    def departure(self) -> datetime:
        """First take-off, in the origin's local time."""
        return self.segments[0].departure

    @property
    def arrival(self) -> datetime:
        """Last landing, in the destination's local time."""
        return self.segments[-1].arrival


class Booking(_Frozen):
    """A flight order: the offer bought, who flies, and whether it still stands."""

    id: str = Field(min_length=1, description="Booking reference, e.g. 'K7Q2ZD'.")
    offer: Offer = Field(description="The offer as priced when it was booked.")
    passengers: list[Passenger] = Field(min_length=1, max_length=MAX_PASSENGERS)
    status: BookingStatus
    idempotency_key: str = Field(min_length=1, description="The key the booking was made with.")
    created_at: AwareDatetime
    cancelled_at: AwareDatetime | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Booking:
        if len(self.passengers) != self.offer.passengers:
            raise ValueError(
                f"booking {self.id} names {len(self.passengers)} passengers for an offer "
                f"for {self.offer.passengers}"
            )
        if (self.status == "cancelled") != (self.cancelled_at is not None):
            raise ValueError(f"booking {self.id}: cancelled_at must be set exactly when cancelled")
        return self


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SearchQuery(_Args):
    """A one-way flight search."""

    origin: IataCode
    destination: IataCode
    departure_date: date = Field(description="Day of departure, local to the origin.")
    passengers: PassengerCount = 1
    cabin: Cabin = "economy"
    max_results: int = Field(default=10, ge=1, le=MAX_RESULTS, description="At most this many.")

    @model_validator(mode="after")
    def _distinct(self) -> SearchQuery:
        if self.origin == self.destination:
            raise ValueError(f"origin and destination are both {self.origin}")
        return self


class OfferRef(_Args):
    """Names an offer returned by search_flights."""

    offer_id: str = Field(min_length=1, max_length=200, description="An offer's id.")


class BookingRequest(_Args):
    """Book an offer for the named passengers."""

    offer_id: str = Field(min_length=1, max_length=200, description="An offer's id.")
    passengers: list[Passenger] = Field(
        min_length=1,
        max_length=MAX_PASSENGERS,
        description="Who flies: as many passengers as the offer was searched for.",
    )


class BookingRef(_Args):
    """Names a booking."""

    booking_id: str = Field(min_length=1, max_length=40, description="The booking reference.")


def validated(model: type[M], **data: object) -> M:
    """``model`` built from ``data``; invalid input is refused with reason ``"invalid"``.

    Backends validate what they are given with this, so the sandbox and the REST server answer
    bad input with the same refusal (served as 422, read back as the same error).

    Raises:
        ToolRefusedError: listing every invalid field.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        listed = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'request'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ToolRefusedError(
            f"invalid {model.__name__}: {listed}",
            reason="invalid",
            hint="Fix the fields named and try again.",
        ) from exc
