"""Reading indicators and trading conditions from a request.

Indicators are SMA, EMA, RSI and MACD, written as traders write them: ``14-day RSI``,
``RSI(14)``, ``RSI 14``, ``50-day SMA``, ``the 200-day moving average``, ``50DMA``, ``20-period
EMA``, ``MACD``, ``MACD(12,26,9)``. A period in hours (``14-hour RSI``) or the words ``hourly`` /
``15-minute`` choose the bars; daily bars are the default.

A condition compares two operands — an indicator's value (MACD: its line, signal or
histogram), the stock's price, or a number — with ``below``/``under``/``<``, ``above``/``over``/
``>``, ``at or below``/``at most``/``<=`` and ``at or above``/``at least``/``>=``; comparisons may
be joined with ``and``/``or``. ``oversold`` means RSI below 30 and ``overbought`` RSI above 70;
``MACD is positive`` compares the MACD line with 0. The plan turns a condition into the
condition language of ``plangate.graphs.engine.conditions`` (see ``plangate.agents.trading.plans``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from plangate.agents.trading.slots import WORD_NUMBER, Span, UnclearRequestError, word_number
from plangate.tools.domains.market.models import Timeframe

IndicatorName = Literal["sma", "ema", "rsi", "macd"]
DEFAULT_PERIODS: dict[str, int] = {"sma": 20, "ema": 20, "rsi": 14}
MACD_DEFAULTS = (12, 26, 9)
CONDITION_EXAMPLE = "Buy 10 NVDA if its 14-day RSI is below 30"

_ALIASES: dict[str, IndicatorName] = {
    "rsi": "rsi", "relative strength": "rsi", "relative strength index": "rsi",
    "sma": "sma", "simple moving average": "sma", "moving average": "sma", "ma": "sma",
    "dma": "sma", "ema": "ema", "exponential moving average": "ema", "macd": "macd",
}  # fmt: skip
_NAME = (
    r"(?P<name>relative strength(?: index)?|rsi|simple moving average|exponential moving average"
    r"|moving average|sma|ema|macd{extra})"
)
_UNIT = r"(?P<unit>days?|d|hours?|hr|h|minutes?|mins?|m|periods?|bars?|sessions?)"
_FORMS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"\bmacd\s*\(?\s*(?P<fast>\d{1,3})\s*[,/]\s*(?P<slow>\d{1,3})\s*[,/]\s*(?P<signal>\d{1,2})"
        r"\s*\)?",
        rf"\b(?P<period>\d{{1,3}})[- ]?{_UNIT}[- ]?{_NAME.format(extra='|dma|ma')}\b",
        rf"\b(?P<period>\d{{1,3}})[- ]?{_NAME.format(extra='|dma')}\b",
        rf"\b{_NAME.format(extra='')}\b(?:\s*\(\s*(?P<p2>\d{{1,3}})\s*\)|[- ]?(?P<p3>\d{{1,3}})\b"
        r"(?![.,]\d|\s*(?:%|shares?)))?",
    )
)
_HOURLY = re.compile(r"\b(?:hourly|1[- ]?hour|1h|60[- ]?min(?:ute)?s?)\b", re.IGNORECASE)
_QUARTER = re.compile(r"\b(?:15[- ]?min(?:ute)?s?|15m|quarter[- ]hour(?:ly)?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class IndicatorAsk:
    """One indicator the request mentions.

    Attributes:
        name: sma, ema, rsi or macd.
        period: its period, or ``None`` for the tool's default (MACD: ``None``).
        macd: MACD's fast, slow and signal periods, when written.
        timeframe: the bars it is computed on.
        span: where the mention is in the request.
    """

    name: IndicatorName
    period: int | None = None
    macd: tuple[int, int, int] | None = None
    timeframe: Timeframe = Timeframe.DAY
    span: Span = field(default=(0, 0), compare=False)

    def args(self) -> dict[str, Any]:
        """The ``indicator`` argument of ``compute_indicator``."""
        if self.name == "macd":
            fast, slow, signal = self.macd or MACD_DEFAULTS
            return {"name": "macd", "fast": fast, "slow": slow, "signal": signal}
        return {"name": self.name, "period": self.period or DEFAULT_PERIODS[self.name]}

    @property
    def label(self) -> str:
        """How a trader writes it: ``RSI(14)``, ``SMA(50)``, ``MACD(12,26,9)``."""
        args = self.args()
        numbers = [str(value) for key, value in args.items() if key != "name"]
        return f"{self.name.upper()}({','.join(numbers)})"

    @property
    def key(self) -> str:
        """A step-id friendly name: ``rsi14``, ``sma50``, ``macd12_26_9``."""
        args = self.args()
        return self.name + "_".join(str(value) for key, value in args.items() if key != "name")


def read_timeframe(text: str) -> Timeframe:
    """The bars ``text`` asks for: hourly, 15-minute, or daily by default."""
    if _HOURLY.search(text):
        return Timeframe.HOUR
    if _QUARTER.search(text):
        return Timeframe.MIN15
    return Timeframe.DAY


def read_indicators(text: str) -> list[IndicatorAsk]:
    """Every indicator ``text`` mentions, in order, without overlaps."""
    default_tf = read_timeframe(text)
    found: list[IndicatorAsk] = []
    taken: list[Span] = []
    for form in _FORMS:
        for match in form.finditer(text):
            if any(lo < match.end() and match.start() < hi for lo, hi in taken):
                continue
            found.append(_indicator(match, default_tf))
            taken.append(match.span())
    return sorted(found, key=lambda ask: ask.span)


def _indicator(match: re.Match[str], default_tf: Timeframe) -> IndicatorAsk:
    groups = match.groupdict()
    if groups.get("fast"):
        macd = (int(groups["fast"]), int(groups["slow"]), int(groups["signal"]))
        return IndicatorAsk("macd", macd=macd, timeframe=default_tf, span=match.span())
    name = _ALIASES[" ".join(groups["name"].lower().split())]
    raw = groups.get("period") or groups.get("p2") or groups.get("p3")
    unit = (groups.get("unit") or "").lower()
    timeframe = default_tf
    if unit.startswith("h"):
        timeframe = Timeframe.HOUR
    elif unit.startswith("m"):
        timeframe = Timeframe.MIN15
    period = int(raw) if raw and name != "macd" else None
    return IndicatorAsk(name, period=period, timeframe=timeframe, span=match.span())


@dataclass(frozen=True)
class Operand:
    """One side of a comparison.

    Attributes:
        kind: an indicator's value, the stock's price, or a number.
        indicator: the indicator, for ``kind="indicator"``.
        path: where in the indicator's result: ``value``, ``values.signal``, ``values.histogram``.
        number: the number, for ``kind="number"``.
    """

    kind: Literal["indicator", "price", "number"]
    indicator: IndicatorAsk | None = None
    path: str = "value"
    number: Decimal | None = None


@dataclass(frozen=True)
class Comparison:
    """``left op right``."""

    left: Operand
    op: Literal["<", "<=", ">", ">="]
    right: Operand


@dataclass(frozen=True)
class ConditionAsk:
    """Comparisons joined by ``and`` / ``or`` (``joiners[i]`` joins comparison i and i+1)."""

    comparisons: tuple[Comparison, ...]
    joiners: tuple[Literal["and", "or"], ...] = ()

    @property
    def indicators(self) -> list[IndicatorAsk]:
        """The distinct indicators the condition reads, in order."""
        operands = [o for c in self.comparisons for o in (c.left, c.right)]
        return list(dict.fromkeys(o.indicator for o in operands if o.indicator is not None))


_OPS = re.compile(
    r"(?P<le>\bat or (?:below|under)\b|\bno (?:more|higher) than\b|\bnot above\b|\bat most\b"
    r"|<=|≤|=<)"
    r"|(?P<ge>\bat or (?:above|over)\b|\bno (?:less|lower) than\b|\bnot below\b|\bat least\b"
    r"|>=|≥|=>)"
    r"|(?P<lt>\b(?:below|under|beneath|less than|lower than|cheaper than)\b|<)"
    r"|(?P<gt>\b(?:above|over|greater than|more than|higher than|exceeds?|tops)\b|>)",
    re.IGNORECASE,
)
_OP_SYMBOL: dict[str, Literal["<", "<=", ">", ">="]] = {
    "le": "<=",
    "ge": ">=",
    "lt": "<",
    "gt": ">",
}
_NUMBER = re.compile(r"(?<![\w.])\$?\s*(?P<n>-?\d[\d,]*(?:\.\d+)?)(?!\d|[.,]\d)")
_WORDS = re.compile(rf"\s*(?:the\s+)?(?P<n>{WORD_NUMBER})\b(?<!\ba)", re.IGNORECASE)
_JOIN = re.compile(r"(?<!\bat)\s+(and|or)\s+(?!(?:below|under|above|over)\b)", re.IGNORECASE)
_RSI = IndicatorAsk("rsi", period=14)


def read_condition(text: str, request: str) -> ConditionAsk:
    """The condition in ``text`` (the words after "if").

    Raises:
        UnclearRequestError: a part of it compares nothing this grammar can read.
    """
    parts = _JOIN.split(text)
    comparisons = [_comparison(part, request) for part in parts[::2]]
    joiners: tuple[Literal["and", "or"], ...] = tuple(
        "and" if j.lower() == "and" else "or" for j in parts[1::2]
    )
    return ConditionAsk(tuple(comparisons), joiners)


def _comparison(text: str, request: str) -> Comparison:
    lowered = text.lower()
    mentioned = read_indicators(text)
    if re.search(r"\boversold\b", lowered):
        rsi = next((ask for ask in mentioned if ask.name == "rsi"), _RSI)
        return Comparison(Operand("indicator", rsi), "<", Operand("number", number=Decimal(30)))
    if re.search(r"\boverbought\b", lowered):
        rsi = next((ask for ask in mentioned if ask.name == "rsi"), _RSI)
        return Comparison(Operand("indicator", rsi), ">", Operand("number", number=Decimal(70)))
    op_match = _OPS.search(text)
    sign = re.search(r"\b(?:is|turns|goes|stays|becomes)\s+(positive|negative)\b", lowered)
    if op_match is None and sign is not None and mentioned:
        op: Literal["<", "<=", ">", ">="] = ">" if sign[1] == "positive" else "<"
        return Comparison(_side(mentioned[0], text), op, Operand("number", number=Decimal(0)))
    if op_match is None:
        raise UnclearRequestError(
            request, f"the condition {text.strip()!r} (say 'below 30' or 'above $120')",
            CONDITION_EXAMPLE,
        )  # fmt: skip
    op = _OP_SYMBOL[next(name for name, value in op_match.groupdict().items() if value)]
    before = [ask for ask in mentioned if ask.span[0] < op_match.start()]
    after = [ask for ask in mentioned if ask.span[0] >= op_match.end()]
    left = _side(before[0], text[: op_match.start()]) if before else Operand("price")
    rest = text[op_match.end() :]
    if re.search(r"\bsignal\b", rest, re.IGNORECASE) and left.indicator is not None:
        right = Operand("indicator", left.indicator, path="values.signal")
    elif after:
        right = _side(after[0], rest)
    elif (number := _NUMBER.search(rest)) is not None:
        right = Operand("number", number=Decimal(number["n"].replace(",", "")))
    elif (words := _WORDS.match(rest)) is not None and word_number(words["n"]) is not None:
        right = Operand("number", number=Decimal(word_number(words["n"]) or 0))
    elif re.search(r"\bzero\b", rest, re.IGNORECASE):
        right = Operand("number", number=Decimal(0))
    else:
        raise UnclearRequestError(
            request, f"what {text.strip()!r} compares with (a number, or an indicator)",
            CONDITION_EXAMPLE,
        )  # fmt: skip
    if left.kind == "price" and right.kind == "price":
        raise UnclearRequestError(request, "what the price is compared with", CONDITION_EXAMPLE)
    return Comparison(left, op, right)


def _side(ask: IndicatorAsk, text: str) -> Operand:
    if ask.name == "macd" and re.search(r"\bhistogram\b", text, re.IGNORECASE):
        return Operand("indicator", ask, path="values.histogram")
    if ask.name == "macd" and re.search(r"\bsignal\b", text, re.IGNORECASE):
        return Operand("indicator", ask, path="values.signal")
    return Operand("indicator", ask)
