"""The agents a ``plangate worker`` runs: the catalog's assistants over the store's world.

The worker opens the store (``plangate.demos.serve.store``): its checkpointer and ledger are the
ones every API server and worker share, and the sandbox world the tools act on is loaded from it
and stored with every write the ledger commits. An agent is built on first use and kept.
"""

from __future__ import annotations

from typing import Any

from plangate.agents import Agent
from plangate.demos.cli.runner import load_spec
from plangate.demos.serve.store import Store, open_store
from plangate.demos.serve.worker import EngineFactory, serve_worker
from plangate.graphs.engine import Engine
from plangate.tools.clock import Clock, SystemClock
from plangate.tools.domains.backends import Backends, bind_tools

__all__ = ["CatalogEngines", "run_catalog_worker"]


class CatalogEngines:
    """The engine of a catalog assistant (``reservation``, ``trading``) over ``store``.

    Args:
        store: the open store: checkpoints and ledger.
        backends: the sandbox world the tools act on.
        clock: the time the runs see.
    """

    def __init__(self, store: Store, backends: Backends, clock: Clock) -> None:
        self.store = store
        self.backends = backends
        self.clock = clock
        self._engines: dict[str, Engine] = {}

    def __call__(self, agent: str) -> Engine:
        """The engine of ``agent``; ``UsageError`` for an unknown one."""
        if agent not in self._engines:
            built = Agent(
                load_spec(agent),
                bind_tools(self.backends),
                checkpointer=self.store.checkpointer,
                ledger=self.store.ledger,
                clock=self.clock,
            )
            self._engines[agent] = built.engine
        return self._engines[agent]


async def run_catalog_worker(url: str, **options: Any) -> None:
    """Open the store at ``url`` and run its queued runs with the catalog's assistants.

    ``options`` go to ``RunWorker.run`` (``concurrency``, ``heartbeat``, ``stalled_after``...).
    """
    clock = SystemClock()
    async with open_store(url, clock=clock) as store:
        backends = await store.worlds.load("sandbox", clock)
        store.worlds.attach("sandbox", backends)
        engines: EngineFactory = CatalogEngines(store, backends, clock)
        await serve_worker(url, engines, **options)
