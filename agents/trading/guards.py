"""The trading policy's order checks: guardrails on ``place_order``, before it reaches the broker.

Each check looks at the resolved order at the ``tool_call`` stage — after a person's edit too,
since the engine guards edited arguments again — and either allows it or blocks it with the
figures behind the decision. The figures come from the ``Desk`` (``plangate.agents.trading.desk``):
the quote, the positions and the account the run read before the order, else the market and broker
backends bound in the agent's toolset. An order is measured at the most it can cost or the least
it can fetch: its limit, else the ask (buy) or the bid (sell).

A check that cannot read what it needs (the market refuses the symbol, the broker times out)
blocks the order and says why: a limit that cannot be verified is treated as broken.

Restricted symbols, no short selling and the notional limit are business rules
(``plangate.agents.trading.rules``) judged by ``OrderRules``; the position share and the daily
loss limit are hand-written ``OrderCheck``s (``rules`` says why).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from plangate.agents.trading.desk import Desk
from plangate.agents.trading.rules import (
    ORDER_TOOL,
    SHORT_SELLING,
    money,
    notional_rules,
    restricted_rule,
)
from plangate.graphs.guards.business_rules import BusinessRule, BusinessRules
from plangate.graphs.guards.guardrails import GuardSubject, Stage, Verdict
from plangate.tools.domains.broker.models import OrderRequest, OrderSide
from plangate.tools.errors import ToolError
from plangate.tools.registry import Toolset

_STAGES = frozenset({Stage.TOOL_CALL})


class OrderCheck:
    """Base of the order checks: reads the order, decides, and fails closed with a reason."""

    name = "order_check"
    stages = _STAGES

    async def check(self, subject: GuardSubject) -> Verdict:
        """Allow anything but an order; decide about an order (see ``decide``)."""
        if subject.tool is None or subject.tool.name != ORDER_TOOL:
            return Verdict.allow(self.name, subject.stage)
        order = OrderRequest.model_validate(subject.args or {})
        try:
            reason, details = await self.decide(order)
        except ToolError as exc:
            reason, details = f"cannot check the order: {exc}", {"error": type(exc).__name__}
        if reason is None:
            return Verdict.allow(self.name, subject.stage)
        return Verdict.block(self.name, subject.stage, reason, details=details)

    async def decide(self, order: OrderRequest) -> tuple[str | None, dict[str, Any]]:
        """Why ``order`` breaks the policy, with the figures; ``None`` when it does not."""
        raise NotImplementedError


class OrderRules(BusinessRules):
    """Business rules on ``place_order``, judged on the order as the broker will read it.

    The arguments are read as an ``OrderRequest`` first (``"5"`` shares are 5, a limit price
    keeps its cents), so the rules and their messages see the order the broker would receive.
    Lookups are answered by the ``Desk``.

    Args:
        rules: the rules.
        desk: answers the lookups (quotes, positions, account).
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


class MaxPositionShare(OrderCheck):
    """After a buy, the position must not exceed ``share`` of the account's equity."""

    name = "max_position_share"

    def __init__(self, desk: Desk, share: Decimal) -> None:
        self.desk = desk
        self.share = share

    async def decide(self, order: OrderRequest) -> tuple[str | None, dict[str, Any]]:
        """Block a buy that would make the position too large a share of equity."""
        if order.side is not OrderSide.BUY:
            return None, {}
        price, what = await self.desk.price(order)
        held = await self.desk.held(order.symbol)
        equity = (await self.desk.account()).equity
        after = (held + order.qty) * price
        if equity > 0 and after <= self.share * equity:
            return None, {}
        share = after / equity if equity > 0 else Decimal("Infinity")
        reason = (
            f"after the order the {order.symbol} position would be ({held} held + {order.qty}) × "
            f"${price} ({what}) = {money(after)}, {share:.1%} of equity {money(equity)}; "
            f"the limit is {self.share:.0%}"
        )
        details = {"position": str(after), "equity": str(equity), "share": str(self.share)}
        return reason, details


class DailyLossLimit(OrderCheck):
    """No new buys once equity has fallen more than ``max_loss`` since the last close."""

    name = "daily_loss_limit"

    def __init__(self, desk: Desk, max_loss: Decimal) -> None:
        self.desk = desk
        self.max_loss = max_loss

    async def decide(self, order: OrderRequest) -> tuple[str | None, dict[str, Any]]:
        """Block a buy on a day the account lost more than the limit; sells reduce risk."""
        if order.side is not OrderSide.BUY:
            return None, {}
        account = await self.desk.account()
        if account.last_equity <= 0:
            return None, {}
        drop = (account.last_equity - account.equity) / account.last_equity
        if drop <= self.max_loss:
            return None, {}
        reason = (
            f"equity {money(account.equity)} is {drop:.2%} below {money(account.last_equity)} "
            f"at the last close, beyond the {self.max_loss:.0%} daily loss limit: no new buys "
            "today (sells are allowed)"
        )
        details = {"equity": str(account.equity), "last_equity": str(account.last_equity)}
        return reason, details
