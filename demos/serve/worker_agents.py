"""The agents a ``plangate worker`` runs: the catalog's assistants over the store's world.

The worker opens the store (``plangate.demos.serve.store``): its checkpointer and ledger are the
ones every API server and worker share. Each run holds the sandbox world (``Worlds.hold``): it is
loaded as the database has it, stored with every write the ledger commits, and the agents are
built on it for that run (a few milliseconds). Agents are the two assistants, or those named by
reference (``module:attribute``, as ``plangate serve --agent`` takes them).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from plangate.agents import Agent, AgentSpec
from plangate.demos.cli.runner import load_spec
from plangate.demos.cli.world_store import World
from plangate.demos.serve.catalog import agent_tools, resolve_agents
from plangate.demos.serve.queue import RunJob
from plangate.demos.serve.store import Store, open_store
from plangate.demos.serve.worker import serve_worker
from plangate.graphs.engine import Engine
from plangate.tools.clock import Clock, SystemClock
from plangate.tools.domains.backends import Backends
from plangate.tools.errors import UsageError

__all__ = ["CatalogEngines", "run_catalog_worker"]


class CatalogEngines:
    """The engine of an agent (a catalog assistant, or one of ``specs``) over ``store``.

    Args:
        store: the open store: checkpoints, ledger and worlds.
        backends: the sandbox world the tools act on, until a run holds it (``hold``).
        clock: the time the runs see.
        specs: the agents run, by name; the catalog's assistants when ``None``.
        world: the world the runs hold.
    """

    def __init__(
        self,
        store: Store,
        backends: Backends,
        clock: Clock,
        *,
        specs: Mapping[str, AgentSpec] | None = None,
        world: World = "sandbox",
    ) -> None:
        self.store = store
        self.backends = backends
        self.clock = clock
        self.specs = specs
        self.world: World = world
        self._engines: dict[str, Engine] = {}

    @asynccontextmanager
    async def hold(self, job: RunJob) -> AsyncIterator[Backends]:
        """Hold the world for ``job``'s run: loaded as stored, the agents built on it."""
        async with self.store.worlds.hold(self.world, self.clock) as backends:
            self.backends = backends
            self._engines.clear()
            yield backends

    def _spec(self, agent: str) -> AgentSpec:
        if self.specs is None:
            return load_spec(agent)
        if agent not in self.specs:
            served = ", ".join(sorted(self.specs))
            raise UsageError(f"unknown agent {agent!r}: this worker runs {served}")
        return self.specs[agent]

    def __call__(self, agent: str) -> Engine:
        """The engine of ``agent``; ``UsageError`` for an unknown one."""
        if agent not in self._engines:
            spec = self._spec(agent)
            built = Agent(
                spec,
                agent_tools(spec, self.backends),  # its own tools too, for one by reference
                checkpointer=self.store.checkpointer,
                ledger=self.store.ledger,
                clock=self.clock,
            )
            self._engines[agent] = built.engine
        return self._engines[agent]


async def run_catalog_worker(
    url: str, *, agents: Iterable[str] = (), clock: Clock | None = None, **options: Any
) -> None:
    """Open the store at ``url`` and run its queued runs with the agents ``agents`` names.

    Args:
        url: the store's ``postgresql://`` URL.
        agents: assistants' names or ``module:attribute`` references; both assistants if empty.
        clock: the time the runs see; the real time when ``None``.
        **options: for ``RunWorker.run`` (``concurrency``, ``heartbeat``, ``stalled_after``...).

    Raises:
        UsageError: an agent reference cannot be resolved, or the store cannot be opened.
    """
    specs = resolve_agents(agents)
    clock = clock or SystemClock()
    async with open_store(url, clock=clock) as store:
        backends = await store.worlds.load("sandbox", clock)
        engines = CatalogEngines(store, backends, clock, specs=specs)
        await serve_worker(store, engines, hold=engines.hold, **options)
