"""Seeded, deterministic fault injection for sandbox backends.

A ``FaultPlan`` decides, for each backend operation, whether it is slowed down or fails, and how.
The decision is a pure function of (seed, operation, call key, attempt), so the same run sees the
same faults however its parallel steps interleave. Faults and what they raise:

| fault        | when it strikes          | raises                                                  |
|--------------|--------------------------|---------------------------------------------------------|
| ``timeout``  | before the operation     | ``ToolTimeoutError`` (reads) / ``OutcomeUnknownError`` (writes, nothing done) |
| ``rate_limit``| before                  | ``RateLimitedError`` with ``retry_after``               |
| ``server_error``| before                | ``BackendError(status=503)``                            |
| ``malformed``| after a read             | ``MalformedResponseError`` (the reply was garbage)      |
| ``reply_lost``| after a write committed | ``OutcomeUnknownError`` (it *did* happen)               |

Latency is drawn from a log-normal around ``latency_ms`` and slept on the backend's clock.
A write timeout is injected *before* the write, so "committed but the reply was lost" is only
ever the ``reply_lost`` fault: each fault has one meaning an audit can check.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal, TypeVar

from plangate.tools.clock import Clock
from plangate.tools.errors import (
    BackendError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimitedError,
    ToolTimeoutError,
    UsageError,
)

T = TypeVar("T")


class Fault(StrEnum):
    """The kinds of injected failure."""

    TIMEOUT = "timeout"
    RATE_LIMIT = "rate_limit"
    SERVER_ERROR = "server_error"
    MALFORMED = "malformed"
    REPLY_LOST = "reply_lost"


_READ_FAULTS = (Fault.TIMEOUT, Fault.RATE_LIMIT, Fault.SERVER_ERROR, Fault.MALFORMED)
_WRITE_FAULTS = (Fault.TIMEOUT, Fault.RATE_LIMIT, Fault.SERVER_ERROR, Fault.REPLY_LOST)


@dataclass(frozen=True)
class FaultPlan:
    """Which faults strike, how often, and how slow the backend is.

    Attributes:
        seed: makes every decision reproducible.
        rates: probability of each fault per operation (their sum must be <= 1).
        latency_ms: median latency of an operation, in milliseconds (0 = instant).
        latency_spread: log-normal sigma of the latency (0 = always the median).
        retry_after: seconds a ``rate_limit`` fault asks the caller to wait.
        only: if given, faults strike only these operations (e.g. ``{"book_flight"}``).
    """

    seed: int = 0
    rates: Mapping[Fault, float] = field(default_factory=dict)
    latency_ms: float = 0.0
    latency_spread: float = 0.0
    retry_after: float = 1.0
    only: frozenset[str] | None = None

    def __post_init__(self) -> None:
        total = sum(self.rates.values())
        if any(rate < 0 for rate in self.rates.values()) or total > 1.0 + 1e-9:
            raise UsageError(f"fault rates must be >= 0 and sum to <= 1, got {dict(self.rates)}")
        if self.latency_ms < 0 or self.latency_spread < 0:
            raise UsageError("latency_ms and latency_spread must be >= 0")

    @classmethod
    def uniform(cls, rate: float, *, seed: int = 0, latency_ms: float = 0.0) -> FaultPlan:
        """Every fault kind with the same share of a total ``rate``."""
        share = rate / len(Fault)
        return cls(seed=seed, rates=dict.fromkeys(Fault, share), latency_ms=latency_ms)

    def _unit(self, *parts: object) -> float:
        digest = hashlib.sha256(repr((self.seed, *parts)).encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    def decide(
        self, operation: str, key: str, attempt: int, effect: Literal["read", "write"]
    ) -> Fault | None:
        """The fault striking this call, if any."""
        if self.only is not None and operation not in self.only:
            return None
        draw = self._unit("fault", operation, key, attempt)
        allowed = _WRITE_FAULTS if effect == "write" else _READ_FAULTS
        acc = 0.0
        for fault in Fault:
            acc += self.rates.get(fault, 0.0)
            if draw < acc:
                return fault if fault in allowed else None
        return None

    def latency(self, operation: str, key: str, attempt: int) -> float:
        """Seconds this call takes."""
        if self.latency_ms <= 0:
            return 0.0
        if self.latency_spread <= 0:
            return self.latency_ms / 1000
        gauss = random.Random(self._unit("latency", operation, key, attempt)).gauss(0.0, 1.0)
        return self.latency_ms / 1000 * math.exp(self.latency_spread * gauss)


NO_FAULTS = FaultPlan()


class FaultInjector:
    """Applies a ``FaultPlan`` around sandbox operations, counting attempts per call key.

    Args:
        plan: the plan.
        clock: where latency is slept.
        service: the backend's name, carried by the errors.
    """

    def __init__(self, plan: FaultPlan, clock: Clock, service: str) -> None:
        self.plan = plan
        self.clock = clock
        self.service = service
        self._attempts: dict[tuple[str, str], int] = {}
        self.injected: list[tuple[str, Fault]] = []

    async def run(
        self,
        operation: str,
        key: str,
        effect: Literal["read", "write"],
        action: Callable[[], Awaitable[T]],
    ) -> T:
        """Run ``action`` as the plan says: maybe late, maybe failing before or after it."""
        attempt = self._attempts.get((operation, key), 0) + 1
        self._attempts[(operation, key)] = attempt
        delay = self.plan.latency(operation, key, attempt)
        if delay:
            await self.clock.sleep(delay)
        fault = self.plan.decide(operation, key, attempt, effect)
        if fault is not None:
            self.injected.append((operation, fault))
        where = f"{self.service}.{operation}"
        if fault is Fault.TIMEOUT:
            if effect == "write":
                raise OutcomeUnknownError(
                    f"{where}: timed out (injected)", service=self.service, key=key
                )
            raise ToolTimeoutError(f"{where}: timed out (injected)")
        if fault is Fault.RATE_LIMIT:
            raise RateLimitedError(
                f"{where}: rate limited (injected)",
                service=self.service,
                retry_after=self.plan.retry_after,
            )
        if fault is Fault.SERVER_ERROR:
            raise BackendError(f"{where}: HTTP 503 (injected)", service=self.service, status=503)
        result = await action()
        if fault is Fault.MALFORMED:
            raise MalformedResponseError(
                f"{where}: malformed reply (injected)", service=self.service, body='{"trunc'
            )
        if fault is Fault.REPLY_LOST:
            raise OutcomeUnknownError(
                f"{where}: committed but the reply was lost (injected)",
                service=self.service,
                key=key,
            )
        return result
