"""pass^k: how reliably an agent succeeds k times in a row (τ-bench's metric).

Run a scenario ``n`` times (seeded trials, e.g. under injected faults) and count the successes
``c``. pass^k is the chance that ``k`` trials drawn from those ``n`` all pass:
``C(c, k) / C(n, k)``, averaged over scenarios. pass^1 is the plain success rate; pass^k falls as
k grows unless the agent is consistently right.

Usable from pytest::

    report = await measure({"dinner": trial}, trials=8)
    assert report.pass_hat(1) >= 0.9, report.table()
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from math import comb

from plangate.tools.errors import UsageError

Trial = Callable[[int], Awaitable[bool]]
"""``async (seed) -> passed``: one seeded attempt at a scenario."""


@dataclass(frozen=True)
class PassReport:
    """Successes per scenario.

    Attributes:
        trials: trials run per scenario.
        successes: successes per scenario name.
    """

    trials: int
    successes: Mapping[str, int]

    def pass_hat(self, k: int) -> float:
        """pass^k averaged over scenarios.

        Raises:
            UsageError: ``k`` is not within 1..trials.
        """
        if not 1 <= k <= self.trials:
            raise UsageError(f"pass^k needs 1 <= k <= {self.trials} trials, got k={k}")
        if not self.successes:
            return 0.0
        total = comb(self.trials, k)
        return sum(comb(c, k) / total for c in self.successes.values()) / len(self.successes)

    def table(self) -> str:
        """pass^1..pass^trials as a Markdown table."""
        rows = [f"| {k} | {self.pass_hat(k):.3f} |" for k in range(1, self.trials + 1)]
        return "\n".join(["| k | pass^k |", "|---|---|", *rows])


async def measure(
    scenarios: Mapping[str, Trial], *, trials: int, first_seed: int = 0
) -> PassReport:
    """Run every scenario ``trials`` times with seeds ``first_seed…``; count the passes.

    A trial that raises counts as a failure: the harness measures reliability, it does not stop
    at the first crash.
    """
    if trials < 1:
        raise UsageError(f"trials must be >= 1, got {trials}")
    successes: dict[str, int] = {}
    for name, trial in scenarios.items():
        passed = 0
        for seed in range(first_seed, first_seed + trials):
            try:
                passed += bool(await trial(seed))
            except Exception:  # a crash is a failed trial here, by definition
                continue
        successes[name] = passed
    return PassReport(trials=trials, successes=successes)
