"""``plangate run --server URL``: the run happens on a server; the terminal shows it the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plangate.demos.cli import app
from tests.demos.serve.api import BOOK, FIND, loopback


def test_a_run_on_a_server_waits_for_approval_then_books_with_yes(tmp_path: Path) -> None:
    with loopback(tmp_path) as url:
        paused = CliRunner().invoke(app, ["run", "tables", BOOK, "--server", url, "--thread", "p1"])
        assert paused.exit_code == 4, paused.output
        assert "book_table" in paused.output
        done = CliRunner().invoke(
            app, ["run", "tables", BOOK, "--server", url, "--thread", "p2", "--yes", "--json"]
        )
        assert done.exit_code == 0, done.output
        assert json.loads(done.stdout)["booking_id"]
        again = CliRunner().invoke(app, ["run", "tables", FIND, "--server", url, "--thread", "p2"])
        assert again.exit_code == 2
        assert "409 conflict: thread 'p2' exists already" in again.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [(["--plan", "x.json"], "--plan cannot be used with --server"),
     (["--backend", "http://h:1"], "--backend cannot be used with --server")],
)  # fmt: skip
def test_options_the_server_decides_are_refused(options: list[str], message: str) -> None:
    result = CliRunner().invoke(
        app, ["run", "tables", FIND, "--server", "http://127.0.0.1:9", *options]
    )
    assert result.exit_code == 2
    assert message in result.stderr
