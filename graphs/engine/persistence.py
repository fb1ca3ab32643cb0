"""Where runs persist between processes: a SQLite checkpointer for the engine.

``Engine`` takes any LangGraph checkpointer. The command line keeps its runs in one SQLite file
so that ``plangate run`` can pause for approval and a later ``plangate resume`` — another
process — continues the same thread. This module is the one place above
``plangate.graphs.engine.build`` that names LangGraph's SQLite saver, so ``agents/`` and ``demos/``
get it without importing langgraph.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from plangate.graphs.engine.build import Checkpointer
from plangate.tools.errors import UsageError

__all__ = ["sqlite_checkpointer"]


@asynccontextmanager
async def sqlite_checkpointer(path: str | Path) -> AsyncIterator[Checkpointer]:
    """A checkpointer over the SQLite file at ``path``, open for the duration of the block.

    The parent folder is created when missing. Several processes may share the file: SQLite
    serialises their writes.

    Args:
        path: the database file.

    Raises:
        UsageError: the file exists but is not a SQLite database (or cannot be opened); the
            message names the file, so the user can move it aside.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    async with AsyncExitStack() as stack:
        try:
            saver = await stack.enter_async_context(AsyncSqliteSaver.from_conn_string(str(target)))
            await saver.setup()  # a corrupt file fails here, before any run starts
        except sqlite3.DatabaseError as exc:
            raise UsageError(
                f"cannot open the run database {target}: {exc}; move it aside to start afresh"
            ) from exc
        yield saver
