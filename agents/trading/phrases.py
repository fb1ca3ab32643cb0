"""The trading steps and their values, named in words for the answer.

A step is named by what it does with its arguments ("the quote of NVDA", "get a quote for
NVDA"), never by its id; a tool this module does not know (one a newer plan uses) is named by
its own name in words ("list reservations"). A referenced value is named by what it measures
("NVDA's RSI(14)", "AAPL's ask price", "your cash"), read from the result it points into.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from plangate.agents.trading.figures import indicator_label
from plangate.graphs.engine.references import Reference

_FIELDS = {
    "ask_price": "ask price", "bid_price": "bid price", "last_close": "last close",
    "buying_power": "buying power", "daily_pl": "P/L today", "last_equity": "equity at the last close",
    "avg_entry_price": "average entry price", "current_price": "current price",
    "market_value": "market value", "unrealized_pl": "unrealized P/L", "qty": "shares held",
}  # fmt: skip


def _symbol(args: Mapping[str, Any]) -> str:
    return str(args.get("symbol") or "the stock")


def _indicator(args: Mapping[str, Any]) -> str:
    spec = args.get("indicator")
    return indicator_label(spec) if isinstance(spec, Mapping) else "the indicator"


def _order(args: Mapping[str, Any]) -> str:
    limit = f" at a limit of ${args['limit_price']}" if args.get("limit_price") else ""
    return f"{args.get('side', 'trade')} {args.get('qty', '')} {_symbol(args)}{limit}".replace(
        "  ", " "
    )


def _known(args: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments that are values: one still a reference (``${...}``) says nothing yet."""
    return {key: value for key, value in args.items() if "${" not in str(value)}


def step_noun(tool: str, args: Mapping[str, Any]) -> str:
    """What a step gives, as a noun: ``"the quote of NVDA"``."""
    args = _known(args)
    nouns: dict[str, Callable[[], str]] = {
        "get_quote": lambda: f"the quote of {_symbol(args)}",
        "compute_indicator": lambda: f"the {_indicator(args)} of {_symbol(args)}",
        "get_bars": lambda: f"the price bars of {_symbol(args)}",
        "get_account": lambda: "your account",
        "get_positions": lambda: "your positions",
        "list_orders": lambda: "your orders",
        "place_order": lambda: f"the order to {_order(args)}",
        "cancel_order": lambda: f"the cancel of order {args.get('order_id', '')}".rstrip(),
        "search_documents": lambda: "the research search",
        "get_document": lambda: "the research note",
    }
    noun = nouns.get(tool)
    return noun() if noun is not None else f"the {tool.replace('_', ' ') or 'step'}"


def step_verb(tool: str, args: Mapping[str, Any]) -> str:
    """What a step does, as a verb phrase after "I could not": ``"get a quote for NVDA"``."""
    args = _known(args)
    verbs: dict[str, Callable[[], str]] = {
        "get_quote": lambda: f"get a quote for {_symbol(args)}",
        "compute_indicator": lambda: f"compute the {_indicator(args)} of {_symbol(args)}",
        "get_bars": lambda: f"get the price bars of {_symbol(args)}",
        "get_account": lambda: "read your account",
        "get_positions": lambda: "read your positions",
        "list_orders": lambda: "list your orders",
        "place_order": lambda: _order(args),
        "cancel_order": lambda: (
            f"cancel order {args['order_id']}" if args.get("order_id") else "cancel the order"
        ),
        "search_documents": lambda: "search the research notes",
        "get_document": lambda: "read the research note",
    }
    verb = verbs.get(tool)
    return verb() if verb is not None else (tool.replace("_", " ") or "do that step")


def value_name(reference: Reference, results: Mapping[str, Any]) -> str | None:
    """``NVDA's RSI(14)`` for ``rsi14.value``; ``None`` for a value this module cannot name."""
    if getattr(reference, "text", None) is not None:
        return None  # a computed value (len(...), arithmetic): the engine words those
    root = results.get(reference.step_id)
    fields = [part for part in reference.path if isinstance(part, str)]
    if not fields:
        return None
    last = fields[-1]
    if isinstance(root, Mapping) and isinstance(root.get("indicator"), Mapping):
        label = indicator_label(root["indicator"])
        owner = f"{root.get('symbol', 'the stock')}'s"
        if last == "value":
            return f"{owner} {label}"
        if last in ("signal", "histogram"):
            return f"{owner} {label} {'signal line' if last == 'signal' else 'histogram'}"
        return f"{owner} {_FIELDS.get(last, last.replace('_', ' '))}"
    if isinstance(root, Mapping) and "symbol" in root:
        return f"{root['symbol']}'s {_FIELDS.get(last, last.replace('_', ' '))}"
    if isinstance(root, list) and reference.path and isinstance(reference.path[0], int):
        index = reference.path[0]
        held = root[index] if index < len(root) and isinstance(root[index], Mapping) else {}
        return f"your {held.get('symbol', '')} {_FIELDS.get(last, last)}".replace("  ", " ")
    if isinstance(root, Mapping):
        return f"your {_FIELDS.get(last, last.replace('_', ' '))}"
    return None
