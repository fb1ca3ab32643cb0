"""The shared PostgreSQL fixture gives a database of its own, reachable at the URL it yields."""

from __future__ import annotations

import psycopg
import pytest

from tests.demos.serve.conftest import ADMIN_URL, _unreachable


def test_postgres_url_names_a_fresh_database_of_this_session(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, connect_timeout=5) as conn:
        name = conn.execute("SELECT current_database()").fetchone()
    assert postgres_url.startswith("postgresql://")
    assert name is not None
    assert name[0].startswith("plangate_test_")


def test_an_unreachable_server_skips_on_a_workstation_and_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refused = ConnectionRefusedError("connection refused")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL is unreachable at postgresql://"):
        _unreachable(ADMIN_URL, refused)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL is unreachable"):
        _unreachable(ADMIN_URL, refused)
