"""The reservation assistant's answer: an itinerary of what was booked, found and not done."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from plangate.tools.money import Money

BookingKind = Literal["table", "flight", "event"]
FindingKind = Literal[
    "restaurant", "seating", "flight_offer", "event", "free_slot", "document", "reservation"
]


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Booking(_Item):
    """A booking made, or cancelled, in this run."""

    id: str = Field(min_length=1, description="The reservation id, booking reference or event id.")
    kind: BookingKind = Field(description="A restaurant table, a flight or a calendar event.")
    time: AwareDatetime = Field(description="When it starts, local to the place, with offset.")
    end: AwareDatetime | None = Field(default=None, description="When it ends, if known.")
    place: str = Field(min_length=1, description="Venue and city, route, or event location.")
    price: Money | None = Field(default=None, description="What it costs (fare, deposit).")
    status: Literal["confirmed", "cancelled"] = Field(description="Where it stands now.")
    detail: str = Field(default="", description="Party size, cabin, flight numbers...")


class Finding(_Item):
    """Something looked up: a venue, a free seating, an offer, an event, a policy passage."""

    kind: FindingKind
    title: str = Field(min_length=1)
    detail: str = ""
    time: AwareDatetime | None = None
    price: Money | None = None
    source: str | None = Field(default=None, description="The document cited, if any.")


class Skipped(_Item):
    """Something asked for that was not done, and why."""

    what: str = Field(min_length=1, description="What was not done, e.g. 'table booking'.")
    reason: str = Field(min_length=1, description="Why: the refusal, the rejection, the error.")
    status: Literal["refused", "failed", "skipped"] = Field(
        description="refused by the policy or a person; failed at the service; or skipped."
    )
    policy: str | None = Field(
        default=None, description="What the travel policy says about it, when it refused it."
    )


class Itinerary(_Item):
    """The answer to a reservation request."""

    summary: str = Field(
        min_length=1,
        max_length=600,
        description="The outcome in words, the answer first: what was booked, or why not.",
    )
    bookings: list[Booking] = Field(default_factory=list, description="Bookings made/cancelled.")
    findings: list[Finding] = Field(default_factory=list, description="What was looked up.")
    skipped: list[Skipped] = Field(
        default_factory=list, description="What was asked but not done, with the reason."
    )

    @model_validator(mode="after")
    def _distinct_bookings(self) -> Self:
        ids = [(booking.kind, booking.id) for booking in self.bookings]
        repeated = sorted(
            {f"{kind} {ident}" for kind, ident in ids if ids.count((kind, ident)) > 1}
        )
        if repeated:
            raise ValueError(f"each booking is listed once; repeated: {', '.join(repeated)}")
        return self
