"""Pages of any file → one ``Document`` and its ``Chunk``s, split by langchain-text-splitters.

Files of any format (see ``_community_loaders``) arrive as pages: a PDF's pages, a CSV's rows,
or one page for the rest. The document's text is its pages joined by a blank line; each page is
split on its own, so a chunk never spans two pages and cites the one it is on. The splitter is
``RecursiveCharacterTextSplitter`` (its Markdown separators for ``.md`` files), the splitter most
LangChain pipelines use, so chunks look as users of those pipelines expect. Offsets are the
splitter's ``start_index`` shifted to the document's text, so, as with the Markdown chunker,
``document.text[chunk.start:chunk.end] == chunk.text``.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from plangate.tools.domains.retrieval._community_loaders import Page, check_extra
from plangate.tools.domains.retrieval.chunking import ChunkingConfig, document_title
from plangate.tools.domains.retrieval.models import Chunk, Document, document_id

PAGE_SEPARATOR = "\n\n"
"""What joins the pages of a document into its text."""


def _splitter(config: ChunkingConfig, markdown: bool) -> Any:
    check_extra()
    splitters = importlib.import_module("langchain_text_splitters")
    options: dict[str, Any] = {
        "chunk_size": config.size,
        "chunk_overlap": config.overlap,
        "add_start_index": True,
    }
    if markdown:
        return splitters.RecursiveCharacterTextSplitter.from_language(
            splitters.Language.MARKDOWN, **options
        )
    return splitters.RecursiveCharacterTextSplitter(**options)


def _title(source: str, pages: Sequence[Page]) -> str:
    """A Markdown file's first heading; for other formats, a title made from the file name.

    The first line of a PDF or a CSV is as often a running header or a column list as a title,
    so it is not guessed at.
    """
    if source.lower().endswith(".md"):
        first = next((page.text for page in pages if page.text.strip()), "")
        return document_title(first, source)
    return document_title("", source)


def split_pages(
    source: str, pages: Sequence[Page], config: ChunkingConfig | None = None
) -> tuple[Document, list[Chunk]]:
    """The document made of ``pages`` and its chunks, in order.

    Args:
        source: the file's path relative to the library folder, with ``/`` separators.
        pages: its pages, as the loader read them.
        config: chunk size and overlap (default: ``ChunkingConfig()``).
    """
    cfg = config or ChunkingConfig()
    splitter = _splitter(cfg, markdown=source.lower().endswith(".md"))
    title = _title(source, pages)
    parts: list[str] = []
    chunks: list[Chunk] = []
    offset = 0
    for page in pages:
        if parts:
            offset += len(PAGE_SEPARATOR)
        parts.append(page.text)
        chunk_title = title if page.number is None else f"{title} (page {page.number})"
        for piece in splitter.create_documents([page.text]):
            start = int(piece.metadata["start_index"])
            text = str(piece.page_content)
            if start < 0 or page.text[start : start + len(text)] != text:
                # The splitter could not place the piece (it strips whitespace): find it.
                start = page.text.find(text)
            if start < 0 or not text.strip():
                continue
            chunks.append(
                Chunk.create(
                    source=source,
                    title=chunk_title,
                    start=offset + start,
                    text=text,
                    page=page.number,
                )
            )
        offset += len(page.text)
    document = Document(
        id=document_id(source), source=source, title=title, text=PAGE_SEPARATOR.join(parts)
    )
    return document, chunks
