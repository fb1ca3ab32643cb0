"""Slot parsers: dates, times, counts and amounts of money as people write them.

Intent grammars (``plangate.graphs.offline.grammar``) capture a slot's text with a named group and
hand it to one of these parsers. Each parser returns a value or ``None``, never raises, and reads
the *first* expression of its kind in the text, so a whole request also works::

    parse_date("dinner next Friday at 8", today=date(2026, 3, 9))   # date(2026, 3, 13)
    parse_time("dinner next Friday at 8 tonight")                    # time(20, 0)
    parse_count("a table for two")                                   # 2
    parse_money("buy 10 shares for $5,000")                          # 5000 USD

Conventions, chosen to be predictable rather than clever:

- ``next <weekday>`` is the first such day *after* today; ``this <weekday>``, ``on <weekday>``
  and a bare weekday are the first on or after today; ``this weekend`` is that Saturday.
- A day without a month (``on the 14th``) and a day and month without a year (``March 3``,
  ``14/03``) are their next occurrence on or after today. Numeric dates are day/month
  (``14/03``, ``14/03/2026``); ISO dates (``2026-03-14``) are read exactly. A day may be
  written in words (``the fourteenth``, ``the twenty-first``).
- A bare hour (``at 8``) is read on a 24-hour clock, unless the text says evening, night or
  afternoon (then pm) or ``prefer_pm=True`` — the reservation grammar passes that, since
  nobody books dinner at 8 am. Quarters and minutes in words are read too: ``quarter past
  seven``, ``quarter to eight`` (7:45), ``at seven thirty``.
- Counts are digits or the words one to twenty, ``a couple``/``a pair`` (2) and ``a dozen``.
- Money needs a currency or a multiplier (``$5,000``, ``EUR 300``, ``300 euros``, ``5k``),
  except when the text is a bare number and nothing else (a slot that holds only the amount).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation

from plangate.tools.money import Money

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")  # fmt: skip
_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen", "twenty")  # fmt: skip
NUMBER_WORDS = {word: value for value, word in enumerate(_WORDS)}
_COUNT_PHRASES = {"a couple": 2, "couple": 2, "a pair": 2, "a dozen": 12, "dozen": 12}
CURRENCY_WORDS = {
    "$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "bucks": "USD",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP",
    "¥": "JPY", "jpy": "JPY", "yen": "JPY", "chf": "CHF", "francs": "CHF",
    "cad": "CAD", "aud": "AUD", "sek": "SEK", "nok": "NOK", "dkk": "DKK",
}  # fmt: skip
_MULTIPLIERS = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "mm": 1_000_000,
                "million": 1_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000}  # fmt: skip

_MONTH = r"(?P<month>" + "|".join(f"{m[:3]}(?:{m[3:]})?" for m in MONTHS) + r"|sept)\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
_WEEKDAY = r"(?P<weekday>" + "|".join(f"{d[:3]}(?:{d[3:]})?" for d in WEEKDAYS) + r")"
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
             "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
             "seventeenth", "eighteenth", "nineteenth", "twentieth")  # fmt: skip
ORDINAL_WORDS: dict[str, int] = (
    {word: day for day, word in enumerate(_ORDINALS, 1)}
    | {f"twenty{sep}{word}": 20 + day for day, word in enumerate(_ORDINALS[:9], 1) for sep in "- "}
    | {"thirtieth": 30, "thirty-first": 31, "thirty first": 31}
)
"""Days of the month in words ("the fourteenth", "the twenty-first")."""
_ORDINAL_WORDS_RE = "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True))
_DATE_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("iso", r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?!\d)"),
        ("numeric", r"(?<![\d/])(?P<day>\d{1,2})/(?P<month>\d{1,2})"
                    r"(?:/(?P<year>\d{4}))?(?![\d/])"),
        ("month_day", rf"\b{_MONTH}\s+{_DAY}\b{_YEAR}"),
        ("day_month", rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?![a-z]){_YEAR}"),
        ("relative", r"\b(?P<word>day after tomorrow|today|tonight|tomorrow|this weekend"
                     r"|this (?:evening|morning|afternoon))\b"),
        ("in_days", r"\bin\s+(?P<n>\d{1,3}|a|an|one|two|three|four|five|six|seven)"
                    r"\s+(?P<unit>days?|weeks?)\b"),
        ("weekday", rf"\b(?:(?P<which>next|this|on|coming)\s+)?{_WEEKDAY}\b"),
        ("ordinal", r"\b(?:on\s+)?the\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)\b"),
        ("ordinal_word", rf"\b(?:on\s+)?the\s+(?P<dayword>{_ORDINAL_WORDS_RE})\b(?!\s+of\s+(?:us|them))"),
    )
)  # fmt: skip


def parse_date(text: str, today: date) -> date | None:
    """The first date ``text`` mentions, read relative to ``today``; ``None`` when there is none.

    Forms tried in this order (the first form that yields a valid date wins): ISO, day/month,
    month name then day, day then month name, today/tonight/tomorrow/this weekend, ``in N
    days|weeks``, weekdays, ``the 14th``. See the module docstring for what each means.
    """
    for kind, pattern in _DATE_FORMS:
        for match in pattern.finditer(text):
            try:
                found = _date_from(kind, match, today)
            except (ValueError, OverflowError):
                found = None
            if found is not None:
                return found
    return None


def date_mentions(text: str, today: date) -> list[tuple[tuple[int, int], date | None]]:
    """Every expression of ``text`` shaped like a date, with its span and value (``None`` when
    it is no real date, e.g. ``February 30``); overlapping shapes are all listed."""
    found: list[tuple[tuple[int, int], date | None]] = []
    for kind, pattern in _DATE_FORMS:
        for match in pattern.finditer(text):
            try:
                value = _date_from(kind, match, today)
            except (ValueError, OverflowError):
                value = None
            found.append((match.span(), value))
    return found


def _date_from(kind: str, match: re.Match[str], today: date) -> date | None:
    groups = match.groupdict()
    if kind == "relative":
        word = groups["word"].lower()
        offsets = {"tomorrow": 1, "day after tomorrow": 2}
        if word == "this weekend":
            return today + timedelta(days=(5 - today.weekday()) % 7)
        return today + timedelta(days=offsets.get(word, 0))
    if kind == "in_days":
        raw = groups["n"].lower()
        n = int(raw) if raw.isdigit() else NUMBER_WORDS.get(raw, 1)
        return today + timedelta(days=n * (7 if groups["unit"].lower().startswith("week") else 1))
    if kind == "weekday":
        target = next(
            i for i, d in enumerate(WEEKDAYS) if d.startswith(groups["weekday"][:3].lower())
        )
        ahead = (target - today.weekday()) % 7
        strictly_after = (groups["which"] or "").lower() == "next"
        return today + timedelta(days=ahead or (7 if strictly_after else 0))
    if kind == "ordinal_word":
        return _next_day_of_month(ORDINAL_WORDS[" ".join(groups["dayword"].lower().split())], today)
    day = int(groups["day"])
    if kind == "ordinal":
        return _next_day_of_month(day, today)
    raw_month = groups["month"]
    month = int(raw_month) if raw_month.isdigit() else _month_number(raw_month)
    if groups.get("year"):
        return date(int(groups["year"]), month, day)
    return _next_day_and_month(day, month, today)


def _month_number(name: str) -> int:
    prefix = name.rstrip(".").lower()[:3]
    return next(i for i, m in enumerate(MONTHS, 1) if m.startswith(prefix))


def _next_day_of_month(day: int, today: date) -> date | None:
    """``day`` in this month if not past, else the next month that has it."""
    year, month = today.year, today.month
    for _ in range(13):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _next_day_and_month(day: int, month: int, today: date) -> date | None:
    """This year's ``day``/``month`` if not past, else the next year that has it (29 February)."""
    date(2000, month, day)  # 2000 is a leap year: raises only for days no year has
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


_NUMBER_WORDS_RE = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_TIME_RE = re.compile(
    r"""(?P<noon>\b(?:noon|midday)\b)
    | (?P<midnight>\bmidnight\b)
    | (?<![\d:./])(?P<h1>\d{1,2})(?:[:.](?P<m1>\d{2}))?\s*(?P<ampm>[ap])\.?m\.?(?![a-z])
    | (?<![\d:./-])(?P<h2>\d{1,2})[:h](?P<m2>\d{2})(?![\d:])
    | \b(?P<h3>\d{1,2}|"""
    + _NUMBER_WORDS_RE
    + r""")\s+o'?clock\b
    | \bhalf\s+past\s+(?P<h4>\d{1,2}|"""
    + _NUMBER_WORDS_RE
    + r""")\b
    | \b(?:a\s+)?quarter\s+(?P<qdir>past|after|to|before)\s+(?P<h7>\d{1,2}|"""
    + _NUMBER_WORDS_RE
    + r""")\b
    | \b(?:at|around|about|by|circa)\s+(?P<h8>one|two|three|four|five|six|seven|eight|nine|ten
      |eleven|twelve)\s+(?P<m8>fifteen|thirty|forty[- ]five)\b
    | \b(?:at|around|about|by|from)\s+(?P<h6>\d{1,2})h(?![\w:])
    | \b(?:at|around|about|by|circa|at\s+around|at\s+about)\s+(?P<h5>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve
      |one(?!\s+of\b))\b(?![\d:./,]|\s*(?:[ap]\.?m\b|%|people|persons|guests|shares))""",
    re.IGNORECASE | re.VERBOSE,
)
_PM_CONTEXT = re.compile(r"\b(?:evening|tonight|night|afternoon|dinner|pm)\b", re.IGNORECASE)


def parse_time(text: str, *, prefer_pm: bool = False) -> time | None:
    """The first time of day ``text`` mentions; ``None`` when there is none.

    Args:
        text: e.g. ``"7pm"``, ``"7:30 pm"``, ``"19:30"``, ``"20h"``, ``"noon"``, ``"at 8"``,
            ``"around 8"``.
        prefer_pm: read a bare hour from 1 to 11 (``at 8``, ``8 o'clock``) as pm.
    """
    pm_context = prefer_pm or _PM_CONTEXT.search(text) is not None
    for match in _TIME_RE.finditer(text):
        found = _time_from(match, pm_context)
        if found is not None:
            return found
    return None


def time_mentions(
    text: str, *, prefer_pm: bool = False
) -> list[tuple[tuple[int, int], time | None]]:
    """Every expression of ``text`` shaped like a time of day, with its span and value
    (``None`` when it is no real time, e.g. ``at 25``)."""
    pm_context = prefer_pm or _PM_CONTEXT.search(text) is not None
    return [(match.span(), _time_from(match, pm_context)) for match in _TIME_RE.finditer(text)]


def _time_from(match: re.Match[str], pm_context: bool) -> time | None:
    g = match.groupdict()
    if g["noon"] or g["midnight"]:
        return time(12) if g["noon"] else time(0)
    if g["h1"]:
        hour, minute = int(g["h1"]), int(g["m1"] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        return time(hour % 12 + (12 if g["ampm"].lower() == "p" else 0), minute)
    if g["h2"]:
        hour, minute = int(g["h2"]), int(g["m2"])
        return time(hour, minute) if hour <= 23 and minute <= 59 else None
    if g["h7"] or g["h8"]:
        return _quarter_time(g, pm_context)
    if g["h6"]:
        return time(int(g["h6"])) if int(g["h6"]) <= 23 else None  # "20h": a 24-hour clock
    raw = g["h3"] or g["h4"] or g["h5"]
    hour = int(raw) if raw.isdigit() else NUMBER_WORDS[raw.lower()]
    if hour > 23 or (hour == 0 and not g["h5"]):
        return None
    if pm_context and 1 <= hour <= 11:
        hour += 12
    return time(hour, 30 if g["h4"] else 0)


_MINUTE_WORDS = {"fifteen": 15, "thirty": 30, "forty-five": 45, "forty five": 45}


def _quarter_time(g: dict[str, str], pm_context: bool) -> time | None:
    """``quarter past seven`` (7:15), ``quarter to eight`` (7:45), ``at seven thirty`` (7:30)."""
    raw = g["h7"] or g["h8"]
    hour = int(raw) if raw.isdigit() else NUMBER_WORDS[raw.lower()]
    if not 1 <= hour <= 12:
        return None
    if g["h8"]:
        minute = _MINUTE_WORDS[" ".join(g["m8"].lower().split())]
    elif g["qdir"].lower() in ("to", "before"):
        hour, minute = hour - 1 or 12, 45
    else:
        minute = 15
    if pm_context and 1 <= hour <= 11:
        hour += 12
    return time(hour % 24, minute)


_COUNT_RE = re.compile(
    r"(?<![\d$€£¥.,:/-])(?P<digits>\d{1,3}(?:,\d{3})+|\d{1,7})"
    r"(?![\d.,:/%]|st\b|nd\b|rd\b|th\b|-\d)"
    r"|\b(?P<phrase>a couple|couple|a pair|a dozen|dozen)\b"
    rf"|\b(?P<word>{_NUMBER_WORDS_RE})\b(?!\s+o'?clock)",
    re.IGNORECASE,
)


def parse_count(text: str) -> int | None:
    """The first count ``text`` mentions (``4``, ``four``, ``a couple``); ``None`` if none.

    Numbers inside a date, a time or an amount of money are skipped (``March 3 at 7pm for
    2`` is 2): those expressions are blanked out before the count is looked for.
    """
    match = _COUNT_RE.search(_mask_non_counts(text))
    if match is None:
        return None
    if match["digits"]:
        return int(match["digits"].replace(",", ""))
    if match["phrase"]:
        return _COUNT_PHRASES[match["phrase"].lower()]
    return NUMBER_WORDS[match["word"].lower()]


def _mask_non_counts(text: str) -> str:
    spans = [m.span() for _, pattern in _DATE_FORMS for m in pattern.finditer(text)]
    spans += [m.span() for m in _TIME_RE.finditer(text)]
    spans += [
        m.span()
        for m in _MONEY_RE.finditer(text)
        if m["pre"] or m["post"] or m["scale"] or m["scale_word"]
    ]
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


@dataclass(frozen=True)
class MoneyMention:
    """An amount of money as written; the currency is ``None`` when the text names none.

    Attributes:
        amount: the amount, multipliers applied (``1.5k`` is 1500).
        currency: ISO 4217 code, or ``None``.
    """

    amount: Decimal
    currency: str | None = None

    def money(self, default_currency: str) -> Money:
        """As ``Money``, in ``default_currency`` when the text named no currency."""
        return Money(amount=self.amount, currency=self.currency or default_currency)


_CODES = "usd|eur|gbp|jpy|chf|cad|aud|sek|nok|dkk"
_SYMBOLS = rf"(?P<pre>\$|€|£|¥|\b(?:{_CODES}))"
_NUMBER = r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"(?:\s*(?P<scale>k|mm|m|bn)\b|\s+(?P<scale_word>thousand|million|billion)\b)?"
_WORD_UNITS = r"dollars?|bucks|euros?|pounds?|yen|francs|€|\$"
_POST = rf"(?:\s*(?P<post>{_CODES}|{_WORD_UNITS})(?![a-z]))?"
_MONEY_RE = re.compile(rf"(?:{_SYMBOLS}\s*)?(?<![\d.,]){_NUMBER}{_SCALE}{_POST}", re.IGNORECASE)


def parse_money(text: str) -> MoneyMention | None:
    """The first amount of money ``text`` mentions; ``None`` when there is none.

    An amount needs a currency (``$5,000``, ``EUR 300``, ``300 euros``) or a multiplier
    (``5k``, ``1.5k``, ``2 million``), unless ``text`` is nothing but a number.
    """
    for match in _MONEY_RE.finditer(text):
        scale = match["scale"] or match["scale_word"]
        marker = match["pre"] or match["post"]
        if not (marker or scale or text.strip() == match.group().strip()):
            continue
        try:
            amount = Decimal(match["number"].replace(",", ""))
        except InvalidOperation:
            continue
        if scale:
            amount *= _MULTIPLIERS[scale.lower()]
        currency = CURRENCY_WORDS[marker.lower()] if marker else None
        if amount == amount.to_integral_value():
            amount = amount.quantize(Decimal(1))  # "1.5k" is 1500, not 1500.0
        return MoneyMention(amount, currency)
    return None
