"""Model prices: a dated table of common models, and finding a model's price by its family.

Providers answer with dated model names (``gpt-4o-2024-08-06``, ``claude-sonnet-4-5-20250929``),
while people price families (``gpt-4o``). ``price_of`` finds the price of a model name by trying,
in order: the name itself; the name without a provider prefix (``openai:``, ``openai/``,
``models/``); then without a date or version suffix (``-2024-08-06``, ``-20250929``, ``@20240620``,
``-latest``, ``-001``). It never guesses across families: ``gpt-4o-mini`` is not ``gpt-4o``.

``DEFAULT_PRICES`` holds list prices in USD per million tokens as published by OpenAI and
Anthropic on ``PRICES_AS_OF``; prices change, so pass your own (``Agent(prices=...)``): yours
are looked up first, then this table (the command line uses the table). A model in
neither costs nothing, and the engine says so once per model (a log warning), because then
``Budget.max_cost`` cannot bound it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Price:
    """USD per million tokens.

    Attributes:
        input: price of a million prompt tokens.
        output: price of a million completion tokens.
        cached_input: price of a million prompt tokens read from the provider's cache
            (``None``: the same as ``input``).
    """

    input: float
    output: float
    cached_input: float | None = None

    def __post_init__(self) -> None:
        for name in ("input", "output", "cached_input"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"Price.{name} must be >= 0, got {value}")


PRICES_AS_OF = date(2025, 11, 30)
"""When ``DEFAULT_PRICES`` were read off the providers' pricing pages."""

DEFAULT_PRICES: Mapping[str, Price] = {
    # OpenAI
    "gpt-5": Price(1.25, 10.00, 0.125),
    "gpt-5-mini": Price(0.25, 2.00, 0.025),
    "gpt-5-nano": Price(0.05, 0.40, 0.005),
    "gpt-4.1": Price(2.00, 8.00, 0.50),
    "gpt-4.1-mini": Price(0.40, 1.60, 0.10),
    "gpt-4.1-nano": Price(0.10, 0.40, 0.025),
    "gpt-4o": Price(2.50, 10.00, 1.25),
    "gpt-4o-mini": Price(0.15, 0.60, 0.075),
    "o3": Price(2.00, 8.00, 0.50),
    "o3-mini": Price(1.10, 4.40, 0.55),
    "o4-mini": Price(1.10, 4.40, 0.275),
    "o1": Price(15.00, 60.00, 7.50),
    "gpt-4-turbo": Price(10.00, 30.00),
    "gpt-3.5-turbo": Price(0.50, 1.50),
    # Anthropic (cache reads at a tenth of the input price)
    "claude-opus-4-5": Price(5.00, 25.00, 0.50),
    "claude-opus-4-1": Price(15.00, 75.00, 1.50),
    "claude-opus-4": Price(15.00, 75.00, 1.50),
    "claude-sonnet-4-5": Price(3.00, 15.00, 0.30),
    "claude-sonnet-4": Price(3.00, 15.00, 0.30),
    "claude-3-7-sonnet": Price(3.00, 15.00, 0.30),
    "claude-3-5-sonnet": Price(3.00, 15.00, 0.30),
    "claude-haiku-4-5": Price(1.00, 5.00, 0.10),
    "claude-3-5-haiku": Price(0.80, 4.00, 0.08),
    "claude-3-opus": Price(15.00, 75.00, 1.50),
    "claude-3-haiku": Price(0.25, 1.25, 0.03),
    # plangate's own ScriptedChatModel (tests, offline runs): free
    "scripted": Price(0.0, 0.0),
}

_PREFIX = re.compile(
    r"^(?:[a-z0-9_-]+[:/])+|^models/|^(?:[a-z]{2}\.)?(?:anthropic|openai|meta|mistral|amazon)\."
)
_SUFFIX = re.compile(
    r"(?:[-@](?:\d{4}-\d{2}-\d{2}|\d{8}|latest|preview|\d{3}|v\d+(?::\d+)?))+$", re.IGNORECASE
)


def family_names(model: str) -> list[str]:
    """The names ``model`` is looked up by, most specific first (see the module docstring)."""
    names = [model]
    bare = _PREFIX.sub("", model)
    for name in (bare, _SUFFIX.sub("", bare)):
        if name and name not in names:
            names.append(name)
    return names


def price_of(model: str, prices: Mapping[str, Price]) -> Price | None:
    """The price of ``model`` in ``prices`` (by family, see the module docstring), else ``None``."""
    return next((prices[name] for name in family_names(model) if name in prices), None)


def with_defaults(prices: Mapping[str, Price] | None) -> dict[str, Price]:
    """``DEFAULT_PRICES`` overridden by ``prices``."""
    return {**DEFAULT_PRICES, **(prices or {})}
