"""The local sandbox world survives a kill just after the ledger committed a booking.

The loss that started the crash matrix, kept as a quick, single test: with the world saved only
when the command ended, ``resume`` printed "Booked: table rsv-000001" for a reservation the world
did not have.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.crash_audit import BOOK, BUY, LocalWorld, run_case
from tests.reliability.crashproc import ForkServer


@pytest.fixture(scope="module")
def fork(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ForkServer]:
    server = ForkServer(tmp_path_factory.mktemp("fork"))
    try:
        yield server
    finally:
        server.close()


@pytest.mark.parametrize("request_", [BOOK, BUY], ids=["booking", "order"])
def test_a_booking_committed_in_the_ledger_is_in_the_world_after_a_kill(
    fork: ForkServer, tmp_path: Path, request_: object
) -> None:
    assert request_ in (BOOK, BUY)
    tally = run_case(fork, LocalWorld(tmp_path), tmp_path, request_, "after_ledger")  # type: ignore[arg-type]
    assert tally.kills == 1
    assert (tally.writes, tally.effects, tally.losses, tally.false_answers) == (1, 1, 0, 0), (
        tally.problems
    )
