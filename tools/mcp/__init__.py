"""Tools of MCP servers as plangate tools, their definitions pinned (``Toolset.from_mcp``).

Public API: ``mcp_tools`` (a server's tools; ``Toolset.from_mcp`` makes them a toolset), ``PinStore``,
``ToolDefinitionChangedError``, ``DefinitionChange``, ``default_pins_path``.
"""

from plangate.tools.mcp.pins import (
    DefinitionChange,
    PinStore,
    ToolDefinitionChangedError,
    default_pins_path,
)
from plangate.tools.mcp.toolset import mcp_tools

__all__ = [
    "DefinitionChange",
    "PinStore",
    "ToolDefinitionChangedError",
    "default_pins_path",
    "mcp_tools",
]
