"""Fixed runs for the renderer's snapshots, made of the engine's own event types.

Each case draws on a console what a command would: the progress lines of its events, an approval
prompt, the answer, what the run used, or its failure. The answers are the test's own models in
the shape of the demo agents' (records with moments, money, long text from tools), so the
snapshots change when the renderer does, not when an agent's wording does.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel
from rich.console import Console

from plangate.demos.cli.moments import Moments
from plangate.demos.cli.render import Progress, ProgressTree
from plangate.demos.cli.runner import PromptApprover, Terminal
from plangate.graphs.engine.events import (
    ApprovalRequested,
    Event,
    FinalAnswer,
    PlanReady,
    Replanning,
    RunFailed,
    RunStarted,
    StepFinished,
    StepRetrying,
    StepStarted,
    VerdictIssued,
)
from plangate.graphs.engine.run_result import RunResult
from plangate.tools.clock import FakeClock

ZONE = ZoneInfo("Europe/Lisbon")
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
LONG_EXCERPT = (
    "### 3.2 Fare caps by cabin and region\n\nCaps apply per **round trip**, per traveller, in "
    "EUR, including taxes, carrier surcharges and booking fees. A one-way ticket is capped at "
    "60% of the round-trip cap; an intercontinental connection counts as one journey."
)


class Money(BaseModel):
    amount: str
    currency: str


class Booking(BaseModel):
    id: str
    kind: str
    time: AwareDatetime
    end: AwareDatetime | None = None
    place: str
    price: Money | None = None
    status: str
    detail: str = ""


class Finding(BaseModel):
    kind: str
    title: str
    detail: str = ""
    time: AwareDatetime | None = None
    source: str | None = None


class Skipped(BaseModel):
    what: str
    reason: str
    status: str


class Itinerary(BaseModel):
    summary: str
    bookings: list[Booking] = []
    findings: list[Finding] = []
    skipped: list[Skipped] = []


class Figure(BaseModel):
    name: str
    symbol: str | None = None
    value: str
    as_of: AwareDatetime | None = None
    source: str


class TradeReport(BaseModel):
    summary: str
    figures: list[Figure] = []
    orders: list[dict[str, str | int]] = []
    problems: list[str] = []


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


PLAN = {"steps": [
    {"id": "flights", "tool": "search_flights", "args": {}, "depends_on": []},
    {"id": "policy", "tool": "search_documents", "args": {}, "depends_on": []},
    {"id": "find", "tool": "search_restaurants", "args": {}, "depends_on": []},
    {"id": "flight", "tool": "book_flight", "args": {}, "depends_on": ["flights", "policy"]},
    {"id": "table", "tool": "book_table", "args": {}, "depends_on": ["find", "flight"]},
]}  # fmt: skip
REPLAN = {"steps": [*PLAN["steps"][:4],
                    {"id": "rebook", "tool": "book_table", "args": {}, "depends_on": ["find"]}]}  # fmt: skip
FLIGHT_APPROVAL = {
    "id": "flight", "tool": "book_flight",
    "args": {"offer_id": "TP141-20260313.Y1", "departure": "2026-03-13T08:05:00Z",
             "passengers": [{"name": "Alex Silva"}]},
    "reasons": ["travel policy: the fare (141.00 EUR per traveller) is within the economy cap",
                "writes need approval: book_flight"],
    "provenance": {"trusted_control": True, "arguments": [
        {"path": "offer_id", "trusted": False, "sources": [
            {"kind": "step", "step_id": "flights", "tool": "search_flights", "path": "[0].id"}]},
        {"path": "departure", "trusted": False, "sources": [
            {"kind": "step", "step_id": "flights", "tool": "search_flights",
             "path": "[0].departure", "matched": True}]},
        {"path": "passengers[0].name", "trusted": True, "sources": [{"kind": "request"}]},
    ]},
}  # fmt: skip
TRIP_REQUEST = "Fly from Lisbon to Madrid next Friday and book dinner for 2 there at 21:00"
TRIP_BEFORE: list[Event] = [
    RunStarted(thread_id="trip-1", request=TRIP_REQUEST),
    PlanReady(plan=PLAN),
    StepStarted(step_id="flights", tool="search_flights", args={
        "origin": "LIS", "destination": "MAD", "departure_date": "2026-03-13"}),
    StepStarted(step_id="policy", tool="search_documents", args={
        "query": "fare cap economy one-way within Europe"}),
    StepStarted(step_id="find", tool="search_restaurants", args={
        "city": "Madrid", "party_size": 2, "near": "2026-03-13T21:00:00+01:00"}),
    StepRetrying(step_id="find", tool="search_restaurants", attempt=2, max_attempts=4,
                 delay=0.5, reason="answered HTTP 503", service="restaurants"),
    StepFinished(step_id="flights", tool="search_flights", status="done", duration=0.012,
                 summary="3 item(s): TP141 departs 2026-03-13T08:05:00Z, arrives "
                 "2026-03-13T10:15:00+01:00"),
    StepFinished(step_id="policy", tool="search_documents", status="done", duration=0.471,
                 summary=LONG_EXCERPT),
    StepFinished(step_id="find", tool="search_restaurants", status="done", duration=0.051,
                 summary="data=<5>, next_cursor=b2Zmc2V0OjU"),
    VerdictIssued(verdict={"guardrail": "fare_cap", "action": "require_approval",
                           "stage": "tool_call", "step_id": "flight",
                           "reason": "travel policy: the fare (141.00 EUR per traveller) is "
                           "within the economy cap on short-haul flights, 300.00 EUR"}),
    VerdictIssued(verdict={"guardrail": "approve_writes", "action": "require_approval",
                           "stage": "tool_call", "step_id": "flight",
                           "reason": "writes need approval: book_flight"}),
    ApprovalRequested(approvals=[FLIGHT_APPROVAL]),
]  # fmt: skip
TRIP_AFTER: list[Event] = [
    RunStarted(thread_id="trip-1", request=TRIP_REQUEST, resumed=True),
    *TRIP_BEFORE[9:12],  # a resume emits the paused call's verdicts again
    VerdictIssued(verdict={"guardrail": "human", "action": "allow", "step_id": "flight",
                           "reason": "approved by the user"}),
    StepStarted(step_id="flight", tool="book_flight", args=FLIGHT_APPROVAL["args"]),
    StepFinished(step_id="flight", tool="book_flight", status="done", duration=0.217,
                 summary="id=256SUD, status=confirmed"),
    StepStarted(step_id="table", tool="book_table", args={
        "venue_id": "mad-003", "start": "2026-03-13T21:00:00+01:00", "party_size": 2}),
    StepFinished(step_id="table", tool="book_table", status="failed", duration=0.008,
                 summary="Baan Oak has no seating at 21:00 on Friday 2026-03-13. Opening hours "
                 "of Baan Oak: Monday-Tuesday dinner 19:00-22:00; Wednesday closed."),
    Replanning(failed={"table": "Baan Oak has no seating at 21:00 on Friday 2026-03-13"},
               attempt=1),
    PlanReady(plan=REPLAN, replan=True),
    VerdictIssued(verdict={"guardrail": "party_size", "action": "block", "stage": "tool_call",
                           "step_id": "rebook", "reason": "Parties over 12 need the events "
                           "team: ask them to arrange a group booking"}),
    StepFinished(step_id="rebook", tool="book_table", status="rejected",
                 summary="blocked by party_size"),
    FinalAnswer(response={"summary": "Booked: flight 256SUD"}),
]  # fmt: skip
ITINERARY = Itinerary(
    summary="Booked: flight 256SUD at LIS → MAD, Fri 13 Mar 08:05. Not done: table booking "
    "(Baan Oak has no seating at 21:00 on Friday 2026-03-13; the nearest are 20:30 and 21:30).",
    bookings=[Booking(id="256SUD", kind="flight", time=at("2026-03-13T08:05:00Z"),
                      end=at("2026-03-13T10:15:00+01:00"), place="LIS → MAD",
                      price=Money(amount="141.00", currency="EUR"), status="confirmed",
                      detail="TP141, economy, 1 passenger(s)")],
    findings=[
        Finding(kind="document", title="Corporate travel policy > 3. Air travel > 3.2 Fare "
                "caps by cabin and region", detail=LONG_EXCERPT, source="travel-policy.md"),
        Finding(kind="flight_offer", title="IB113 LIS → MAD", time=at("2026-03-13T11:50:00Z"),
                detail="economy, arrives 2026-03-13T14:00:00+01:00, 13 seat(s) left"),
        Finding(kind="event", title="Call with the Tokyo team",
                time=at("2026-03-13T09:00:00+09:00"), detail="until 09:30 (Asia/Tokyo)"),
        Finding(kind="seating", title="Free seatings at mad-003 on 2026-03-13",
                time=at("2026-03-13T19:00:00+01:00"), detail="for 2: 19:00, 19:30, 20:00, 20:30"),
    ],
    skipped=[Skipped(what="table booking", status="failed", reason="Baan Oak has no seating "
                     "at 21:00 on Friday 2026-03-13. Seatings start every 30 minutes, the last "
                     "one 90 minutes before closing.")],
)  # fmt: skip
TRADE_EVENTS: list[Event] = [
    RunStarted(thread_id="trade-1", request="Buy 10 shares of AAPL"),
    PlanReady(plan={"steps": [
        {"id": "quote", "tool": "get_quote", "args": {}, "depends_on": []},
        {"id": "order", "tool": "place_order", "args": {}, "depends_on": ["quote"]}]}),
    StepStarted(step_id="quote", tool="get_quote", args={"symbol": "AAPL"}),
    StepFinished(step_id="quote", tool="get_quote", status="done", duration=0.032,
                 summary="symbol=AAPL, bid_price=125.36, ask_price=125.42, "
                 "timestamp=2026-03-02T15:00:00.199464Z"),
    FinalAnswer(response={"summary": "Bought 10 AAPL"}),
]  # fmt: skip
TRADE = TradeReport(
    summary="Bought 10 AAPL at $125.42 a share, $1,254.20 in all (order "
    "063b4d1e-4913-47c7-b4ea-51e30ad19dbf).",
    figures=[
        Figure(name="bid", symbol="AAPL", value="125.36", source="quote.bid_price",
               as_of=at("2026-03-02T15:00:00.199464Z")),
        Figure(name="equity at last close", value="100000.00", source="account.last_equity"),
        Figure(name="avg entry price", symbol="AAPL", value="125.42",
               source="positions[0].avg_entry_price"),
    ],
    orders=[{"action": "placed", "id": "063b4d1e-4913-47c7-b4ea-51e30ad19dbf", "symbol": "AAPL",
             "side": "buy", "qty": 10, "type": "market", "status": "filled", "filled_qty": 10,
             "fill_price": "125.42"}],
)  # fmt: skip
CAPABILITIES = [
    'Book a restaurant table for a party in a city at a time, e.g. "Book a table for 4 at a '
    'Thai restaurant in Lisbon tomorrow at 8pm" or "Reserve dinner for two in Porto"',
    'Find flights between two cities or airports on a day (nothing booked), e.g. "Show me '
    'flights from LHR to JFK on the 20th" or "Any flights to Paris tomorrow?"',
]
OUTSIDE = (
    'The offline planner does not understand "what\'s the weather in Paris". It understands:\n'
    + "\n".join(f"- {line}" for line in CAPABILITIES)
    + "\nRephrase the request like one of these, or run with a real model: --model "
    "openai:gpt-4o-mini / ollama:llama3.1"
)


class Typed(io.StringIO):
    """A person's answers to the prompt, echoed on the console as a terminal echoes them."""

    def __init__(self, console: Console, answers: str) -> None:
        super().__init__(answers)
        self.console = console

    def readline(self, size: int | None = -1) -> str:
        line = super().readline(size)
        self.console.print(line.rstrip("\n"), highlight=False)
        return line


def moments() -> Moments:
    return Moments(ZONE, FakeClock(NOW))


def _terminal(console: Console) -> Terminal:
    return Terminal(console, console, moments=moments())


def _show(console: Console, events: list[Event], progress: Progress | None = None) -> Progress:
    progress = progress or Progress(console, "reservation · trip-1", live=False, moments=moments())
    with progress.segment():
        for event in events:
            progress.show(event)
    return progress


def draw_trip(console: Console) -> None:
    """A trip: a wave of reads, a retry, verdicts, an approval prompt, a failure and re-plan,
    a block, the answer and what the run used."""
    progress = _show(console, TRIP_BEFORE)
    PromptApprover(console, stream=Typed(console, "approve\n"), moments=moments()).decide(
        [FLIGHT_APPROVAL]
    )
    _show(console, TRIP_AFTER, progress)
    usage = {"steps": 6, "tool_calls": 6, "model_calls": 2, "retries": 1, "replans": 1}
    _terminal(console).report(
        RunResult(thread_id="trip-1", status="done", response=ITINERARY, usage=usage)
    )


def draw_tree(console: Console) -> None:
    """The live tree a terminal shows once the trip's events are in (one running step)."""
    clock = FakeClock(NOW)
    tree = ProgressTree("reservation · trip-1 · Fly from Lisbon to Madrid", clock, moments())
    for event in [*TRIP_BEFORE, *TRIP_AFTER[:-1]]:
        tree.apply(event)
    tree.apply(StepStarted(step_id="event", tool="create_event", args={}))
    clock.advance(1.5)
    console.print(tree.render())


def draw_paused(console: Console) -> None:
    """A run left waiting for approval: the list of pending calls and the command to go on."""
    _show(console, TRIP_BEFORE)
    _terminal(console).report(
        RunResult(thread_id="trip-1", status="paused", approvals=[FLIGHT_APPROVAL])
    )


def draw_trade(console: Console) -> None:
    """A trade: figures that fit a table at 120 columns, an order with a long id."""
    _show(console, TRADE_EVENTS)
    _terminal(console).report(
        RunResult(thread_id="trade-1", status="done", response=TRADE, usage={"steps": 2})
    )


def draw_outside(console: Console) -> None:
    """A request outside the offline grammar: the capability list, once."""
    _show(console, [RunStarted(thread_id="t-2", request="what's the weather in Paris"),
                    RunFailed(error="OutsideGrammarError", message=OUTSIDE)])  # fmt: skip
    _terminal(console).report(
        RunResult(thread_id="t-2", status="failed",
                  error={"type": "OutsideGrammarError", "message": OUTSIDE})
    )  # fmt: skip


CASES: dict[str, Callable[[Console], None]] = {
    "trip": draw_trip,
    "tree": draw_tree,
    "paused": draw_paused,
    "trade": draw_trade,
    "outside_grammar": draw_outside,
}
