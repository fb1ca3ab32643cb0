"""The command line's sandbox worlds, kept in the ledger's database so writes commit with them.

**Decision.** The local sandbox world (bookings, orders, calendar…) lives in ``ledger.db``, in a
``worlds`` table next to the ledger's ``writes``, and a snapshot of it is stored inside the same
``BEGIN IMMEDIATE`` transaction that settles each write as ``committed`` (the ledger's
*companion*, ``plangate.tools.ledger_sqlite``). A write's effect and its ledger record therefore
reach the disk together: killed before that commit, the world on disk lacks the effect and the
ledger entry is ``pending`` with a dead owner, so the next command reconciles by key, finds
nothing and performs the write once; killed after it, both hold the write and the ledger returns
its result. A snapshot taken while another write is in flight may hold that write's effect with
its entry still ``pending``: reconciliation finds it by key (every sandbox write — table
booking and cancellation, calendar event and cancellation, flight booking and cancellation,
broker order and cancellation — is found by its key). The world is also stored when a command
ends, so changes that are no write (resting orders filled, a search index built) are kept.

Rejected: a file per world written at the end of a command (``<world>.pickle``) loses every
write a kill lands between the ledger's commit and the command's end; a write-ahead log of
operations would need every sandbox to replay its own operations. One database, one commit.

Snapshots are taken on the event loop's thread (no task runs while one is pickled) and numbered;
the transactions that store them may run in another order on the ledger's worker threads, so a
snapshot never replaces a newer one (``seq``).

Why pickle: the world is a graph of in-process sandbox objects with no serialisation format of
its own, and the blob is local state written by the CLI itself for the same user, never data
received from elsewhere. A world that cannot be read back is reported with how to delete it;
nothing is guessed. A ``<world>.pickle`` file left by an earlier version is read once, moved
into the database, and removed.
"""

from __future__ import annotations

import io
import pickle
import sqlite3
import threading
from pathlib import Path
from typing import Any, Literal

from plangate.tools.clock import Clock, FakeClock, PinnedClock, SystemClock
from plangate.tools.domains.backends import Backends, sandbox_backends
from plangate.tools.errors import UsageError
from plangate.tools.ledger_sqlite import SQLiteLedger, Store

World = Literal["sandbox", "demo"]
FORMAT = 2
_CLOCKS = (SystemClock, PinnedClock, FakeClock)
_CLOCK_ID = "clock"
_LOCKS = (type(threading.Lock()), type(threading.RLock()))
_SCHEMA = """
CREATE TABLE IF NOT EXISTS worlds (
    name TEXT PRIMARY KEY,
    format INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    blob BLOB NOT NULL
)
"""


class _WorldPickler(pickle.Pickler):
    """Pickles a world whose objects hold locks and a clock.

    A lock is saved as a fresh, unheld lock. The clock is not saved at all: each command
    loads the world onto its own clock (``_WorldUnpickler``), the real one or a pinned one.
    """

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, _LOCKS):
            return threading.Lock, ()
        return NotImplemented

    def persistent_id(self, obj: Any) -> Any:
        return _CLOCK_ID if isinstance(obj, _CLOCKS) else None


class _WorldUnpickler(pickle.Unpickler):
    """Loads a world onto ``clock``: every object that held the saved world's clock gets it."""

    def __init__(self, file: io.BytesIO, clock: Clock) -> None:
        super().__init__(file)
        self.clock = clock

    def persistent_load(self, pid: Any) -> Any:
        if pid != _CLOCK_ID:
            raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
        return self.clock


def encode(backends: Backends) -> bytes:
    """``backends`` as bytes, without its clock."""
    buffer = io.BytesIO()
    _WorldPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(
        {"format": FORMAT, "backends": backends}
    )
    return buffer.getvalue()


def decode(data: bytes, clock: Clock, where: str, delete: str) -> Backends:
    """The world in ``data``, on ``clock``.

    Args:
        data: what ``encode`` made.
        clock: the clock the world runs on.
        where: what held ``data``, for the error.
        delete: the command that deletes it, for the error.

    Raises:
        UsageError: ``data`` is no world of this version; the message says how to delete it.
    """
    try:
        saved = _WorldUnpickler(io.BytesIO(data), clock).load()
        backends = saved["backends"] if saved.get("format") == FORMAT else None
    except Exception as exc:  # any unpickling failure means the same thing to the user
        raise UsageError(
            f"cannot read the sandbox state {where} ({type(exc).__name__}: {exc}); "
            f"delete it to start from a fresh sandbox: {delete}"
        ) from exc
    if not isinstance(backends, Backends):
        raise UsageError(
            f"{where} does not hold a sandbox state of this plangate version; "
            f"delete it to start from a fresh sandbox: {delete}"
        )
    return backends


class WorldStore:
    """The sandbox worlds of a state folder, in the database of ``ledger``.

    Args:
        ledger: the folder's ledger; the worlds share its database and its transactions.
        folder: the state folder, where an earlier version's ``<world>.pickle`` may be.
    """

    def __init__(self, ledger: SQLiteLedger, folder: Path) -> None:
        self.ledger = ledger
        self.folder = folder
        self._seq: dict[str, int] = {}
        ledger.transact(lambda conn: conn.execute(_SCHEMA))

    def legacy_path(self, world: World) -> Path:
        """Where an earlier version kept ``world``."""
        return self.folder / f"{world}.pickle"

    def load(self, world: World, clock: Clock, *, fresh: bool = False) -> Backends:
        """The stored ``world`` on ``clock``, or a new one (seed 0) when missing or ``fresh``.

        Raises:
            UsageError: the stored world cannot be read back; the message says how to delete it.
        """
        self._migrate(world, clock, fresh=fresh)
        row = self.ledger.transact(
            lambda conn: conn.execute(
                "SELECT seq, blob FROM worlds WHERE name = ?", (world,)
            ).fetchone()
        )
        self._seq[world] = row[0] if row is not None else 0
        if fresh or row is None:
            return sandbox_backends(seed=0, clock=clock)
        where = f"{world!r} in {self.ledger.path}"
        delete = f"sqlite3 {self.ledger.path} \"DELETE FROM worlds WHERE name = '{world}'\""
        return decode(bytes(row[1]), clock, where, delete)

    def names(self) -> list[str]:
        """The worlds stored, by name."""
        rows = self.ledger.transact(
            lambda conn: conn.execute("SELECT name FROM worlds ORDER BY name").fetchall()
        )
        return [str(row[0]) for row in rows]

    def save(self, world: World, backends: Backends) -> None:
        """Store ``world`` now, in a transaction of its own."""
        self.ledger.transact(self._capture(world, backends))

    def companion(self, world: World, backends: Backends) -> WorldCompanion:
        """What the ledger calls to store ``world`` with every committed write."""
        return WorldCompanion(self, world, backends)

    def _capture(self, world: World, backends: Backends) -> Store:
        if world not in self._seq:
            self._seq[world] = self.ledger.transact(lambda conn: _stored_seq(conn, world))
        self._seq[world] += 1
        seq, blob = self._seq[world], encode(backends)

        def store(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO worlds (name, format, seq, blob) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET format = excluded.format,"
                " seq = excluded.seq, blob = excluded.blob WHERE excluded.seq > worlds.seq",
                (world, FORMAT, seq, blob),
            )

        return store

    def _migrate(self, world: World, clock: Clock, *, fresh: bool) -> None:
        """Move an earlier version's file into the database (or drop it, for a fresh world)."""
        path = self.legacy_path(world)
        if not path.exists():
            return
        if not fresh:
            backends = decode(path.read_bytes(), clock, str(path), f"rm {path}")
            self.save(world, backends)
        path.unlink()


class WorldCompanion:
    """The ledger's companion for one world: snapshots it as each write commits.

    Args:
        store: where the world is kept.
        world: its name.
        backends: the live world.
    """

    def __init__(self, store: WorldStore, world: World, backends: Backends) -> None:
        self.store = store
        self.world = world
        self.backends = backends

    def capture(self) -> Store:
        """Snapshot the world now; the returned statements store it (see ``SQLiteLedger``)."""
        return self.store._capture(self.world, self.backends)


def _stored_seq(conn: sqlite3.Connection, world: str) -> int:
    row = conn.execute("SELECT seq FROM worlds WHERE name = ?", (world,)).fetchone()
    return int(row[0]) if row is not None else 0
