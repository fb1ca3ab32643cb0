"""The flights REST API's JSON, shaped like Amadeus Self-Service's, and its one codec.

``routes.py`` writes these documents and ``http.py`` reads them, through the same models, so the
two ends cannot drift apart. The endpoints (under ``/flights`` on the sandbox server):

| method | path                                 | Amadeus API                 | body / answer        |
|--------|--------------------------------------|-----------------------------|----------------------|
| GET    | ``/v2/shopping/flight-offers``       | Flight Offers Search        | ``{meta, data: [offer]}`` |
| POST   | ``/v1/shopping/flight-offers/pricing`` | Flight Offers Price       | ``{data: {flightOffers}}`` |
| POST   | ``/v1/booking/flight-orders``        | Flight Create Orders        | 201 ``{data: order}`` |
| GET    | ``/v1/booking/flight-orders/{id}``   | Flight Order Management     | ``{data: order}``    |
| DELETE | ``/v1/booking/flight-orders/{id}``   | Flight Order Management     | ``{data: order}``    |
| GET    | ``/v1/booking/flight-orders?idempotencyKey=`` | (our extension)    | ``{meta, data: [order]}`` |

Where this API departs from Amadeus's, and why:

- Times (``at``) carry their UTC offset, so they are exact across DST changes; Amadeus sends
  local time without one, which we still read — as local time at the airport.
- Pricing and booking take an offer by its ``id`` alone (any other fields are ignored): our ids
  spell their flights, cabin and party (``plangate.tools.domains.flights.offer_ids``). Amadeus wants
  the whole offer back as search returned it.
- A flight order carries three extension fields: ``status`` (``CONFIRMED`` | ``CANCELLED``),
  ``idempotencyKey`` and ``cancelledAt``. DELETE answers 200 with the cancelled order, where
  Amadeus answers 204 with no body, so the caller learns the outcome without asking again.
- ``GET /v1/booking/flight-orders?idempotencyKey=K`` is our extension: it finds the order that
  the write with key ``K`` created or cancelled, to reconcile a write whose reply was lost. It is
  a lookup, not a listing: the key is required and at most one order matches, so it has no
  pages (and no ``links.next``). Search has none either, as in Amadeus: ``max`` bounds it.
- Writes carry an ``Idempotency-Key`` header (Amadeus has none); POST and DELETE require it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal, TypeVar, cast
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from plangate.tools.domains.flights.models import Booking, Cabin, Offer, Passenger, Segment
from plangate.tools.domains.flights.schedule import elapsed
from plangate.tools.domains.world import AIRPORTS_BY_IATA
from plangate.tools.errors import ToolRefusedError
from plangate.tools.money import Money

SEARCH_PATH = "/v2/shopping/flight-offers"
PRICING_PATH = "/v1/shopping/flight-offers/pricing"
ORDERS_PATH = "/v1/booking/flight-orders"
KEY_PARAM = "idempotencyKey"

W = TypeVar("W", bound=BaseModel)

WireCabin = Literal["ECONOMY", "PREMIUM_ECONOMY", "BUSINESS", "FIRST"]


class _Wire(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class Point(_Wire):
    iata_code: str
    at: datetime


class WireSegment(_Wire):
    id: str
    departure: Point
    arrival: Point
    carrier_code: str
    number: str
    duration: timedelta
    number_of_stops: int = 0


class Itinerary(_Wire):
    duration: timedelta
    segments: list[WireSegment] = Field(min_length=1)


class Price(_Wire):
    currency: str
    total: Decimal
    base: Decimal | None = None
    grand_total: Decimal | None = None


class FareDetail(_Wire):
    segment_id: str
    cabin: WireCabin


class TravelerPricing(_Wire):
    traveler_id: str
    fare_option: str = "STANDARD"
    traveler_type: str = "ADULT"
    price: Price
    fare_details_by_segment: list[FareDetail] = Field(min_length=1)


class WireOffer(_Wire):
    type: Literal["flight-offer"] = "flight-offer"
    id: str
    source: str = "GDS"
    one_way: bool = True
    last_ticketing_date: date | None = None
    number_of_bookable_seats: int
    itineraries: list[Itinerary] = Field(min_length=1, max_length=1)
    price: Price
    validating_airline_codes: list[str] = Field(default_factory=list)
    traveler_pricings: list[TravelerPricing] = Field(min_length=1)


class Name(_Wire):
    first_name: str
    last_name: str


class Traveler(_Wire):
    id: str
    name: Name


class AssociatedRecord(_Wire):
    reference: str
    creation_date: datetime
    origin_system_code: str = "GDS"
    flight_offer_id: str


class WireOrder(_Wire):
    type: Literal["flight-order"] = "flight-order"
    id: str
    associated_records: list[AssociatedRecord] = Field(min_length=1)
    flight_offers: list[WireOffer] = Field(min_length=1, max_length=1)
    travelers: list[Traveler] = Field(min_length=1)
    status: Literal["CONFIRMED", "CANCELLED"]
    idempotency_key: str
    cancelled_at: datetime | None = None


class Meta(_Wire):
    count: int


class SearchReply(_Wire):
    meta: Meta
    data: list[WireOffer]


class OfferById(_Wire):
    """An offer named by id; a whole offer, as Amadeus clients send, is accepted too."""

    type: Literal["flight-offer"] = "flight-offer"
    id: str = Field(min_length=1)


class PricingData(_Wire):
    type: Literal["flight-offers-pricing"] = "flight-offers-pricing"
    flight_offers: list[OfferById] = Field(min_length=1, max_length=1)


class PricingRequest(_Wire):
    data: PricingData


class PricedData(_Wire):
    type: Literal["flight-offers-pricing"] = "flight-offers-pricing"
    flight_offers: list[WireOffer] = Field(min_length=1, max_length=1)


class PricingReply(_Wire):
    data: PricedData


class OrderData(_Wire):
    type: Literal["flight-order"] = "flight-order"
    flight_offers: list[OfferById] = Field(min_length=1, max_length=1)
    travelers: list[Traveler] = Field(min_length=1)


class OrderRequest(_Wire):
    data: OrderData


class OrderReply(_Wire):
    data: WireOrder


class OrdersReply(_Wire):
    meta: Meta
    data: list[WireOrder]


def dump(document: BaseModel) -> dict[str, Any]:
    """A wire document as JSON data, with Amadeus's camelCase names."""
    return document.model_dump(mode="json", by_alias=True, exclude_none=True)


def read_request(raw: bytes, shape: type[W]) -> W:
    """A request body as ``shape``; a malformed one is refused as ``invalid`` (HTTP 422)."""
    try:
        return shape.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise ToolRefusedError(
            f"invalid request body: {where}: {first['msg']}",
            reason="invalid",
            hint=f"Send a JSON {shape.__name__} document.",
        ) from exc


def offer_to_wire(offer: Offer) -> WireOffer:
    """An offer as Amadeus shapes it."""
    cabin: WireCabin = _wire_cabin(offer.cabin)
    currency = offer.price.currency
    each = Price(
        currency=currency,
        total=(offer.price.amount / offer.passengers).quantize(Decimal("0.01")),
    )
    return WireOffer(
        id=offer.id,
        last_ticketing_date=offer.departure.date(),
        number_of_bookable_seats=offer.seats_left,
        itineraries=[
            Itinerary(
                duration=elapsed(offer.departure, offer.arrival),
                segments=[
                    WireSegment(
                        id=str(number),
                        departure=Point(iata_code=segment.origin, at=segment.departure),
                        arrival=Point(iata_code=segment.destination, at=segment.arrival),
                        carrier_code=segment.carrier,
                        number=segment.flight_number[len(segment.carrier) :],
                        duration=segment.duration,
                    )
                    for number, segment in enumerate(offer.segments, start=1)
                ],
            )
        ],
        price=Price(
            currency=currency,
            total=offer.price.amount,
            base=offer.price.amount,
            grand_total=offer.price.amount,
        ),
        validating_airline_codes=[offer.segments[0].carrier],
        traveler_pricings=[
            TravelerPricing(
                traveler_id=str(traveler),
                price=each,
                fare_details_by_segment=[
                    FareDetail(segment_id=str(number), cabin=cabin)
                    for number in range(1, len(offer.segments) + 1)
                ],
            )
            for traveler in range(1, offer.passengers + 1)
        ],
    )


def offer_from_wire(wire: WireOffer) -> Offer:
    """An Amadeus-shaped offer as ours.

    Raises:
        ValueError: the document is well-formed JSON but not a valid offer (``ValidationError``
            is one).
    """
    cabins = {d.cabin for p in wire.traveler_pricings for d in p.fare_details_by_segment}
    if len(cabins) != 1:
        raise ValueError(f"offer {wire.id} mixes cabins {sorted(cabins)}")
    segments = [
        Segment(
            flight_number=f"{s.carrier_code}{s.number}",
            carrier=s.carrier_code,
            origin=s.departure.iata_code,
            destination=s.arrival.iata_code,
            departure=_local(s.departure),
            arrival=_local(s.arrival),
            duration=s.duration,
        )
        for s in wire.itineraries[0].segments
    ]
    total = wire.price.grand_total if wire.price.grand_total is not None else wire.price.total
    return Offer(
        id=wire.id,
        segments=segments,
        cabin=_our_cabin(cabins.pop()),
        passengers=len(wire.traveler_pricings),
        price=Money(amount=total, currency=wire.price.currency),
        seats_left=wire.number_of_bookable_seats,
    )


def booking_to_wire(booking: Booking) -> WireOrder:
    """A booking as an Amadeus flight order, with our extension fields."""
    return WireOrder(
        id=booking.id,
        associated_records=[
            AssociatedRecord(
                reference=booking.id,
                creation_date=booking.created_at,
                flight_offer_id=booking.offer.id,
            )
        ],
        flight_offers=[offer_to_wire(booking.offer)],
        travelers=travelers_to_wire(booking.passengers),
        status="CONFIRMED" if booking.status == "confirmed" else "CANCELLED",
        idempotency_key=booking.idempotency_key,
        cancelled_at=booking.cancelled_at,
    )


def booking_from_wire(wire: WireOrder) -> Booking:
    """An Amadeus-shaped flight order as our booking.

    Raises:
        ValueError: the order is not a valid booking.
    """
    return Booking(
        id=wire.id,
        offer=offer_from_wire(wire.flight_offers[0]),
        passengers=passengers_from_wire(wire.travelers),
        status="confirmed" if wire.status == "CONFIRMED" else "cancelled",
        idempotency_key=wire.idempotency_key,
        created_at=wire.associated_records[0].creation_date,
        cancelled_at=wire.cancelled_at,
    )


def travelers_to_wire(passengers: list[Passenger]) -> list[Traveler]:
    """Passengers as Amadeus travelers, numbered from 1."""
    return [
        Traveler(id=str(n), name=Name(first_name=p.first_name, last_name=p.last_name))
        for n, p in enumerate(passengers, start=1)
    ]


def passengers_from_wire(travelers: list[Traveler]) -> list[Passenger]:
    """Amadeus travelers as passengers (names are validated by ``Passenger``)."""
    return [Passenger(first_name=t.name.first_name, last_name=t.name.last_name) for t in travelers]


def _wire_cabin(cabin: Cabin) -> WireCabin:
    return cast(WireCabin, cabin.upper())


def _our_cabin(cabin: WireCabin) -> Cabin:
    return cast(Cabin, cabin.lower())


def _local(point: Point) -> datetime:
    """``point.at`` in its airport's time zone; a naive time is read as local there."""
    airport = AIRPORTS_BY_IATA.get(point.iata_code)
    if airport is None:
        return point.at  # the offer's own validation names the unknown airport
    zone = ZoneInfo(airport.timezone)
    return point.at.replace(tzinfo=zone) if point.at.tzinfo is None else point.at.astimezone(zone)
