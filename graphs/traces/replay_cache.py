"""Replayed agents built once and reused by every replay of the same agent.

Building an agent for a replay — its planner's schemas, its guardrails, LangGraph compiling its
graph — costs more than replaying most traces. ``replay`` therefore builds the replayed agent
around stand-ins that hold no trace (``reusable_parts``) and keeps it here, by the agent and by
what the trace asks of it (the strategy, a chat model or none). The next replay of the same agent
takes it back: a suite of many traces builds each agent and compiles its graph once.

Replays stay apart: the stand-ins serve the recording, clock and saved runs of the replay under
way (``plangate.graphs.traces._scope``), and a replayed agent is kept only when nothing of one
replay went into it — it persists its runs in ``parts.checkpointer`` and building it read
nothing of the trace. Otherwise it is built again for every replay, as a factory that keeps state
of its own needs.

What counts as the same agent: ``replay_identity()`` when the target has one (``Agent``'s is its
configuration, so two agents built alike share one replayed agent), else the target itself (a
factory function, an agent object). Targets that cannot be told apart this way are not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, NamedTuple

from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.runtime import Strategy
from plangate.graphs.traces._saver import ReplaySaver
from plangate.graphs.traces._scope import current_scope
from plangate.graphs.traces.recording import Runner
from plangate.graphs.traces.replay_parts import ReplayTarget, build_runner, reusable_parts

DEFAULT_SIZE = 64
"""Replayed agents kept at most; the least recently replayed goes first."""


class CacheInfo(NamedTuple):
    """How the cache of replayed agents has served.

    Attributes:
        hits: replays that reused a replayed agent.
        builds: replayed agents built (kept or not).
        kept: replayed agents held now.
    """

    hits: int
    builds: int
    kept: int


@dataclass
class Entry:
    """A kept replayed agent.

    Attributes:
        runner: the agent.
        surface: its surface as JSON data, worked out at its first replay (``None`` before).
    """

    runner: Runner
    surface: Any = None


class ReplayCache:
    """Replayed agents by agent and trace shape (see the module docstring).

    Args:
        size: how many to keep.
    """

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._hits = 0
        self._builds = 0
        self._lock = threading.Lock()  # replay_sync may run in several threads

    def runner(
        self, target: ReplayTarget, strategy: Strategy, *, model: bool
    ) -> tuple[Runner, Entry | None]:
        """The replayed agent for ``target``, reused when it can be, else built.

        Must be called inside the replay under way (``_scope.entered``).

        Args:
            target: the agent or factory to replay against.
            strategy: the recorded strategy.
            model: whether the trace was recorded with a chat model.

        Returns:
            The agent, and its cache entry (``None`` when it is not kept).
        """
        key = _key(target, strategy, model)
        with self._lock:
            entry = self._entries.get(key) if key is not None else None
            if entry is not None:
                self._entries.move_to_end(key)
                self._hits += 1
                return entry.runner, entry
        scope = current_scope()
        scope.touched = False
        runner = build_runner(target, reusable_parts(strategy, model=model))
        apart = _persists_apart(runner)  # builds an engine made lazily, so it counts as read
        with self._lock:
            self._builds += 1
            if key is None or scope.touched or not apart:
                return runner, None
            entry = self._entries[key] = Entry(runner)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return runner, entry

    def info(self) -> CacheInfo:
        """Hits, builds and what is kept."""
        return CacheInfo(self._hits, self._builds, len(self._entries))

    def clear(self) -> None:
        """Forget every replayed agent and the counts."""
        with self._lock:
            self._entries.clear()
            self._hits = self._builds = 0


def hashable(value: object) -> Hashable:
    """``value`` itself when it can be hashed, else a stand-in equal only to ``value`` itself
    (for a ``replay_identity`` made of parts some of which cannot be hashed)."""
    try:
        hash(value)
    except TypeError:
        return _Identity(value)
    return value


class _Identity:
    """A hashable stand-in for an object that cannot be hashed: equal only to itself."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Identity) and other.value is self.value


def _key(target: ReplayTarget, strategy: Strategy, model: bool) -> Hashable | None:
    identify: Callable[[], Hashable] | None = getattr(target, "replay_identity", None)
    identity: object = identify() if callable(identify) else target
    key = (identity, strategy, model)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _persists_apart(runner: Runner) -> bool:
    """Whether ``runner`` keeps its runs in a ``ReplaySaver`` (one store per replay)."""
    engine = runner if isinstance(runner, Engine) else getattr(runner, "engine", None)
    graph = getattr(engine, "graph", None)
    return isinstance(getattr(graph, "checkpointer", None), ReplaySaver)


CACHE = ReplayCache()
"""The replayed agents of this process."""


def replay_cache_info() -> CacheInfo:
    """How the process's replayed agents have been reused (``CACHE.info()``)."""
    return CACHE.info()


def clear_replay_cache() -> None:
    """Forget the process's replayed agents (they are built again at their next replay)."""
    CACHE.clear()
