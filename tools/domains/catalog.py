"""The built-in tool catalog: every domain's tools, plus third-party tools from entry points.

Domain packages expose ``TOOLS`` (a tuple of unbound tools) in ``tools/domains/<domain>/tools.py``.
"""

from __future__ import annotations

import importlib
from typing import Any

from plangate.tools.base import Tool
from plangate.tools.registry import Toolset, discover_tools

DOMAINS: tuple[str, ...] = ("calendar", "flights", "restaurants", "retrieval", "market", "broker")


def builtin_tools() -> Toolset:
    """Every built-in tool, unbound, in domain order."""
    toolset = Toolset()
    for domain in DOMAINS:
        module = importlib.import_module(f"plangate.tools.domains.{domain}.tools")
        domain_tools: tuple[Tool[Any], ...] = module.TOOLS
        for item in domain_tools:
            toolset.add(item)
    return toolset


def all_tools(*, discover: bool = True) -> Toolset:
    """The built-in tools and, if ``discover``, those registered under ``plangate.tools``."""
    builtin = builtin_tools()
    return builtin.merge(discover_tools()) if discover else builtin
