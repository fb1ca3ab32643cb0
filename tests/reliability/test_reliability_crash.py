"""SIGKILL the CLI mid-run against a sandbox REST server, continue the thread, audit the server.

The sandbox server and each CLI run are real subprocesses on loopback; the only waits are bounded
waits on them. Kill points are chosen by observable progress (seeded where there is a choice), so
each case lands in the same phase of the run every time.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.reliability.crashproc import cli, run_and_kill, sandbox_server

REQUEST = "Buy 5 shares of Microsoft at $380 limit"  # a limit order rests: the market may be shut
THREAD = "crash-1"
RNG = random.Random(20260309)
READ_STEP = RNG.randint(1, 4)  # which "step … running" line of the four reads to die at


def orders(url: str) -> list[dict[str, object]]:
    reply = httpx.get(f"{url}/broker/v2/orders", params={"status": "all"}, timeout=10)
    reply.raise_for_status()
    found: list[dict[str, object]] = reply.json()
    return found


def never(_: str) -> bool:
    return False


def nth_read(line: str, _count: list[int] = [0]) -> bool:  # noqa: B006 - a per-case counter
    if " running " in line and "place_order" not in line:
        _count[0] += 1
        return _count[0] == READ_STEP
    return False


KILL_POINTS: dict[str, tuple[Callable[[str], bool], bool]] = {
    # name: (kill when this output line appears, kill as soon as the server has an order)
    "before_start": (lambda line: True, False),
    "during_reads": (nth_read, False),
    "at_approval_pause": (lambda line: "approval requested" in line, False),
    "after_pause_saved": (lambda line: "approved without asking" in line, False),
    "write_in_flight": (lambda line: "place_order running" in line, False),
    "after_write_committed": (never, True),
}


@pytest.mark.parametrize(
    "point",
    [
        "before_start",
        "during_reads",
        "at_approval_pause",
        "after_pause_saved",
        "write_in_flight",
        "after_write_committed",
    ],
)
def test_a_killed_run_continues_and_places_its_order_exactly_once(
    point: str, tmp_path: Path
) -> None:
    should_kill, after_commit = KILL_POINTS[point]
    home = tmp_path / "home"
    with sandbox_server(tmp_path / "server") as url:
        assert orders(url) == []
        args = ["run", "trading", REQUEST, "--backend", url, "--thread", THREAD, "--yes"]
        first_line: list[str] = []

        def poll() -> bool:
            if point == "before_start":
                return True
            return after_commit and bool(orders(url))

        killed, output = run_and_kill(home, args, should_kill, poll=poll)
        first_line.append(output)
        assert killed, f"the run ended before the kill point {point}:\n{output}"
        if point == "after_write_committed":
            assert len(orders(url)) == 1

        # Killed mid-run, the thread is interrupted and `resume` continues it from its last
        # checkpoint; killed at a saved pause, it waits for the decision instead.
        again = cli(home, "resume", THREAD, "--yes")
        if "no thread" in again.stderr:  # killed before the thread was recorded: run it anew
            again = cli(home, *args)
        elif again.returncode == 2 and "pending" in again.stderr.lower():
            again = cli(home, "resume", THREAD, "--approve", "order", "--yes")
        assert len(orders(url)) <= 1
        # The run may have ended on its own (done, or failed after its write) as the kill
        # landed: then there is nothing to continue, and the order must still exist just once.
        # `resume` then shows how it ended ("has ended (failed)") rather than continuing it.
        ended_first = any(
            f"has ended ({end})" in again.stdout + again.stderr for end in ("done", "failed")
        )
        assert again.returncode == 0 or ended_first, (
            f"{again.stdout}\n{again.stderr}\n--- the killed run printed:\n{output}"
        )

        placed = orders(url)
        assert len(placed) == 1, placed
        (order,) = placed
        assert (order["symbol"], order["qty"], order["side"]) == ("MSFT", "5", "buy")
        assert order["type"] == "limit"
        assert order["limit_price"] == "380.00"
