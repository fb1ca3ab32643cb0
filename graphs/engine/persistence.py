"""Where runs persist between processes: a SQLite checkpointer for the engine.

``Engine`` takes any LangGraph checkpointer. The command line keeps its runs in one SQLite file
so that ``plangate run`` can pause for approval and a later ``plangate resume`` — another
process — continues the same thread. This module is the one place above
``plangate.graphs.engine.build`` that names LangGraph's SQLite saver, so ``agents/`` and ``demos/``
get it without importing langgraph.

Checkpoints are encrypted at rest when ``$PLANGATE_CHECKPOINT_KEY`` is set (or ``key=`` is
given): see ``plangate.graphs.engine.encryption`` for the key's format and the errors.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import aiosqlite
from langgraph.checkpoint.serde.base import SerializerProtocol
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from plangate.graphs.engine.build import Checkpointer
from plangate.graphs.engine.encryption import checkpoint_serde
from plangate.tools.errors import UsageError

__all__ = ["sqlite_checkpointer"]


@asynccontextmanager
async def sqlite_checkpointer(
    path: str | Path,
    *,
    key: str | bytes | None = None,
    serde: SerializerProtocol | None = None,
) -> AsyncIterator[Checkpointer]:
    """A checkpointer over the SQLite file at ``path``, open for the duration of the block.

    The parent folder is created when missing. Several processes may share the file: SQLite
    serialises their writes. Checkpoints are encrypted when a key is given or
    ``$PLANGATE_CHECKPOINT_KEY`` is set; checkpoints already stored unencrypted stay readable.

    Args:
        path: the database file.
        key: the AES key (raw bytes, or hex/base64 text); ``None`` reads
            ``$PLANGATE_CHECKPOINT_KEY``, and without it checkpoints are stored unencrypted.
        serde: a LangGraph serializer to use as is, instead of choosing one from the key.

    Raises:
        UsageError: the file exists but is not a SQLite database (or cannot be opened); the
            message names the file, so the user can move it aside. Also both ``key`` and
            ``serde`` are given.
        CheckpointKeyError: the key is malformed or pycryptodome is missing (here), or later,
            while a run reads a checkpoint: it is encrypted and no key is set, or the key does
            not open it.
    """
    if key is not None and serde is not None:
        raise UsageError("sqlite_checkpointer: give key= or serde=, not both")
    target = Path(path)
    chosen = serde if serde is not None else checkpoint_serde(key, where=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    async with AsyncExitStack() as stack:
        try:
            conn = await stack.enter_async_context(aiosqlite.connect(str(target)))
            saver = AsyncSqliteSaver(conn, serde=chosen)
            await saver.setup()  # a corrupt file fails here, before any run starts
        except sqlite3.DatabaseError as exc:
            raise UsageError(
                f"cannot open the run database {target}: {exc}; move it aside to start afresh"
            ) from exc
        yield saver
