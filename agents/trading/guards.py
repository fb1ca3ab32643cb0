"""The trading policy's order checks: guardrails on ``place_order``, before it reaches the broker.

Each check looks at the resolved order at the ``tool_call`` stage — after a person's edit too,
since the engine guards edited arguments again — and either allows it or blocks it with the
figures behind the decision. The checks are business rules (``plangate.agents.trading.rules``)
judged by ``OrderRules``; their figures come from the ``Desk`` (``plangate.agents.trading.desk``):
the quote, the positions and the account the run read before the order, else the market and broker
backends bound in the agent's toolset. An order is measured at the most it can cost or the least
it can fetch: its limit, else the ask (buy) or the bid (sell).

A check that cannot read what it needs (the market refuses the symbol, the broker times out)
blocks the order and says why: a limit that cannot be verified is treated as broken.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace
from decimal import Decimal

from plangate.agents.trading.desk import Desk
from plangate.agents.trading.rules import (
    ORDER_TOOL,
    SHORT_SELLING,
    daily_loss_rule,
    notional_rules,
    position_share_rules,
    restricted_rule,
)
from plangate.graphs.guards.business_rules import BusinessRule, BusinessRules
from plangate.graphs.guards.guardrails import GuardSubject, Stage, Verdict
from plangate.tools.domains.broker.models import OrderRequest
from plangate.tools.registry import Toolset

_STAGES = (Stage.TOOL_CALL,)


class OrderRules(BusinessRules):
    """Business rules on ``place_order``, judged on the order as the broker will read it.

    The arguments are read as an ``OrderRequest`` first (``"5"`` shares are 5, a limit price
    keeps its cents), so the rules and their messages see the order the broker would receive.
    Lookups are answered by the ``Desk``.

    Args:
        rules: the rules.
        desk: answers the lookups (quotes, positions, account); ``None`` for rules without.
        name: the guardrail's name in verdicts.
        toolset: the agent's tools, to validate the rules against when the policy is built.
    """

    def __init__(
        self,
        rules: Iterable[BusinessRule],
        desk: Desk | None,
        *,
        name: str,
        toolset: Toolset | None = None,
    ) -> None:
        super().__init__(rules, toolset, reader=desk, stages=_STAGES, name=name)

    async def check(self, subject: GuardSubject) -> Verdict:
        """Allow anything but an order; judge an order by the rules."""
        if subject.tool is None or subject.tool.name != ORDER_TOOL:
            return Verdict.allow(self.name, subject.stage)
        order = OrderRequest.model_validate(subject.args or {})
        return await super().check(replace(subject, args=order.model_dump(mode="json")))


class RestrictedSymbols(OrderRules):
    """No order, buy or sell, in a symbol on the restricted list."""

    def __init__(self, symbols: Collection[str], *, toolset: Toolset | None = None) -> None:
        self.symbols = frozenset(symbol.upper() for symbol in symbols)
        rules = [restricted_rule(self.symbols)]
        super().__init__(rules, None, name="restricted_symbols", toolset=toolset)


class NoShortSelling(OrderRules):
    """No sell of more shares than are held."""

    def __init__(self, desk: Desk, *, toolset: Toolset | None = None) -> None:
        self.desk = desk
        super().__init__([SHORT_SELLING], desk, name="no_short_selling", toolset=toolset)


class MaxOrderNotional(OrderRules):
    """No order worth more than ``limit`` (shares × the price it is measured at)."""

    def __init__(self, desk: Desk, limit: Decimal, *, toolset: Toolset | None = None) -> None:
        self.desk = desk
        self.limit = limit
        rules = notional_rules(limit)
        super().__init__(rules, desk, name="max_order_notional", toolset=toolset)


class MaxPositionShare(OrderRules):
    """After a buy, the position must not exceed ``share`` of the account's equity."""

    def __init__(self, desk: Desk, share: Decimal, *, toolset: Toolset | None = None) -> None:
        self.desk = desk
        self.share = share
        rules = position_share_rules(share)
        super().__init__(rules, desk, name="max_position_share", toolset=toolset)


class DailyLossLimit(OrderRules):
    """No new buys once equity has fallen more than ``max_loss`` since the last close."""

    def __init__(self, desk: Desk, max_loss: Decimal, *, toolset: Toolset | None = None) -> None:
        self.desk = desk
        self.max_loss = max_loss
        rules = [daily_loss_rule(max_loss)]
        super().__init__(rules, desk, name="daily_loss_limit", toolset=toolset)
