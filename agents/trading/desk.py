"""``Desk``: the figures the trading policy measures orders with.

The policy checks an order against the quote, the positions and the account. It takes them
from what the run itself read just before the order — every order plan reads the quote, the
positions and the account in parallel, and the order waits for them — and reads the backends
bound in the toolset only for what the run did not read (a model's plan may skip a lookup).

Why the run's own figures first:

- **Consistency.** A blocked order's reason quotes the same ask, equity and holdings as the
  report, and an edit made at approval is measured at the figures the person was shown.
- **Replay.** A replayed run has no backends; its tool results come from the trace and pass the
  same result guardrails, so the policy reaches the same verdicts
  (``plangate.graphs.traces.replay``).

The desk watches two stages to stay truthful: each new request (``input``) forgets what earlier
runs read, and a write (an order placed or cancelled) forgets the positions and the account,
which it changed. An agent shares one desk between its runs, so runs that overlap in time may
see each other's latest reads — a quote a moment old, never a position from before a trade.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter, ValidationError

from plangate.graphs.guards.guardrails import GuardSubject, Stage, Verdict
from plangate.tools.domains.broker.backend import BrokerBackend
from plangate.tools.domains.broker.models import Account, OrderRequest, OrderSide, Position
from plangate.tools.domains.market.backend import MarketDataBackend
from plangate.tools.domains.market.models import Quote
from plangate.tools.errors import UsageError
from plangate.tools.registry import Toolset

_POSITIONS = TypeAdapter(list[Position])
_WRITES = frozenset({"place_order", "cancel_order"})


class Desk:
    """Quotes, positions and the account: from the run's results, else from the backends.

    Also a guardrail (it always allows) watching ``input`` and ``tool_result`` to learn them.

    Args:
        market: the market data backend (quotes).
        broker: the broker backend (positions, account).
    """

    name = "trading_desk"
    stages = frozenset({Stage.INPUT, Stage.TOOL_RESULT})

    def __init__(self, market: MarketDataBackend, broker: BrokerBackend) -> None:
        self.market = market
        self.broker = broker
        self._quotes: dict[str, Quote] = {}
        self._positions: list[Position] | None = None
        self._account: Account | None = None

    @classmethod
    def of(cls, toolset: Toolset) -> Desk:
        """A desk over the backends bound to ``toolset``'s market and broker tools.

        Raises:
            UsageError: the toolset lacks ``get_quote`` or ``get_account``.
        """
        return cls(toolset.binding("get_quote").deps, toolset.binding("get_account").deps)

    async def check(self, subject: GuardSubject) -> Verdict:
        """Forget at a new request; learn from quote, positions and account results."""
        if subject.stage is Stage.INPUT:
            self.forget()
        elif subject.tool is not None:
            self.learn(subject.tool.name, subject.result)
        return Verdict.allow(self.name, subject.stage)

    def forget(self) -> None:
        """Drop every figure learnt."""
        self._quotes.clear()
        self._positions = self._account = None

    def learn(self, tool: str, result: Any) -> None:
        """Keep what a tool result says (malformed results are ignored: the backend decides)."""
        try:
            if tool == "get_quote":
                quote = Quote.model_validate(result)
                self._quotes[quote.symbol] = quote
            elif tool == "get_positions":
                self._positions = _POSITIONS.validate_python(result)
            elif tool == "get_account":
                self._account = Account.model_validate(result)
            elif tool in _WRITES:
                self._positions = self._account = None
        except ValidationError:
            return

    async def quote(self, symbol: str) -> Quote:
        """The quote the run read for ``symbol``, else the market's latest."""
        return self._quotes.get(symbol) or await self.market.latest_quote(symbol)

    async def positions(self) -> list[Position]:
        """The positions the run read, else the broker's."""
        return self._positions if self._positions is not None else await self.broker.get_positions()

    async def account(self) -> Account:
        """The account the run read, else the broker's."""
        return self._account or await self.broker.get_account()

    async def read(self, tool: str, args: Mapping[str, Any]) -> Any:
        """A lookup of the trading rules: the quote, positions or account as JSON data.

        The desk is the rules' ``Reader`` (``plangate.graphs.guards.rule_terms``), so the rules
        measure orders with the run's own figures too.

        Raises:
            UsageError: a tool the desk does not read.
        """
        if tool == "get_quote":
            return (await self.quote(str(args.get("symbol", "")))).model_dump(mode="json")
        if tool == "get_positions":
            return _POSITIONS.dump_python(await self.positions(), mode="json")
        if tool == "get_account":
            return (await self.account()).model_dump(mode="json")
        raise UsageError(f"the desk reads get_quote, get_positions and get_account, not {tool!r}")

    async def held(self, symbol: str) -> int:
        """Shares of ``symbol`` held."""
        return sum(p.qty for p in await self.positions() if p.symbol == symbol)

    async def price(self, order: OrderRequest) -> tuple[Decimal, str]:
        """The price ``order`` is measured at, and what it is ("the limit", "the ask"...).

        The most a buy can cost or the least a sell can fetch: a limit order's limit, else the
        ask for a buy and the bid for a sell, where a market order fills.
        """
        if order.limit_price is not None:
            return order.limit_price, "the limit"
        quote = await self.quote(order.symbol)
        if order.side is OrderSide.BUY:
            return quote.ask_price, "the ask"
        return quote.bid_price, "the bid"
