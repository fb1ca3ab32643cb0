"""``.plangate/``: the sandbox world survives commands, bad state is reported, commands take turns."""

from __future__ import annotations

import fcntl
import os
import pickle
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plangate.demos.cli.clocks import parse_now
from plangate.demos.cli.commands import app
from plangate.demos.cli.session import Session, ThreadRecord, home, without_password
from plangate.tools.clock import FakeClock, PinnedClock
from plangate.tools.domains.backends import Backends, bind_tools, sandbox_app, sandbox_backends
from plangate.tools.domains.retrieval.sandbox import SandboxRetrievalBackend
from plangate.tools.domains.server import serve_in_thread
from plangate.tools.errors import UsageError
from plangate.tools.executor import ToolExecutor
from tests.demos.conftest import CLI_NOW

FIND = "find a table for 2 in Lisbon"


def test_home_is_plangate_home_else_dot_plangate_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLANGATE_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert home() == tmp_path / ".plangate"
    monkeypatch.setenv("PLANGATE_HOME", str(tmp_path / "elsewhere"))
    assert home() == tmp_path / "elsewhere"


async def test_the_world_round_trips_with_its_state_and_a_built_index(tmp_path: Path) -> None:
    session = Session(tmp_path)
    world = sandbox_backends(seed=0)
    executor = ToolExecutor(bind_tools(world))
    await executor.call("search_documents", {"query": "business class"})  # builds the index
    window = {"time_min": "2031-01-06T00:00:00Z", "time_max": "2031-01-07T00:00:00Z"}
    event = {"start": "2031-01-06T10:00:00Z", "end": "2031-01-06T11:00:00Z", "timezone": "UTC"}
    created = await executor.call("create_event", {"summary": "Call", **event})
    session.save_world("sandbox", world)
    assert session.stored_worlds() == ["sandbox"]  # in the ledger's database, no file of its own
    assert not [n for n in os.listdir(tmp_path) if n.endswith((".tmp", ".pickle"))]
    clock = FakeClock()
    loaded = session.load_world("sandbox", clock)
    assert isinstance(loaded, Backends)
    # The clock is not saved: the world is loaded onto the command's own clock, everywhere.
    assert all(backend.clock is clock for _, backend in loaded)
    assert all(backend.faults.clock is clock for _, backend in loaded)
    retrieval = loaded.retrieval
    assert isinstance(retrieval, SandboxRetrievalBackend)
    again = ToolExecutor(bind_tools(loaded))
    found = await again.call("list_events", window)
    assert created.result_json in found.result_json["items"]
    assert (await again.call("search_documents", {"query": "business class"})).result_json


@pytest.mark.parametrize(
    "content",
    [b"not a pickle", pickle.dumps({"format": 99, "backends": None}), pickle.dumps([1, 2])],
    ids=["garbage", "other-format", "not-a-dict"],
)
def test_an_unreadable_world_file_of_an_earlier_version_says_to_delete_it(
    tmp_path: Path, content: bytes
) -> None:
    (tmp_path / "sandbox.pickle").write_bytes(content)
    with pytest.raises(UsageError, match=r"delete it to start from a fresh sandbox: rm .*"):
        Session(tmp_path).load_world("sandbox", FakeClock())


def test_a_corrupt_world_stops_the_command_and_is_left_untouched(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "sandbox.pickle").write_bytes(b"\x80\x05garbage")
    result = CliRunner().invoke(app, ["run", "tables", FIND])
    assert result.exit_code == 2
    assert f"rm {home / 'sandbox.pickle'}" in result.stderr
    assert (home / "sandbox.pickle").read_bytes() == b"\x80\x05garbage"


def test_a_corrupt_thread_index_is_reported(tmp_path: Path) -> None:
    (tmp_path / "threads.json").write_text("{oops", encoding="utf-8")
    with pytest.raises(UsageError, match="cannot read the thread index"):
        Session(tmp_path).thread("t1")


def test_threads_are_remembered(tmp_path: Path) -> None:
    session = Session(tmp_path)
    record = ThreadRecord(
        thread_id="t1", agent="tables", request="r", model="offline", backend="sandbox",
        strategy="plan",
    )  # fmt: skip
    session.add_thread(record)
    assert Session(tmp_path).thread("t1") == record
    assert session.has_thread("t1")
    assert not session.has_thread("t2")


def test_the_thread_index_keeps_no_pii_of_the_request(tmp_path: Path) -> None:
    # threads.json is not encrypted with the checkpoints: the request is stored for display only.
    asked = "Book for 2, card 4111 1111 1111 1111, mail ada@example.com or call +351 912 345 678"
    record = ThreadRecord(
        thread_id="t1", agent="tables", request=asked, model="offline", backend="sandbox",
        strategy="plan",
    )  # fmt: skip
    Session(tmp_path).add_thread(record)
    stored = (tmp_path / "threads.json").read_text(encoding="utf-8")
    for raw in ("4111", "ada@example.com", "912 345"):
        assert raw not in stored
    assert Session(tmp_path).thread("t1").request.startswith("Book for 2, card ")


def test_a_second_command_waits_for_the_lock(tmp_path: Path) -> None:
    session = Session(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    waited, entered = threading.Event(), threading.Event()
    with open(tmp_path / "lock", "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)

        def second() -> None:
            with session.locked(on_wait=waited.set):
                entered.set()

        worker = threading.Thread(target=second)
        worker.start()
        assert waited.wait(10), "the second command did not notice the lock"
        assert not entered.is_set()
        fcntl.flock(held, fcntl.LOCK_UN)
    worker.join(10)
    assert entered.is_set()


def test_a_url_backend_runs_against_the_server_and_keeps_no_local_world(home: Path) -> None:
    served = sandbox_backends(seed=0, clock=PinnedClock(parse_now(CLI_NOW)))  # as `--now` would
    with serve_in_thread(sandbox_app(served)) as url:
        result = CliRunner().invoke(app, ["run", "tables", FIND, "--backend", url, "--json"])
    assert result.exit_code == 0, result.output
    assert '"summary": "3 venue(s) found"' in result.stdout
    assert Session(home).stored_worlds() == []
    assert Session(home).thread(next(iter(_threads(home)))).backend == url


def test_a_url_backend_runs_at_the_commands_pinned_time(home: Path) -> None:
    # The booking window is judged on the backends' clock: with --backend URL it must be the
    # command's pinned time (CLI_NOW), not the real date, or "tomorrow" may be in the past.
    served = sandbox_backends(seed=0, clock=PinnedClock(parse_now(CLI_NOW)))
    with serve_in_thread(sandbox_app(served)) as url:
        result = CliRunner().invoke(
            app, ["run", "reservation", "Book a table for 2 in Lisbon tomorrow at 8pm",
                  "--backend", url, "--thread", "at-now"],
        )  # fmt: skip
    assert result.exit_code == 4, result.output  # waiting for approval, not blocked (3)
    assert "approval requested: table (book_table" in result.stdout


def _threads(folder: Path) -> list[str]:
    import json

    return list(json.loads((folder / "threads.json").read_text(encoding="utf-8")))


def test_the_state_folder_and_every_file_in_it_are_the_owners_alone(home: Path) -> None:
    home.mkdir(parents=True)
    home.chmod(0o755)  # a folder made by hand, readable by others, is tightened
    result = CliRunner().invoke(app, ["run", "tables", "book a table for 2 in Lisbon"])
    assert result.exit_code == 4, result.output
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    files = sorted(path.name for path in home.iterdir())
    assert {"runs.db", "ledger.db", "threads.json", "lock"} <= set(files)
    assert Session(home).stored_worlds() == ["sandbox"]
    modes = {name: stat.S_IMODE((home / name).stat().st_mode) for name in files}
    assert modes == dict.fromkeys(files, 0o600)


def test_a_backend_password_is_never_written_and_resume_asks_for_it(home: Path) -> None:
    served = sandbox_backends(seed=0, clock=PinnedClock(parse_now(CLI_NOW)))
    with serve_in_thread(sandbox_app(served)) as url:
        secret_url = url.replace("http://", "http://ada:hunter2-secret@")
        book = "book a table for 2 in Lisbon"
        first = CliRunner().invoke(app, ["run", "tables", book, "--backend", secret_url,
                                         "--thread", "pw"])  # fmt: skip
        assert first.exit_code == 4, first.output
        for path in home.iterdir():
            assert b"hunter2-secret" not in path.read_bytes(), path.name
        assert Session(home).thread("pw").backend == url.replace("http://", "http://ada@")
        asked = CliRunner().invoke(app, ["resume", "pw", "--approve", "book"])
        assert asked.exit_code == 2
        assert "with a password, which is not stored" in asked.stderr
        assert "--backend URL" in asked.stderr
        other = CliRunner().invoke(
            app, ["resume", "pw", "--approve", "book", "--backend", "http://ada:x@10.9.9.9:1"]
        )
        assert other.exit_code == 2
        assert "resume it against its own backend" in other.stderr
        done = CliRunner().invoke(
            app, ["resume", "pw", "--approve", "book", "--backend", secret_url]
        )
        assert done.exit_code == 0, done.output
    assert len(served.restaurants.reservations()) == 1  # type: ignore[attr-defined]


def test_without_password_keeps_the_user_host_and_port() -> None:
    assert without_password("http://ada:pw@127.0.0.1:8765/x") == "http://ada@127.0.0.1:8765/x"
    assert without_password("https://:pw@[::1]:9/") == "https://@[::1]:9/"
    assert without_password("http://127.0.0.1:8765") == "http://127.0.0.1:8765"
    assert without_password("sandbox") == "sandbox"
