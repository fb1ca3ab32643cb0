"""pass^k arithmetic and the measuring harness."""

from __future__ import annotations

import pytest

from plangate.agents.passk import PassReport, measure
from plangate.tools.errors import UsageError


def test_pass_hat_k_matches_the_definition() -> None:
    report = PassReport(trials=4, successes={"a": 4, "b": 2})
    assert report.pass_hat(1) == pytest.approx((1 + 0.5) / 2)
    # C(2,2)/C(4,2) = 1/6 for b; 1 for a
    assert report.pass_hat(2) == pytest.approx((1 + 1 / 6) / 2)
    assert report.pass_hat(4) == pytest.approx(0.5)
    with pytest.raises(UsageError, match="1 <= k <= 4"):
        report.pass_hat(5)


async def test_measure_counts_passes_and_crashes_as_failures() -> None:
    async def flaky(seed: int) -> bool:
        if seed == 2:
            raise RuntimeError("boom")
        return seed % 2 == 0

    report = await measure({"flaky": flaky}, trials=4)
    assert report.successes == {"flaky": 1}  # seeds 0 and 2 pass, but 2 crashed
    assert report.pass_hat(1) == pytest.approx(0.25)
    with pytest.raises(UsageError):
        await measure({"x": flaky}, trials=0)
