"""The shell blocks of the README and the docs pages read into commands, as a person reads them.

The blocks are those ``docs_blocks`` finds (``bash``, ``sh``, ``shell`` and ``console`` fences of
``README.md`` and every page under ``docs/``). A block reads like this:

- a line ending in ``\\`` goes on on the next line; ``a && b`` is two commands;
- ``NAME=value command`` sets ``NAME`` for that command, ``export NAME=value`` for the rest of
  the block (``$(...)`` in the value is the shell's, so a real shell works it out);
- ``# ...`` after a command says what it does (kept as its comment); a whole-line ``# ...`` is
  prose, except ``# → TEXT``, ``# stdout: TEXT`` and ``# stderr: TEXT`` (and the ``#``-lines
  indented under them), which show what the command before prints;
- in a ``console`` block only ``$ ``-lines are commands; the other lines are what the command
  before them prints. A ``text`` block right after a shell block (no heading between) is what its
  last command prints.
"""

from __future__ import annotations

import itertools
import re
import shlex
from dataclasses import dataclass, field

from tests.docs_blocks import Block, pages, read_blocks

SHELLS = ("bash", "sh", "shell", "console")
ASSIGNMENT = re.compile(r"^(?P<name>[A-Za-z_]\w*)=(?P<value>.*)$", re.S)
EXPORT = re.compile(r"^export\s+(?P<name>[A-Za-z_]\w*)=(?P<value>.*)$")
SHOWN = re.compile(r"^#\s*(?:(?P<arrow>→)|(?P<stream>stdout|stderr):)\s?(?P<text>.*)$")


@dataclass
class Shown:
    """What a page shows a command printing: on ``stream`` (``None``: either), ``lines``."""

    stream: str | None
    lines: list[str]


@dataclass
class Command:
    """One command of a block, as written (``argv`` before any placeholder is filled in)."""

    line: int
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    comment: str = ""
    shown: list[Shown] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The command as a shell would echo it."""
        prefix = [f"{name}={shlex.quote(value)}" for name, value in self.env.items()]
        return " ".join([*prefix, *map(shlex.quote, self.argv)])


@dataclass
class Export:
    """``export NAME=VALUE``: ``NAME`` set for the rest of the block (``VALUE`` as the shell reads it)."""

    line: int
    name: str
    value: str


@dataclass
class ShellBlock:
    """A shell block and the ``text`` block that shows its output, if one follows it."""

    block: Block
    after: str | None = None

    @property
    def id(self) -> str:
        """How a test names it: ``docs/serving.md:74``."""
        return self.block.where


def discover() -> list[ShellBlock]:
    """The shell blocks of every page, each with the ``text`` block right after it, if any."""
    found: list[ShellBlock] = []
    for page in pages():
        blocks = read_blocks(page)
        for block, after in itertools.zip_longest(blocks, blocks[1:]):
            if block.kind not in SHELLS:
                continue
            shows = after is not None and after.kind == "text" and after.follows == block.kind
            found.append(ShellBlock(block, after.code if shows else None))
    return found


def _split_comment(line: str) -> tuple[str, str]:
    """``line`` cut at its first ``#`` that starts a word outside quotes: (command, comment)."""
    quote = ""
    for position, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (position == 0 or line[position - 1].isspace()):
            return line[:position].rstrip(), line[position + 1 :].strip()
    return line.rstrip(), ""


def _logical_lines(body: str, first: int) -> list[tuple[int, str]]:
    """``body``'s lines with ``\\``-continuations joined, each with its line on the page."""
    joined: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for offset, raw in enumerate(body.splitlines()):
        number = first + 1 + offset
        if pending is not None:
            start, text = pending
            raw = f"{text} {raw.strip()}"
            number = start
        if raw.rstrip().endswith("\\"):
            pending = (number, raw.rstrip()[:-1].rstrip())
            continue
        pending = None
        joined.append((number, raw))
    return joined


def _command(number: int, text: str, comment: str) -> list[Command]:
    words = shlex.split(text)
    commands: list[Command] = []
    while words:
        cut = words.index("&&") if "&&" in words else len(words)
        part, words = words[:cut], words[cut + 1 :]
        env: dict[str, str] = {}
        while part and (assignment := ASSIGNMENT.match(part[0])):
            env[assignment["name"]] = assignment["value"]
            part = part[1:]
        commands.append(Command(number, part, env, comment if not words else ""))
    return commands


def parse(shell: ShellBlock) -> list[Command | Export]:
    """``block`` read into its commands and exports, each with what the page shows it print."""
    steps: list[Command | Export] = []
    block, shown = shell.block, None
    for number, raw in _logical_lines(block.code, block.line):
        line = raw.strip()
        if block.kind == "console":
            if not line.startswith("$ "):
                if line and steps and isinstance(steps[-1], Command):
                    target = steps[-1].shown
                    if not target:
                        target.append(Shown(None, []))
                    target[-1].lines.append(raw)
                continue
            line = line[2:]
        if not line:
            shown = None
            continue
        if line.startswith("#"):
            marker = SHOWN.match(line)
            last = steps[-1] if steps else None
            if marker and isinstance(last, Command):
                shown = Shown(marker["stream"], [marker["text"]])
                last.shown.append(shown)
            elif shown is not None and re.match(r"^#\s{2,}", line):
                shown.lines.append(line[1:].strip())
            else:
                shown = None
            continue
        shown = None
        exported = EXPORT.match(_split_comment(line)[0])
        if exported:
            steps.append(Export(number, exported["name"], exported["value"]))
            continue
        steps.extend(_command(number, *_split_comment(line)))
    if shell.after is not None:
        last_command = [step for step in steps if isinstance(step, Command)][-1]
        last_command.shown.append(Shown(None, shell.after.splitlines()))
    return steps
