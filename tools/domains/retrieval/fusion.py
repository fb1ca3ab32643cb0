"""Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009).

Each item scores ``sum(1 / (k + rank))`` over the rankings it appears in (ranks start at 1), so
an item ranked well by several retrievers beats one ranked first by a single retriever, and the
retrievers' raw scores, which are not comparable (BM25 vs cosine), never meet.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

from plangate.tools.errors import UsageError

T = TypeVar("T", bound=Hashable)

RRF_K = 60
"""The constant from the paper: it damps the weight of the very first ranks."""


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[T]], *, k: int = RRF_K, limit: int | None = None
) -> list[tuple[T, float]]:
    """Fuse ``rankings`` (each best first) into one, as ``(item, fused score)`` best first.

    Ties are broken by the best rank an item reached, then by where it first appeared
    (earlier ranking, then earlier position), so the result is fully deterministic.

    Args:
        rankings: the rankings; an item repeated within one ranking counts at its first place.
        k: the damping constant (>= 1).
        limit: keep only the first ``limit`` items.

    Raises:
        UsageError: ``k`` < 1 or ``limit`` < 0.
    """
    if k < 1:
        raise UsageError(f"reciprocal_rank_fusion: k must be >= 1, got {k}")
    if limit is not None and limit < 0:
        raise UsageError(f"reciprocal_rank_fusion: limit must be >= 0, got {limit}")
    scores: dict[T, float] = {}
    best: dict[T, int] = {}
    first_seen: dict[T, tuple[int, int]] = {}
    for which, ranking in enumerate(rankings):
        seen_here: set[T] = set()
        for position, item in enumerate(ranking):
            if item in seen_here:
                continue
            seen_here.add(item)
            rank = position + 1
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
            best[item] = min(best.get(item, rank), rank)
            first_seen.setdefault(item, (which, position))
    fused = sorted(scores, key=lambda item: (-scores[item], best[item], first_seen[item]))
    if limit is not None:
        fused = fused[:limit]
    return [(item, scores[item]) for item in fused]
