"""``plangate index FOLDER``: index a folder of PDF, HTML, CSV, Word, Markdown and text files.

The index is stored under the state folder (``.plangate/indexes/NAME-HASH``, one per folder) or
at ``--store``, and reloaded by the next command: only new or changed files are read again (see
``plangate.tools.domains.retrieval.library``). A progress bar counts the files while they are
read. ``--query`` searches the index just built, each hit cited by file, and page for PDFs.

Exits 0 when the folder is indexed (files whose format needs a package that is not installed are
listed as skipped, with the ``pip install`` that enables them), 2 with one line when it cannot
be: not a folder, a file that cannot be read, or no ``documents`` extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from plangate.demos.cli.consoles import console, err_console, guarded
from plangate.demos.cli.documents import default_store, print_report, update_library

if TYPE_CHECKING:
    from plangate.tools.domains.retrieval.models import SearchHit

__all__ = ["cite", "default_store", "index", "register"]


def cite(hit: SearchHit) -> str:
    """A hit's citation in one line: ``file``, or ``file, page N``."""
    where = hit.citation.source
    return where if hit.citation.page is None else f"{where}, page {hit.citation.page}"


def index(
    folder: Annotated[
        Path, typer.Argument(help="The folder of documents to index.", show_default=False)
    ],
    store: Annotated[
        Path | None,
        typer.Option(help="Where to keep the index.", show_default="the state folder's indexes/"),
    ] = None,
    query: Annotated[
        str | None,
        typer.Option(help="Then search the index for this and print the hits.", show_default=False),
    ] = None,
    k: Annotated[int, typer.Option(min=1, max=50, help="Hits to print with --query.")] = 5,
) -> None:
    """Index FOLDER's PDF, HTML, CSV, Word, Markdown and text files; only changes are read again."""

    async def command() -> int:
        from plangate.demos.cli.session import home
        from plangate.tools.domains.retrieval._community_loaders import check_extra
        from plangate.tools.domains.retrieval.library import DocumentLibrary, library_files
        from plangate.tools.domains.retrieval.models import check_query
        from plangate.tools.errors import ToolRefusedError, UsageError

        check_extra()
        where = store if store is not None else default_store(folder, home())
        library = DocumentLibrary(folder, where)
        report = update_library(library, len(library_files(folder)), err_console)
        print_report(report, where, console)
        if query is None:
            return 0
        try:
            hits = library.engine().search(check_query(query, k), k)
        except ToolRefusedError as exc:
            raise UsageError(f"--query: {exc}") from exc
        if not hits:
            console.print(f"no hit for {query!r}", highlight=False)
        for rank, hit in enumerate(hits, start=1):
            console.print(f"{rank}. [bold]{escape(cite(hit))}[/]", highlight=False)
            console.print(f"   {escape(hit.citation.snippet)}", highlight=False)
        return 0

    guarded(command)


def register(app: typer.Typer) -> None:
    """Add ``index`` to the ``plangate`` app."""
    app.command("index")(index)
