"""The idempotency ledger: a write with the same key is performed at most once.

Every ``write`` call carries a key derived from (thread, step, tool, canonical args). Before a
write runs, its key is *claimed* in the ledger; the outcome is recorded afterwards:

```
            claim                   success
  (none) ──────────► pending ───────────────────► committed   (result returned to every later caller)
  failed ──────────►    │   definite refusal
                        ├──────────────────────► failed       (nothing happened: may run again)
                        │   timeout / lost reply / crash
                        └──────────────────────► unknown      (reconciled by key, never re-sent blindly)
```

A ``pending`` entry whose owner died (a process that no longer exists, or a lease that expired)
is treated as ``unknown``. ``unknown`` is settled by the tool's *reconciler*, which asks the
backend whether a write with this key exists: if it does, its result is committed; if it does
not, the write is performed (once) under the same key.

``MemoryLedger`` serves one process; ``plangate.tools.ledger_sqlite.SQLiteLedger`` serves many
on one machine, ``plangate.tools.ledger_postgres.PostgresLedger`` many on many machines.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from plangate.tools.clock import Clock, SystemClock
from plangate.tools.errors import (
    BackendError,
    OutcomeUnknownError,
    RateLimitedError,
    ToolArgsError,
    ToolError,
    ToolRefusedError,
    WriteInProgressError,
)


class WriteState(StrEnum):
    """Where a write stands."""

    PENDING = "pending"
    COMMITTED = "committed"
    FAILED = "failed"
    UNKNOWN = "unknown"


class LedgerEntry(BaseModel):
    """One write's record.

    Attributes:
        key: the idempotency key.
        tool: the tool that performs the write.
        state: see ``WriteState``.
        owner: who holds (or last held) the key: ``host:pid:process-token:call-token``.
        result: the committed result, as JSON data.
        error: why the write failed or is unknown.
        updated_at: POSIX seconds of the last change.
    """

    model_config = ConfigDict(frozen=True)

    key: str
    tool: str
    state: WriteState
    owner: str
    result: Any = None
    error: str | None = None
    updated_at: float


ENTRY_COLUMNS = "key, tool, state, owner, result, error, updated_at"
"""The columns of a stored entry, in the order ``entry_from_row`` reads them."""


def entry_from_row(row: tuple[Any, ...] | None) -> LedgerEntry | None:
    """The entry a database row of ``ENTRY_COLUMNS`` holds (its result as JSON text), if any."""
    if row is None:
        return None
    key, tool, state, owner, result, error, updated_at = row
    return LedgerEntry(
        key=key,
        tool=tool,
        state=WriteState(state),
        owner=owner,
        result=json.loads(result) if result is not None else None,
        error=error,
        updated_at=updated_at,
    )


class Ledger(Protocol):
    """Storage for write outcomes. Every method is atomic with respect to the same key."""

    async def claim(self, key: str, tool: str, owner: str, now: float) -> LedgerEntry:
        """Create a ``pending`` entry owned by ``owner`` unless one exists that is not ``failed``.

        Returns the entry as it stands after the call: ours if ``entry.owner == owner`` and
        ``entry.state`` is ``pending``.
        """
        ...

    async def take_over(
        self, key: str, owner: str, expected: LedgerEntry, now: float
    ) -> LedgerEntry | None:
        """Make ``owner`` hold the key if the entry still equals ``expected``; else ``None``."""
        ...

    async def settle(
        self,
        key: str,
        owner: str,
        state: WriteState,
        now: float,
        result: Any = None,
        error: str | None = None,
    ) -> None:
        """Record the outcome of the write ``owner`` holds."""
        ...

    async def get(self, key: str) -> LedgerEntry | None:
        """The entry for ``key``, if any."""
        ...


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no whitespace, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def idempotency_key(thread_id: str, step_id: str, tool: str, args: Any) -> str:
    """The key of a write: a hash of (thread, step, tool, canonical args)."""
    digest = hashlib.sha256(canonical_json([thread_id, step_id, tool, args]).encode()).hexdigest()
    return f"pg-{digest[:40]}"


_TOKEN = uuid.uuid4().hex[:12]


def new_owner() -> str:
    """A fresh owner id for one caller: ``host:pid:process-token:call-token``."""
    return f"{socket.gethostname()}:{os.getpid()}:{_TOKEN}:{uuid.uuid4().hex[:8]}"


def is_owner_alive(owner: str) -> bool:
    """False when ``owner`` is a process on this host that no longer exists.

    Owners on other hosts are assumed alive; their leases expire instead.
    """
    host, _, rest = owner.partition(":")
    pid_text, _, tokens = rest.partition(":")
    token = tokens.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return True
    pid = int(pid_text)
    if pid == os.getpid():
        return token == _TOKEN
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_definite_failure(error: BaseException) -> bool:
    """True when ``error`` proves the write did not happen, so it may be performed again."""
    if isinstance(error, ToolArgsError | ToolRefusedError | RateLimitedError):
        return True
    if isinstance(error, OutcomeUnknownError):
        return False
    if isinstance(error, BackendError):
        return error.status is not None and 400 <= error.status < 500 and error.status != 408
    return False


Perform = Callable[[], Awaitable[Any]]
Reconcile = Callable[[], Awaitable[Any | None]]


async def perform_once(
    ledger: Ledger,
    *,
    key: str,
    tool: str,
    perform: Perform,
    reconcile: Reconcile | None,
    dump: Callable[[Any], Any],
    load: Callable[[Any], Any],
    owner: str | None = None,
    clock: Clock | None = None,
    lease: float = 300.0,
    wait: float = 30.0,
) -> tuple[Any, bool]:
    """Perform the write keyed ``key`` at most once, whoever calls and however often.

    Args:
        ledger: where outcomes are recorded.
        key: the idempotency key.
        tool: the tool's name (recorded, and used in errors).
        perform: does the write; passes ``key`` on to the backend.
        reconcile: asks the backend for the write recorded under ``key``; ``None`` if absent.
        dump: result → JSON data for the ledger; ``load`` is its inverse.
        load: JSON data from the ledger → result.
        owner: the caller's owner id (defaults to this process).
        clock: for timestamps and waiting on a write another task holds.
        lease: seconds after which a ``pending`` entry of a live owner is presumed dead.
        wait: seconds to wait for another owner's pending write before giving up.

    Returns:
        ``(result, reused)``; ``reused`` is True when the result came from the ledger or from
        reconciliation rather than from performing the write now.

    Raises:
        WriteInProgressError: another live owner still holds the key after ``wait``.
        OutcomeUnknownError: the outcome is unknown and the tool has no reconciler.
        ToolError: the write failed (recorded as failed or unknown, as the error proves).
    """
    clock = clock or SystemClock()
    owner = owner or new_owner()
    waited = 0.0
    delay = 0.01
    while True:
        now = clock.now().timestamp()
        entry = await ledger.claim(key, tool, owner, now)
        if entry.state is WriteState.COMMITTED:
            return load(entry.result), True
        if entry.state is WriteState.PENDING and entry.owner == owner:
            return await _perform(ledger, key, owner, perform, dump, clock), False
        stale = entry.state is WriteState.PENDING and (
            not is_owner_alive(entry.owner) or now - entry.updated_at > lease
        )
        if entry.state is WriteState.UNKNOWN or stale:
            held = await ledger.take_over(key, owner, entry, now)
            if held is None:
                continue  # someone else moved first; look again
            return await _reconcile(ledger, key, tool, owner, perform, reconcile, dump, load, clock)
        # pending, held by a live owner: wait for it to settle
        if waited >= wait:
            raise WriteInProgressError(
                f"{tool}: the write with key {key} is still in progress elsewhere",
                tool=tool,
                key=key,
            )
        await clock.sleep(delay)
        waited += delay
        delay = min(delay * 2, 1.0)


async def _perform(
    ledger: Ledger, key: str, owner: str, perform: Perform, dump: Callable[[Any], Any], clock: Clock
) -> Any:
    try:
        result = await perform()
    except BaseException as exc:
        state = WriteState.FAILED if is_definite_failure(exc) else WriteState.UNKNOWN
        await ledger.settle(key, owner, state, clock.now().timestamp(), error=_describe(exc))
        raise
    await ledger.settle(key, owner, WriteState.COMMITTED, clock.now().timestamp(), dump(result))
    return result


async def _reconcile(
    ledger: Ledger,
    key: str,
    tool: str,
    owner: str,
    perform: Perform,
    reconcile: Reconcile | None,
    dump: Callable[[Any], Any],
    load: Callable[[Any], Any],
    clock: Clock,
) -> tuple[Any, bool]:
    if reconcile is None:
        message = f"{tool}: the outcome of write {key} is unknown and the tool cannot look it up"
        await ledger.settle(key, owner, WriteState.UNKNOWN, clock.now().timestamp(), error=message)
        raise OutcomeUnknownError(message, service=tool, key=key, tool=tool)
    try:
        found = await reconcile()
    except BaseException as exc:
        await ledger.settle(
            key, owner, WriteState.UNKNOWN, clock.now().timestamp(), error=_describe(exc)
        )
        raise
    if found is not None:
        await ledger.settle(key, owner, WriteState.COMMITTED, clock.now().timestamp(), dump(found))
        return load(dump(found)), True
    return await _perform(ledger, key, owner, perform, dump, clock), False


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ToolError):
        return f"{type(exc).__name__}: {exc}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class MemoryLedger:
    """An in-process ledger. Safe for any number of tasks on one event loop."""

    def __init__(self) -> None:
        self._entries: dict[str, LedgerEntry] = {}

    # No method awaits between reading and writing, so each is atomic on the event loop.
    async def claim(self, key: str, tool: str, owner: str, now: float) -> LedgerEntry:
        entry = self._entries.get(key)
        if entry is None or entry.state is WriteState.FAILED:
            entry = LedgerEntry(
                key=key, tool=tool, state=WriteState.PENDING, owner=owner, updated_at=now
            )
            self._entries[key] = entry
        return entry

    async def take_over(
        self, key: str, owner: str, expected: LedgerEntry, now: float
    ) -> LedgerEntry | None:
        if self._entries.get(key) != expected:
            return None
        entry = expected.model_copy(
            update={"state": WriteState.PENDING, "owner": owner, "updated_at": now}
        )
        self._entries[key] = entry
        return entry

    async def settle(
        self,
        key: str,
        owner: str,
        state: WriteState,
        now: float,
        result: Any = None,
        error: str | None = None,
    ) -> None:
        entry = self._entries.get(key)
        if entry is None or entry.owner != owner:
            return  # we lost the key (lease expired and someone took over): theirs now
        self._entries[key] = entry.model_copy(
            update={"state": state, "result": result, "error": error, "updated_at": now}
        )

    async def get(self, key: str) -> LedgerEntry | None:
        return self._entries.get(key)

    def entries(self) -> list[LedgerEntry]:
        """Every entry, for audits and tests."""
        return list(self._entries.values())
