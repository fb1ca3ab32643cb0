"""Files that hold runs are readable by their owner only.

A checkpoint database, an idempotency ledger or a trace holds what a run saw: requests, tool
results, approvals. Every place that creates one calls ``make_private`` first, so a new file is
born 0600 whatever the process's umask. SQLite gives its journal and WAL files the database
file's mode, so creating the database file private covers them too.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def make_private(path: str | Path, *, tighten: bool = False) -> None:
    """Create ``path`` (empty) readable by its owner only, with its parent folder if missing.

    A file that already exists keeps its mode, unless ``tighten``: a user who chose to share
    their own database keeps that choice, while a folder the project owns (``.plangate/``)
    tightens whatever it finds.

    Raises:
        OSError: the file cannot be created (the caller names the file in its own error).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))
    if tighten:
        os.chmod(target, PRIVATE_FILE)
