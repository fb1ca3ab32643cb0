"""``DocumentLibrary``: a folder of PDF, HTML, CSV, Word, Markdown and text files, indexed once.

The files are read through langchain-community's loaders (``_community_loaders``), split by
langchain-text-splitters (``splitting``) and indexed with BM25 (``index``), as the bundled corpus
is. The index is **stored** in a folder of its own and **reloaded**, not rebuilt, on the next
run: ``update`` compares each file's size and modification time with the stored ones, and reads
a file again only when they differ and its SHA-256 does too. New files are read, removed ones
dropped, and the BM25 index is rebuilt only when something changed::

    library = DocumentLibrary(Path("docs"), Path(".plangate/indexes/docs"))
    library.update()
    hits = library.engine().search("refund policy", k=3)

A file whose format needs a package that is not installed (``.html`` without beautifulsoup4,
``.docx`` without docx2txt) is skipped and listed in ``IndexReport.skipped`` with the
``pip install`` that enables it; the other files are indexed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from plangate.tools.domains.retrieval._community_loaders import (
    FORMATS,
    Page,
    check_extra,
    load_pages,
    missing_dependency,
)
from plangate.tools.domains.retrieval.chunking import ChunkingConfig
from plangate.tools.domains.retrieval.engine import SearchEngine
from plangate.tools.domains.retrieval.index import Bm25Index
from plangate.tools.domains.retrieval.models import Chunk, Document
from plangate.tools.domains.retrieval.splitting import split_pages
from plangate.tools.errors import UsageError

MANIFEST_FILE = "manifest.json"
BM25_FOLDER = "bm25"
FORMAT_VERSION = 1
"""Bumped when the stored layout changes: an index of another version is rebuilt."""

Loader = Callable[[Path], list[Page]]
OnFile = Callable[[str, int, int], None]
"""Called after each file is looked at: ``(source, done, total)``, for a progress bar."""


class FileRecord(BaseModel):
    """What the index knows of one file: how it looked when read, and what it said.

    Attributes:
        size: its size in bytes.
        mtime_ns: its modification time, in nanoseconds.
        sha256: the hash of its bytes.
        document: the document read from it.
    """

    size: int
    mtime_ns: int
    sha256: str
    document: Document


class Manifest(BaseModel):
    """The stored index's table of contents (``manifest.json``).

    Attributes:
        version: ``FORMAT_VERSION`` when written.
        chunking: ``[size, overlap]`` the chunks were cut with.
        files: per source path, its record.
        skipped: per source path, why it is not indexed.
    """

    version: int = FORMAT_VERSION
    chunking: tuple[int, int]
    files: dict[str, FileRecord] = {}
    skipped: dict[str, str] = {}


@dataclass
class IndexReport:
    """What one ``update`` did.

    Attributes:
        read: files read (new or changed).
        reused: files whose stored chunks were kept.
        removed: files indexed before and gone now.
        skipped: per file, why it is not indexed (its format's package is missing).
        documents: documents in the index now.
        chunks: chunks in the index now.
    """

    read: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    documents: int = 0
    chunks: int = 0

    @property
    def changed(self) -> bool:
        """Whether the stored index had to be written again."""
        return bool(self.read or self.removed)


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_files(folder: Path) -> list[tuple[str, Path]]:
    """``(source, path)`` of every file of a supported format under ``folder``, by source.

    Hidden files and folders (``.plangate``, ``.git``) and names starting with ``_`` are left
    out, and so are links leading out of the folder.

    Raises:
        UsageError: ``folder`` is not a folder.
    """
    if not folder.is_dir():
        raise UsageError(f"document folder {str(folder)!r} does not exist or is not a folder")
    root = folder.resolve()
    found: list[tuple[str, Path]] = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(part.startswith((".", "_")) for part in relative.parts):
            continue
        if (
            path.suffix.lower() in FORMATS
            and path.is_file()
            and path.resolve().is_relative_to(root)
        ):
            found.append((relative.as_posix(), path))
    return sorted(found)


class DocumentLibrary:
    """A folder of documents and its stored index.

    Args:
        folder: the documents.
        store: where the index is kept (created when missing).
        chunking: chunk size and overlap (a change re-reads every file).
        load: reads one file's pages (default: langchain-community's loaders).
    """

    def __init__(
        self,
        folder: Path,
        store: Path,
        *,
        chunking: ChunkingConfig | None = None,
        load: Loader = load_pages,
    ) -> None:
        self.folder = folder
        self.store = store
        self.chunking = chunking or ChunkingConfig()
        self._load = load
        self._engine: SearchEngine | None = None
        self._lock = threading.Lock()

    def _stored(self) -> tuple[Manifest, Bm25Index] | None:
        """The stored manifest and BM25 index, or ``None`` when absent or unusable."""
        try:
            manifest = Manifest.model_validate_json((self.store / MANIFEST_FILE).read_bytes())
            bm25 = Bm25Index.load(self.store / BM25_FOLDER)
        except (OSError, ValidationError, UsageError, ValueError, KeyError):
            return None  # none yet, or written by another version, or half written: rebuild
        if manifest.version != FORMAT_VERSION or manifest.chunking != self._chunking_key():
            return None
        return manifest, bm25

    def _chunking_key(self) -> tuple[int, int]:
        return (self.chunking.size, self.chunking.overlap)

    def update(self, on_file: OnFile | None = None) -> IndexReport:
        """Bring the stored index up to date with the folder, reading only what changed.

        Raises:
            UsageError: the documents extra is missing, the folder is not a folder, or a file
                cannot be read (the message names it).
        """
        with self._lock:
            check_extra()
            files = library_files(self.folder)
            stored = self._stored()
            old = stored[0] if stored is not None else None
            old_chunks: dict[str, list[Chunk]] = {}
            for chunk in stored[1].chunks if stored is not None else ():
                old_chunks.setdefault(chunk.source, []).append(chunk)
            manifest = Manifest(chunking=self._chunking_key())
            chunks: dict[str, list[Chunk]] = {}
            report = IndexReport()
            for done, (source, path) in enumerate(files, start=1):
                self._take(source, path, old, old_chunks, manifest, chunks, report)
                if on_file is not None:
                    on_file(source, done, len(files))
            report.removed = sorted(set(old.files) - set(manifest.files)) if old else []
            report.skipped = dict(manifest.skipped)
            if old is None or report.changed:
                self._write(manifest, chunks)
            elif manifest != old:
                self._write_manifest(manifest)  # new stats or skipped files: the chunks stand
            documents = [record.document for record in manifest.files.values()]
            report.documents = len(documents)
            report.chunks = sum(len(found) for found in chunks.values())
            self._engine = None
            return report

    def _take(
        self,
        source: str,
        path: Path,
        old: Manifest | None,
        old_chunks: dict[str, list[Chunk]],
        manifest: Manifest,
        chunks: dict[str, list[Chunk]],
        report: IndexReport,
    ) -> None:
        reason = missing_dependency(path.suffix)
        if reason is not None:
            manifest.skipped[source] = reason
            return
        stat = path.stat()
        before = old.files.get(source) if old is not None else None
        if before is not None and source in old_chunks:
            same_stat = before.size == stat.st_size and before.mtime_ns == stat.st_mtime_ns
            # A touched file with the same bytes keeps its chunks; only its stat is refreshed.
            if same_stat or (before.size == stat.st_size and before.sha256 == _hash(path)):
                manifest.files[source] = before.model_copy(update={"mtime_ns": stat.st_mtime_ns})
                chunks[source] = old_chunks[source]
                report.reused.append(source)
                return
        document, found = split_pages(source, self._load(path), self.chunking)
        manifest.files[source] = FileRecord(
            size=stat.st_size, mtime_ns=stat.st_mtime_ns, sha256=_hash(path), document=document
        )
        chunks[source] = found
        report.read.append(source)

    def _write(self, manifest: Manifest, chunks: dict[str, list[Chunk]]) -> None:
        """Save the BM25 index, then the manifest: a crash between the two reads as unusable."""
        self.store.mkdir(parents=True, exist_ok=True)
        (self.store / MANIFEST_FILE).unlink(missing_ok=True)
        every = [chunk for source in sorted(chunks) for chunk in chunks[source]]
        shutil.rmtree(self.store / BM25_FOLDER, ignore_errors=True)  # no stale part survives
        Bm25Index.build(every).save(self.store / BM25_FOLDER)
        self._write_manifest(manifest)

    def _write_manifest(self, manifest: Manifest) -> None:
        temporary = self.store / f"{MANIFEST_FILE}.tmp"
        temporary.write_text(manifest.model_dump_json(), encoding="utf-8")
        os.replace(temporary, self.store / MANIFEST_FILE)

    def engine(self) -> SearchEngine:
        """The search engine over the stored index (updated first if it was never read)."""
        if self._engine is None:
            stored = self._stored()
            if stored is None:
                self.update()
                stored = self._stored()
            if stored is None:
                raise UsageError(f"the index in {str(self.store)!r} could not be written")
            manifest, bm25 = stored
            documents = _unique_ids([record.document for record in manifest.files.values()])
            self._engine = SearchEngine.from_index(documents, bm25)
        return self._engine


def _unique_ids(documents: list[Document]) -> list[Document]:
    """Documents whose ids are unique: ``a.pdf`` next to ``a.md`` keeps its suffix as its id."""
    seen: set[str] = set()
    out: list[Document] = []
    for document in documents:
        unique = (
            document
            if document.id not in seen
            else document.model_copy(update={"id": document.source})
        )
        seen.add(unique.id)
        out.append(unique)
    return out
