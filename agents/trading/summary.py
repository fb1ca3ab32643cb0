"""The trade report's summary line: the answer first, in words.

An order the run placed, cancelled or did not place is the answer, and the line says only
that: "Bought 10 AAPL at $125.42 a share ($1,254.20 in all), order ...", or "NVDA's RSI(14) is
58.25 as of Friday 27 February, not below 30, so I did not buy 10 NVDA." The figures read on
the way (the account, the positions, the quote the guardrails checked) stay in the report's
other fields; the line names them only inside a reason. A run that placed nothing answers a
question: the figures it read, grouped (indicators, bars, quotes, account, positions), the
orders listed and the research, each in a sentence. What could not be done follows, in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from plangate.agents.trading.response import Figure, Note, OrderLine, Problem, SkippedOrder
from plangate.graphs.engine.wording import dates_in_words, number_in_words

MAX_SYMBOLS = 4
"""Most symbols named per kind of figure; the report lists them all."""

_EXCERPT = 200
"""Longest passage of research quoted in the line, in characters."""
_ACCOUNT = ("cash", "buying power", "equity", "equity at last close", "daily P/L")


def money(value: Decimal | None) -> str:
    """``$1,253.90``, ``-$0.30``."""
    if value is None:
        return "an unknown amount"
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def _order_words(side: str, qty: int | None, symbol: str) -> str:
    return f"{side} {qty} {symbol}" if qty else f"{side} {symbol}"


def _order(order: OrderLine) -> str:
    limit = f" at a limit of {money(order.limit_price)}" if order.limit_price is not None else ""
    if order.action == "cancelled":
        return f"Cancelled the order to {order.side.value} {order.qty} {order.symbol}{limit} (id {order.id})"
    if order.fill_price is not None and order.filled_qty:
        verb = "Bought" if order.side.value == "buy" else "Sold"
        total = money(order.fill_price * order.filled_qty)
        part = "" if order.filled_qty == order.qty else f" (of {order.qty} asked)"
        return (
            f"{verb} {order.filled_qty} {order.symbol}{part} at {money(order.fill_price)} a "
            f"share, {total} in all (order {order.id})"
        )
    if order.status.value == "rejected":
        return f"The broker rejected the order to {order.side.value} {order.qty} {order.symbol}{limit} (id {order.id})"
    waits = " it waits until the price reaches the limit" if limit else " it has not filled yet"
    return (
        f"Placed an order to {order.side.value} {order.qty} {order.symbol}{limit};{waits} "
        f"(order {order.id})"
    )


def _listed(orders: Sequence[OrderLine], which: str) -> str:
    kind = "" if which in ("", "all") else f"{which} "
    if not orders:
        return f"You have no {kind}orders"
    shown = [
        f"{o.side.value} {o.qty} {o.symbol}"
        + (f" at a limit of {money(o.limit_price)}" if o.limit_price is not None else "")
        + f" ({o.status.value}, id {o.id})"
        for o in orders[:MAX_SYMBOLS]
    ]
    more = f" and {len(orders) - MAX_SYMBOLS} more" if len(orders) > MAX_SYMBOLS else ""
    noun = "order" if len(orders) == 1 else "orders"
    return f"You have {len(orders)} {kind}{noun}: {'; '.join(shown)}{more}"


def _skipped(skip: SkippedOrder) -> str:
    if skip.reason == "needs_shares":
        return skip.detail  # already the whole answer: what the money buys, and what to ask
    what = _order_words(skip.side.value, skip.qty, skip.symbol)
    detail = skip.detail.rstrip(". ")
    if skip.reason == "condition_false":
        return f"{_capital(detail)}, so I did not {what}"
    if skip.reason == "blocked_by_policy":
        return f"I did not {what}: the trading policy does not allow it ({_lower(detail)})"
    if skip.reason == "rejected":
        return f"I did not {what}: {_lower(detail)}"
    return f"I could not {what}: {_lower(detail)}"


def _as_of(figure: Figure) -> str:
    return f" as of {dates_in_words(figure.as_of)}" if figure.as_of else ""


def _by_symbol(figures: Sequence[Figure]) -> dict[str, dict[str, Figure]]:
    grouped: dict[str, dict[str, Figure]] = {}
    for figure in figures:
        grouped.setdefault(figure.symbol or "", {})[figure.name] = figure
    return grouped


def _quotes(figures: Sequence[Figure]) -> str | None:
    quotes = [f for f in figures if f.name in ("bid", "ask") and f.source.count(".") == 1]
    grouped = _by_symbol(quotes)
    if not grouped:
        return None
    parts = [
        f"{symbol} is {money(pair['bid'].value)} bid, {money(pair['ask'].value)} ask"
        if "bid" in pair and "ask" in pair
        else f"{symbol} is {', '.join(f'{money(f.value)} {f.name}' for f in pair.values())}"
        for symbol, pair in list(grouped.items())[:MAX_SYMBOLS]
    ]
    first = next(iter(next(iter(grouped.values())).values()))
    return _listing(parts, len(grouped)) + _as_of(first)


def _indicators(figures: Sequence[Figure]) -> str | None:
    found = [f for f in figures if "(" in f.name and not f.name.endswith(("signal", "histogram"))]
    if not found:
        return None
    signals = {
        (f.symbol, f.name.removesuffix(" signal")): f for f in figures if f.name.endswith(" signal")
    }
    parts = []
    for figure in found[: MAX_SYMBOLS * 2]:
        text = f"{figure.symbol}'s {figure.name} is {number_in_words(figure.value)}"
        signal = signals.get((figure.symbol, figure.name))
        if signal is not None:
            text += f" (signal line {number_in_words(signal.value)})"
        parts.append(text)
    return _listing(parts, len(found)) + _as_of(found[0])


def _bars(figures: Sequence[Figure]) -> str | None:
    closes = [f for f in figures if f.name == "close"]
    if not closes:
        return None
    parts = []
    for close in closes[:MAX_SYMBOLS]:
        same = [f for f in figures if f.symbol == close.symbol]
        high = next((f for f in same if f.name.startswith("high of")), None)
        low = next((f for f in same if f.name.startswith("low of")), None)
        daily = (
            high is not None and low is not None and _clock(high) == _clock(low) == _clock(close)
        )
        when = (
            f" on {dates_in_words(str(close.as_of)[:10])}"
            if daily and close.as_of
            else _as_of(close)
        )
        text = f"{close.symbol} last closed at {money(close.value)}{when}"
        if high is not None and low is not None:
            span = high.name.removeprefix("high of ")
            text += f"; over {span} the high was {money(high.value)} and the low {money(low.value)}"
        parts.append(text)
    return "; ".join(parts)


def _clock(figure: Figure) -> str:
    return str(figure.as_of or "")[10:]


def _account(figures: Sequence[Figure]) -> str | None:
    named = {f.name: f.value for f in figures if f.symbol is None and f.name in _ACCOUNT}
    if not named:
        return None
    parts = []
    if "cash" in named:
        parts.append(f"You have {money(named['cash'])} in cash")
    if "buying power" in named:
        parts.append(f"{money(named['buying power'])} of buying power")
    text = " and ".join(parts) if parts else "Your account"
    if "equity" in named:
        text += f"; your equity is {money(named['equity'])}"
    if "daily P/L" in named:
        change = named["daily P/L"]
        text += (
            f", {'up' if change > 0 else 'down'} {money(abs(change))} today"
            if change
            else ", unchanged today"
        )
    return text


def _positions(figures: Sequence[Figure], looked_up: bool) -> str | None:
    held = _by_symbol([f for f in figures if f.symbol and f.source.split("[")[0] != f.source])
    held = {s: f for s, f in held.items() if "qty held" in f}
    if not held:
        return "You hold no positions" if looked_up else None
    parts = []
    for symbol, row in list(held.items())[:MAX_SYMBOLS]:
        text = f"{number_in_words(row['qty held'].value)} {symbol}"
        if "market value" in row:
            text += f" worth {money(row['market value'].value)}"
        if "unrealized P/L" in row:
            text += f" (unrealized P/L {money(row['unrealized P/L'].value)})"
        parts.append(text)
    return "You hold " + _listing(parts, len(held))


def _notes(notes: Sequence[Note]) -> str | None:
    if not notes:
        return None
    # A section says more than a note's opening (its title and disclaimer): lead with one.
    first = next((note for note in notes if " > " in note.title), notes[0])
    sources = sorted({note.source for note in notes})
    lines = [line for line in first.excerpt.splitlines() if not line.lstrip().startswith("#")]
    prose = " ".join(" ".join(lines).replace("**", "").replace("> ", " ").split()).lstrip("- ")
    cut = prose if len(prose) <= _EXCERPT else prose[: _EXCERPT - 1].rsplit(" ", 1)[0] + "…"
    where = first.title.split(" > ")[-1] if " > " in first.title else first.title
    more = f" ({len(notes)} passages from {', '.join(sources)})" if len(notes) > 1 else ""
    return f"The research note {first.source} says, under {where}: {cut}{more}"


def _problem(problem: Problem) -> str:
    return _capital(problem.detail.rstrip(". "))


def _listing(parts: Sequence[str], total: int) -> str:
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    more = total - len(parts)
    return text + (f" (and {more} more in the report)" if more > 0 else "")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(text: str) -> str:
    # Lower the first letter only of an ordinary word: never of a symbol (AAPL) or a name.
    head = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if head[1:].islower() or len(head) == 1 else text


def summarize(
    *,
    figures: Sequence[Figure],
    orders: Sequence[OrderLine],
    skipped: Sequence[SkippedOrder],
    notes: Sequence[Note],
    problems: Sequence[Problem],
    orders_looked_up: str | None = None,
    positions_looked_up: bool = False,
) -> str:
    """The answer in a line of sentences (see the module docstring).

    Args:
        figures: the report's figures.
        orders: orders placed, cancelled or listed.
        skipped: orders not placed.
        notes: research passages.
        problems: what could not be done, in words.
        orders_looked_up: which orders were listed (``"open"``, ``"all"``...), when they were,
            so the line says so even when there are none.
        positions_looked_up: the positions were read (say so when there are none).
    """
    acted = [o for o in orders if o.action != "listed"]
    parts = [_order(o) for o in acted] + [_skipped(s) for s in skipped]
    if parts:
        parts += [_problem(p) for p in problems]
    else:
        # Nothing was ordered: what could not be done leads, then what was read.
        listed = [o for o in orders if o.action == "listed"]
        asked = [
            _indicators(figures), _bars(figures), _quotes(figures), _account(figures),
            _positions(figures, positions_looked_up),
            _listed(listed, orders_looked_up or "") if listed or orders_looked_up is not None else None,
            _notes(notes),
        ]  # fmt: skip
        parts = [_problem(p) for p in problems] + [part for part in asked if part]
    if not parts:
        return "Nothing to report: no step produced a result."
    return " ".join(_sentence(part) for part in parts)


def _sentence(part: str) -> str:
    text = _capital(part.rstrip(". "))
    return text if text.endswith(("…", "?", "!")) else text + "."
