"""The retrieval domain's models: documents, chunks, citations, hits, and query validation.

A ``Document`` is one file of a corpus; a ``Chunk`` is a slice of its text, located by character
offsets (``document.text[chunk.start:chunk.end] == chunk.text``) and named by a stable id; a
``SearchHit`` pairs a chunk with its score and the ``Citation`` an answer quotes.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from plangate.tools.errors import ToolRefusedError

MAX_QUERY_LENGTH = 500
"""Longest query accepted, in characters: a query, not a document."""
MAX_K = 50
"""Most hits one search may return."""
DEFAULT_K = 5


def chunk_id(source: str, start: int, end: int, text: str) -> str:
    """The stable id of a chunk: a hash of where it comes from and what it says.

    The same file chunked the same way yields the same ids in every run and on every machine
    (no ``hash()``, whose seed changes per process).
    """
    digest = hashlib.sha256(f"{source}\x00{start}\x00{end}\x00{text}".encode()).hexdigest()
    return digest[:16]


def document_id(source: str) -> str:
    """A document's id: its source path without the file suffix (``venues/lisbon.md`` → ``venues/lisbon``)."""
    stem, dot, suffix = source.rpartition(".")
    return stem if dot and stem and not stem.endswith("/") and "/" not in suffix else source


def omit_no_page(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without a ``page`` of ``None``.

    A document without pages (Markdown, text) serializes as it did before pages existed, so
    recorded traces and the model's view of such hits stay byte for byte the same.
    """
    if data.get("page", 0) is None:
        del data["page"]
    return data


class Document(BaseModel):
    """One file of a corpus.

    Attributes:
        id: the source path without its suffix, e.g. ``research/nvda``.
        source: the path relative to the corpus folder, with ``/`` separators.
        title: the first Markdown heading, or a title made from the file name.
        text: the whole text, as decoded from UTF-8.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    source: str
    title: str
    text: str


class DocumentInfo(BaseModel):
    """A document without its text, as listed.

    Attributes:
        id: the document's id.
        source: its path relative to the corpus folder.
        title: its title.
        chars: the length of its text, in characters.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    source: str
    title: str
    chars: int = Field(ge=0)


class Chunk(BaseModel):
    """A slice of a document's text.

    Attributes:
        id: stable id, see ``chunk_id``.
        source: the document's source path.
        title: the path of Markdown headings above the chunk, joined with `` > ``.
        start: offset of the first character in the document's text.
        end: offset just past the last character.
        text: ``document.text[start:end]``.
        page: the page the chunk is on, from 1, for paged documents (PDF); else ``None``.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    source: str
    title: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    page: int | None = Field(default=None, ge=1)

    @model_serializer(mode="wrap")
    def _omit_no_page(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return omit_no_page(handler(self))

    @model_validator(mode="after")
    def _offsets_match_text(self) -> Chunk:
        if self.end - self.start != len(self.text):
            raise ValueError(
                f"chunk {self.id}: offsets {self.start}..{self.end} span {self.end - self.start} "
                f"characters but the text has {len(self.text)}"
            )
        return self

    @classmethod
    def create(
        cls, *, source: str, title: str, start: int, text: str, page: int | None = None
    ) -> Chunk:
        """A chunk whose end and id are derived from ``start`` and ``text``."""
        end = start + len(text)
        return cls(
            id=chunk_id(source, start, end, text),
            source=source,
            title=title,
            start=start,
            end=end,
            text=text,
            page=page,
        )


class Citation(BaseModel):
    """Where a passage comes from, for an answer to quote.

    Attributes:
        source: the document's source path.
        chunk_id: the cited chunk's id.
        start: offset of the chunk in the document's text.
        end: offset just past the chunk.
        snippet: a short excerpt of the chunk around the query's terms.
        page: the page it is on, from 1, for paged documents (PDF); else ``None``.
    """

    model_config = ConfigDict(frozen=True)

    source: str
    chunk_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    snippet: str
    page: int | None = Field(default=None, ge=1)

    @model_serializer(mode="wrap")
    def _omit_no_page(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return omit_no_page(handler(self))


class SearchHit(BaseModel):
    """One search result.

    Attributes:
        chunk: the matching chunk.
        score: relevance; higher is better, comparable only within one search.
        citation: how to cite the chunk.
    """

    model_config = ConfigDict(frozen=True)

    chunk: Chunk
    score: float
    citation: Citation


def check_query(query: str, k: int) -> str:
    """Validate a search request; return the query stripped of surrounding whitespace.

    Raises:
        ToolRefusedError: reason ``"invalid"``, saying what to change.
    """
    stripped = query.strip()
    if not stripped:
        raise ToolRefusedError(
            "the search query is empty",
            reason="invalid",
            hint="Pass a few keywords, e.g. 'business class long-haul'.",
        )
    if len(stripped) > MAX_QUERY_LENGTH:
        raise ToolRefusedError(
            f"the search query has {len(stripped)} characters, more than {MAX_QUERY_LENGTH}",
            reason="invalid",
            hint="Shorten the query to its key terms.",
        )
    if not 1 <= k <= MAX_K:
        raise ToolRefusedError(
            f"k={k} is out of range",
            reason="invalid",
            hint=f"Ask for between 1 and {MAX_K} hits.",
        )
    return stripped


class SearchResponse(BaseModel):
    """The body of ``GET /v1/search``.

    Attributes:
        hits: the hits, best first.
    """

    hits: list[SearchHit]


class DocumentPage(BaseModel):
    """One page of ``GET /v1/documents``.

    Attributes:
        documents: this page's documents, ordered by id.
        next_cursor: pass as ``cursor`` for the next page; ``None`` on the last page.
    """

    documents: list[DocumentInfo]
    next_cursor: str | None = None
