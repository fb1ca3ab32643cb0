"""``plangate mcp serve AGENT`` and the MCP side of ``plangate tools --mcp CMD``.

``mcp serve`` offers an agent to MCP clients (Claude Desktop, IDEs, other agents) over stdio:
the ``run`` and ``resume`` tools, and with ``--tools`` the agent's own tools
(``plangate.demos.mcp``). It runs on the state folder like ``plangate run``: paused runs are kept
in its checkpoints, writes go through its ledger, the sandbox world is stored. Standard output
carries the protocol only; nothing else is printed there.

``mcp_toolset`` lists an MCP server's tools for ``plangate tools --mcp``, checking (or, with
``--approve-changes``, approving) their pinned definitions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plangate.demos.cli.consoles import guarded

if TYPE_CHECKING:
    from plangate.tools.registry import Toolset

mcp_app = typer.Typer(
    name="mcp", help="Serve an agent over MCP (Model Context Protocol).", no_args_is_help=True
)


@mcp_app.command("serve")
def serve_command(
    agent: Annotated[str, typer.Argument(help="The agent to serve, e.g. reservation.")],
    tools: Annotated[
        bool,
        typer.Option(
            "--tools",
            help="Also offer the agent's tools: reads run at once; a write runs only once the "
            "client's user approves it (elicitation), and is refused by clients that cannot ask.",
        ),
    ] = False,
    model: Annotated[
        str, typer.Option(help="offline, or provider:model (e.g. openai:gpt-4o-mini).")
    ] = "offline",
    backend: Annotated[
        str, typer.Option(help="sandbox, or the base URL of a `plangate sandbox serve`.")
    ] = "sandbox",
) -> None:
    """Serve AGENT to an MCP client over stdio: tools run, resume (and with --tools its tools)."""

    async def command() -> int:
        from plangate.agents.models import resolve_model
        from plangate.demos.cli.clocks import pinned_clock
        from plangate.demos.cli.consoles import err_console, on_wait
        from plangate.demos.cli.runner import build_agent, load_spec
        from plangate.demos.cli.session import Session, check_backend, home, open_workspace
        from plangate.demos.mcp import agent_server, serve_stdio

        spec, chat = load_spec(agent), resolve_model(model)
        clock = pinned_clock(None, None, err_console)  # $PLANGATE_NOW pins it, as for run
        async with open_workspace(
            Session(home()), check_backend(backend), clock=clock, on_wait=on_wait
        ) as workspace:
            runnable = build_agent(spec, workspace, chat, "plan")
            server = agent_server(runnable, expose_tools=tools, ledger=workspace.ledger)
            await serve_stdio(server)
        return 0

    guarded(command)


async def mcp_toolset(command: str, *, approve_changes: bool, pins: Path | None) -> Toolset:
    """The tools of the MCP server ``command`` starts (or the URL names), for listing only.

    Raises:
        ToolDefinitionChangedError: a definition changed since it was approved, and
            ``approve_changes`` is off.
        BackendError: the server cannot be started or reached.
    """
    from plangate.tools.registry import Toolset

    async with Toolset.from_mcp(command, pins=pins, approve_changes=approve_changes) as toolset:
        return toolset


def register(app: typer.Typer) -> None:
    """Add the ``mcp`` group to the ``plangate`` app."""
    app.add_typer(mcp_app)
