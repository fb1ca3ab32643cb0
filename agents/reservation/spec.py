"""``SPEC``: the reservation assistant, assembled from its parts."""

from __future__ import annotations

from plangate.agents.reservation.answer import answer
from plangate.agents.reservation.grammar import GRAMMAR
from plangate.agents.reservation.instructions import DESCRIPTION, EXAMPLES, INSTRUCTIONS
from plangate.agents.reservation.policy import policy
from plangate.agents.reservation.response import Itinerary
from plangate.agents.spec import AgentSpec

TOOLS: tuple[str, ...] = (
    "list_events", "find_free_slots", "create_event", "cancel_event",
    "search_restaurants", "check_availability", "book_table", "list_reservations",
    "cancel_reservation",
    "search_flights", "get_offer", "book_flight", "cancel_booking",
    "search_documents", "get_document",
)  # fmt: skip
"""The tools the assistant may use: calendar, restaurants, flights and the document library."""

SPEC = AgentSpec(
    name="reservation",
    description=DESCRIPTION,
    instructions=INSTRUCTIONS,
    tools=TOOLS,
    response_model=Itinerary,
    policy=policy,
    grammar=GRAMMAR,
    offline_answer=answer,
    examples=EXAMPLES,
)
