"""Metering model calls: tokens from the models' usage metadata, cost from a price table.

Nodes that call a model wrap the call in ``meter()``; LangChain reports each chat model's
``usage_metadata`` to the handler, and the node adds tokens and cost to the run's usage, where
``Budget`` bounds them. A model missing from the price table costs nothing (and says so in its
name: ``prices`` lists what you pay for).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from langchain_core.callbacks import UsageMetadataCallbackHandler
from langchain_core.tracers.context import register_configure_hook


class _InlineUsage(UsageMetadataCallbackHandler):
    """Collects usage on the event loop: a plain handler would hop to a worker thread per call."""

    run_inline = True


# One context variable, registered once: LangChain's get_usage_metadata_callback registers a new
# hook on every use, which piles up in a long-running process.
_CURRENT: ContextVar[_InlineUsage | None] = ContextVar("plangate_usage", default=None)
register_configure_hook(_CURRENT, inheritable=True)


@dataclass(frozen=True)
class Price:
    """USD per million tokens.

    Attributes:
        input: price of a million prompt tokens.
        output: price of a million completion tokens.
    """

    input: float
    output: float


@dataclass
class Meter:
    """Tokens and cost of the model calls made inside one ``meter()`` block."""

    tokens: int = 0
    cost: float = 0.0
    by_model: dict[str, int] = field(default_factory=dict)


@contextmanager
def meter(prices: Mapping[str, Price]) -> Iterator[Meter]:
    """Measure the model calls made in the block."""
    result = Meter()
    handler = _InlineUsage()
    token = _CURRENT.set(handler)
    try:
        yield result
    finally:
        _CURRENT.reset(token)
        for model, usage in handler.usage_metadata.items():
            total = int(usage.get("total_tokens", 0))
            result.tokens += total
            result.by_model[model] = result.by_model.get(model, 0) + total
            price = prices.get(model)
            if price is not None:
                result.cost += (
                    usage.get("input_tokens", 0) * price.input
                    + usage.get("output_tokens", 0) * price.output
                ) / 1_000_000
