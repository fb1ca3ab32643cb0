"""``plangate run --docs FOLDER``: the agent searches the folder's stored index, reloaded, not rebuilt.

The reservation agent's restaurant search reads the venue guides (``sources: ["venues/"]``), so a
folder holding ``venues/lisbon-guide.pdf`` is what its ``search_documents`` step finds and cites.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from plangate.demos.cli.commands import app
from plangate.demos.cli.documents import default_store
from plangate.demos.cli.session import Session
from plangate.demos.cli.world_store import decode, encode
from plangate.tools.clock import FakeClock
from plangate.tools.domains.backends import sandbox_backends
from plangate.tools.domains.retrieval.library import DocumentLibrary
from plangate.tools.domains.retrieval.library_backend import LibraryRetrievalBackend
from plangate.tools.domains.retrieval.sandbox import SandboxRetrievalBackend
from tests.tools.domains.retrieval.sample_documents import write_pdf

FIND = "Find restaurants in Lisbon on Saturday for 4"
BOOK = "Book a table for 4 at a Thai restaurant in Lisbon tomorrow at 8pm"
GUIDE = "venues/lisbon-guide.pdf"
TERRACE = "the rooftop terrace at Chiado"


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "venues").mkdir(parents=True)
    write_pdf(
        folder / GUIDE,
        [f"Lisbon dinner areas: Bairro Alto and {TERRACE}.", "Cais do Sodre for late dinner."],
    )
    return folder


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_run_with_docs_cites_the_folder_then_reloads_its_index(home: Path, docs: Path) -> None:
    first = invoke("run", "reservation", FIND, "--docs", str(docs))
    assert first.exit_code == 0, first.output
    assert "1 read, 0 unchanged, 0 removed" in first.stderr
    assert GUIDE in first.stdout
    assert TERRACE in first.stdout
    manifest = default_store(docs, home) / "manifest.json"
    written = manifest.stat().st_mtime_ns

    second = invoke("run", "reservation", FIND, "--docs", str(docs))
    assert second.exit_code == 0, second.output
    assert "0 read, 1 unchanged, 0 removed" in second.stderr
    assert GUIDE in second.stdout
    assert manifest.stat().st_mtime_ns == written  # reloaded: nothing was written again


def test_the_stored_world_keeps_the_sandbox_notes(home: Path, docs: Path) -> None:
    assert invoke("run", "reservation", FIND, "--docs", str(docs)).exit_code == 0
    world = Session(home).load_world("sandbox", FakeClock())
    assert isinstance(world.retrieval, SandboxRetrievalBackend)
    without = invoke("run", "reservation", FIND)
    assert without.exit_code == 0, without.output
    assert "venues/lisbon.md" in without.stdout
    assert GUIDE not in without.stdout


def test_a_changed_file_is_read_again(home: Path, docs: Path) -> None:
    assert invoke("run", "reservation", FIND, "--docs", str(docs)).exit_code == 0
    write_pdf(docs / GUIDE, ["Lisbon dinner areas: Alfama, with fado after dinner."])
    again = invoke("run", "reservation", FIND, "--docs", str(docs))
    assert again.exit_code == 0, again.output
    assert "1 read, 0 unchanged, 0 removed" in again.stderr
    assert "fado" in again.stdout
    assert TERRACE not in again.stdout


def test_resume_searches_the_thread_s_folder(home: Path, docs: Path) -> None:
    paused = invoke("run", "reservation", BOOK, "--docs", str(docs), "--thread", "d1")
    assert paused.exit_code == 4, paused.output
    assert Session(home).thread("d1").docs == str(docs.resolve())
    resumed = invoke("resume", "d1", "--reject", "table")
    assert resumed.exit_code == 0, resumed.output
    assert "0 read, 1 unchanged, 0 removed" in resumed.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--docs", "no-such-folder"], "does not exist or is not a folder"),
        (["--docs", "{docs}", "--server", "http://127.0.0.1:9"], "--docs reads a folder"),
    ],
)
def test_bad_docs_are_one_line_and_leave_no_thread(
    home: Path, docs: Path, extra: list[str], message: str
) -> None:
    args = [arg.format(docs=docs) for arg in extra]
    result = invoke("run", "reservation", FIND, "--thread", "x1", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not Session(home).has_thread("x1")


async def test_a_world_with_a_library_pickles_as_its_paths(tmp_path: Path, docs: Path) -> None:
    library = DocumentLibrary(docs, tmp_path / "index")
    library.update()
    clock = FakeClock()
    world = sandbox_backends(clock=clock, retrieval=LibraryRetrievalBackend(library))
    await world.retrieval.search("terrace")  # the index is loaded in memory now
    blob = encode(world)
    assert b"Bairro Alto" not in blob
    assert pickle.loads(pickle.dumps(world.retrieval)).library.store == tmp_path / "index"
    back = decode(blob, clock, "test", "rm")
    assert isinstance(back.retrieval, LibraryRetrievalBackend)
    hits = await back.retrieval.search("rooftop terrace", sources=["venues/"])
    assert hits[0].citation.source == GUIDE
    assert hits[0].citation.page == 1
