"""Reading a trading request: the stocks it names, share counts, prices and amounts.

Stocks are named by ticker symbol (``AAPL``, ``$AAPL``, or ``aapl`` for symbols of three letters
or more that are not English words) or by company name (``Apple``, ``Nvidia``, ``Coca-Cola``,
``the S&P 500``), as listed in ``plangate.tools.domains.world.TICKERS``. An upper-case word that is
no listed symbol (``GME``) counts only when the request names no listed stock at all: the market
backend, not the grammar, decides what is listed, and it refuses unknown symbols with a hint.

Indicators and conditions are read by ``plangate.agents.trading.signals``. Readers take the request
as written (case kept) and return a value, ``None``, or raise ``UnclearRequestError`` saying what
is missing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from plangate.graphs.offline.grammar import OutsideGrammarError
from plangate.graphs.offline.slots import NUMBER_WORDS, parse_money
from plangate.tools.domains.world import TICKERS, TICKERS_BY_SYMBOL
from plangate.tools.errors import UsageError


class UnclearRequestError(OutsideGrammarError):
    """The request has a known form but lacks, or garbles, something its plan needs.

    Attributes:
        request: the request as given.
        problem: what is missing or wrong, e.g. "how many shares".
        understood: an example of the request written in full.
    """

    def __init__(self, request: str, problem: str, example: str) -> None:
        # OutsideGrammarError's message lists every intent; this one says what to add.
        UsageError.__init__(
            self,
            f"The offline planner understood {request!r} but not {problem}. "
            f'Say it in full, e.g. "{example}".',
        )
        self.request = request
        self.problem = problem
        self.understood = example


NAMES: dict[str, tuple[str, ...]] = {
    "AAPL": ("Apple",), "MSFT": ("Microsoft",), "NVDA": ("Nvidia",),
    "GOOGL": ("Alphabet", "Google"), "AMZN": ("Amazon",), "META": ("Meta", "Facebook"),
    "TSLA": ("Tesla",), "AMD": ("Advanced Micro Devices",), "INTC": ("Intel",),
    "ORCL": ("Oracle",), "CRM": ("Salesforce",), "ADBE": ("Adobe",), "NFLX": ("Netflix",),
    "JPM": ("JPMorgan", "JP Morgan", "J.P. Morgan"), "BAC": ("Bank of America",),
    "GS": ("Goldman Sachs", "Goldman"), "V": ("Visa",), "MA": ("Mastercard",),
    "JNJ": ("Johnson & Johnson", "J&J"), "PFE": ("Pfizer",), "UNH": ("UnitedHealth",),
    "LLY": ("Eli Lilly", "Lilly"), "XOM": ("Exxon Mobil", "ExxonMobil", "Exxon"),
    "CVX": ("Chevron",), "KO": ("Coca-Cola", "Coca Cola", "Coke"), "PEP": ("PepsiCo", "Pepsi"),
    "WMT": ("Walmart",), "COST": ("Costco",), "DIS": ("Disney",), "BA": ("Boeing",),
    "CAT": ("Caterpillar",), "SPY": ("S&P 500", "S&P", "SPDR"),
}  # fmt: skip
"""Company names people use, by symbol; each ticker's full listed name is understood too."""

_LOWERCASE_WORDS = frozenset({"COST", "CAT", "DIS", "SPY", "PEP", "META"})
"""Symbols that are also English words: read only in capitals (``cost`` is not Costco)."""

_NOT_SYMBOLS = """A I AM PM US USA NY NYSE OK ID AI API CEO IPO ETF ETFS USD EUR GBP RSI SMA EMA
MACD MA DMA OHLC OHLCV GTC DAY DAYS BUY SELL SHORT SHARE SHARES OF AT IF ITS IS THE MY AND FOR
LIMIT PRICE ORDER ORDERS WHAT SHOW ME NOW PLEASE P L PL PNL ASAP TO IN ON BELOW ABOVE"""
NOT_SYMBOLS = frozenset(_NOT_SYMBOLS.split())
"""Capitalised words that are never read as an unlisted symbol."""


def _full_name(name: str) -> str:
    return name.rstrip(".").removeprefix("The ")


_NAME_TO_SYMBOL: dict[str, str] = {
    name.casefold(): symbol for symbol, names in NAMES.items() for name in names
} | {_full_name(ticker.name).casefold(): ticker.symbol for ticker in TICKERS}
_NAME_RE = re.compile(
    r"(?<![\w&])(?:"
    + "|".join(re.escape(name) for name in sorted(_NAME_TO_SYMBOL, key=len, reverse=True))
    + r")(?![\w&])",
    re.IGNORECASE,
)
_CAPS_RE = re.compile(r"(?<![\w.&])\$?(?P<symbol>[A-Z]{1,5}(?:\.[A-Z])?)(?![\w&])")
_LOWER_RE = re.compile(r"(?<![\w.&])\$?(?P<symbol>[a-z]{3,5})(?![\w&])")

Span = tuple[int, int]


def _outside(start: int, skip: Sequence[Span]) -> bool:
    return not any(lo <= start < hi for lo, hi in skip)


def read_symbols(text: str, skip: Sequence[Span] = ()) -> list[str]:
    """The stocks ``text`` names, in order of first mention, each once.

    Args:
        text: the request, case kept.
        skip: spans not to read (indicator mentions such as "50-day MA").
    """
    found: list[tuple[int, str]] = []
    for match in _NAME_RE.finditer(text):
        if _outside(match.start(), skip):
            found.append((match.start(), _NAME_TO_SYMBOL[match.group().casefold()]))
    for match in _CAPS_RE.finditer(text):
        if match["symbol"] in TICKERS_BY_SYMBOL and _outside(match.start(), skip):
            found.append((match.start(), match["symbol"]))
    for match in _LOWER_RE.finditer(text):
        symbol = match["symbol"].upper()
        listed = symbol in TICKERS_BY_SYMBOL and symbol not in _LOWERCASE_WORDS
        if listed and _outside(match.start(), skip):
            found.append((match.start(), symbol))
    if not found:
        found = [
            (match.start(), match["symbol"])
            for match in _CAPS_RE.finditer(text)
            if match["symbol"] not in NOT_SYMBOLS and _outside(match.start(), skip)
        ]
    return list(dict.fromkeys(symbol for _, symbol in sorted(found)))


def name_spans(text: str) -> list[Span]:
    """Where ``text`` names a company by name (numbers in a name, "S&P 500", are no count)."""
    return [match.span() for match in _NAME_RE.finditer(text)]


def require_symbol(text: str, example: str, skip: Sequence[Span] = ()) -> str:
    """The first stock ``text`` names.

    Raises:
        UnclearRequestError: it names none.
    """
    symbols = read_symbols(text, skip)
    if not symbols:
        raise UnclearRequestError(
            text, "which stock: name it by symbol (AAPL) or company (Apple)", example
        )
    return symbols[0]


def company(symbol: str) -> str:
    """The company's short name (``Apple``), or the symbol for an unlisted one."""
    names = NAMES.get(symbol)
    return names[0] if names else symbol


_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}  # fmt: skip
_UNITS = {word: value for word, value in NUMBER_WORDS.items() if 1 <= value <= 9}
_WORD_NUMBER = (
    r"(?:(?:" + "|".join(_TENS) + r")(?:[- ](?:" + "|".join(_UNITS) + r"))?"
    r"|"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r"|a dozen|a hundred|a single|a couple(?: of)?|couple of|a pair of|a)"
)
WORD_NUMBER = _WORD_NUMBER
"""A number in words, as a pattern: ``thirty``, ``forty-two``, ``a dozen`` (read with
``word_number``)."""
QTY = rf"(?P<qty>\d{{1,3}}(?:,\d{{3}})+|\d+|{_WORD_NUMBER})"
"""A count of shares as written: digits, or words up to ninety-nine, 'a dozen', 'a hundred'."""

QTY_FORMS = (
    re.compile(rf"\b{QTY}\s+(?:more\s+)?shares?\b", re.IGNORECASE),
    re.compile(
        rf"\b(?:buy|sell|purchase|short|acquire|dump|unload|trim|get|grab|pick up|snag|scoop up"
        rf"|load up on)\s+(?:me\s+)?{QTY}\b"
        r"(?!\s*(?:k\b|%|thousand|dollars?|bucks|usd|[.,]\d))",
        re.IGNORECASE,
    ),
    # A count before a symbol in capitals ("10 NVDA"), not before any word ("50 day").
    re.compile(rf"(?<![$\d.,])(?i:\b{QTY})\s+(?:(?i:of)\s+)?\$?[A-Z]{{1,5}}\b"),
)


def word_number(text: str) -> int | None:
    """The value of a number written in digits or words (``12``, ``twelve``, ``forty-two``)."""
    cleaned = text.strip().lower().replace(",", "")
    if cleaned.isdigit():
        return int(cleaned)
    fixed = {"a": 1, "a single": 1, "a dozen": 12, "a hundred": 100, "a couple": 2,
             "a couple of": 2, "couple of": 2, "a pair of": 2}  # fmt: skip
    if cleaned in fixed:
        return fixed[cleaned]
    if cleaned in NUMBER_WORDS:
        return NUMBER_WORDS[cleaned]
    tens, _, unit = cleaned.replace("-", " ").partition(" ")
    if tens in _TENS:
        return _TENS[tens] + (_UNITS.get(unit, 0) if unit else 0)
    return None


def amount_in_words(text: str) -> int | None:
    """An amount written in words: ``five hundred`` → 500, ``two thousand`` → 2000."""
    total = current = 0
    for word in re.split(r"[\s-]+", text.strip().lower()):
        if word == "hundred":
            current = (current or 1) * 100
        elif word == "thousand":
            total, current = total + (current or 1) * 1000, 0
        elif word in ("a", "and"):
            continue
        else:
            value = word_number(word)
            if value is None:
                return None
            current += value
    return total + current or None


def read_qty(text: str) -> int | None:
    """How many shares ``text`` asks for (``10 shares``, ``buy ten NVDA``); ``None`` if unsaid."""
    for index, form in enumerate(QTY_FORMS):
        match = form.search(text)
        if match is None or (index > 0 and match["qty"].lower() in ("a", "a single")):
            continue  # "buy a stake" is no count; only "a share" is one
        value = word_number(match["qty"])
        if value is not None:
            return value
    return None


LIMIT_RE = re.compile(
    r"(?:\b(?:at|limit(?:\s+price)?(?:\s+(?:of|at))?|with\s+a\s+limit(?:\s+price)?\s+of"
    r"|no\s+(?:higher|more|lower|less)\s+than|for\s+no\s+more\s+than)|@)"
    r"\s*(?P<price>\$?\s*\d[\d,]*(?:\.\d+)?)(?![\d,.]*\d)"
    # "at 10am" or "at 10:30" is a time of day, never a limit price of $10
    r"(?!\s*(?:k\b|%|shares?\b|thousand|[ap]\.?m\b|[:h]\d\d|o'?clock))",
    re.IGNORECASE,
)
NOTIONAL = (
    r"(?P<amount>\$\s*\d[\d,]*(?:\.\d+)?\s*(?:k\b|thousand\b|m\b)?"
    r"|\b\d[\d,]*(?:\.\d+)?\s*(?:k\b|thousand\b|dollars?\b|bucks\b|usd\b))"
    r"(?:\s+worth)?(?=\s+(?:of|in|into|on)\b)"
    r"|\b(?:for|with|invest|put|spend)\s+(?P<spend>\$\s*\d[\d,]*(?:\.\d+)?\s*(?:k\b|thousand\b)?"
    r"|\d[\d,]*(?:\.\d+)?\s*(?:k\b|thousand\b|dollars?\b|bucks\b|usd\b))"
    rf"|\b(?P<words>(?:{_WORD_NUMBER})(?:[\s-]+(?:{_WORD_NUMBER}|hundred|thousand))*)"
    r"\s+(?:dollars?|bucks)\b(?:\s+worth)?(?=\s+(?:of|in|into|on)\b)"
)
"""An amount of money to trade, as a pattern: ``$5,000 of``, ``5k in``, ``for $2,000``."""
NOTIONAL_RE = re.compile(NOTIONAL, re.IGNORECASE)


def read_limit_price(text: str) -> Decimal | None:
    """The limit price ``text`` sets (``at $120``, ``limit 120.50``, ``@ 99``); ``None`` if none."""
    match = LIMIT_RE.search(text)
    if match is None:
        return None
    amount = parse_money(match["price"].replace(" ", "")) or parse_money(match["price"] + " usd")
    return amount.amount if amount is not None else None


def read_notional(text: str) -> Decimal | None:
    """An amount of money to trade (``$5,000 of AAPL``, ``5k of MSFT``); ``None`` if none."""
    match = NOTIONAL_RE.search(text)
    if match is None:
        return None
    if match["words"]:
        value = amount_in_words(match["words"])
        return Decimal(value) if value else None
    raw = match["amount"] or match["spend"]
    mention = parse_money(raw) or parse_money(raw + " usd")
    return mention.amount if mention is not None else None


_SELL_RE = re.compile(r"\b(?:sell|short|dump|unload|trim|exit|get out of)\b", re.IGNORECASE)
_GTC_RE = re.compile(r"\b(?:gtc|good[- ](?:till|til|until)[- ]cancel+ed)\b", re.IGNORECASE)


def is_sell(text: str) -> bool:
    """Whether ``text`` asks to sell (``sell``, ``short``, ``trim``...) rather than buy."""
    return _SELL_RE.search(text) is not None


def is_gtc(text: str) -> bool:
    """Whether ``text`` asks for a good-till-cancelled order."""
    return _GTC_RE.search(text) is not None
