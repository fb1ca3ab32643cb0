"""Reading the fenced code blocks of the README and the docs pages, for the tests that run them.

The rule every page follows (docs/index.md, "Examples in these docs", says it for readers):

- A ```python block runs alone, in a fresh module, as a reader who copies it runs it; unless its
  page says, before its first section heading, that its examples **run in order**: then each
  block continues the ones before it on that page, and they run in order in one module.
- A ```text block that comes next after a ```python block, in the same section (no heading
  between them), shows what that block prints, exactly.
- A ```python block whose first line is a comment naming a file, ``# myproject/agents.py``, is
  that file: the page's other blocks may import it, so it is saved in the working folder (which
  is on the import path) before any of them runs.
- A block that cannot run offline says why in a comment on the line right before it,
  ``<!-- skip: needs an OpenAI key -->``; the test reports the reason as a skip.
- A ```json or ```yaml block parses; ``<!-- shape: NAME -->`` right before one names what the code
  produces that it shows, and the test compares the two.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

EXCLUDED: dict[str, str] = {}
"""Pages whose blocks are not run, each with the reason (a path relative to the repository)."""

_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<kind>[\w+-]*)")
_NOTE = re.compile(r"^\s*<!--\s*(?P<key>skip|shape):\s*(?P<value>.*?)\s*-->\s*$")
_FILE = re.compile(r"#\s*(?P<path>[\w-]+(?:/[\w-]+)*\.py)\s*$")
_ALIASES = {"py": "python", "python3": "python", "yml": "yaml"}
_IN_ORDER = re.compile(r"\brun\s+in\s+order\b", re.IGNORECASE)


@dataclass(frozen=True)
class Block:
    """One fenced block of a page.

    Attributes:
        page: The page, relative to the repository root (``docs/tools.md``).
        kind: The fence's language word (``python``, ``text``, ``json``…), lowercased, its
            aliases read as the word (``py`` as ``python``, ``yml`` as ``yaml``).
        line: The line of the opening fence, counted from 1.
        code: The block's text, dedented by the fence's indent, ending in a newline.
        skip: The reason of a ``<!-- skip: ... -->`` comment right before the block, if any.
        shape: The name in a ``<!-- shape: ... -->`` comment right before the block, if any.
        follows: The kind of the block before this one in the same section (no heading between).
    """

    page: str
    kind: str
    line: int
    code: str
    skip: str | None = None
    shape: str | None = None
    follows: str | None = None

    @property
    def file(self) -> str | None:
        """The file a ```python block is, named by a comment on its first line, if any."""
        first = self.code.split("\n", 1)[0]
        named = _FILE.match(first) if self.kind == "python" else None
        return named["path"] if named is not None else None

    @property
    def where(self) -> str:
        """``page:line``, as a test id and in tracebacks."""
        return f"{self.page}:{self.line}"


def pages() -> list[Path]:
    """The README and every Markdown page under docs/, found rather than listed, minus
    :data:`EXCLUDED`."""
    found = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
    return [page for page in found if relative(page) not in EXCLUDED]


def relative(page: Path) -> str:
    """``page``'s path from the repository root, with forward slashes (a page elsewhere: its
    whole path)."""
    resolved = page.resolve()
    return (
        resolved.relative_to(ROOT).as_posix()
        if resolved.is_relative_to(ROOT)
        else resolved.as_posix()
    )


def read_blocks(page: Path) -> list[Block]:
    """Every fenced block of ``page``, in order, with the notes written right before each."""
    return list(_parse(relative(page), page.read_text(encoding="utf-8").splitlines()))


def _parse(name: str, lines: list[str]) -> Iterator[Block]:
    notes: dict[str, str] = {}
    previous: str | None = None  # the last block's kind, until a heading starts a section
    index = 0
    while index < len(lines):
        line = lines[index]
        opening = _OPEN.match(line)
        if opening is None:
            note = _NOTE.match(line)  # a note is a line of its own
            if note is not None:
                notes[note["key"]] = note["value"]
            elif line.strip():
                notes.clear()
                if line.startswith("#"):
                    previous = None
            index += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = index + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        body = "".join(f"{_dedent(raw, indent)}\n" for raw in lines[index + 1 : end])
        kind = opening["kind"].lower()
        kind = _ALIASES.get(kind, kind)
        yield Block(name, kind, index + 1, body, notes.get("skip"), notes.get("shape"), previous)
        notes.clear()
        previous = kind
        index = end + 1


def _dedent(line: str, indent: int) -> str:
    return line[min(indent, len(line) - len(line.lstrip(" "))) :]


def runs_in_order(page: Path) -> bool:
    """Whether ``page`` says, before its first section heading, that its examples run in order."""
    intro = re.split(r"^##\s", page.read_text(encoding="utf-8"), maxsplit=1, flags=re.M)[0]
    return _IN_ORDER.search(_strip_fences(intro)) is not None


def _strip_fences(text: str) -> str:
    return re.sub(r"^(`{3,}|~{3,}).*?^\1", "", text, flags=re.M | re.S)


def outputs(blocks: list[Block]) -> dict[int, str]:
    """The ```text block shown after each ```python block, by the python block's line."""
    shown: dict[int, str] = {}
    for before, after in itertools.pairwise(blocks):
        if before.kind == "python" and after.kind == "text" and after.follows == "python":
            shown[before.line] = after.code
    return shown


def save_files(blocks: list[Block], folder: Path) -> list[str]:
    """Save the blocks that are files (``# myproject/agents.py``) under ``folder``; the top-level
    module names they make importable."""
    names = []
    for block in blocks:
        if block.file is not None:
            target = folder / block.file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.code, encoding="utf-8")
            names.append(block.file.split("/", 1)[0].removesuffix(".py"))
    return names
