"""The trade report's summary line: what was done first, then what was found.

Orders come first (placed, cancelled, not placed with the reason), then the figures that
answer a question (quotes, indicators, the account, positions, bars), then the research and the
problems. Every number in the line is a figure of the report, written as the tool returned it.
"""

from __future__ import annotations

from collections.abc import Sequence

from plangate.agents.trading.plans import POSITIONS
from plangate.agents.trading.response import Figure, Note, OrderLine, Problem, SkippedOrder

MAX_FIGURES = 6
"""Most figures named in the line; the report lists them all."""

_LABELS = {
    "condition_false": "condition false",
    "blocked_by_policy": "blocked by policy",
    "rejected": "rejected",
    "failed": "failed",
    "needs_shares": "needs a share count",
}
_SELF_EXPLAINED = ("blocked by", "rejected by", "condition false", "skipped")
"""Details that already start by saying why (the engine's and the re-plan's wording)."""


def _order(order: OrderLine) -> str:
    kind = f"limit {order.limit_price}" if order.limit_price is not None else order.type.value
    text = f"{order.side.value} {order.qty} {order.symbol} {kind} ({order.status.value}"
    if order.fill_price is not None:
        text += f", {order.filled_qty} filled at ${order.fill_price}"
    return text + f", id {order.id})"


def _skipped(skip: SkippedOrder) -> str:
    what = f"{skip.side.value} {skip.qty} {skip.symbol}" if skip.qty else f"{skip.side.value} "
    if skip.qty is None:
        what += f"${skip.notional:,} of {skip.symbol}"
    detail = skip.detail
    if not detail.startswith(_SELF_EXPLAINED):
        detail = f"{_LABELS[skip.reason]}: {detail}"
    return f"not placed: {what} — {detail}"


def _figure(figure: Figure) -> str:
    who = f"{figure.symbol} " if figure.symbol else ""
    when = f" (as of {figure.as_of})" if figure.as_of and "T" not in figure.as_of else ""
    value = f"{figure.value}"
    if _is_money(figure):
        value = f"-${-figure.value}" if figure.value < 0 else f"${figure.value}"
    return f"{who}{figure.name} {value}{when}"


def _is_money(figure: Figure) -> bool:
    return not any(mark in figure.name for mark in ("(", "qty"))


def summarize(
    *,
    figures: Sequence[Figure],
    orders: Sequence[OrderLine],
    skipped: Sequence[SkippedOrder],
    notes: Sequence[Note],
    problems: Sequence[Problem],
    orders_looked_up: bool = False,
    positions_looked_up: bool = False,
) -> str:
    """One line: orders placed, cancelled or not placed, then figures, research and problems.

    Args:
        figures: the report's figures.
        orders: orders placed, cancelled or listed.
        skipped: orders not placed.
        notes: research passages.
        problems: what could not be done.
        orders_looked_up: the orders were listed (say so even when there are none).
        positions_looked_up: the positions were read (say so when there are none).
    """
    parts: list[str] = []
    parts += [f"placed {_order(o)}" for o in orders if o.action == "placed"]
    parts += [f"cancelled {_order(o)}" for o in orders if o.action == "cancelled"]
    parts += [_skipped(skip) for skip in skipped]
    listed = [o for o in orders if o.action == "listed"]
    if listed or orders_looked_up:
        parts.append(f"{len(listed)} order(s) listed")
    if figures:
        shown = [_figure(f) for f in figures[:MAX_FIGURES]]
        more = len(figures) - MAX_FIGURES
        parts.append(", ".join(shown) + (f" and {more} more figures" if more > 0 else ""))
    if notes:
        sources = sorted({note.source for note in notes})
        parts.append(f"{len(notes)} research passage(s) from {', '.join(sources)}")
    if positions_looked_up and not any(f.source.startswith(f"{POSITIONS}[") for f in figures):
        parts.append("no positions held")
    parts += [f"{p.step_id} ({p.tool}) not done: {p.detail.splitlines()[0]}" for p in problems]
    line = "; ".join(parts) or "Nothing to report: no step produced a result"
    return line[0].upper() + line[1:]
