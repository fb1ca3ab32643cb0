"""``plangate run`` and ``plangate resume`` through typer's runner: exit codes, output, state."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from plangate.demos.cli import runner
from plangate.demos.cli.commands import app
from plangate.demos.cli.session import Session
from plangate.tools.clock import FakeClock
from plangate.tools.domains.restaurants.sandbox import SandboxRestaurantBackend
from plangate.tools.ledger import WriteState
from tests.demos.cli_agent import TableAnswer

BOOK = "book a table for 2 in Lisbon"
FIND = "find a table for 2 in Lisbon"


def invoke(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=stdin)


def bookings(home: Path) -> list[str]:
    """Names the tables in the saved sandbox world are booked under."""
    restaurants = Session(home).load_world("sandbox", FakeClock()).restaurants
    assert isinstance(restaurants, SandboxRestaurantBackend)
    return [r.name for r in restaurants.reservations()]


def committed(home: Path) -> int:
    ledger = Session(home).ledger_path
    from plangate.tools.ledger_sqlite import SQLiteLedger

    opened = SQLiteLedger(ledger)
    try:
        return sum(entry.state is WriteState.COMMITTED for entry in opened.entries())
    finally:
        opened.close()


def paused(thread: str = "t1") -> None:
    result = invoke("run", "tables", BOOK, "--thread", thread)
    assert result.exit_code == 4, result.output
    assert f"plangate resume {thread} --approve book" in result.stdout


def test_a_read_only_run_is_done_and_shows_the_answer_as_a_table(home: Path) -> None:
    result = invoke("run", "tables", FIND)
    assert result.exit_code == 0, result.output
    assert "✓ step find search_restaurants done" in result.stdout  # one line per event
    assert "TableAnswer" in result.stdout
    for field in ("summary", "venues", "3 venue(s) found", "lis-007"):
        assert field in result.stdout
    assert "booking_id" not in result.stdout, "a field with nothing in it is shown"
    assert Session(home).stored_worlds() == ["sandbox"]
    assert (home / "threads.json").exists()


def test_json_prints_exactly_the_response_model_on_stdout(home: Path) -> None:
    result = invoke("run", "tables", FIND, "--json")
    assert result.exit_code == 0, result.output
    answer = TableAnswer.model_validate_json(result.stdout)
    assert json.loads(result.stdout) == answer.model_dump(mode="json")
    assert answer.summary == "3 venue(s) found"
    assert "step find" in result.stderr  # the events went to stderr


def test_a_pause_exits_4_with_the_resume_hint_and_writes_nothing(home: Path) -> None:
    paused()
    assert bookings(home) == []
    assert committed(home) == 0


def test_a_pause_with_json_leaves_stdout_empty_and_hints_on_stderr(home: Path) -> None:
    result = invoke("run", "tables", BOOK, "--thread", "j1", "--json")
    assert result.exit_code == 4, result.output
    assert result.stdout == ""
    assert "plangate resume j1 --approve book" in result.stderr


def test_resume_with_approve_completes_with_exactly_one_write(home: Path) -> None:
    paused()
    result = invoke("resume", "t1", "--approve", "book")
    assert result.exit_code == 0, result.output
    assert re.search(r"booked rsv-\d+", result.stdout)
    assert bookings(home) == ["Ada Lovelace"]
    assert committed(home) == 1
    again = invoke("resume", "t1", "--approve", "book")
    assert again.exit_code == 2
    assert "not waiting for approval (it is done)" in again.stderr
    assert bookings(home) == ["Ada Lovelace"]
    # Without decisions, resuming an ended thread shows its answer again and writes nothing.
    shown = invoke("resume", "t1")
    assert shown.exit_code == 0, shown.output
    assert "has ended (done)" in shown.output
    assert re.search(r"booked rsv-\d+", shown.stdout)
    assert bookings(home) == ["Ada Lovelace"]
    assert committed(home) == 1


def test_resume_with_an_edit_books_with_the_edited_arguments(home: Path) -> None:
    paused()
    result = invoke("resume", "t1", "--edit", 'book={"name": "Grace Hopper"}', "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["booking_id"]
    assert bookings(home) == ["Grace Hopper"]


def test_a_rejection_replans_and_pauses_again_for_the_next_proposal(home: Path) -> None:
    paused()
    result = invoke("resume", "t1", "--reject", "book", "--reason", "too early [sic]")
    assert result.exit_code == 4, result.output
    assert "too early [sic]" in result.stdout
    assert "plangate resume t1 --approve rebook" in result.stdout
    assert bookings(home) == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([], "no decision for book"),
        (["--approve", "book", "--approve", "s9"], "not pending: s9"),
        (["--approve", "s9"], "no decision for book; not pending: s9"),
        (["--approve", "book", "--reject", "book"], "approval book is decided more than once"),
    ],
    ids=["missing", "unknown", "both", "twice"],
)
def test_resume_needs_exactly_one_decision_per_pending_id(
    home: Path, options: list[str], message: str
) -> None:
    paused()
    result = invoke("resume", "t1", *options)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    if "twice" not in message and "more than once" not in message:
        assert "Pending approvals: book" in result.stderr
    assert bookings(home) == []
    assert invoke("resume", "t1", "--approve", "book").exit_code == 0, "the pause was lost"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("book={name: 'x'}", "the edit for book is not valid JSON"),
        ('book=["x"]', "the edit for book must be a non-empty JSON object"),
        ('{"name": "x"}', "--edit takes ID=JSON"),
    ],
    ids=["malformed", "not-an-object", "no-id"],
)
def test_a_bad_edit_exits_2_naming_the_id(home: Path, edit: str, message: str) -> None:
    paused()
    result = invoke("resume", "t1", "--edit", edit)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert bookings(home) == []


def test_yes_approves_every_pause_without_asking(home: Path) -> None:
    result = invoke("run", "tables", BOOK, "--yes")
    assert result.exit_code == 0, result.output
    assert "approved without asking: book" in result.stdout
    assert bookings(home) == ["Ada Lovelace"]


def test_on_a_terminal_each_pending_id_is_asked(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "is_interactive", lambda: True)
    answers = 'edit\nnot json\n{"name": "Alan Turing"}\n'
    result = invoke("run", "tables", BOOK, stdin=answers)
    assert result.exit_code == 0, result.output
    assert "Waiting for approval" in result.stdout
    assert "not valid JSON" in result.stdout
    assert "try again" in result.stdout
    assert bookings(home) == ["Alan Turing"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["run", "nope", FIND], 2, "unknown agent 'nope'; choose one of: reservation"),
        (["run", "tables", "sing me a song"], 2, "does not understand 'sing me a song'"),
        (["run", "tables", FIND + ", then tell me a long story about it"], 3, "blocked: "),
        (["run", "tables", FIND, "--backend", "ftp://x"], 2, "--backend must be 'sandbox'"),
        (["run", "tables", FIND, "--backend", "http://a:b@host:xx"], 2, "is not a valid URL"),
        (["run", "tables", FIND, "--backend", "http://"], 2, "names no host"),
        (["run", "tables", FIND, "--now", "9999-12-31T23:00Z"], 2, "outside the years"),
        (["run", "tables", FIND, "--thread", "a b"], 2, "--thread 'a b'"),
        (["run", "tables", FIND, "--strategy", "react"], 2, "react strategy needs a chat model"),
        (["resume", "ghost", "--approve", "x"], 2, "no thread 'ghost'"),
    ],
    ids=[
        "agent",
        "grammar",
        "blocked",
        "backend",
        "port",
        "host",
        "now",
        "thread",
        "react",
        "ghost",
    ],
)
def test_bad_requests_and_options_exit_with_their_code_and_message(
    home: Path, args: list[str], code: int, message: str
) -> None:
    result = invoke(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr


def test_a_model_without_its_package_or_key_is_a_one_line_usage_error(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = invoke("run", "tables", FIND, "--model", "openai:gpt-4o-mini")
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert re.match(
        r"error: openai models need (the langchain_openai package|an API key)", lines[0]
    )
    assert "plangate[openai]" in lines[0] or "OPENAI_API_KEY" in lines[0]


def test_a_thread_id_cannot_be_reused(home: Path) -> None:
    assert invoke("run", "tables", FIND, "--thread", "mine").exit_code == 0
    result = invoke("run", "tables", FIND, "--thread", "mine")
    assert result.exit_code == 2
    assert "thread 'mine' exists already" in result.stderr


@pytest.mark.parametrize("target", ["folder", "/dev/full"])
def test_a_trace_that_cannot_be_written_is_one_line_and_leaves_no_thread(
    home: Path, tmp_path: Path, target: str
) -> None:
    if target == "/dev/full" and not Path("/dev/full").exists():
        pytest.skip("this system has no /dev/full")
    path = tmp_path if target == "folder" else Path(target)
    result = invoke("run", "tables", FIND, "--thread", "tr", "--trace", str(path))
    assert result.exit_code == 2, result.output
    assert f"cannot write the trace {path}" in result.stderr
    assert "Traceback" not in result.output
    again = invoke("run", "tables", FIND, "--thread", "tr")  # the thread id is still free
    assert again.exit_code == 0, again.output
