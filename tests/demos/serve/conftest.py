"""Fixtures of the serving tests: a fresh PostgreSQL database for the whole test session.

Tests that need PostgreSQL take ``postgres_url``. The database is created on the server named by
``$PLANGATE_TEST_POSTGRES`` (default: the local one, ``postgresql://postgres@127.0.0.1:5432/postgres``)
and dropped when the session ends. On a machine without PostgreSQL those tests are skipped with a
message saying so; when ``$CI`` is set they fail instead, so CI never passes by skipping them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
"""The server and maintenance database the test database is created from, unless
``$PLANGATE_TEST_POSTGRES`` names another (a ``postgresql://`` URL)."""


def _admin_url() -> str:
    return os.environ.get("PLANGATE_TEST_POSTGRES") or ADMIN_URL


def _unreachable(admin: str, exc: Exception) -> None:
    message = (
        f"PostgreSQL is unreachable at {admin} ({type(exc).__name__}: {exc}); start it "
        "(pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) "
        "or set $PLANGATE_TEST_POSTGRES to a server where databases may be created"
    )
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a database ``plangate_test_<random>`` that lives as long as the test session."""
    admin = _admin_url()
    name = f"plangate_test_{uuid.uuid4().hex[:12]}"
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        _unreachable(admin, exc)
        raise  # unreachable: skip and fail raise
    with conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = urlsplit(admin)._replace(path=f"/{name}").geturl()
    try:
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
