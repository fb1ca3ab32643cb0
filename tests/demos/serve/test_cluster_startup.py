"""The workers of a new cluster start together: their checkpointers create the tables once.

Two processes opening ``postgres_checkpointer`` on an empty database at once used to wait for
each other forever (one blocked on the migrations' lock, holding a snapshot; the other's
``CREATE INDEX CONCURRENTLY`` waiting for that snapshot). Two pools stand for the two processes.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql

from plangate.graphs.engine.persistence import postgres_checkpointer


@pytest.fixture
def empty_database(postgres_url: str) -> Iterator[str]:
    """A database of its own with no tables yet, dropped after the test."""
    name = f"plangate_empty_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlsplit(postgres_url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(postgres_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


async def test_two_checkpointers_open_an_empty_database_at_once(empty_database: str) -> None:
    async def open_one() -> bool:
        async with postgres_checkpointer(empty_database) as saver:
            config = {"configurable": {"thread_id": "none", "checkpoint_ns": ""}}
            return await saver.aget_tuple(config) is None  # type: ignore[arg-type]

    opened = await asyncio.wait_for(asyncio.gather(open_one(), open_one()), 20)
    assert opened == [True, True]
