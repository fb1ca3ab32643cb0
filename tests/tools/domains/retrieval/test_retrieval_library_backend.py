"""The retrieval tools over a folder of documents: ``LibraryRetrievalBackend`` in the executor."""

from __future__ import annotations

from pathlib import Path

import pytest

from plangate.tools.clock import FakeClock
from plangate.tools.domains.retrieval import _community_loaders as community
from plangate.tools.domains.retrieval.backend import RetrievalBackend
from plangate.tools.domains.retrieval.library import DocumentLibrary
from plangate.tools.domains.retrieval.library_backend import LibraryRetrievalBackend
from plangate.tools.domains.retrieval.models import Document, SearchHit
from plangate.tools.domains.retrieval.tools import TOOLS
from plangate.tools.errors import ToolRefusedError
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset
from tests.tools.domains.retrieval.sample_documents import write_library


@pytest.fixture
def backend(tmp_path: Path) -> LibraryRetrievalBackend:
    library = DocumentLibrary(write_library(tmp_path / "docs"), tmp_path / "store")
    return LibraryRetrievalBackend(library)


async def test_search_documents_cites_the_pdf_page_through_the_executor(
    backend: LibraryRetrievalBackend,
) -> None:
    assert isinstance(backend, RetrievalBackend)
    executor = ToolExecutor(Toolset(TOOLS, deps=backend), clock=FakeClock())
    outcome = await executor.call("search_documents", {"query": "zeppelin lease", "k": 2})
    first = SearchHit.model_validate(outcome.result[0])
    assert (first.citation.source, first.citation.page) == ("report.pdf", 2)
    document = await executor.call("get_document", {"doc_id": "report.pdf"})
    assert isinstance(document.result, Document)
    assert "zeppelin" in document.result.text


async def test_sources_and_unknown_ids_are_refused_as_the_protocol_says(
    backend: LibraryRetrievalBackend,
) -> None:
    only_notes = await backend.search("umbrella", 5, ["notes/"])
    assert [hit.citation.source for hit in only_notes] == ["notes/packing.txt"]
    with pytest.raises(ToolRefusedError) as unknown:
        await backend.get_document("reprot")
    assert unknown.value.reason == "not_found"
    assert "'report'" in (unknown.value.hint or "")
    with pytest.raises(ToolRefusedError) as bad:
        await backend.search("umbrella", 5, ["nowhere/"])
    assert bad.value.reason == "invalid"
    ids = [info.id for info in await backend.list_documents()]
    html = ["guide"] if community.is_module_installed("bs4") else []
    assert ids == sorted(["airports", "notes/packing", "policy", "report", *html])


async def test_a_stored_index_is_searched_as_it_is_without_update(tmp_path: Path) -> None:
    folder = write_library(tmp_path / "docs")
    DocumentLibrary(folder, tmp_path / "store").update()
    (folder / "policy.md").write_text("# Travel policy\n\nFerries need approval.\n", "utf-8")
    frozen = LibraryRetrievalBackend(DocumentLibrary(folder, tmp_path / "store"), update=False)
    assert await frozen.search("ferries", 3) == []
    assert (await frozen.search("trains", 1))[0].citation.source == "policy.md"
