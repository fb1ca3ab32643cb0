"""The crash matrix's cases: kill a command at a point, continue the thread, audit the world.

A case runs one writing request (``run --yes``, or ``run`` then ``resume --approve``) with a
kill point armed, continues the thread as a user would (``resume``, approving what waits, or
running the request again when the kill came before the thread was recorded), then counts, per
idempotency key in the ledger, the effects the world holds: none is a lost write, two or more a
repeated one. The answer printed at the end must name an effect the world holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx

from plangate.demos.cli.session import Session
from plangate.tools.clock import FakeClock
from plangate.tools.ledger import WriteState
from plangate.tools.ledger_sqlite import SQLiteLedger
from tests.reliability.crashproc import CRASH_NOW, ForkServer, Outcome


@dataclass(frozen=True)
class Request:
    """A request of a demo agent that writes.

    Attributes:
        agent: the agent.
        text: the request.
        approve: the id its first write's approval waits under.
        answer_ids: the answer's list of effects, and the id field in each.
        writes: how many writes it commits when nothing goes wrong.
    """

    agent: str
    text: str
    approve: str
    answer_ids: tuple[str, str]
    writes: int = 1


BOOK = Request("reservation", "Book a table for 2 in Lisbon tomorrow at 8pm", "table",
               ("bookings", "id"))  # fmt: skip
BUY = Request("trading", "Buy 5 shares of Microsoft at $380 limit", "order", ("orders", "id"))
TRIP = Request("reservation",
               "Fly from Lisbon to Madrid next Friday and book dinner for 2 there at 21:00",
               "flight", ("bookings", "id"), writes=3)  # fmt: skip
"""A flight, a table (its first seating refused, then another one) and a calendar event."""


class World(Protocol):
    """Where the writes land: ``{idempotency key: [ids of the effects made with it]}``."""

    def effects(self, request: Request) -> dict[str, list[str]]: ...


class LocalWorld:
    """The sandbox world a state folder keeps, read the way the next command would read it."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def effects(self, request: Request) -> dict[str, list[str]]:
        """Every write's effect, of any kind: tables, flights, calendar events, orders."""
        found: dict[str, list[str]] = {}
        if not (self.home / "ledger.db").exists():
            return found
        world: Any = Session(self.home).load_world("sandbox", FakeClock())
        problems = [p for _, backend in world if hasattr(backend, "audit") for p in backend.audit()]
        assert not problems, f"the sandbox world's books do not balance: {problems}"
        made = [(r.idempotency_key, r.id) for r in world.restaurants.reservations()]
        made += [(o.client_order_id, o.id) for o in world.broker.orders.orders()]
        made += [(key, use.booking_id) for key, use in world.flights._keys.items()]
        made += [(key, record.event_id) for key, record in world.calendar._keys.items()]
        for key, ident in made:
            found.setdefault(key, []).append(ident)
        return found


class ServerWorld:
    """A ``sandbox serve`` server's world, read over its REST API."""

    def __init__(self, url: str) -> None:
        self.url = url

    def effects(self, request: Request) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        if request is BOOK:
            made = []
            for number in range(1, 10_000):  # reservation ids are sequential: rsv-000001, ...
                reply = httpx.get(f"{self.url}/restaurants/v1/reservations/rsv-{number:06d}")
                if reply.status_code == 404:
                    break
                reply.raise_for_status()
                made.append((reply.json()["idempotency_key"], reply.json()["id"]))
        else:
            reply = httpx.get(f"{self.url}/broker/v2/orders", params={"status": "all",
                                                                     "limit": 500})  # fmt: skip
            reply.raise_for_status()
            made = [(order["client_order_id"], order["id"]) for order in reply.json()]
        for key, ident in made:
            found.setdefault(key, []).append(ident)
        return found


_COUNTS = ("kills", "writes", "effects", "duplicates", "losses", "false_answers", "unanswered")


@dataclass
class Tally:
    """What one case (or all of them) came to.

    Attributes:
        kills: commands that died at their kill point.
        writes: writes the ledger records as committed.
        effects: effects in the world made under those writes' keys.
        duplicates: effects beyond the first for a key.
        losses: committed writes with no effect in the world.
        false_answers: answers naming an effect the world does not hold.
        unanswered: threads that ended as their command was killed, before it printed the
            answer (nothing to check it against).
        problems: what went wrong, readably.
    """

    kills: int = 0
    writes: int = 0
    effects: int = 0
    duplicates: int = 0
    losses: int = 0
    false_answers: int = 0
    unanswered: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Sum ``other`` into this tally."""
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.problems += other.problems

    def line(self) -> str:
        """``kills=… writes=… effects=… duplicates=… losses=… false answers=…``."""
        return (
            f"kills={self.kills} writes={self.writes} effects={self.effects} "
            f"duplicates={self.duplicates} losses={self.losses} false answers={self.false_answers}"
            f" unanswered={self.unanswered}"
        )


def _answer(outcome: Outcome) -> dict[str, Any] | None:
    try:
        found = json.loads(outcome.stdout)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def continue_thread(
    fork: ForkServer, home: Path, run: list[str], request: Request, first: Outcome, now: str
) -> tuple[Outcome, list[str]]:
    """Continue ``thread`` as a user would until it ends; its last outcome and the commands.

    A thread that ended just as its command was killed has nothing left to continue: ``resume``
    then prints how it ended, so its answer is checked against the world like any other.
    """
    thread = run[run.index("--thread") + 1]
    run = [*run, "--yes"]
    resume = ["resume", thread, "--yes", "--json"]
    last, commands = first, []
    for _ in range(4):
        if not last.killed and last.code in (0, 1, 3):
            return last, commands
        args = resume
        again = fork.run(home, "none", args, now=now)
        if again.code == 2 and "no thread" in again.stderr:  # killed before it was recorded
            args = run
            again = fork.run(home, "none", args, now=now)
        elif again.code == 2 and "no decision for" in again.stderr:  # killed at a saved pause
            waiting = again.stderr.split("Pending approvals: ")[1].split(" — ")[0]
            args = [*resume, "--approve", waiting.replace(" ", "")]
            again = fork.run(home, "none", args, now=now)
        commands.append(" ".join(args[:2]))
        last = again
    return last, commands


def run_case(
    fork: ForkServer,
    world: World,
    home: Path,
    request: Request,
    point: str,
    *,
    at_resume: bool = False,
    thread: str = "crash",
    now: str = CRASH_NOW,
    backend: str = "sandbox",
) -> Tally:
    """Kill ``request`` at ``point`` (in ``resume --approve`` when ``at_resume``), continue, audit.

    The world is audited only for this case's keys (those in ``home``'s ledger), so cases may
    share a server.
    """
    tally = Tally()
    run = ["run", request.agent, request.text, "--thread", thread, "--json", "--backend", backend]
    if at_resume:
        paused = fork.run(home, "none", run, now=now)
        assert paused.code == 4, paused.stderr
        args = ["resume", thread, "--approve", request.approve, "--yes", "--json"]
    else:
        args = [*run, "--yes"]
    first = fork.run(home, point, args, now=now)
    tally.kills += first.killed
    last, commands = continue_thread(fork, home, run, request, first, now)
    name = f"{request.agent} {'resume' if at_resume else 'run'} killed at {point}"
    if last.killed:
        tally.unanswered += 1
    elif last.code != 0:
        tally.problems.append(f"{name}: ended {last.code} after {commands}: {last.stderr[-600:]}")
    entries = _ledger(home)
    effects = world.effects(request)
    for entry in entries:
        made = effects.get(entry.key, [])
        if entry.state is WriteState.FAILED:  # refused: nothing happened, nothing to find
            if made:
                tally.duplicates += len(made)
                tally.problems.append(f"{name}: the refused write {entry.key} left {made}")
            continue
        tally.writes += entry.state is WriteState.COMMITTED
        tally.effects += len(made)
        tally.duplicates += max(0, len(made) - 1)
        if entry.state is not WriteState.COMMITTED:
            tally.problems.append(f"{name}: write {entry.key} ended {entry.state}")
        elif not made:
            tally.losses += 1
            tally.problems.append(f"{name}: the committed write {entry.key} is not in the world")
    committed = [e for e in entries if e.state is WriteState.COMMITTED]
    if len(committed) != request.writes:
        tally.problems.append(f"{name}: {len(committed)} committed writes, not {request.writes}")
    held = {ident for entry in committed for ident in effects.get(entry.key, [])}
    answer = _answer(last)
    if answer is None:
        if not last.killed:
            tally.problems.append(f"{name}: no answer was printed")
    else:
        listed, id_field = request.answer_ids
        named = [item[id_field] for item in answer.get(listed, [])]
        false = [ident for ident in named if ident not in held]
        tally.false_answers += len(false)
        if false or not named:
            tally.problems.append(f"{name}: the answer names {named}, the world holds {held}")
    return tally


def _ledger(home: Path) -> list[Any]:
    ledger = SQLiteLedger(home / "ledger.db")
    try:
        return ledger.entries()
    finally:
        ledger.close()


def orphans(world: World, request: Request, homes: list[Path]) -> int:
    """Effects in ``world`` whose key no case's ledger holds: writes nobody recorded."""
    keys = {entry.key for home in homes for entry in _ledger(home)}
    return sum(len(ids) for key, ids in world.effects(request).items() if key not in keys)


def tally_of(cases: dict[str, Tally]) -> Tally:
    """The sum of ``cases``."""
    total = Tally()
    for one in cases.values():
        total.add(one)
    return total


def counted(cases: dict[str, Tally]) -> str:
    """One line per case, then the totals."""
    lines = [f"{name}: {one.line()}" for name, one in cases.items()]
    return "\n".join([*lines, f"TOTAL: {tally_of(cases).line()}"])
