"""Load a folder of ``.md`` and ``.txt`` files into ``Document``s, with nothing but the stdlib.

The folder may be a ``pathlib.Path`` or an ``importlib.resources`` ``Traversable`` (the bundled
corpus is package data). Files are found recursively and loaded in the order of their relative
paths, so every machine sees the same documents in the same order. Other files (``__init__.py``,
images) are ignored, as are hidden files and folders. Symbolic links are followed only while they
stay inside the folder: a link to a file or folder outside it (``notes -> /etc``) is skipped, and
so is a link back to a folder already walked.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from plangate.tools.domains.retrieval.chunking import document_title
from plangate.tools.domains.retrieval.models import Document, document_id
from plangate.tools.errors import UsageError

SUFFIXES: tuple[str, ...] = (".md", ".txt")
_BOM = "\ufeff"


def bundled_corpus() -> Traversable:
    """The sandbox corpus shipped inside the package (travel policy, venue guides, research)."""
    return files("plangate.tools.domains.retrieval").joinpath("corpus")


def _inside(entry: Traversable, root: Path | None, seen: set[Path]) -> bool:
    """Whether ``entry`` may be read: on disk, a link must stay inside ``root`` and a folder
    must not be one already walked (a link back up would loop)."""
    if root is None or not isinstance(entry, Path):
        return True  # package data: no links to follow
    real = entry.resolve()
    if not real.is_relative_to(root):
        return False
    if entry.is_dir():
        if real in seen:
            return False
        seen.add(real)
    return True


def _walk(
    folder: Traversable, prefix: str, root: Path | None, seen: set[Path]
) -> Iterator[tuple[str, Traversable]]:
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.startswith((".", "_")):
            continue  # hidden files, __init__.py, __pycache__
        if not _inside(entry, root, seen):
            continue  # a link out of the corpus folder is never followed
        relative = f"{prefix}{entry.name}"
        if entry.is_dir():
            yield from _walk(entry, f"{relative}/", root, seen)
        elif entry.name.endswith(SUFFIXES):
            yield relative, entry


def read_text(entry: Traversable | Path, source: str) -> str:
    """Decode one file as UTF-8 (a leading byte-order mark is dropped).

    Raises:
        UsageError: the file is not UTF-8; the message names it and the first bad byte.
    """
    data = entry.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"corpus file {source!r} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}): re-save it as UTF-8, or move it out of the corpus folder"
        ) from exc
    return text.removeprefix(_BOM)


def load_document(entry: Traversable | Path, source: str) -> Document:
    """One file as a ``Document`` whose source is ``source``."""
    text = read_text(entry, source)
    return Document(
        id=document_id(source), source=source, title=document_title(text, source), text=text
    )


def load_documents(folder: Traversable | Path) -> list[Document]:
    """Every ``.md``/``.txt`` file under ``folder``, ordered by relative path.

    Raises:
        UsageError: the folder does not exist, holds no such file, two files share an id
            (``a.md`` and ``a.txt``), or a file is not UTF-8.
    """
    if not folder.is_dir():
        raise UsageError(f"corpus folder {str(folder)!r} does not exist or is not a folder")
    documents: list[Document] = []
    seen: dict[str, str] = {}
    root = folder.resolve() if isinstance(folder, Path) else None
    for source, entry in _walk(folder, "", root, {root} if root is not None else set()):
        document = load_document(entry, source)
        if document.id in seen:
            raise UsageError(
                f"corpus files {seen[document.id]!r} and {source!r} both have the id "
                f"{document.id!r}: rename one of them"
            )
        seen[document.id] = source
        documents.append(document)
    if not documents:
        raise UsageError(
            f"corpus folder {str(folder)!r} holds no {' or '.join(SUFFIXES)} file: "
            "add documents or point to another folder"
        )
    return documents
