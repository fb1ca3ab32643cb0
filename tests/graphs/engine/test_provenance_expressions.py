"""Provenance of arguments written as expressions: the item picked, or what a value was computed
from — untrusted like the results it read, and described so a person sees the computation."""

from __future__ import annotations

from typing import Any

from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.provenance import ProvenanceTracer
from plangate.graphs.engine.references import resolve
from plangate.graphs.guards.labels import CallProvenance

RESULTS: dict[str, Any] = {
    "positions": [{"symbol": "AAPL", "qty": 4}, {"symbol": "TSLA", "qty": 7}],
    "orders": {"orders": [{"id": "o1", "symbol": "MSFT"}, {"id": "o2", "symbol": "META"}]},
    "quote": {"symbol": "TSLA", "bid_price": "199.80"},
}
TOOLS = {"positions": "get_positions", "orders": "list_orders", "quote": "get_quote"}


def trace(raw: dict[str, Any]) -> CallProvenance:
    """Trace ``raw`` (as a plan writes it) resolved against ``RESULTS``, in the first plan."""
    reads = [Step(id=sid, tool=tool, args={}) for sid, tool in TOOLS.items()]
    step = Step(id="order", tool="place_order", args=raw)
    tracer = ProvenanceTracer("sell half of my TSLA position", RESULTS, TOOLS, round_=0)
    return tracer.trace(Plan(steps=[*reads, step]), step, resolve(raw, RESULTS))


def test_a_computed_quantity_names_the_result_it_read_and_stays_untrusted() -> None:
    found = trace({"qty": "${floor(positions[symbol == 'TSLA'][0].qty / 2)}", "side": "sell"})
    label = found.label("qty")
    assert label is not None
    assert not label.trusted
    assert [(s.kind, s.step_id, s.tool) for s in label.sources] == [
        ("step", "positions", "get_positions")
    ]
    assert label.describe() == (
        "from positions get_positions result [1].qty, computed as "
        "floor(positions[symbol == 'TSLA'][0].qty / 2)"
    )
    side = found.label("side")
    assert side is not None
    assert side.trusted


def test_a_value_picked_by_a_filter_names_the_item_it_came_from() -> None:
    found = trace({"order_id": "${orders.orders[symbol == 'META'][0].id}"})
    label = found.label("order_id")
    assert label is not None
    assert not label.trusted
    assert label.describe() == "from orders list_orders result orders[1].id"


def test_a_picked_object_is_followed_at_field_level() -> None:
    found = trace({"order": "${orders.orders[symbol == 'META'][0]}"})
    label = found.label("order.id")
    assert label is not None
    assert label.describe() == "from orders list_orders result orders[1].id"


def test_a_value_computed_from_several_results_names_each() -> None:
    raw = {"note": "about ${round(positions[1].qty * quote.bid_price, 2)} dollars"}
    found = trace(raw)
    label = found.label("note")
    assert label is not None
    assert not label.trusted
    assert [(s.kind, s.step_id) for s in label.sources] == [
        ("step", "positions"), ("step", "quote"), ("model", None),
    ]  # fmt: skip  # the text around it was written by the planner


def test_the_computation_is_described_once_per_result_read() -> None:
    found = trace({"qty": "${max(positions[0].qty, positions[0].qty)}"})
    label = found.label("qty")
    assert label is not None
    assert len(label.sources) == 1
