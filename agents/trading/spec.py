"""``SPEC``: the trading assistant, assembled from its parts."""

from __future__ import annotations

from plangate.agents.spec import AgentSpec
from plangate.agents.trading.answer import answer
from plangate.agents.trading.grammar import GRAMMAR
from plangate.agents.trading.instructions import DESCRIPTION, EXAMPLES, INSTRUCTIONS
from plangate.agents.trading.policy import policy
from plangate.agents.trading.response import TradeReport

TOOLS: tuple[str, ...] = (
    "get_quote",
    "get_bars",
    "compute_indicator",
    "search_documents",
    "get_document",
    "get_account",
    "get_positions",
    "list_orders",
    "place_order",
    "cancel_order",
)
"""The tools the assistant may use: market data, research, and the paper broker."""

SPEC = AgentSpec(
    name="trading",
    description=DESCRIPTION,
    instructions=INSTRUCTIONS,
    tools=TOOLS,
    response_model=TradeReport,
    policy=policy,
    grammar=GRAMMAR,
    offline_answer=answer,
    examples=EXAMPLES,
)
"""The trading assistant (``plangate.agents.catalog.agent_spec("trading")``)."""
