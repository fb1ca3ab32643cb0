"""``--docs FOLDER``: a run's ``search_documents`` and ``get_document`` read a folder of documents.

The folder is indexed as ``plangate index`` indexes it, into the same stored index (under the
state folder, ``indexes/NAME-HASH``): a file is read only when it is new or changed, with a
progress bar on stderr while files are looked at; otherwise the stored index is reloaded. One
line on stderr says what the update did.

The folder's backend replaces the sandbox's bundled notes for this command only: the sandbox
world stored in the state folder keeps its own retrieval backend, so the next run without
``--docs`` searches the notes again (and the index is never pickled into the world). A thread
records its folder, so ``plangate resume`` searches the same one.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

if TYPE_CHECKING:
    from plangate.demos.cli.session import Workspace
    from plangate.tools.domains.retrieval.library import DocumentLibrary, IndexReport

INDEXES_FOLDER = "indexes"
"""Where, under the state folder, indexes are kept by default."""

Docs = Annotated[
    Path | None,
    typer.Option(
        help="Search this folder of PDF, HTML, CSV, Word, Markdown and text files instead of "
        "the sandbox's notes (indexed as `plangate index` does; only changes are read again).",
        show_default=False,
    ),
]


def default_store(folder: Path, state: Path) -> Path:
    """The index of ``folder`` under ``state``: one per folder, named so a person can tell which."""
    resolved = folder.resolve()
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:10]
    return state / INDEXES_FOLDER / f"{resolved.name or 'root'}-{digest}"


def update_library(library: DocumentLibrary, total: int, err: Console) -> IndexReport:
    """Bring ``library``'s stored index up to date, counting its ``total`` files on ``err``.

    The bar is transient: it is gone once the files are looked at, and it draws nothing when
    ``err`` is no terminal.

    Raises:
        UsageError: the folder is not a folder, a file cannot be read, or no documents extra.
    """
    columns = (
        TextColumn("indexing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("", total=total)

        def on_file(source: str, done: int, _total: int) -> None:
            bar.update(task, completed=done, description=escape(source))

        return library.update(on_file)


def print_report(report: IndexReport, store: Path, out: Console) -> None:
    """What the update did, where the index is, and which files wait for a package."""
    out.print(
        f"indexed {report.documents} documents ({report.chunks} chunks): "
        f"{len(report.read)} read, {len(report.reused)} unchanged, {len(report.removed)} removed",
        highlight=False,
    )
    out.print(f"index: {escape(str(store))}", highlight=False)
    for source, reason in sorted(report.skipped.items()):
        out.print(f"[yellow]skipped[/] {escape(source)}: {escape(reason)}", highlight=False)


def with_documents(workspace: Workspace, folder: Path, err: Console) -> Workspace:
    """``workspace`` whose retrieval backend searches ``folder``'s stored index, brought up to date.

    The workspace's other backends, and the world the state folder stores, are untouched.

    Raises:
        UsageError: ``folder`` is not a folder, a file cannot be read, or no documents extra.
    """
    from plangate.tools.domains.retrieval._community_loaders import check_extra
    from plangate.tools.domains.retrieval.library import DocumentLibrary, library_files
    from plangate.tools.domains.retrieval.library_backend import LibraryRetrievalBackend

    check_extra()
    store = default_store(folder, workspace.session.root)
    library = DocumentLibrary(folder, store)
    report = update_library(library, len(library_files(folder)), err)
    print_report(report, store, err)
    backend = LibraryRetrievalBackend(library, update=False)  # just updated: reloaded as is
    return replace(workspace, backends=replace(workspace.backends, retrieval=backend))
