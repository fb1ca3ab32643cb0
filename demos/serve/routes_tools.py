"""``GET /tools`` and ``GET /tools/{name}``: the tools the served agents draw on, with schemas.

A client that lets a person edit a pending call's arguments (``{"action": "edit", "args": …}``)
checks them against the tool's arguments schema as they are typed, before the server
re-guards them on resume; the web console does. The tools are the catalog the agents are built
over (``plangate.tools.domains.catalog.all_tools``: the bundled domains and the tools registered
under the ``plangate.tools`` entry points), the same list ``plangate tools --json`` prints; an
agent uses those its allow-list names.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from plangate.demos.serve.runs import NotFoundError
from plangate.tools.domains.catalog import all_tools


class ToolInfo(BaseModel):
    """A tool: what the model is told about it, and the JSON schema of its arguments.

    Attributes:
        name: the tool's name, as pending calls and plan steps name it.
        description: the line the model sees.
        effect: ``read`` or ``write`` (writes wait for approval unless an agent exempts them).
        parameters: the JSON schema of its arguments (draft 2020-12).
    """

    model_config = ConfigDict(frozen=True)

    name: str
    description: str
    effect: Literal["read", "write"]
    parameters: dict[str, Any] = Field(default_factory=dict)


@cache
def tool_infos() -> dict[str, ToolInfo]:
    """Every tool by name (read once: the catalog does not change while a server runs)."""
    return {
        item.name: ToolInfo(
            name=item.name,
            description=item.description,
            effect=item.effect,
            parameters=item.args_schema(),
        )
        for item in all_tools()
    }


def tools_router() -> APIRouter:
    """The ``/tools`` routes."""
    router = APIRouter(tags=["tools"])

    @router.get("/tools")
    async def list_tools() -> list[ToolInfo]:
        """Every tool the served agents draw on, with its arguments' JSON schema."""
        return list(tool_infos().values())

    @router.get("/tools/{name}")
    async def get_tool(name: str) -> ToolInfo:
        """One tool, with its arguments' JSON schema."""
        found = tool_infos().get(name)
        if found is None:
            raise NotFoundError(f"no tool {name!r}; GET /tools lists them")
        return found

    return router
