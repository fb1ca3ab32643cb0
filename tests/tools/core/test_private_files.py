"""Files that hold runs are born readable by their owner only, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from plangate.graphs.engine.persistence import sqlite_checkpointer
from plangate.tools.errors import UsageError
from plangate.tools.ledger_sqlite import SQLiteLedger
from plangate.tools.private_files import make_private


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that would make new files world-readable (0644)."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("open_umask")
def test_a_new_ledger_and_its_wal_are_private(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "ledger.db"
    ledger = SQLiteLedger(path)
    try:
        assert mode(path) == 0o600
        wal = path.with_name("ledger.db-wal")
        assert wal.exists()
        assert mode(wal) == 0o600
    finally:
        ledger.close()


@pytest.mark.usefixtures("open_umask")
async def test_a_new_checkpoint_database_is_private(tmp_path: Path) -> None:
    path = tmp_path / "runs" / "runs.db"
    async with sqlite_checkpointer(path):
        assert mode(path) == 0o600


@pytest.mark.usefixtures("open_umask")
def test_an_existing_file_keeps_its_mode_unless_tightened(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    path.touch()
    path.chmod(0o640)
    make_private(path)
    assert mode(path) == 0o640
    make_private(path, tighten=True)
    assert mode(path) == 0o600


def test_a_ledger_that_cannot_be_created_names_its_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(
        UsageError, match=r"cannot open the idempotency ledger at .*file/ledger\.db"
    ):
        SQLiteLedger(blocker / "ledger.db")


async def test_a_checkpoint_database_that_cannot_be_created_names_its_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(UsageError, match=r"cannot create the run database .*file/runs\.db"):
        async with sqlite_checkpointer(blocker / "runs.db"):
            pass
