"""Prices are found by model family, never across families, and cache reads cost less."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, LLMResult

from plangate.graphs.engine.metering import _CURRENT, meter
from plangate.graphs.engine.prices import DEFAULT_PRICES, PRICES_AS_OF, Price, price_of


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("gpt-4o-2024-08-06", "gpt-4o"),
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("openai:gpt-4.1-mini", "gpt-4.1-mini"),
        ("openai/gpt-4.1-nano-2025-04-14", "gpt-4.1-nano"),
        ("o3-2025-04-16", "o3"),
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
        ("claude-3-5-sonnet@20240620", "claude-3-5-sonnet"),
        ("claude-3-5-haiku-latest", "claude-3-5-haiku"),
        ("us.anthropic.claude-3-5-sonnet-20240620-v1:0", "claude-3-5-sonnet"),
    ],
)
def test_dated_and_prefixed_names_find_their_family(name: str, family: str) -> None:
    assert price_of(name, DEFAULT_PRICES) == DEFAULT_PRICES[family]


def test_families_never_borrow_each_others_price() -> None:
    prices = {"gpt-4o": Price(2.5, 10)}
    assert price_of("gpt-4o-mini-2024-07-18", prices) is None
    assert price_of("gpt-4o-2024-11-20", prices) == Price(2.5, 10)
    assert price_of("llama3.1:8b", DEFAULT_PRICES) is None


def test_your_prices_win_over_the_table() -> None:
    mine = {**DEFAULT_PRICES, "gpt-4o": Price(1, 1)}
    assert price_of("gpt-4o-2024-08-06", mine) == Price(1, 1)
    assert PRICES_AS_OF.year >= 2025


def test_a_negative_price_is_refused() -> None:
    with pytest.raises(ValueError, match=r"Price\.output must be >= 0"):
        Price(1.0, -2.0)


def test_cache_reads_are_priced_at_the_cached_rate() -> None:
    message = AIMessage(
        content="hi",
        usage_metadata={
            "input_tokens": 1_000_000, "output_tokens": 0, "total_tokens": 1_000_000,
            "input_token_details": {"cache_read": 800_000},
        },
        response_metadata={"model_name": "claude-sonnet-4-5-20250929"},
    )  # fmt: skip
    with meter(DEFAULT_PRICES) as used:
        handler = _CURRENT.get()
        assert handler is not None
        handler.on_llm_end(LLMResult(generations=[[ChatGeneration(message=message)]]))
    # 200k uncached at $3 plus 800k cached at $0.30, per million
    assert used.cost == pytest.approx(0.6 + 0.24)
    assert used.by_model == {"claude-sonnet-4-5-20250929": 1_000_000}
