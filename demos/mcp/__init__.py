"""An agent served over MCP (``plangate mcp serve AGENT``): tools ``run`` and ``resume``.

Public API: ``agent_server`` (the SDK server for an agent), ``serve_stdio``.
"""

from plangate.demos.mcp.server import agent_server, serve_stdio

__all__ = ["agent_server", "serve_stdio"]
