"""What the trading assistant can be asked to do, and where its requests carry numbers.

``SCOPE`` lists its actions: buy or sell shares (one order per request), sell part of a
position, price an amount of money in shares, cancel an order by id or by stock, and look up the account, positions, orders, quotes, bars,
indicators and research notes. Anything else — moving money ("transfer $5000 to my bank"), an
account of another kind, options or crypto, stop-loss orders, selling "the company" — is refused
by name (``plangate.graphs.offline.scope``) instead of answered with the balance.

The placers say which numbers each intent reads (``plangate.graphs.offline.numbers``): "buy 10
AAPL tomorrow at 10am" is refused (orders are placed now), not placed now.
"""

from __future__ import annotations

from plangate.agents.trading import signals, slots
from plangate.graphs.offline.lexicon import CANCEL_VERBS
from plangate.graphs.offline.numbers import Placer, Span
from plangate.graphs.offline.scope import Action, Scope, Unsupported
from plangate.graphs.offline.spelling import Speller

_STOCK = ("share", "stock", "position", "holding", "equity", "ticker", "symbol", "etf", "lot")
_ORDERED = (
    *_STOCK,
    "limit",
    "order",
    "gtc",  # "sell 3 MSFT limit 410.50"
    "half",
    "third",
    "quarter",
    "fourth",
    "percent",
)  # "sell half of my TSLA"
_LOOKUP = (*_STOCK, "account", "balance", "cash", "power", "portfolio", "order", "history",
           "overview", "summary", "quote", "price", "bid", "ask", "spread", "bar", "candle",
           "candlestick", "chart", "indicator", "rsi", "sma", "ema", "macd", "average", "note",
           "research", "report", "document", "thesis", "risk", "catalyst", "outlook", "view",
           "valuation", "p&l", "pnl", "profit", "loss", "performance", "value", "data",
           "analysis", "anything", "worth")  # fmt: skip

CAN = (
    "buy or sell shares (one order per request, at the market, at a limit or on a condition), "
    "sell part of a position (half, a third, 25%), price an amount of money in shares, cancel "
    "an order by its id or its stock, and show your account, "
    "positions, orders, quotes, bars, indicators and research notes"
)


def is_name(word: str) -> bool:
    """Whether ``word`` names a stock the assistant knows (``aapl``, ``nvidia``)."""
    return bool(slots.read_symbols(word))


_ORDER_VERBS = ("buy", "sell", "purchase", "short", "acquire", "dump", "unload", "trim", "get",
                "grab", "pick up", "snag", "order", "trade", "want", "need")  # fmt: skip
_LOOKUP_VERBS = ("show", "list", "find", "search", "look", "look up", "check", "see", "tell",
                 "give", "get", "compute", "calculate", "display", "fetch", "pull", "pull up",
                 "want", "need", "compare", "plot", "chart", "summarize", "summarise", "view",
                 "explain", "quote", "price")  # fmt: skip
_DOCUMENTS = ("note", "research", "report", "document", "thesis")

SCOPE = Scope(
    [
        Action(_ORDER_VERBS, things=_ORDERED, write=True, names=True, money=True),
        Action(("invest", "put", "spend"), things=_STOCK, write=True, names=True, money=True),
        Action((*CANCEL_VERBS, "withdraw", "pull"), things=("order",), write=True),
        Action(_LOOKUP_VERBS, things=_LOOKUP, names=True),
        Action(("read", "open"), things=_DOCUMENTS),
    ],
    can=CAN,
    is_name=is_name,
    unsupported=[
        Unsupported(
            r"\bstop[- ]?(?:loss(?:es)?|limits?|orders?)\b|\btrailing\b|\btake[- ]profit\b"
            r"|\bbracket\b|\boco\b|\bone[- ]cancels[- ](?:the[- ])?other\b",
            "I place market and limit orders only, not stop, trailing, take-profit or bracket "
            "orders",
        ),
        Unsupported(
            r"\b(?:options?|calls|puts|futures|crypto\w*|bitcoins?|ethereum|btc|eth|forex|fx"
            r"|bonds?|warrants?|cfds?)\b",
            "I trade listed stocks and ETFs only, in whole shares",
        ),
        Unsupported(
            r"\b(?:margin|leverage[ds]?|borrow\w*|loan|credit|\d+x)\b|\b(?:credit|debit)\s+cards?\b"
            r"|\b(?:paypal|venmo|apple pay)\b",
            "I trade with the account's own cash only: no margin or leverage, borrowing or cards",
        ),
        Unsupported(
            r"\bshort(?:[- ]?sell\w*|ing)?\b|\bsell\w*\s+(?:\w+\s+){0,3}?short\b",
            "I sell only shares the account holds: the desk allows no short selling",
        ),
        Unsupported(
            r"\b(?:for|in|into|from|to|on|with)\s+(?:my|his|her|our|their|the|a|another)\s+"
            r"(?!(?:own|main|brokerage|trading|paper|investment)\b)[\w'-]+\s+"
            r"(?:account|portfolio|ira|401k|isa)\b|\b(?:ira|roth|401k|isa)\b",
            "I trade in this one account only, for its owner",
        ),
        Unsupported(
            r"\b(?:tomorrow|tonight|later|next (?:week|month|year|session)|every (?:day|week|month)"
            r"|(?:on |next |this )?(?:mon|tues|wednes|thurs|fri|satur|sun)days?)\b",
            "orders are placed now, when approved: I can't schedule one for a later day",
        ),
        Unsupported(
            r"\bfractional\b|(?<![\w.])\d*\.\d+\s+(?:of\s+an?\s+)?shares?\b|\bhalf\s+an?\s+shares?\b",
            "orders take whole shares",
        ),
    ],
)
"""The trading assistant's scope: anything else is refused."""

SPELLER = Speller(
    vocabulary=(
        *(name for names in slots.NAMES.values() for name in names), "shares", "share",
        "portfolio", "positions", "position", "holdings", "balance", "research", "quote",
        "quotes", "price", "account", "limit", "market", "average", "please", "tomorrow",
    ),
    protected=("apply", "shore", "shared", "marker", "prize", "prince", "priced"),
)  # fmt: skip
"""Respells slang and typos of the assistant's words before its grammar reads a request."""


def _indicators(text: str) -> list[Span]:
    return [ask.span for ask in signals.read_indicators(text)]


QTY: tuple[Placer, ...] = slots.QTY_FORMS
"""A share count: "10 shares", "buy ten", "10 NVDA"."""
LIMIT: Placer = slots.LIMIT_RE
"""A limit price: "at $120", "limit 120.50", "@ 99"."""
NOTIONAL: Placer = slots.NOTIONAL_RE
"""An amount of money to trade: "$5,000 of", "5k in", "for $2,000"."""
INDICATORS: Placer = _indicators
"""Indicator periods: "14-day RSI", "MACD(12,26,9)", "the 200-day SMA"."""
NAMES: Placer = slots.name_spans
"""Numbers inside a company's name ("the S&P 500")."""
TIMEFRAME: Placer = (
    r"\b(?:hourly|1[- ]?hour|1h|60[- ]?min(?:ute)?s?|15[- ]?min(?:ute)?s?|15m"
    r"|quarter[- ]hour(?:ly)?)\b"
)
"""The bars asked for: "1-hour", "15-minute"."""
COMPARED: Placer = (
    r"(?:\b(?:below|under|beneath|less than|lower than|cheaper than|above|over|greater than"
    r"|more than|higher than|exceeds?|tops|at (?:or )?(?:most|least)|at or (?:below|under|above"
    r"|over)|no (?:more|less|higher|lower) than|not (?:above|below)|hits|reaches|drops to"
    r"|falls to|rises to)\b|<=|>=|<|>|≤|≥|=<|=>)\s*(?:the\s+)?"
    rf"(?:\$?\s*-?\d[\d,]*(?:\.\d+)?|(?:{slots.WORD_NUMBER})\b)"
)
"""A number a condition compares with: "below 30", "above $130", "< 25", "under thirty"."""
