"""The document library: a folder of any format, indexed through langchain-community, stored.

Every document is written by the tests (``sample_documents``): a two-page PDF made with pypdf, an
HTML page, a CSV, a Markdown and a text file. HTML and Word files need packages the ``documents``
extra does not install; their absence is forced where a test depends on it, so the tests read
the same wherever they run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from plangate.tools.domains.retrieval import _community_loaders as community
from plangate.tools.domains.retrieval import library as library_module
from plangate.tools.domains.retrieval._community_loaders import Page, load_pages
from plangate.tools.domains.retrieval.library import DocumentLibrary, library_files
from plangate.tools.errors import UsageError
from tests.tools.domains.retrieval.sample_documents import (
    PAGE_TWO,
    write_library,
    write_pdf,
)


class CountingLoader:
    """The real loader, counting the files it reads."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def __call__(self, path: Path) -> list[Page]:
        self.read.append(path.name)
        return load_pages(path)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_library(tmp_path / "docs")


@pytest.fixture
def without_html(monkeypatch: pytest.MonkeyPatch) -> None:
    """beautifulsoup4 and docx2txt read as not installed, whether they are or not."""
    real = community.is_module_installed
    monkeypatch.setattr(
        community,
        "is_module_installed",
        lambda name: name not in {"bs4", "docx2txt"} and real(name),
    )


def test_search_finds_text_on_page_two_of_the_pdf_and_cites_that_page(
    folder: Path, tmp_path: Path
) -> None:
    library = DocumentLibrary(folder, tmp_path / "store")
    library.update()
    hits = library.engine().search("zeppelin hangar", k=3)
    assert hits, "the PDF's second page was not indexed"
    best = hits[0]
    assert (best.citation.source, best.citation.page) == ("report.pdf", 2)
    assert best.chunk.page == 2
    assert "zeppelin hangar" in best.citation.snippet
    document = library.engine().get("report")
    assert document is not None
    assert document.text[best.chunk.start : best.chunk.end] == best.chunk.text == PAGE_TWO
    assert best.citation.model_dump()["page"] == 2


def test_csv_markdown_and_text_are_searchable_and_cited_without_a_page(
    folder: Path, tmp_path: Path
) -> None:
    library = DocumentLibrary(folder, tmp_path / "store")
    library.update()
    engine = library.engine()
    for query, source in [
        ("Reykjavik", "airports.csv"),
        ("trains four hours", "policy.md"),
        ("umbrella charger", "notes/packing.txt"),
    ]:
        hit = engine.search(query, k=1)[0]
        assert hit.citation.source == source, query
        assert hit.citation.page is None
        assert "page" not in hit.model_dump()["citation"]  # as before pages existed
    assert engine.get("policy") is not None
    assert engine.get("policy").title == "Travel policy"  # type: ignore[union-attr]
    assert engine.audit() == []


def test_a_format_whose_package_is_missing_is_skipped_and_named(
    folder: Path, tmp_path: Path, without_html: None
) -> None:
    (folder / "minutes.docx").write_bytes(b"PK not really a docx")
    report = DocumentLibrary(folder, tmp_path / "store").update()
    assert set(report.skipped) == {"guide.html", "minutes.docx"}
    assert "pip install beautifulsoup4" in report.skipped["guide.html"]
    assert "pip install docx2txt" in report.skipped["minutes.docx"]
    assert report.documents == 4
    with pytest.raises(UsageError, match="pip install beautifulsoup4"):
        load_pages(folder / "guide.html")


def test_html_is_indexed_as_its_text(folder: Path, tmp_path: Path) -> None:
    library = DocumentLibrary(folder, tmp_path / "store")
    report = library.update()
    assert "guide.html" in report.read  # beautifulsoup4 comes with the documents extra
    hit = library.engine().search("rooftop terrace", k=1)[0]
    assert hit.citation.source == "guide.html"
    assert "<p>" not in hit.chunk.text  # the page's text, not its markup


def test_the_index_reloads_without_reading_any_file_again(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = CountingLoader()
    DocumentLibrary(folder, tmp_path / "store", load=first).update()
    assert sorted(first.read) == [
        "airports.csv", "guide.html", "packing.txt", "policy.md", "report.pdf",
    ]  # fmt: skip

    def no_rebuild(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the BM25 index was rebuilt although nothing changed")

    monkeypatch.setattr(library_module.Bm25Index, "build", no_rebuild)
    again = CountingLoader()
    reopened = DocumentLibrary(folder, tmp_path / "store", load=again)
    report = reopened.update()
    assert again.read == []
    assert (report.read, report.removed, report.changed) == ([], [], False)
    assert len(report.reused) == 5
    assert reopened.engine().search("zeppelin", k=1)[0].citation.page == 2


def test_a_changed_file_is_read_again_and_a_removed_one_dropped(
    folder: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    DocumentLibrary(folder, store).update()
    (folder / "policy.md").write_text("# Travel policy\n\nFerries need approval.\n", "utf-8")
    (folder / "notes" / "packing.txt").unlink()
    loader = CountingLoader()
    library = DocumentLibrary(folder, store, load=loader)
    report = library.update()
    assert loader.read == ["policy.md"]
    assert (report.read, report.removed) == (["policy.md"], ["notes/packing.txt"])
    engine = library.engine()
    assert engine.search("ferries approval", k=1)[0].citation.source == "policy.md"
    assert engine.search("trains", k=5) == []
    assert engine.search("umbrella", k=5) == []


def test_a_touched_file_with_the_same_bytes_is_not_read_again(folder: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    DocumentLibrary(folder, store).update()
    pdf = folder / "report.pdf"
    stat = pdf.stat()
    os.utime(pdf, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    loader = CountingLoader()
    report = DocumentLibrary(folder, store, load=loader).update()
    assert loader.read == []
    assert "report.pdf" in report.reused
    # The new time is remembered: the next update does not hash the file again.
    manifest = library_module.Manifest.model_validate_json((store / "manifest.json").read_bytes())
    assert manifest.files["report.pdf"].mtime_ns == stat.st_mtime_ns + 5_000_000_000


def test_other_chunking_reads_every_file_again(folder: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    DocumentLibrary(folder, store).update()
    loader = CountingLoader()
    config = library_module.ChunkingConfig(size=200, overlap=20)
    report = DocumentLibrary(folder, store, chunking=config, load=loader).update()
    assert len(loader.read) == 5
    assert report.reused == []


def test_hidden_files_and_other_formats_are_not_listed(folder: Path) -> None:
    (folder / ".cache").mkdir()
    (folder / ".cache" / "old.md").write_text("# old\n", "utf-8")
    (folder / "photo.png").write_bytes(b"\x89PNG")
    sources = [source for source, _ in library_files(folder)]
    assert sources == [
        "airports.csv",
        "guide.html",
        "notes/packing.txt",
        "policy.md",
        "report.pdf",
    ]


def test_a_broken_pdf_is_refused_with_its_name(folder: Path, tmp_path: Path) -> None:
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a PDF")
    with pytest.raises(UsageError, match=r"cannot read .*broken\.pdf.* with PyPDFLoader"):
        DocumentLibrary(folder, tmp_path / "store").update()


def test_without_the_documents_extra_the_error_names_the_install(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        community, "is_module_installed", lambda name: name != "langchain_community"
    )
    with pytest.raises(UsageError, match=r'pip install "plangate\[documents\]"'):
        DocumentLibrary(folder, tmp_path / "store").update()


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist or is not a folder"):
        DocumentLibrary(tmp_path / "nope", tmp_path / "store").update()


def test_loading_gives_no_warning_even_when_warnings_are_errors(tmp_path: Path) -> None:
    """In a fresh interpreter, langchain-community's import warning is silenced by its message."""
    pdf = write_pdf(tmp_path / "one.pdf", ["Alpha beta."])
    code = (
        "import sys; from pathlib import Path\n"
        "from plangate.tools.domains.retrieval._community_loaders import load_pages\n"
        "print(load_pages(Path(sys.argv[1]))[0].text)\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code, str(pdf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Alpha beta." in done.stdout


def test_one_module_alone_names_langchain_community() -> None:
    """The package is being sunset: only the adapter may import it, so a move touches one file."""
    root = Path(community.__file__).resolve().parents[3]
    naming = sorted(
        path.relative_to(root).as_posix()
        for folder in ("tools", "graphs", "agents", "demos")
        for path in (root / folder).rglob("*.py")
        if "langchain_community" in path.read_text(encoding="utf-8")
    )
    assert naming == ["tools/domains/retrieval/_community_loaders.py"]
