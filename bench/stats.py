"""Small statistics over timing samples: medians and percentiles (nearest-rank)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def median(samples: Sequence[float]) -> float:
    """The median of ``samples``.

    Raises:
        ValueError: no samples.
    """
    if not samples:
        raise ValueError("median of no samples")
    return float(statistics.median(samples))


def percentile(samples: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: the smallest sample with ``share`` of samples at or below it.

    Raises:
        ValueError: no samples, or ``share`` outside (0, 1].
    """
    if not samples:
        raise ValueError("percentile of no samples")
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], got {share}")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
