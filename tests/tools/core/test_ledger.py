"""The idempotency ledger: a write executes at most once, whatever the interleaving."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plangate.tools.clock import FakeClock
from plangate.tools.errors import (
    OutcomeUnknownError,
    ToolRefusedError,
    ToolTimeoutError,
    WriteInProgressError,
)
from plangate.tools.ledger import (
    Ledger,
    MemoryLedger,
    WriteState,
    idempotency_key,
    is_owner_alive,
    perform_once,
)
from plangate.tools.ledger_sqlite import SQLiteLedger

KEY = idempotency_key("thread-1", "s1", "book_table", {"venue": "V1", "party": 2})
DEAD_OWNER = f"{socket.gethostname()}:999999999:deadbeef:0001"


class Backend:
    """A backend that records writes by key, like the sandboxes do."""

    def __init__(self) -> None:
        self.writes: dict[str, dict[str, Any]] = {}
        self.performed = 0

    async def write(self, key: str, behaviour: str, yields: int) -> dict[str, Any]:
        for _ in range(yields):
            await asyncio.sleep(0)
        if behaviour == "refuse":
            raise ToolRefusedError("sold out", reason="sold_out")
        if behaviour == "timeout_before":
            raise ToolTimeoutError("no answer")
        self.performed += 1
        self.writes[key] = {"booking": f"B{self.performed}"}
        if behaviour == "reply_lost":
            raise OutcomeUnknownError("reply lost", service="test", key=key)
        return self.writes[key]

    async def lookup(self, key: str) -> dict[str, Any] | None:
        await asyncio.sleep(0)
        return self.writes.get(key)


def identity(value: Any) -> Any:
    return value


def make_ledger(kind: str, tmp_path: Path) -> Ledger:
    return MemoryLedger() if kind == "memory" else SQLiteLedger(tmp_path / "ledger.db")


behaviours = st.sampled_from(["ok", "ok", "refuse", "timeout_before", "reply_lost"])
caller = st.lists(st.tuples(behaviours, st.integers(0, 3)), min_size=1, max_size=4)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
@given(
    callers=st.lists(caller, min_size=1, max_size=4),
    crashed=st.sampled_from(["no", "before", "after"]),
)
def test_a_key_is_written_at_most_once_and_every_caller_sees_that_result(
    kind: str,
    tmp_path_factory: pytest.TempPathFactory,
    callers: list[list[tuple[str, int]]],
    crashed: str,
) -> None:
    """Callers run concurrently; each retries through its list of attempt behaviours."""
    ledger = make_ledger(kind, tmp_path_factory.mktemp("ledger"))
    backend = Backend()
    clock = FakeClock()

    async def scenario() -> list[Any]:
        if crashed != "no":
            # A previous process claimed the key and died (SIGKILL): the entry stays pending.
            await ledger.claim(KEY, "book_table", DEAD_OWNER, clock.now().timestamp())
            if crashed == "after":
                backend.performed += 1
                backend.writes[KEY] = {"booking": "B-crashed"}

        async def run_caller(attempts: list[tuple[str, int]]) -> Any:
            outcome: Any = None
            for behaviour, yields in attempts:
                try:
                    result, _ = await perform_once(
                        ledger,
                        key=KEY,
                        tool="book_table",
                        perform=lambda b=behaviour, y=yields: backend.write(KEY, b, y),
                        reconcile=lambda: backend.lookup(KEY),
                        dump=identity,
                        load=identity,
                        clock=clock,
                    )
                except (
                    ToolRefusedError,
                    ToolTimeoutError,
                    OutcomeUnknownError,
                    WriteInProgressError,
                ):
                    continue
                outcome = result
                break
            return outcome

        return list(await asyncio.gather(*(run_caller(c) for c in callers)))

    results = asyncio.run(scenario())
    assert backend.performed <= 1, "the write happened twice"
    delivered = [r for r in results if r is not None]
    if backend.performed == 1:
        for result in delivered:
            assert result == backend.writes[KEY]
    else:
        assert delivered == []
    entry = asyncio.run(ledger.get(KEY))
    assert entry is not None
    if delivered:
        assert entry.state is WriteState.COMMITTED
        assert entry.result == backend.writes[KEY]
    if isinstance(ledger, SQLiteLedger):
        ledger.close()


async def test_unknown_outcome_without_a_reconciler_is_never_resent() -> None:
    ledger = MemoryLedger()
    backend = Backend()
    kwargs: dict[str, Any] = {
        "key": KEY, "tool": "book_table", "reconcile": None, "dump": identity, "load": identity,
        "clock": FakeClock(),
    }  # fmt: skip
    with pytest.raises(OutcomeUnknownError):
        await perform_once(ledger, perform=lambda: backend.write(KEY, "reply_lost", 0), **kwargs)
    with pytest.raises(OutcomeUnknownError, match="cannot look it up"):
        await perform_once(ledger, perform=lambda: backend.write(KEY, "ok", 0), **kwargs)
    assert backend.performed == 1
    entry = await ledger.get(KEY)
    assert entry is not None
    assert entry.state is WriteState.UNKNOWN


async def test_a_refused_write_may_run_again_and_then_commits() -> None:
    ledger = MemoryLedger()
    backend = Backend()
    kwargs: dict[str, Any] = {
        "key": KEY, "tool": "book_table", "reconcile": lambda: backend.lookup(KEY),
        "dump": identity, "load": identity, "clock": FakeClock(),
    }  # fmt: skip
    with pytest.raises(ToolRefusedError):
        await perform_once(ledger, perform=lambda: backend.write(KEY, "refuse", 0), **kwargs)
    assert (await ledger.get(KEY)).state is WriteState.FAILED  # type: ignore[union-attr]
    result, reused = await perform_once(
        ledger, perform=lambda: backend.write(KEY, "ok", 0), **kwargs
    )
    assert (result, reused) == ({"booking": "B1"}, False)
    again, reused = await perform_once(
        ledger, perform=lambda: backend.write(KEY, "ok", 0), **kwargs
    )
    assert (again, reused) == ({"booking": "B1"}, True)
    assert backend.performed == 1


async def test_a_live_owner_holding_the_key_makes_others_wait_then_give_up() -> None:
    ledger = MemoryLedger()
    clock = FakeClock()
    await ledger.claim(KEY, "book_table", "elsewhere:1:token:x", clock.now().timestamp())
    with pytest.raises(WriteInProgressError, match="still in progress"):
        await perform_once(
            ledger, key=KEY, tool="book_table", perform=lambda: asyncio.sleep(0),
            reconcile=None, dump=identity, load=identity, clock=clock, wait=5.0,
        )  # fmt: skip
    assert sum(clock.sleeps) >= 5.0


async def test_an_expired_lease_is_reconciled() -> None:
    ledger = MemoryLedger()
    backend = Backend()
    clock = FakeClock()
    await ledger.claim(KEY, "book_table", "elsewhere:1:token:x", clock.now().timestamp())
    backend.writes[KEY] = {"booking": "B-remote"}
    clock.advance(301)
    result, reused = await perform_once(
        ledger, key=KEY, tool="book_table", perform=lambda: backend.write(KEY, "ok", 0),
        reconcile=lambda: backend.lookup(KEY), dump=identity, load=identity, clock=clock,
    )  # fmt: skip
    assert (result, reused) == ({"booking": "B-remote"}, True)
    assert backend.performed == 0


def test_owner_liveness() -> None:
    assert not is_owner_alive(DEAD_OWNER)
    assert is_owner_alive("another-host:1:token:x")


def test_keys_are_stable_and_depend_on_every_part() -> None:
    base = idempotency_key("t", "s1", "book", {"a": 1, "b": [1, 2]})
    assert base == idempotency_key("t", "s1", "book", {"b": [1, 2], "a": 1})
    others = {
        idempotency_key("t2", "s1", "book", {"a": 1, "b": [1, 2]}),
        idempotency_key("t", "s2", "book", {"a": 1, "b": [1, 2]}),
        idempotency_key("t", "s1", "cancel", {"a": 1, "b": [1, 2]}),
        idempotency_key("t", "s1", "book", {"a": 2, "b": [1, 2]}),
    }
    assert base not in others
    assert len(others) == 4


_CLAIMER = """
import asyncio, json, sys
from plangate.tools.ledger_sqlite import SQLiteLedger
ledger = SQLiteLedger(sys.argv[1])
owner = sys.argv[2]
async def main():
    won = []
    for n in range(200):
        entry = await ledger.claim(f"key-{n}", "book", owner, 0.0)
        if entry.owner == owner:
            won.append(n)
    return won
print(json.dumps(asyncio.run(main())))
"""


def test_two_processes_cannot_both_claim_a_key(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    SQLiteLedger(path).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CLAIMER, path, f"host:{n}:t:{n}"], stdout=subprocess.PIPE
        )
        for n in (1, 2)
    ]
    won = [set(json.loads(proc.communicate(timeout=120)[0])) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs)
    assert won[0].isdisjoint(won[1]), "both processes claimed the same key"
    assert won[0] | won[1] == set(range(200))
    ledger = SQLiteLedger(path)
    assert len(ledger.entries()) == 200
    ledger.close()
