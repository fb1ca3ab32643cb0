"""Tool-definition pinning: an MCP server's tools are trusted as first seen, and only so.

A server can change a tool's description or schema at any time after a person chose to use it
(the "rug pull" of tool poisoning: a harmless description becomes one that tells the model to
send files elsewhere). So the first time plangate sees a server's tools, it stores each
definition — name, description, ``inputSchema`` and ``annotations`` as canonical JSON — with its
SHA-256, in a small JSON file readable by its owner only (0600). Later, a definition that differs
from its pin, or a tool the server did not list before, is refused with a
``ToolDefinitionChangedError`` naming the server and each tool, with a unified diff of the old and
the new definition, until a person approves the change (``PinStore.approve``, or
``Toolset.from_mcp(..., approve_changes=True)``, or ``plangate tools --mcp CMD --approve-changes``).
A tool the server no longer lists keeps its pin, so it cannot come back changed unnoticed.

The file::

    {"version": 1, "servers": {"<server>": {"<tool>": {"sha256": "...", "definition": {...}}}}}
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plangate.tools.errors import UsageError

PINS_FILE = "mcp-pins.json"
HOME_VAR = "PLANGATE_HOME"
_VERSION = 1


def default_pins_path() -> Path:
    """``$PLANGATE_HOME/mcp-pins.json``, else ``.plangate/mcp-pins.json`` in the current folder.

    The same state folder the ``plangate`` command line keeps its runs in.
    """
    root = os.environ.get(HOME_VAR) or str(Path.cwd() / ".plangate")
    return Path(root) / PINS_FILE


def canonical_definition(
    name: str,
    description: str | None,
    input_schema: Mapping[str, Any],
    annotations: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The parts of a tool definition that decide what a model reads and what a call does.

    ``None`` annotations and an absent one are the same; a ``None`` hint inside is dropped too,
    so a server that starts sending explicit nulls does not look changed.
    """
    hints = {key: value for key, value in (annotations or {}).items() if value is not None}
    return {
        "name": name,
        "description": description or "",
        "inputSchema": dict(input_schema),
        "annotations": hints,
    }


def canonical_json(definition: Mapping[str, Any]) -> str:
    """Sorted keys, no spaces, UTF-8 kept: one text per definition, whatever the key order."""
    return json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def definition_hash(definition: Mapping[str, Any]) -> str:
    """The SHA-256 of the canonical JSON of ``definition``, in hex."""
    return hashlib.sha256(canonical_json(definition).encode("utf-8")).hexdigest()


def definition_diff(
    server: str, tool: str, old: Mapping[str, Any] | None, new: Mapping[str, Any]
) -> str:
    """A unified diff of two definitions, pretty-printed so each field is its own line."""
    before = json.dumps(old, indent=2, sort_keys=True, ensure_ascii=False) if old else ""
    after = json.dumps(new, indent=2, sort_keys=True, ensure_ascii=False)
    return "".join(
        difflib.unified_diff(
            (before + "\n").splitlines(keepends=True) if before else [],
            (after + "\n").splitlines(keepends=True),
            fromfile=f"{server}/{tool} (pinned)" if old else "/dev/null (not pinned)",
            tofile=f"{server}/{tool} (now)",
        )
    )


@dataclass(frozen=True)
class DefinitionChange:
    """One tool whose definition is not the pinned one.

    Attributes:
        tool: the tool's name as the server lists it.
        kind: ``changed`` (it differs from its pin) or ``added`` (no pin yet; the server was seen
            before without it).
        diff: the unified diff of the pinned and the new definition.
    """

    tool: str
    kind: str
    diff: str


class ToolDefinitionChangedError(UsageError):
    """An MCP server's tool definitions differ from the ones a person approved.

    Attributes:
        server: the server, as the pins name it (its command line or URL).
        changes: each changed or added tool, with its diff.
    """

    def __init__(self, server: str, changes: list[DefinitionChange], *, how: str) -> None:
        self.server = server
        self.changes = tuple(changes)
        listed = ", ".join(f"{change.tool} ({change.kind})" for change in changes)
        diffs = "\n".join(change.diff for change in changes)
        super().__init__(
            f"MCP server {server!r} changed its tool definitions since they were approved: "
            f"{listed}. Nothing from this server is used until a person reads the diff below "
            f"and approves it ({how}).\n{diffs}"
        )


class PinStore:
    """The pinned tool definitions of every MCP server seen, kept in one JSON file.

    Args:
        path: the file (default: ``default_pins_path()``); created with mode 0600 when first
            written, its folder with 0700.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_pins_path()

    def load(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Every server's pins; an absent file is no pins.

        Raises:
            UsageError: the file is not a pins file (named, with what is wrong).
        """
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise UsageError(f"cannot read the MCP pins file {self.path}: {exc}") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"the MCP pins file {self.path} is not JSON: {exc}") from exc
        servers = data.get("servers") if isinstance(data, dict) else None
        if not isinstance(servers, dict) or data.get("version") != _VERSION:
            raise UsageError(
                f"the MCP pins file {self.path} is not a version-{_VERSION} pins file "
                '({"version": 1, "servers": {...}})'
            )
        return servers

    def pins(self, server: str) -> dict[str, dict[str, Any]] | None:
        """The pins of ``server``, or ``None`` when it was never seen."""
        return self.load().get(server)

    def check(self, server: str, definitions: Mapping[str, Mapping[str, Any]], *, how: str) -> None:
        """Pin a server seen for the first time; refuse a changed or added definition.

        Args:
            server: the server's name in the pins.
            definitions: each tool's canonical definition, by name.
            how: how a person approves, for the error's message.

        Raises:
            ToolDefinitionChangedError: a definition differs from its pin, or a tool is new.
        """
        pinned = self.pins(server)
        if pinned is None:
            self.approve(server, definitions)
            return
        changes = [
            change
            for name, definition in definitions.items()
            if (change := _compare(server, name, pinned.get(name), definition)) is not None
        ]
        if changes:
            raise ToolDefinitionChangedError(server, changes, how=how)

    def approve(self, server: str, definitions: Mapping[str, Mapping[str, Any]]) -> None:
        """Pin ``definitions`` for ``server`` as they are now (a person read and approved them).

        Pins of tools not in ``definitions`` are kept.
        """
        servers = self.load()
        pins = dict(servers.get(server) or {})
        for name, definition in definitions.items():
            pins[name] = {"sha256": definition_hash(definition), "definition": dict(definition)}
        servers[server] = pins
        self._write({"version": _VERSION, "servers": servers})

    def _write(self, data: Mapping[str, Any]) -> None:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            os.fchmod(handle, 0o600)
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(data, file, indent=2, sort_keys=True, ensure_ascii=False)
                file.write("\n")
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        os.chmod(self.path, 0o600)


def _compare(
    server: str, name: str, pin: Mapping[str, Any] | None, definition: Mapping[str, Any]
) -> DefinitionChange | None:
    if pin is None:
        return DefinitionChange(name, "added", definition_diff(server, name, None, definition))
    if pin.get("sha256") == definition_hash(definition):
        return None
    old = pin.get("definition")
    return DefinitionChange(
        name,
        "changed",
        definition_diff(server, name, old if isinstance(old, dict) else None, definition),
    )
