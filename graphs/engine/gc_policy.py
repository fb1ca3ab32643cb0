"""The garbage-collection policy of a process that serves many runs at once.

Why a policy: a run keeps about a thousand container objects alive while it runs (LangGraph's
channels, tasks and callback managers, the run's state, its messages). With the interpreter's
default thresholds, ``(700, 10, 10)``, a young collection runs every 700 net allocations; when
hundreds of runs interleave on one event loop, nearly everything a run allocates outlives a few
young collections and is promoted to the oldest generation. Full collections then come often and
each one rescans every live run and every object built at import (about 150,000 of them), so the
collector's share of the CPU, and with it the cost of a run, grows with the number of runs in
flight: the ``concurrency`` benchmark measures it.

``SERVER_POLICY`` does two things:

- a larger young generation (``thresholds``): young collections are fewer, so fewer short-lived
  objects are promoted and the older generations are collected rarely. Cyclic garbage is still
  found, later; memory held by acyclic garbage is freed at once, by reference counting, as ever.
- ``gc.freeze()`` after one full collection: what exists when the process has been set up
  (modules, compiled graphs, tools, prices) moves to the permanent generation, which collections
  never scan. Garbage is collected first, so none of it is frozen.

Nothing here runs on import and the engine never calls it: the collector's settings belong to the
whole process, so changing them is the application's decision. A server calls
``apply_gc_policy()`` once, after building its engines and before taking requests; setting
``PLANGATE_GC=python`` in the environment keeps the interpreter's own settings.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping
from dataclasses import dataclass

from plangate.tools.errors import UsageError

ENV_VAR = "PLANGATE_GC"
"""The environment variable read by ``apply_gc_policy``: ``server`` (the default) or ``python``."""

Thresholds = tuple[int, int, int]


@dataclass(frozen=True)
class GCPolicy:
    """Settings for the cyclic garbage collector.

    Attributes:
        thresholds: ``gc.set_threshold``'s three numbers: net allocations between young
            collections, then young collections per middle one, middle collections per full one.
        freeze: collect once, then freeze every object that exists (``gc.freeze``).
    """

    thresholds: Thresholds = (100_000, 10, 10)
    freeze: bool = True

    def __post_init__(self) -> None:
        if any(value < 1 for value in self.thresholds):
            raise UsageError(f"GC thresholds must be positive, got {self.thresholds}")


SERVER_POLICY = GCPolicy()
"""The policy for a process that runs many agents at once (``plangate serve``, workers)."""


@dataclass(frozen=True)
class GCSettings:
    """The collector's settings at one moment, to compare or to restore.

    Attributes:
        thresholds: ``gc.get_threshold()``.
        frozen: ``gc.get_freeze_count()``, the objects in the permanent generation.
    """

    thresholds: Thresholds
    frozen: int


def current_gc_settings() -> GCSettings:
    """The collector's settings now."""
    return GCSettings(thresholds=gc.get_threshold(), frozen=gc.get_freeze_count())


def apply_gc_policy(
    policy: GCPolicy = SERVER_POLICY, *, environ: Mapping[str, str] | None = None
) -> GCSettings | None:
    """Apply ``policy`` to this process, unless the environment opts out.

    Call it once the process is set up (engines built, agents loaded), before taking requests:
    what exists then is frozen. Calling it again freezes what was built since.

    Args:
        policy: the thresholds and whether to freeze.
        environ: where ``PLANGATE_GC`` is read (``os.environ`` by default).

    Returns:
        The settings before, for ``restore_gc_settings``; ``None`` when ``PLANGATE_GC=python``
        kept the interpreter's settings.

    Raises:
        UsageError: ``PLANGATE_GC`` is neither ``server`` nor ``python``.
    """
    choice = (os.environ if environ is None else environ).get(ENV_VAR, "server").strip().lower()
    if choice == "python":
        return None
    if choice not in ("server", ""):
        raise UsageError(f"{ENV_VAR} must be 'server' or 'python', got {choice!r}")
    before = current_gc_settings()
    gc.set_threshold(*policy.thresholds)
    if policy.freeze:
        gc.collect()
        gc.freeze()
    return before


def restore_gc_settings(settings: GCSettings) -> None:
    """Put back the thresholds of ``settings``; unfreeze if objects were frozen since.

    ``gc.unfreeze`` cannot tell objects apart: it moves every frozen object back to the oldest
    generation, including any frozen before ``settings`` were taken.
    """
    gc.set_threshold(*settings.thresholds)
    if gc.get_freeze_count() > settings.frozen:
        gc.unfreeze()
