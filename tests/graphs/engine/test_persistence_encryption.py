"""Checkpoints encrypted at rest: no raw PII in the file with a key, clear errors without it."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypedDict

import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from typer.testing import CliRunner

from plangate.graphs.engine.encryption import KEY_VAR, CheckpointKeyError, parse_keys
from plangate.graphs.engine.persistence import sqlite_checkpointer
from plangate.tools.errors import UsageError

KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
OTHER = "ffeeddccbbaa99887766554433221100"
EMAIL, CARD = "ada.lovelace@example.org", "4111 1111 1111 1111"
ROOT = Path(__file__).resolve().parents[3]


class Card(TypedDict):
    holder: str
    card: str
    seen: int


def charge(state: Card) -> dict[str, int]:
    return {"seen": state["seen"] + 1}


def graph(checkpointer: Any, *, pause: bool = False) -> CompiledStateGraph[Any, Any, Any, Any]:
    builder = StateGraph(Card)
    builder.add_node("charge", charge)
    builder.add_edge(START, "charge")
    builder.add_edge("charge", END)
    return builder.compile(checkpointer=checkpointer, interrupt_before=["charge"] if pause else [])


def thread(name: str) -> RunnableConfig:
    return {"configurable": {"thread_id": name}}


def stored_bytes(db: Path) -> bytes:
    """The database and its journal files, as anyone who can read the folder sees them."""
    return b"".join(p.read_bytes() for p in sorted(db.parent.glob(db.name + "*")))


def stored_types(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT type FROM checkpoints ORDER BY checkpoint_id").fetchall()
    return [row[0] for row in rows]


@asynccontextmanager
async def opened(
    db: Path, *, pause: bool = False, **kwargs: Any
) -> AsyncIterator[CompiledStateGraph[Any, Any, Any, Any]]:
    async with sqlite_checkpointer(db, **kwargs) as checkpointer:
        yield graph(checkpointer, pause=pause)


async def charge_once(db: Path, *, seen: int = 0, pause: bool = False, **kwargs: Any) -> None:
    async with opened(db, pause=pause, **kwargs) as app:
        await app.ainvoke({"holder": EMAIL, "card": CARD, "seen": seen}, thread("t1"))


@pytest.fixture(autouse=True)
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_VAR, raising=False)


# --- the key's format ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("00" * 16, 16),
        ("AB" * 24, 24),
        (KEY, 32),
        (base64.b64encode(b"k" * 16).decode(), 16),
        (base64.b64encode(b"\xfb\xff" * 12).decode(), 24),
        (base64.urlsafe_b64encode(b"\xfb\xff" * 16).decode().rstrip("="), 32),  # token_urlsafe
        (f"  {KEY}\n", 32),  # $(cat keyfile) keeps the newline
    ],
)
def test_a_key_is_hex_or_base64_of_16_24_or_32_bytes(text: str, size: int) -> None:
    assert [len(k) for k in parse_keys(text)] == [size]


def test_several_keys_are_read_in_order() -> None:
    assert parse_keys(f"{KEY}, {OTHER}") == [bytes.fromhex(KEY), bytes.fromhex(OTHER)]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "is empty: unset it"),
        ("  \n", "is empty: unset it"),
        ("correct horse battery staple", "the key is neither hex nor base64"),
        ("0123456789abcdef0123456789abcde", "the key has an odd number of hex digits"),
        ("00" * 20, "the key is hex of 20 bytes, not 16, 24 or 32"),
        (base64.b64encode(b"s3cret-s3cret-s3cret").decode(), "base64 of 20 bytes"),
        (f"{KEY},", "key 2 of 2 is empty"),
        (f"{KEY},zz!", "key 2 of 2 is neither hex nor base64"),
    ],
)
async def test_a_malformed_key_is_one_line_naming_the_variable_never_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, problem: str
) -> None:
    monkeypatch.setenv(KEY_VAR, text)
    db = tmp_path / "runs.db"
    with pytest.raises(CheckpointKeyError) as raised:
        await charge_once(db)
    message = str(raised.value)
    assert message.startswith(KEY_VAR)
    assert problem in message
    assert "\n" not in message
    assert all(part.strip() not in message for part in text.split(",") if len(part.strip()) > 3)
    assert not db.exists()  # refused before anything is written


async def test_a_raw_key_must_have_an_aes_size_and_key_or_serde_not_both(tmp_path: Path) -> None:
    with pytest.raises(CheckpointKeyError, match="key=: 10 bytes, not 16, 24 or 32"):
        await charge_once(tmp_path / "runs.db", key=b"0123456789")
    with pytest.raises(UsageError, match="give key= or serde=, not both"):
        await charge_once(tmp_path / "runs.db", key=KEY, serde=JsonPlusSerializer())


# --- what the file holds ------------------------------------------------------------------


@pytest.mark.parametrize("encrypted", [True, False], ids=["key", "no-key"])
async def test_with_a_key_the_file_holds_no_card_number_or_email(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encrypted: bool
) -> None:
    if encrypted:
        monkeypatch.setenv(KEY_VAR, KEY)
    db = tmp_path / "runs.db"
    await charge_once(db)
    raw = stored_bytes(db)
    assert (EMAIL.encode() in raw) is not encrypted
    assert (CARD.encode() in raw) is not encrypted
    assert all(t.endswith("+aes") is encrypted for t in stored_types(db))


async def test_a_key_in_python_encrypts_without_the_variable(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    await charge_once(db, key=bytes.fromhex(KEY))
    assert EMAIL.encode() not in stored_bytes(db)
    async with opened(db, key=KEY) as app:  # the same key, written as hex
        assert (await app.aget_state(thread("t1"))).values["holder"] == EMAIL


async def test_a_run_continues_on_a_new_connection_with_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VAR, KEY)
    db = tmp_path / "runs.db"
    await charge_once(db, pause=True)  # stops before the charge, as a run waits for approval
    async with opened(db, pause=True) as app:
        assert (await app.aget_state(thread("t1"))).next == ("charge",)
        state = await app.ainvoke(None, thread("t1"))  # resumes from the stored checkpoint
    assert state == {"holder": EMAIL, "card": CARD, "seen": 1}
    assert EMAIL.encode() not in stored_bytes(db)


READ_IN_ANOTHER_PROCESS = """
import asyncio, json, sys
from plangate.graphs.engine.persistence import sqlite_checkpointer

async def main():
    async with sqlite_checkpointer(sys.argv[1]) as saver:
        found = await saver.aget_tuple({"configurable": {"thread_id": "t1"}})
        print(json.dumps(found.checkpoint["channel_values"]))

asyncio.run(main())
"""


def read_in_another_process(db: Path, key: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != KEY_VAR}
    env.update({KEY_VAR: key} if key is not None else {})
    return subprocess.run(
        [sys.executable, "-c", READ_IN_ANOTHER_PROCESS, str(db)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip


async def test_another_process_reads_the_checkpoint_with_the_key_only(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    await charge_once(db, key=KEY)
    done = read_in_another_process(db, KEY)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["card"] == CARD
    refused = read_in_another_process(db, None)
    assert refused.returncode != 0
    assert f"are encrypted: set {KEY_VAR}" in refused.stderr


# --- the wrong key, no key, a new key -----------------------------------------------------


async def test_encrypted_checkpoints_read_without_a_key_say_to_set_it(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    await charge_once(db, key=KEY)
    async with opened(db) as app:
        with pytest.raises(CheckpointKeyError) as raised:
            await app.aget_state(thread("t1"))
    assert str(raised.value) == (
        f"checkpoints in {db} are encrypted: set {KEY_VAR} to the key they were written with"
    )


@pytest.mark.parametrize("strict", [False, True], ids=["as-opened", "with-allowlist"])
async def test_the_wrong_key_is_named_not_a_mac_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, strict: bool
) -> None:
    db = tmp_path / "runs.db"
    await charge_once(db, key=KEY)
    monkeypatch.setenv(KEY_VAR, OTHER)
    async with sqlite_checkpointer(db) as saver:
        # A graph compiled under LANGGRAPH_STRICT_MSGPACK clones the saver with an allow-list;
        # the clone must explain a wrong key the same way.
        reader = saver.with_allowlist([("tests", "graphs")]) if strict else saver
        with pytest.raises(CheckpointKeyError) as raised:
            await reader.aget_tuple(thread("t1"))
    message = str(raised.value)
    assert message.startswith(f"{KEY_VAR} does not decrypt the checkpoints in {db}")
    assert OTHER not in message
    assert KEY not in message


async def test_an_altered_checkpoint_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    await charge_once(db, key=KEY)
    with sqlite3.connect(db) as conn:  # flip the last byte of every stored checkpoint
        rows = conn.execute("SELECT rowid, checkpoint FROM checkpoints").fetchall()
        for rowid, blob in rows:
            altered = blob[:-1] + bytes([blob[-1] ^ 1])
            conn.execute("UPDATE checkpoints SET checkpoint = ? WHERE rowid = ?", (altered, rowid))
    async with opened(db, key=KEY) as app:
        with pytest.raises(CheckpointKeyError, match="or the file was altered"):
            await app.aget_state(thread("t1"))


async def test_a_plain_database_stays_readable_once_a_key_is_set(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    await charge_once(db)  # written before encryption was turned on
    plain = len(stored_types(db))
    async with opened(db, key=KEY) as app:
        assert (await app.aget_state(thread("t1"))).values["card"] == CARD
    await charge_once(db, seen=5, key=KEY)  # the thread goes on; new checkpoints are encrypted
    types = stored_types(db)
    assert types[:plain] == ["msgpack"] * plain
    assert types[plain:]
    assert all(t == "msgpack+aes" for t in types[plain:])


async def test_a_rotated_key_reads_old_checkpoints_and_writes_with_the_new_one(
    tmp_path: Path,
) -> None:
    db = tmp_path / "runs.db"
    await charge_once(db, key=OTHER)
    async with opened(db, key=f"{KEY},{OTHER}") as app:  # new key first, the old one after it
        assert (await app.aget_state(thread("t1"))).values["seen"] == 1
    await charge_once(db, seen=5, key=f"{KEY},{OTHER}")
    async with opened(db, key=KEY) as app:  # the newest checkpoint needs the new key alone
        assert (await app.aget_state(thread("t1"))).values["seen"] == 6
    async with opened(db, key=OTHER) as app:
        with pytest.raises(CheckpointKeyError, match="does not decrypt"):
            await app.aget_state(thread("t1"))


async def test_without_pycryptodome_the_error_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("Crypto", "Crypto.Cipher", "Crypto.Cipher.AES"):
        monkeypatch.setitem(sys.modules, name, None)  # as if not installed: import fails
    monkeypatch.setenv(KEY_VAR, KEY)
    with pytest.raises(CheckpointKeyError, match=r"pip install 'plangate\[encryption\]'"):
        await charge_once(tmp_path / "runs.db")


# --- through the command line -------------------------------------------------------------


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's fixtures (tests/demos/conftest.py): a state folder, a pinned time, ``tables``."""
    from plangate.agents import catalog

    folder = tmp_path / "state"
    monkeypatch.setenv("PLANGATE_HOME", str(folder))
    monkeypatch.setenv("PLANGATE_NOW", "2026-03-09T09:00:00Z")
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.delenv("PLANGATE_MODEL", raising=False)
    monkeypatch.setitem(catalog.AGENTS, "tables", "tests.demos.cli_agent")
    return folder


def cli(*args: str) -> Any:
    from plangate.demos.cli.commands import app

    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize("encrypted", [True, False], ids=["key", "no-key"])
def test_a_cli_run_with_the_key_leaves_no_raw_email_in_runs_db_and_resumes(
    cli_home: Path, monkeypatch: pytest.MonkeyPatch, encrypted: bool
) -> None:
    if encrypted:
        monkeypatch.setenv(KEY_VAR, KEY)
    first = cli("run", "tables", f"book a table for 2 in Lisbon {EMAIL}", "--thread", "e1")
    assert first.exit_code == 4, first.output  # waits for approval, checkpointed
    assert (EMAIL.encode() in stored_bytes(cli_home / "runs.db")) is not encrypted
    second = cli("resume", "e1", "--approve", "book")
    assert second.exit_code == 0, second.output
    assert "booked rsv-000001" in second.output


def test_resuming_an_encrypted_cli_run_without_the_key_is_one_line_exit_2(
    cli_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_VAR, KEY)
    assert cli("run", "tables", "book a table for 2 in Lisbon", "--thread", "e2").exit_code == 4
    monkeypatch.delenv(KEY_VAR)
    result = cli("resume", "e2", "--approve", "book")
    assert result.exit_code == 2, result.output
    assert f"runs.db are encrypted: set {KEY_VAR}" in result.output
    assert "Traceback" not in result.output
    monkeypatch.setenv(KEY_VAR, OTHER)
    result = cli("resume", "e2", "--approve", "book")
    assert result.exit_code == 2, result.output
    assert f"{KEY_VAR} does not decrypt the checkpoints in" in result.output
    monkeypatch.setenv(KEY_VAR, KEY)
    assert cli("resume", "e2", "--approve", "book").exit_code == 0  # nothing was spoiled
