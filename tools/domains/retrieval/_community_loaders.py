"""The one door to langchain-community's document loaders: a file in, its pages' text out.

langchain-community is being sunset and warns on import, so no other module imports it: it is
imported here, lazily (on the first file loaded, never at import), with exactly that warning
silenced. Everything it returns is turned into plain ``Page``s before it leaves this module, so a
later move to the standalone integration packages changes this file only.

Each format names the loader used and the package that loader needs. A format whose package is
not installed is **unsupported until installed**: ``missing_dependency`` says which ``pip install``
enables it, and the library skips such files with that sentence instead of failing.

| suffix            | loader           | needs                          |
|-------------------|------------------|--------------------------------|
| ``.pdf``          | PyPDFLoader      | ``pypdf`` (in the extra)       |
| ``.html``/``.htm``| BSHTMLLoader     | ``beautifulsoup4``             |
| ``.csv``          | CSVLoader        | nothing more (the stdlib)      |
| ``.docx``         | Docx2txtLoader   | ``docx2txt``                   |
| ``.md``/``.txt``  | TextLoader       | nothing more                   |
"""

from __future__ import annotations

import importlib
import importlib.util
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plangate.tools.errors import UsageError

DOCUMENTS_INSTALL = 'pip install "plangate[documents]"'
"""The command that installs the ``documents`` extra."""

SUNSET_WARNING = r"`langchain-community` is being sunset and is no longer actively maintained\."
"""The start of the warning langchain-community gives on import, as a regular expression."""


@dataclass(frozen=True)
class Format:
    """How one kind of file is read.

    Attributes:
        loader: the name of the langchain-community loader class.
        module: the module that loader imports (``None``: nothing beyond the extra).
        package: what to ``pip install`` when ``module`` is missing.
    """

    loader: str
    module: str | None = None
    package: str | None = None


FORMATS: dict[str, Format] = {
    ".pdf": Format("PyPDFLoader", "pypdf", "pypdf"),
    ".html": Format("BSHTMLLoader", "bs4", "beautifulsoup4"),
    ".htm": Format("BSHTMLLoader", "bs4", "beautifulsoup4"),
    ".csv": Format("CSVLoader"),
    ".docx": Format("Docx2txtLoader", "docx2txt", "docx2txt"),
    ".md": Format("TextLoader"),
    ".txt": Format("TextLoader"),
}
"""Every suffix the library reads, lower case."""


@dataclass(frozen=True)
class Page:
    """The text of one page of a file (the whole file when it has no pages).

    Attributes:
        text: the page's text.
        number: its page number, from 1, for paged formats (PDF); ``None`` otherwise.
    """

    text: str
    number: int | None = None


def is_module_installed(name: str) -> bool:
    """Whether ``name`` can be imported, without importing it."""
    return importlib.util.find_spec(name) is not None


def check_extra() -> None:
    """Refuse to go on without the ``documents`` extra.

    Raises:
        UsageError: langchain-community or langchain-text-splitters is missing; the message
            names the command that installs them.
    """
    missing = [
        name
        for name in ("langchain_community", "langchain_text_splitters")
        if not is_module_installed(name)
    ]
    if missing:
        raise UsageError(
            f"indexing documents needs the documents extra ({', '.join(missing)} not installed): "
            f"run `{DOCUMENTS_INSTALL}`"
        )


def missing_dependency(suffix: str) -> str | None:
    """Why files with ``suffix`` cannot be read here, or ``None`` when they can.

    Raises:
        UsageError: ``suffix`` is not a supported format at all.
    """
    spec = FORMATS.get(suffix.lower())
    if spec is None:
        raise UsageError(f"{suffix!r} files are not supported; supported: {', '.join(FORMATS)}")
    if spec.module is None or is_module_installed(spec.module):
        return None
    return (
        f"{suffix} files need {spec.package} for {spec.loader}, which is not installed: "
        f"run `pip install {spec.package}` to index them"
    )


def _loader_class(name: str) -> Any:
    check_extra()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=SUNSET_WARNING, category=DeprecationWarning)
        loaders = importlib.import_module("langchain_community.document_loaders")
    return getattr(loaders, name)


def _loader(path: Path, spec: Format) -> Any:
    cls = _loader_class(spec.loader)
    if spec.loader == "TextLoader":
        return cls(str(path), encoding="utf-8")
    if spec.loader == "CSVLoader":
        return cls(str(path), encoding="utf-8")
    if spec.loader == "BSHTMLLoader":
        # Python's own HTML parser: BeautifulSoup's default here (lxml) is one more compiled package
        return cls(str(path), open_encoding="utf-8", bs_kwargs={"features": "html.parser"})
    return cls(str(path))


def _page_number(metadata: dict[str, Any], paged: bool) -> int | None:
    # PyPDFLoader counts pages from 0; people, and PDF viewers, from 1.
    page = metadata.get("page")
    return page + 1 if paged and isinstance(page, int) else None


def load_pages(path: Path) -> list[Page]:
    """The pages of the file at ``path`` (one per PDF page, one per CSV row, else one).

    Raises:
        UsageError: the format is unsupported or its package is missing, or the loader
            could not read the file (the message names the file and what went wrong).
    """
    suffix = path.suffix.lower()
    reason = missing_dependency(suffix)
    if reason is not None:
        raise UsageError(f"cannot index {str(path)!r}: {reason}")
    spec = FORMATS[suffix]
    try:
        loaded = _loader(path, spec).load()
    except UsageError:
        raise
    except Exception as exc:  # a loader raises whatever its parser raises: translate it here
        raise UsageError(
            f"cannot read {str(path)!r} with {spec.loader}: {type(exc).__name__}: {exc}"
        ) from exc
    paged = suffix == ".pdf"
    return [
        Page(text=item.page_content, number=_page_number(dict(item.metadata), paged))
        for item in loaded
    ]
