"""``plangate index FOLDER``: builds the stored index, reloads it, searches it, refuses clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from plangate.demos.cli.commands import app
from plangate.demos.cli.index_commands import default_store
from plangate.tools.domains.retrieval import _community_loaders as community
from tests.tools.domains.retrieval.sample_documents import write_library


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    return write_library(tmp_path / "docs")


def test_index_builds_then_reloads_and_cites_the_pdf_page(home: Path, docs: Path) -> None:
    first = CliRunner().invoke(app, ["index", str(docs), "--query", "zeppelin hangar"])
    assert first.exit_code == 0, first.output
    assert "5 read, 0 unchanged, 0 removed" in first.output
    assert "1. report.pdf, page 2" in first.output
    assert "zeppelin hangar lease" in first.output
    store = default_store(docs, home)
    assert (store / "manifest.json").is_file()
    assert str(store) in first.output.replace("\n", "")

    again = CliRunner().invoke(app, ["index", str(docs)])
    assert again.exit_code == 0, again.output
    assert "0 read, 5 unchanged, 0 removed" in again.output


def test_index_lists_files_whose_package_is_missing(
    home: Path, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(community, "is_module_installed", lambda name: name != "bs4")
    result = CliRunner().invoke(app, ["index", str(docs)])
    assert result.exit_code == 0, result.output
    assert "skipped guide.html" in result.output
    assert "pip install beautifulsoup4" in result.output.replace("\n", "")


def test_index_keeps_the_index_where_asked(home: Path, docs: Path, tmp_path: Path) -> None:
    store = tmp_path / "elsewhere"
    result = CliRunner().invoke(app, ["index", str(docs), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert (store / "manifest.json").is_file()
    assert not (home / "indexes").exists()


def test_index_without_the_documents_extra_names_the_install(
    home: Path, docs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        community, "is_module_installed", lambda name: name != "langchain_text_splitters"
    )
    result = CliRunner().invoke(app, ["index", str(docs)])
    assert result.exit_code == 2
    assert 'pip install "plangate[documents]"' in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["index", "no-such-folder"], "does not exist or is not a folder"),
        (["index", "{docs}", "--query", "   "], "--query: the search query is empty"),
    ],
)
def test_index_refuses_bad_input_in_one_line(
    home: Path, docs: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, [arg.format(docs=docs) for arg in args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
