"""``Store``: everything durable of a server and its workers, opened from one URL.

```
sqlite:PATH              embedded (the default): the command line's state folder PATH
                         ├── runs.db     checkpoints
                         └── ledger.db   idempotency ledger, sandbox worlds
                         (threads: the command line's thread index, kept by the workspace)
postgresql://…           one database for many API servers and workers:
                         checkpoints (langgraph-checkpoint-postgres), writes (the ledger),
                         worlds, threads and runs (``Store.runs``), run events (``Store.events``;
                         the queue elsewhere)
```

On both, a sandbox write's effect and its ledger record commit in one transaction: the world's
snapshot is the ledger's companion (``plangate.demos.serve.worlds``). ``parse_store_url`` checks
a URL before anything is opened, so a typo is a clear error rather than a file named after it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, closing
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from plangate.demos.cli.session import Session
from plangate.demos.cli.world_store import WorldStore
from plangate.demos.serve.events import EventLog
from plangate.demos.serve.run_table import RunTable
from plangate.demos.serve.worlds import PostgresWorlds, SQLiteWorlds, Worlds
from plangate.graphs.engine.build import Checkpointer
from plangate.graphs.engine.persistence import postgres_checkpointer, sqlite_checkpointer
from plangate.tools.clock import Clock, SystemClock
from plangate.tools.errors import UsageError
from plangate.tools.ledger import Ledger
from plangate.tools.ledger_postgres import PostgresLedger, redact_url
from plangate.tools.ledger_sqlite import SQLiteLedger

__all__ = ["DEFAULT_STORE", "Store", "StoreURL", "open_store", "parse_store_url"]

DEFAULT_STORE = "sqlite:.plangate"
"""The embedded store in the command line's default state folder."""

_POSTGRES_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class StoreURL:
    """A parsed store URL.

    Attributes:
        kind: ``sqlite`` or ``postgresql``.
        url: the URL as given (pass it to PostgreSQL; never print it: it may hold a password).
        path: the state folder, for ``sqlite``.
    """

    kind: Literal["sqlite", "postgresql"]
    url: str
    path: Path | None = None

    def __str__(self) -> str:
        return redact_url(self.url)


def parse_store_url(text: str) -> StoreURL:
    """``text`` as a store URL: ``sqlite:PATH`` or ``postgresql://[user[:password]@]host[:port]/db``.

    Raises:
        UsageError: it is neither, or names no folder, no host, no database or a bad port; the
            message quotes it without its password.
    """
    shown = redact_url(text)
    scheme, colon, rest = text.partition(":")
    if colon and scheme == "sqlite":
        folder = rest.removeprefix("//") if rest.startswith("///") else rest
        if not folder or folder.startswith("//"):
            raise UsageError(
                f"--store {shown!r} names no folder: write sqlite:PATH, e.g. {DEFAULT_STORE}"
            )
        return StoreURL("sqlite", text, Path(folder))
    if colon and scheme in _POSTGRES_SCHEMES and rest.startswith("//"):
        try:
            parts = urlsplit(text)
            _ = parts.port  # a port that is not a number raises here
        except ValueError as exc:
            raise UsageError(f"--store {shown!r} is not a valid URL: {exc}") from None
        if not parts.hostname and "host=" not in parts.query:  # ?host=/run/postgresql: a socket
            raise UsageError(f"--store {shown!r} names no host")
        if not parts.path.strip("/"):
            raise UsageError(f"--store {shown!r} names no database: add /NAME after the host")
        return StoreURL("postgresql", text, None)
    raise UsageError(
        f"--store must be sqlite:PATH or postgresql://user@host:port/database, got {shown!r}"
    )


@dataclass(frozen=True)
class Store:
    """What runs persist to: open with ``open_store``.

    Attributes:
        url: where it is.
        checkpointer: the engine's checkpoints.
        ledger: the idempotency ledger (its companion stores an attached world).
        worlds: the sandbox worlds.
        clock: the time the runs over this store see.
        runs: the threads and runs of the API servers and workers (``plangate_threads``,
            ``plangate_runs``), on PostgreSQL; ``None`` on SQLite, where one process serves
            and the command line's thread index keeps the threads.
        events: the runs' events (``plangate_events``), on PostgreSQL; ``None`` on SQLite.
            One per store, so a process's event streams share its one LISTEN connection.
    """

    url: StoreURL
    checkpointer: Checkpointer
    ledger: Ledger
    worlds: Worlds
    clock: Clock
    runs: RunTable | None = None
    events: EventLog | None = None


@asynccontextmanager
async def open_store(
    url: str | StoreURL = DEFAULT_STORE,
    *,
    key: str | bytes | None = None,
    clock: Clock | None = None,
) -> AsyncIterator[Store]:
    """Open the store at ``url`` (creating its files or tables) for the duration of the block.

    Args:
        url: a store URL (see ``parse_store_url``).
        key: the checkpoints' encryption key (``$PLANGATE_CHECKPOINT_KEY`` when ``None``).
        clock: the time the runs over it see (``Store.clock``); the real time by default.

    Raises:
        UsageError: the URL is malformed, or the store cannot be opened (the message names it).
    """
    parsed = url if isinstance(url, StoreURL) else parse_store_url(url)
    clock = clock or SystemClock()
    runs: RunTable | None = None
    events: EventLog | None = None
    async with AsyncExitStack() as stack:
        if parsed.path is not None:
            session = Session(parsed.path)
            session.prepare()
            sqlite_ledger = stack.enter_context(closing(SQLiteLedger(session.ledger_path)))
            worlds: Worlds = SQLiteWorlds(WorldStore(sqlite_ledger, session.root))
            ledger: Ledger = sqlite_ledger
            checkpoints = sqlite_checkpointer(session.runs, key=key)
        else:
            pg_ledger = await stack.enter_async_context(PostgresLedger.connect(parsed.url))
            pg_worlds = PostgresWorlds(pg_ledger, str(parsed))
            await pg_worlds.setup()
            worlds, ledger = pg_worlds, pg_ledger
            runs, events = RunTable(parsed.url), EventLog(parsed.url)
            await runs.setup()  # the API servers' and workers' one threads table
            await events.setup()
            checkpoints = postgres_checkpointer(parsed.url, key=key)
        checkpointer = await stack.enter_async_context(checkpoints)
        yield Store(parsed, checkpointer, ledger, worlds, clock, runs, events)
