"""The local sandbox world survives a kill just after the ledger committed a write.

The loss that started the crash matrix, kept as a quick, single test: with the world saved only
when the command ended, ``resume`` printed "Booked: table rsv-000001" for a reservation the world
did not have.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.crash_audit import BOOK, BUY, LocalWorld, Request, run_case
from tests.reliability.crashproc import ForkServer


@pytest.mark.parametrize("writing", [BOOK, BUY], ids=["booking", "order"])
def test_a_write_committed_in_the_ledger_is_in_the_world_after_a_kill(
    fork: ForkServer, tmp_path: Path, writing: Request
) -> None:
    tally = run_case(fork, LocalWorld(tmp_path), tmp_path, writing, "after_ledger")
    assert tally.kills == 1
    assert (tally.writes, tally.effects, tally.losses, tally.false_answers) == (1, 1, 0, 0), (
        tally.problems
    )
