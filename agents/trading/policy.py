"""The trading assistant's guardrails, in the order they run, and the limits they enforce.

``policy(toolset)`` is the default policy; ``trading_policy(TradingLimits(...))`` builds one
with other limits. Stage by stage:

- **input**: requests over ``max_request_chars`` and prompt injections are blocked.
- **tool result**: the ``Desk`` notes the quotes, positions and account the run reads (the
  figures the order checks use); text inside tool results that reads like an injection is
  neutralised, and the step is marked tainted.
- **tool call** (before the broker is reached), on ``place_order``: restricted symbols, no
  short selling, the order's notional, the position's share of equity after a buy, and the
  daily loss limit — business rules (``plangate.agents.trading.rules``), each blocking with its
  figures. A tainted
  write and every write (orders, cancels) wait for a person's approval; an edit a person makes at
  approval is checked again, and blocked if it breaks a limit.
- **output**: emails, phone, card and IBAN numbers are redacted from the answer.

**Restricted symbols.** The default list is ``GME``, ``AMC`` and ``TSLA``. The first two are the
classic meme stocks that many brokers' compliance desks restrict; the sandbox market does not
list them, so a real backend is what would quote them. ``TSLA`` is listed in the sandbox and
stands for a name on the firm's compliance watch list, so the restriction can be seen at work
offline; quotes and research on it stay allowed, only orders are blocked.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from plangate.agents.spec import PolicyFactory
from plangate.agents.trading.desk import Desk
from plangate.agents.trading.guards import (
    DailyLossLimit,
    MaxOrderNotional,
    MaxPositionShare,
    NoShortSelling,
    RestrictedSymbols,
)
from plangate.graphs.guards.guardrails import Guardrail, Stage
from plangate.graphs.guards.injection import PromptInjection
from plangate.graphs.guards.pii import PIIRedaction
from plangate.graphs.guards.policy import ApproveWrites, MaxLength, TaintedWriteApproval
from plangate.tools.errors import UsageError
from plangate.tools.registry import Toolset

RESTRICTED = ("GME", "AMC", "TSLA")
"""The default restricted list (see the module docstring for why these)."""


@dataclass(frozen=True)
class TradingLimits:
    """The limits the policy enforces.

    Attributes:
        restricted: symbols no order may trade.
        max_notional: the most one order may be worth, in USD.
        max_position_share: the largest share of equity one position may reach after a buy.
        max_daily_loss: the drop of equity since the last close, as a fraction, beyond which
            new buys stop for the day.
        max_request_chars: the longest request accepted.
    """

    restricted: tuple[str, ...] = RESTRICTED
    max_notional: Decimal = Decimal(25_000)
    max_position_share: Decimal = Decimal("0.20")
    max_daily_loss: Decimal = Decimal("0.03")
    max_request_chars: int = 2_000

    def __post_init__(self) -> None:
        if isinstance(self.restricted, str):
            raise UsageError("TradingLimits.restricted is a tuple of symbols, not one string")
        if not self.max_notional > 0:
            raise UsageError(f"TradingLimits.max_notional must be > 0, got {self.max_notional}")
        for name in ("max_position_share", "max_daily_loss"):
            value = getattr(self, name)
            if not 0 < value <= 1:
                raise UsageError(f"TradingLimits.{name} is a fraction in (0, 1], got {value}")
        if self.max_request_chars < 1:
            raise UsageError(
                f"TradingLimits.max_request_chars must be >= 1, got {self.max_request_chars}"
            )


DEFAULT_LIMITS = TradingLimits()


def trading_policy(limits: TradingLimits = DEFAULT_LIMITS) -> PolicyFactory:
    """A policy factory enforcing ``limits`` (see the module docstring for the order)."""

    def build(toolset: Toolset) -> list[Guardrail]:
        desk = Desk.of(toolset)
        return [
            desk,
            MaxLength(limits.max_request_chars, stages=(Stage.INPUT,)),
            PromptInjection(),
            TaintedWriteApproval(),
            RestrictedSymbols(limits.restricted, toolset=toolset),
            NoShortSelling(desk, toolset=toolset),
            MaxOrderNotional(desk, limits.max_notional, toolset=toolset),
            MaxPositionShare(desk, limits.max_position_share, toolset=toolset),
            DailyLossLimit(desk, limits.max_daily_loss, toolset=toolset),
            ApproveWrites(),
            PIIRedaction(stages=(Stage.OUTPUT,)),
        ]

    return build


def policy(toolset: Toolset) -> list[Guardrail]:
    """The default trading policy over ``toolset``'s market and broker backends."""
    return list(trading_policy()(toolset))
