"""The replay under way: what a reused replay agent's stand-ins read, per replay.

A replayed agent is built once per agent and trace shape and reused by every replay of it
(``plangate.graphs.traces.replay_cache``). Its stand-ins — the replay chat model, executor,
backend, clock and checkpointer — hold nothing of a trace: each reads the ``ReplayScope`` of the
replay under way. ``replay`` enters one for its whole duration in a context variable, so two
replays awaited side by side in one event loop (each in its own task) each see their own
recording, clock and saved runs, and a replay never sees what an earlier one left.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plangate.tools.errors import UsageError

if TYPE_CHECKING:
    from langgraph.checkpoint.memory import InMemorySaver

    from plangate.graphs.traces._session import ReplaySession
    from plangate.graphs.traces.taps import ReplayBackend
    from plangate.tools.clock import Clock


@dataclass
class ReplayScope:
    """One replay's own state.

    Attributes:
        session: the recorded calls, served to this replay only.
        clock: shows this replay's recorded time.
        backend: serves this replay's recorded backend reads.
        savers: this replay's saved runs, one in-memory saver per replay checkpointer.
        touched: whether a stand-in read this scope since it was last reset (a replay agent
            whose building reads it has taken something of this replay: it is not reused).
    """

    session: ReplaySession
    clock: Clock
    backend: ReplayBackend
    savers: dict[object, InMemorySaver] = field(default_factory=dict)
    touched: bool = False


_CURRENT: ContextVar[ReplayScope | None] = ContextVar("plangate_replay_scope", default=None)


def current_scope() -> ReplayScope:
    """The replay under way.

    Raises:
        UsageError: no replay is under way (a reused replay agent was run on its own).
    """
    scope = _CURRENT.get()
    if scope is None:
        raise UsageError(
            "a replay stand-in was used outside a replay: run a replayed agent through "
            "plangate.graphs.traces.replay.replay()"
        )
    scope.touched = True
    return scope


@contextmanager
def entered(scope: ReplayScope) -> Iterator[ReplayScope]:
    """Make ``scope`` the replay under way inside the block (in this task's context)."""
    token = _CURRENT.set(scope)
    try:
        yield scope
    finally:
        _CURRENT.reset(token)
