"""The crash matrix: kill the CLI at every commit boundary of a write, continue, audit the world.

For both demo agents (a table booking, a limit order) and both backends (the embedded sandbox
world in ``.plangate/``, and a ``sandbox serve`` server on loopback), a command dies of SIGKILL
before a write's effect, after the effect before the ledger records it, inside the ledger's
commit, and after the ledger before the run's checkpoint, in ``run --yes`` and in
``resume --approve``; then at seeded random instants of the whole run. On the local sandbox a
trip with three writes (flight, table after a refused seating, calendar event) dies at each
write's boundaries too. The thread is then continued and audited: exactly one effect per
committed write, no effect without one, every sandbox's own invariants, and an answer that names
only effects the world holds. The counts are printed per case (``pytest -s``).

The commands run in processes forked from one that imported plangate once
(``killpoint.py --serve``): each dies of a real SIGKILL, and the matrix stays under a minute and
a half on two cores.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from tests.reliability.crash_audit import (
    BOOK,
    BUY,
    TRIP,
    LocalWorld,
    Request,
    ServerWorld,
    Tally,
    World,
    counted,
    orphans,
    run_case,
    tally_of,
)
from tests.reliability.crashproc import CRASH_NOW, ForkServer, sandbox_server
from tests.reliability.killpoint import POINTS

RANDOM_KILLS = 2  # per request, backend and command, at seeded instants
SEED = 20260311


def _moment(day: int) -> str:
    start = datetime.fromisoformat(CRASH_NOW)
    return (start + timedelta(days=day)).isoformat().replace("+00:00", "Z")


class Matrix:
    """Runs cases, each in a state folder of its own, and keeps their tallies."""

    def __init__(
        self, fork: ForkServer, folder: Path, world: World | None, backend: str = "sandbox"
    ) -> None:
        self.fork, self.folder, self.shared, self.backend = fork, folder, world, backend
        self.cases: dict[str, Tally] = {}
        self.homes: dict[Request, list[Path]] = {BOOK: [], BUY: [], TRIP: []}
        self.writes = 0

    def case(self, request: Request, point: str, *, at_resume: bool) -> None:
        number = len(self.cases)
        home = self.folder / f"case-{number}"
        world = self.shared or LocalWorld(home)
        # Bookings on a shared server are each for another evening, so tables never run out.
        now = _moment(number) if request is BOOK and self.shared else CRASH_NOW
        what = "trip" if request is TRIP else request.agent
        name = f"{what} {'resume --approve' if at_resume else 'run --yes'} @ {point}"
        self.cases[name] = run_case(
            self.fork, world, home, request, point, at_resume=at_resume, thread=f"c{number}",
            now=now, backend=self.backend,
        )  # fmt: skip
        self.homes[request].append(home)
        self.writes += request.writes

    def calls(self, request: Request, *, at_resume: bool) -> int:
        """How many plangate functions the command enters when nothing kills it."""
        home = self.folder / f"count-{len(self.cases)}"
        run = ["run", request.agent, request.text, "--thread", "n", "--json",
               "--backend", self.backend]  # fmt: skip
        if at_resume:
            assert self.fork.run(home, "none", run).code == 4
            args = ["resume", "n", "--approve", request.approve, "--json"]
        else:
            args = [*run, "--yes"]
        self.homes[request].append(home)  # its write lands on a shared server too
        counted_run = self.fork.run(home, "count", args)
        assert counted_run.code == 0, counted_run.stderr
        assert counted_run.calls, counted_run.stderr
        return counted_run.calls

    def run_all(self, rng: random.Random) -> None:
        for request in (BOOK, BUY):
            for at_resume in (False, True):
                for point in POINTS:
                    self.case(request, point, at_resume=at_resume)
                total = self.calls(request, at_resume=at_resume)
                for _ in range(RANDOM_KILLS):
                    self.case(request, f"call@{rng.randint(1, total)}", at_resume=at_resume)

    def check(self) -> None:
        report = counted(self.cases)
        print(report)
        total = tally_of(self.cases)
        assert not total.problems, "\n".join([*total.problems, report])
        missed = [name for name, one in self.cases.items() if "call@" not in name and not one.kills]
        assert not missed, f"these commands ended before their kill point: {missed}"
        assert (total.duplicates, total.losses, total.false_answers) == (0, 0, 0), report
        assert total.writes == total.effects == self.writes, report


def test_a_write_killed_at_any_commit_boundary_on_the_local_sandbox_happens_once(
    fork: ForkServer, tmp_path: Path
) -> None:
    matrix = Matrix(fork, tmp_path, None)
    rng = random.Random(SEED)
    matrix.run_all(rng)
    # Three writes in one run: the flight, the table (after a refused seating), the event.
    for point in ("before_effect@1", "after_effect@2", "in_commit@2", "after_ledger@3"):
        matrix.case(TRIP, point, at_resume=False)
    total = matrix.calls(TRIP, at_resume=False)
    for _ in range(RANDOM_KILLS):
        matrix.case(TRIP, f"call@{rng.randint(1, total)}", at_resume=False)
    matrix.check()
    for request, homes in matrix.homes.items():
        assert all(orphans(LocalWorld(home), request, [home]) == 0 for home in homes)


def test_a_write_killed_at_any_commit_boundary_against_a_server_happens_once(
    fork: ForkServer, tmp_path: Path
) -> None:
    with sandbox_server(tmp_path / "server") as url:
        world = ServerWorld(url)
        matrix = Matrix(fork, tmp_path, world, url)
        matrix.run_all(random.Random(SEED + 1))
        matrix.check()
        every_home = [home for homes in matrix.homes.values() for home in homes]
        assert orphans(world, BOOK, every_home) == orphans(world, BUY, every_home) == 0
