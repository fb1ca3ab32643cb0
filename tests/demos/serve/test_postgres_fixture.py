"""The shared PostgreSQL fixture gives a database of its own, reachable at the URL it yields."""

from __future__ import annotations

import psycopg


def test_postgres_url_names_a_fresh_database_of_this_session(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, connect_timeout=5) as conn:
        name = conn.execute("SELECT current_database()").fetchone()
    assert postgres_url.startswith("postgresql://")
    assert name is not None
    assert name[0].startswith("plangate_test_")
