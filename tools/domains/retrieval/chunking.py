"""Split Markdown and plain-text documents into overlapping chunks.

A document is first cut into **sections** at its ATX headings (``#`` … ``######``, outside
fenced code); a chunk never spans two sections, and its title is the path of headings above it
(``Corporate travel policy > Air travel > Cabin class``). A heading with no body of its own joins
the section below it, so no chunk is a bare heading.

Within a section, chunks are at most ``size`` characters. A chunk ends, preferably, at the start
of a line, else at the start of a word; only a single word longer than the window is cut
mid-word. The next chunk starts at the first word start at or after ``end - overlap``, so
neighbours share at most ``overlap`` characters and no word is cut by the overlap.

Guarantees (property-tested): chunks slice the text exactly (``text[c.start:c.end] == c.text``),
together they cover the whole text of any document that is not blank, in order, and their ids are
stable across runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plangate.tools.domains.retrieval.models import Chunk, Document
from plangate.tools.errors import UsageError

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(\S.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(?:```|~~~)")
TITLE_SEPARATOR = " > "


@dataclass(frozen=True)
class ChunkingConfig:
    """How documents are cut.

    The defaults (as LangChain's usual 1000-character splits) keep most sections of a policy or
    a guide in one chunk, so a hit carries a whole rule with its conditions.

    Attributes:
        size: most characters in one chunk.
        overlap: most characters two neighbouring chunks of a section share.
    """

    size: int = 1000
    overlap: int = 150

    def __post_init__(self) -> None:
        if self.size < 16:
            raise UsageError(f"ChunkingConfig.size must be >= 16 characters, got {self.size}")
        if not 0 <= self.overlap <= self.size // 2:
            raise UsageError(
                f"ChunkingConfig.overlap must be within 0..{self.size // 2} (half of size={self.size}) "
                f"so every chunk adds new text, got {self.overlap}"
            )


@dataclass(frozen=True)
class Section:
    """A run of text under one heading path.

    Attributes:
        start: offset of the section's first character.
        end: offset just past its last character.
        title: the heading path, joined with ``TITLE_SEPARATOR``.
    """

    start: int
    end: int
    title: str


@dataclass(frozen=True)
class _Heading:
    start: int
    body: int  # offset just past the heading line
    title: str


def _headings(text: str) -> list[_Heading]:
    found: list[_Heading] = []
    stack: list[tuple[int, str]] = []
    offset = 0
    in_fence = False
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        if _FENCE.match(stripped):
            in_fence = not in_fence
        elif not in_fence and (match := _HEADING.match(stripped)):
            level = len(match.group(1))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, match.group(2).strip()))
            path = TITLE_SEPARATOR.join(name for _, name in stack)
            found.append(_Heading(offset, offset + len(line), path))
        offset += len(line)
    return found


def document_title(text: str, source: str) -> str:
    """The first level-1 heading, else the first heading, else a title made from the file name."""
    for line in text.splitlines():
        match = _HEADING.match(line)
        if match and len(match.group(1)) == 1:
            return match.group(2).strip()
    headings = _headings(text)
    if headings:
        return headings[0].title.split(TITLE_SEPARATOR)[-1]
    stem = source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    words = re.sub(r"[-_]+", " ", stem).strip()
    return (words[:1].upper() + words[1:]) or source


def sections(text: str, title: str) -> list[Section]:
    """Cut ``text`` at its headings; text before the first heading is titled ``title``.

    Blank text before the first heading, and headings with a blank body, join the next section.
    """
    if not text.strip():
        return []
    bounds: list[tuple[int, int, str]] = []  # (start, body start, title)
    for heading in _headings(text):
        bounds.append((heading.start, heading.body, heading.title))
    if not bounds or bounds[0][0] > 0:
        bounds.insert(0, (0, 0, title))
    out: list[Section] = []
    pending_start: int | None = None
    for index, (start, body, name) in enumerate(bounds):
        end = bounds[index + 1][0] if index + 1 < len(bounds) else len(text)
        begin = start if pending_start is None else pending_start
        is_last = index + 1 == len(bounds)
        if not text[body:end].strip() and not is_last:
            pending_start = begin  # nothing under this heading: it joins the next section
            continue
        pending_start = None
        out.append(Section(begin, end, name))
    return out


def _is_word_start(text: str, pos: int) -> bool:
    return 0 < pos < len(text) and text[pos - 1].isspace() and not text[pos].isspace()


def _cut(text: str, start: int, config: ChunkingConfig) -> int:
    """Where a chunk beginning at ``start`` ends, given that the section goes on past the window."""
    limit = start + config.size
    # A line start in the upper half of the window keeps paragraphs and list items whole.
    for pos in range(limit, start + max(config.overlap, config.size // 2), -1):
        if text[pos - 1] == "\n" and _is_word_start(text, pos):
            return pos
    # Ending past start + overlap guarantees the next chunk starts further on.
    for pos in range(limit, start + config.overlap, -1):
        if _is_word_start(text, pos):
            return pos
    return limit


def _next_start(text: str, end: int, overlap: int) -> int:
    """The first word start at or after ``end - overlap`` (or ``end - overlap`` if none)."""
    for pos in range(end - overlap, end + 1):
        if _is_word_start(text, pos):
            return pos
    return end - overlap


def split_section(text: str, section: Section, config: ChunkingConfig) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the chunks of one section."""
    spans: list[tuple[int, int]] = []
    start = section.start
    while section.end - start > config.size:
        end = _cut(text, start, config)
        spans.append((start, end))
        start = _next_start(text, end, config.overlap)
    spans.append((start, section.end))
    return spans


def chunk_text(
    text: str, *, source: str, title: str | None = None, config: ChunkingConfig | None = None
) -> list[Chunk]:
    """The chunks of ``text``, in document order.

    Args:
        text: the document's text; chunk offsets index into it.
        source: the document's source path, part of every chunk id.
        title: the title of text before the first heading (default: ``document_title``).
        config: size and overlap (default: ``ChunkingConfig()``).
    """
    cfg = config or ChunkingConfig()
    doc_title = title if title is not None else document_title(text, source)
    chunks: list[Chunk] = []
    for section in sections(text, doc_title):
        for start, end in split_section(text, section, cfg):
            chunks.append(
                Chunk.create(source=source, title=section.title, start=start, text=text[start:end])
            )
    return chunks


def chunk_document(document: Document, config: ChunkingConfig | None = None) -> list[Chunk]:
    """The chunks of a loaded document."""
    return chunk_text(document.text, source=document.source, title=document.title, config=config)
