"""``Toolset``: the registry of tools an agent may use, with the dependencies they are bound to.

A toolset looks tools up by name, namespaces them, narrows them to an allow-list, exports their
schemas (``plangate.tools.schema``), and discovers third-party tools from the entry-point group
``plangate.tools``. An entry point may name a ``Tool``, a ``Toolset``, an iterable of tools, or a
zero-argument callable returning one of those.

Namespaced names join namespace and name with ``__`` (``travel__search_flights``): a dot is not
allowed in OpenAI or Anthropic tool names.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from plangate.tools.base import Tool
from plangate.tools.errors import UsageError
from plangate.tools.schema_dialects import legal_tool_name

ENTRY_POINT_GROUP = "plangate.tools"
NAMESPACE_SEPARATOR = "__"


@dataclass(frozen=True)
class Binding:
    """A tool and the dependencies its ``ToolContext.deps`` will carry."""

    tool: Tool[Any]
    deps: Any = None


class Toolset:
    """An ordered set of uniquely named tools, each bound to its dependencies."""

    def __init__(self, tools: Iterable[Tool[Any]] = (), *, deps: Any = None) -> None:
        self._bindings: dict[str, Binding] = {}
        for item in tools:
            self.add(item, deps=deps)

    def add(self, tool: Tool[Any], *, deps: Any = None, name: str | None = None) -> None:
        """Register ``tool`` (under ``name`` if given), bound to ``deps``.

        Raises:
            UsageError: the name is taken, or ``tool`` is not a ``Tool``.
        """
        if not isinstance(tool, Tool):
            raise UsageError(f"Toolset.add expects a Tool, got {type(tool).__name__}")
        key = name or tool.name
        if key in self._bindings:
            raise UsageError(f"duplicate tool name {key!r}: each tool needs a unique name")
        if name is not None and name != tool.name:
            tool = _renamed(tool, name)
        self._bindings[key] = Binding(tool, deps)

    def merge(self, *others: Toolset) -> Toolset:
        """A new toolset with this one's tools and then the others'."""
        merged = Toolset()
        for source in (self, *others):
            for binding in source._bindings.values():
                merged.add(binding.tool, deps=binding.deps)
        return merged

    def get(self, name: str) -> Tool[Any]:
        """The tool called ``name``.

        Raises:
            UsageError: no such tool; the message lists the known names.
        """
        return self.binding(name).tool

    def binding(self, name: str) -> Binding:
        """The tool called ``name`` with its dependencies.

        A tool published under a dotted name (``spotify.play``) is found by it too: it is
        registered under its legal name (``spotify__play``, see ``schema_dialects``).
        """
        found = self._bindings.get(name) or self._bindings.get(_legal(name))
        if found is None:
            known = ", ".join(sorted(self._bindings)) or "(none)"
            raise UsageError(f"unknown tool {name!r}; known tools: {known}")
        return found

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (name in self._bindings or _legal(name) in self._bindings)

    def __iter__(self) -> Iterator[Tool[Any]]:
        return (binding.tool for binding in self._bindings.values())

    def __len__(self) -> int:
        return len(self._bindings)

    @property
    def names(self) -> list[str]:
        """Tool names, in registration order."""
        return list(self._bindings)

    def allow(self, names: Iterable[str]) -> Toolset:
        """A new toolset holding only ``names``.

        Raises:
            UsageError: a name in the allow-list is not registered.
        """
        wanted = list(names)
        missing = [name for name in wanted if name not in self._bindings]
        if missing:
            raise UsageError(
                f"allow-list names unknown tools: {', '.join(missing)}; "
                f"known tools: {', '.join(sorted(self._bindings))}"
            )
        subset = Toolset()
        for name in wanted:
            binding = self._bindings[name]
            subset.add(binding.tool, deps=binding.deps)
        return subset

    def namespaced(self, namespace: str) -> Toolset:
        """A new toolset whose names are ``namespace__name``."""
        if not namespace or NAMESPACE_SEPARATOR in namespace:
            raise UsageError(f"namespace {namespace!r} must be non-empty and contain no '__'")
        out = Toolset()
        for name, binding in self._bindings.items():
            out.add(binding.tool, deps=binding.deps, name=f"{namespace}{NAMESPACE_SEPARATOR}{name}")
        return out

    def bind(self, deps: Any) -> Toolset:
        """A new toolset with every tool bound to ``deps``."""
        return Toolset(self, deps=deps)

    @classmethod
    def from_mcp(cls, server: Any, **options: Any) -> AbstractAsyncContextManager[Toolset]:
        """The tools of an MCP server as a toolset, while an ``async with`` block runs.

        ``server`` is a command line, an ``http(s)://`` URL or an open ``ClientSession``; see
        ``plangate.tools.mcp.mcp_tools`` for the options (name, pins, approve_changes, timeout).

        Raises:
            ToolDefinitionChangedError: a tool's definition changed since it was approved.
            BackendError: the server cannot be started or reached.
        """
        from plangate.tools.mcp import mcp_tools

        tools = mcp_tools(server, **options)

        @asynccontextmanager
        async def opened() -> AsyncIterator[Toolset]:
            async with tools as listed:
                yield cls(listed)

        return opened()


def _renamed(tool: Tool[Any], name: str) -> Tool[Any]:
    clone = object.__new__(Tool)
    clone.__dict__.update(tool.__dict__)
    if len(name) > 64:
        raise UsageError(f"tool name {name!r} is longer than 64 characters")
    clone.name = name
    return clone


def discover_tools(group: str = ENTRY_POINT_GROUP) -> Toolset:
    """Load the tools third-party packages declare under the entry-point ``group``.

    Raises:
        UsageError: an entry point fails to load or yields something that is not a tool.
    """
    found = Toolset()
    for point in entry_points(group=group):
        try:
            loaded = point.load()
            if callable(loaded) and not isinstance(loaded, Tool):
                loaded = loaded()
        except Exception as exc:
            raise UsageError(f"entry point {point.name!r} ({point.value}) failed: {exc}") from exc
        items = [loaded] if isinstance(loaded, Tool) else loaded
        try:
            candidates = list(items)
        except TypeError:
            raise UsageError(
                f"entry point {point.name!r} ({point.value}) gave {type(loaded).__name__}, "
                "not a Tool, a Toolset or tools"
            ) from None
        for item in candidates:
            if not isinstance(item, Tool):
                raise UsageError(
                    f"entry point {point.name!r} ({point.value}) gave {type(item).__name__}, "
                    "not a Tool"
                )
            found.add(item)
    return found


def _legal(name: str) -> str:
    """``name`` as the legal name a dotted published name is registered under ("" if none)."""
    if "." not in name:
        return ""
    try:
        return legal_tool_name(name)
    except UsageError:
        return ""
