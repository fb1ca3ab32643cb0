"""The command line's state between commands, in ``.plangate/`` (or ``$PLANGATE_HOME``).

```
.plangate/
├── runs.db          the engine's checkpoints: a paused run resumes in a later command
├── ledger.db        the idempotency ledger (a write is never performed twice, in any process)
│                    and the sandbox worlds, committed with it (``world_store``):
│                    ``sandbox`` for run, ``demo`` for demo (fresh at every demo)
├── threads.json     how each thread was started: agent, model, backend, strategy, world
└── lock             held from loading the world to saving it, so commands never interleave
```

The folder is the owner's alone: it is created (or tightened to) mode 0700 and every file in
it 0600, because it holds what the runs saw — requests, tool results, bookings.

The local sandbox world is stored in the ledger's database, in the transaction that records
each write as committed, so a crash never keeps a write's ledger record without its effect or
the reverse; ``plangate.demos.cli.world_store`` says why and how.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from plangate.demos.cli.world_store import World, WorldStore
from plangate.graphs.engine.build import Checkpointer
from plangate.graphs.engine.persistence import sqlite_checkpointer
from plangate.graphs.guards.pii import redact_text
from plangate.tools.clock import Clock, SystemClock
from plangate.tools.domains.backends import Backends, http_backends, sandbox_backends
from plangate.tools.errors import UsageError
from plangate.tools.ledger_sqlite import SQLiteLedger
from plangate.tools.private_files import make_private

HOME_VAR = "PLANGATE_HOME"
SANDBOX = "sandbox"


def check_backend(backend: str) -> str:
    """``backend`` if it is ``sandbox`` or an http(s) URL.

    Raises:
        UsageError: it is neither.
    """
    if backend == SANDBOX:
        return backend
    if backend.startswith(("http://", "https://")):
        try:
            parts = urlsplit(backend)
            _ = parts.port  # a port that is not a number raises here, not in the middle of a run
        except ValueError as exc:
            raise UsageError(f"--backend {backend!r} is not a valid URL: {exc}") from None
        if not parts.hostname:
            raise UsageError(f"--backend {backend!r} names no host")
        return backend
    raise UsageError(
        f"--backend must be 'sandbox' or a URL like http://127.0.0.1:8765, got {backend!r}"
    )


def without_password(backend: str) -> str:
    """``backend`` with the password of its URL left out (``http://ada@host``): what is stored."""
    parts = urlsplit(backend)
    if parts.password is None:
        return backend
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    netloc = f"{parts.username or ''}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def resume_backend(record: ThreadRecord, given: str | None) -> str:
    """The backend a resumed thread runs against: its own, with the password given again.

    A URL's password is never written to disk, so a thread started with one needs the full URL
    once more (``--backend``); a URL given must be the thread's own.

    Raises:
        UsageError: the password is needed and not given, or ``given`` is another backend.
    """
    if given is None:
        if record.backend_password:
            raise UsageError(
                f"thread {record.thread_id!r} ran against {record.backend} with a password, "
                "which is not stored: give the URL again, "
                f"plangate resume {record.thread_id} --backend URL"
            )
        return record.backend
    if without_password(check_backend(given)) != record.backend:
        raise UsageError(
            f"thread {record.thread_id!r} ran against {record.backend}, not "
            f"{without_password(given)}: resume it against its own backend"
        )
    return given


def check_thread(thread: str) -> str:
    """``thread`` if it is safe to paste in a shell command: letters, digits, '-' and '_'.

    Raises:
        UsageError: it is not.
    """
    if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", thread):
        return thread
    raise UsageError(f"--thread {thread!r}: use 1 to 64 letters, digits, '-' and '_'")


def home() -> Path:
    """The state folder: ``$PLANGATE_HOME``, else ``.plangate`` in the current directory."""
    return Path(os.environ.get(HOME_VAR) or Path.cwd() / ".plangate")


class ThreadRecord(BaseModel):
    """How a thread was started, so ``plangate resume`` rebuilds the same agent.

    Attributes:
        thread_id: the engine's thread.
        agent: the agent's name.
        request: what was asked, with PII (emails, phones, card numbers, IBANs) replaced by
            markers: it is only shown (``resume`` continues from the checkpoint), and
            ``threads.json`` is not encrypted with the checkpoints.
        model: ``offline`` or ``provider:model``.
        backend: ``sandbox`` or the base URL of a sandbox REST server.
        strategy: ``plan`` or ``react``.
        world: which sandbox world the thread acts on (``sandbox`` for run, ``demo``).
        now: the moment the run was pinned to (``--now``, a demo scenario), or ``None`` for
            the real time; ``plangate resume`` continues at it.
        backend_password: whether the backend URL had a password; it is never stored, so
            ``resume`` asks for the URL again.
        reference: the ``module:attribute`` the agent was loaded from (``plangate run
            pkg.mod:agent``), so ``resume`` loads it again; ``None`` for an assistant.
        docs: the folder of documents the run searches (``--docs``), absolute, so ``resume``
            searches it too; ``None`` for the sandbox's notes.
    """

    model_config = ConfigDict(frozen=True)

    thread_id: str
    agent: str
    request: str
    model: str
    backend: str
    strategy: Literal["plan", "react"]
    world: World = "sandbox"
    now: datetime | None = None
    backend_password: bool = False
    reference: str | None = None
    docs: str | None = None

    @field_validator("request")
    @classmethod
    def _without_pii(cls, request: str) -> str:
        return redact_text(request)[0]


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class Session:
    """The files of one state folder.

    Args:
        root: the folder (created on first use).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runs = root / "runs.db"
        self.ledger_path = root / "ledger.db"
        self.threads_path = root / "threads.json"

    def prepare(self) -> None:
        """Create the folder and its databases, private to their owner (0700 / 0600)."""
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        for path in (self.root / "lock", self.runs, self.ledger_path):
            make_private(path, tighten=True)

    @contextmanager
    def locked(self, on_wait: Callable[[], None] = lambda: None) -> Iterator[None]:
        """Hold the folder's lock; ``on_wait`` is called once if another command holds it."""
        self.prepare()
        with open(self.root / "lock", "a+b") as file:
            try:
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                on_wait()
                fcntl.flock(file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)

    def load_world(self, world: World, clock: Clock, *, fresh: bool = False) -> Backends:
        """The stored sandbox world on ``clock``, or a new one (seed 0) when missing or ``fresh``.

        For audits and tests; a command gets its world from ``open_workspace``.

        Raises:
            UsageError: the stored world cannot be read back; the message says how to delete it.
        """
        legacy = self.root / f"{world}.pickle"
        if not self.ledger_path.exists() and not legacy.exists():
            return sandbox_backends(seed=0, clock=clock)
        self.prepare()
        with closing(SQLiteLedger(self.ledger_path)) as ledger:
            return WorldStore(ledger, self.root).load(world, clock, fresh=fresh)

    def stored_worlds(self) -> list[str]:
        """The names of the sandbox worlds the folder holds (for audits and tests)."""
        if not self.ledger_path.exists():
            return []
        with closing(SQLiteLedger(self.ledger_path)) as ledger:
            return WorldStore(ledger, self.root).names()

    def save_world(self, world: World, backends: Backends) -> None:
        """Store ``world`` in the folder's database, in one transaction."""
        self.prepare()
        with closing(SQLiteLedger(self.ledger_path)) as ledger:
            WorldStore(ledger, self.root).save(world, backends)

    def _threads(self) -> dict[str, ThreadRecord]:
        if not self.threads_path.exists():
            return {}
        try:
            data = json.loads(self.threads_path.read_text(encoding="utf-8"))
            return {key: ThreadRecord.model_validate(value) for key, value in data.items()}
        except (ValueError, AttributeError, ValidationError) as exc:
            raise UsageError(
                f"cannot read the thread index {self.threads_path}: {exc}; delete it (the "
                "threads it lists can then no longer be resumed)"
            ) from exc

    def thread(self, thread_id: str) -> ThreadRecord:
        """How ``thread_id`` was started.

        Raises:
            UsageError: no command in this folder started that thread.
        """
        found = self._threads().get(thread_id)
        if found is None:
            raise UsageError(f"no thread {thread_id!r} in {self.root} (set {HOME_VAR}?)")
        return found

    def has_thread(self, thread_id: str) -> bool:
        """Whether a command in this folder started ``thread_id``."""
        return thread_id in self._threads()

    def add_thread(self, record: ThreadRecord) -> None:
        """Remember ``record`` (call while holding the lock)."""
        threads = self._threads()
        threads[record.thread_id] = record
        data = {key: value.model_dump(mode="json") for key, value in threads.items()}
        self.prepare()
        _write_atomically(self.threads_path, json.dumps(data, indent=1).encode("utf-8"))


@dataclass(frozen=True)
class Workspace:
    """What a command runs with: backends, the ledger, the checkpointer, the folder, the clock."""

    session: Session
    backends: Backends
    ledger: SQLiteLedger
    checkpointer: Checkpointer
    clock: Clock


@asynccontextmanager
async def open_workspace(
    session: Session,
    backend: str,
    *,
    world: World = "sandbox",
    fresh: bool = False,
    clock: Clock | None = None,
    on_wait: Callable[[], None] = lambda: None,
) -> AsyncIterator[Workspace]:
    """Lock the folder and open everything a run needs; store the world when the block ends.

    The local sandbox world is stored with every write the ledger commits (the ledger's
    companion), and once more when the block ends, even when it fails, so changes that are
    no write (orders filled, an index built) are kept too.

    Args:
        session: the state folder.
        backend: ``sandbox`` or a sandbox REST server's base URL.
        world: the sandbox world to load (ignored for a URL).
        fresh: start ``world`` from a new seeded sandbox.
        clock: the time the run and the local sandbox see; the real time by default.
        on_wait: called when another command holds the lock.
    """
    clock = clock or SystemClock()
    with session.locked(on_wait):
        local = backend == SANDBOX
        ledger = SQLiteLedger(session.ledger_path)
        try:
            store = WorldStore(ledger, session.root) if local else None
            if store is not None:
                backends = store.load(world, clock, fresh=fresh)
                ledger.companion = store.companion(world, backends)
            else:
                backends = http_backends(backend, clock=clock)  # the run's time, pinned or not
            try:
                async with sqlite_checkpointer(session.runs) as checkpointer:
                    yield Workspace(session, backends, ledger, checkpointer, clock)
            finally:
                if store is not None:
                    store.save(world, backends)
                else:
                    await backends.aclose()
        finally:
            ledger.close()
