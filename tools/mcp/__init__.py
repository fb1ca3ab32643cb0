"""Tools of MCP servers as plangate tools, their definitions pinned (``Toolset.from_mcp``).

Public API: ``from_mcp`` (also ``Toolset.from_mcp``), ``PinStore``,
``ToolDefinitionChangedError``, ``DefinitionChange``, ``default_pins_path``.
"""

from plangate.tools.mcp.pins import (
    DefinitionChange,
    PinStore,
    ToolDefinitionChangedError,
    default_pins_path,
)
from plangate.tools.mcp.toolset import from_mcp

__all__ = [
    "DefinitionChange",
    "PinStore",
    "ToolDefinitionChangedError",
    "default_pins_path",
    "from_mcp",
]
