"""Reading a report's parts out of tool results: figures, orders and research passages.

One reader per tool, each taking a step's id and its result JSON. Values are copied, never
computed, except the period high and low of a bar series, which are the bars' own highs and
lows (and name the bar they come from). Each figure's ``source`` is the reference path of the
value (``quote.ask_price``), so ``plangate.graphs.engine.references.lookup`` finds it again in the
results.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from plangate.agents.trading.response import Figure, Note, OrderAction, OrderLine

EXCERPT = 600
"""Longest passage of a research note kept in a report, in characters."""

_ACCOUNT = (
    ("cash", "cash"), ("buying power", "buying_power"), ("equity", "equity"),
    ("equity at last close", "last_equity"), ("daily P/L", "daily_pl"),
)  # fmt: skip
_POSITION = (
    ("qty held", "qty"), ("avg entry price", "avg_entry_price"),
    ("current price", "current_price"), ("market value", "market_value"),
    ("unrealized P/L", "unrealized_pl"),
)  # fmt: skip


def number(value: Any) -> Decimal:
    """A JSON number or numeric string as an exact ``Decimal`` (floats by their repr)."""
    return Decimal(str(value))


def _figure(name: str, symbol: str | None, value: Any, as_of: Any, source: str) -> Figure:
    return Figure(
        name=name,
        symbol=symbol,
        value=number(value),
        as_of=str(as_of) if as_of is not None else None,
        source=source,
    )


def indicator_label(indicator: Mapping[str, Any]) -> str:
    """``RSI(14)``, ``SMA(50)``, ``MACD(12,26,9)`` from an indicator spec as JSON."""
    params = ",".join(str(value) for key, value in indicator.items() if key != "name")
    return f"{str(indicator.get('name', '?')).upper()}({params})"


def quote_figures(step_id: str, result: Mapping[str, Any]) -> list[Figure]:
    """Bid and ask, as of the quote's time."""
    symbol, when = result["symbol"], result.get("timestamp")
    return [
        _figure("bid", symbol, result["bid_price"], when, f"{step_id}.bid_price"),
        _figure("ask", symbol, result["ask_price"], when, f"{step_id}.ask_price"),
    ]


def indicator_figures(step_id: str, result: Mapping[str, Any]) -> list[Figure]:
    """The indicator's value(s) and the last close, as of the last bar used."""
    symbol, when = result["symbol"], result.get("as_of_date")
    label = indicator_label(result["indicator"])
    figures = [_figure(label, symbol, result["value"], when, f"{step_id}.value")]
    for key in ("signal", "histogram"):
        if key in result.get("values", {}):
            figures.append(
                _figure(f"{label} {key}", symbol, result["values"][key], when,
                        f"{step_id}.values.{key}")
            )  # fmt: skip
    figures.append(
        _figure("last close", symbol, result["last_close"], when, f"{step_id}.last_close")
    )
    return figures


def bars_figures(step_id: str, result: Mapping[str, Any]) -> list[Figure]:
    """The latest close, and the highest high and lowest low of the bars returned."""
    symbol, bars = result["symbol"], result.get("bars") or []
    if not bars:
        return []
    last = len(bars) - 1
    high = max(range(len(bars)), key=lambda i: number(bars[i]["h"]))
    low = min(range(len(bars)), key=lambda i: number(bars[i]["l"]))
    return [
        _figure("close", symbol, bars[last]["c"], bars[last]["t"], f"{step_id}.bars[{last}].c"),
        _figure(f"high of {len(bars)} bars", symbol, bars[high]["h"], bars[high]["t"],
                f"{step_id}.bars[{high}].h"),
        _figure(f"low of {len(bars)} bars", symbol, bars[low]["l"], bars[low]["t"],
                f"{step_id}.bars[{low}].l"),
    ]  # fmt: skip


def account_figures(step_id: str, result: Mapping[str, Any]) -> list[Figure]:
    """Cash, buying power, equity, last close's equity and the day's P/L."""
    return [
        _figure(name, None, result[key], None, f"{step_id}.{key}")
        for name, key in _ACCOUNT
        if result.get(key) is not None
    ]


def position_figures(step_id: str, result: list[Any]) -> list[Figure]:
    """Each position's quantity, prices, value and unrealized P/L."""
    return [
        _figure(name, position["symbol"], position[key], None, f"{step_id}[{index}].{key}")
        for index, position in enumerate(result)
        for name, key in _POSITION
    ]


def order_line(step_id: str, order: Mapping[str, Any], action: OrderAction, path: str) -> OrderLine:
    """An order as the broker reported it."""
    return OrderLine(
        action=action,
        id=order["id"],
        symbol=order["symbol"],
        side=order["side"],
        qty=order["qty"],
        type=order["type"],
        status=order["status"],
        limit_price=order.get("limit_price"),
        filled_qty=order.get("filled_qty", 0),
        fill_price=order.get("filled_avg_price"),
        source=path or step_id,
    )


def search_notes(step_id: str, result: list[Any]) -> list[Note]:
    """Each search hit as a passage with its source."""
    return [
        Note(
            source=hit["citation"]["source"],
            title=hit["chunk"]["title"],
            excerpt=hit["chunk"]["text"][:EXCERPT],
            step_id=step_id,
        )
        for hit in result
    ]


def document_notes(step_id: str, result: Mapping[str, Any]) -> list[Note]:
    """A whole note, cut to its first passage."""
    return [
        Note(
            source=result["source"],
            title=result["title"],
            excerpt=result["text"][:EXCERPT],
            step_id=step_id,
        )
    ]


FIGURE_READERS: dict[str, Callable[[str, Any], list[Figure]]] = {
    "get_quote": quote_figures,
    "compute_indicator": indicator_figures,
    "get_bars": bars_figures,
    "get_account": account_figures,
    "get_positions": position_figures,
}
"""The figure reader of each tool whose results hold figures."""
