"""``plangate tools`` and ``plangate graph AGENT``: what there is to run, without running it.

``graph`` draws the agent's own graph (``plangate.demos.cli.agent_graph``) as Mermaid text,
and as an SVG or a PNG that plangate draws itself, offline (the PNG with Pillow).

``register(app)`` adds them to the ``plangate`` app; heavy modules are imported inside them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from plangate.demos.cli.consoles import console, err_console, fail, guarded

if TYPE_CHECKING:
    from plangate.agents import Agent
    from plangate.graphs.engine.runtime import Strategy


def graph_command(
    agent: Annotated[
        str,
        typer.Argument(
            help="reservation, trading, or module:attribute naming your Agent, AgentSpec, "
            "(AgentSpec, toolset) pair or a factory of one."
        ),
    ],
    strategy: Annotated[
        str | None,
        typer.Option(
            help="plan or react.", show_default="the Agent's own, else plan", metavar="STRATEGY"
        ),
    ] = None,
    svg: Annotated[
        Path | None,
        typer.Option(help="Also write the drawing to this SVG file (drawn offline, built in)."),
    ] = None,
    png: Annotated[
        Path | None,
        typer.Option(help="Also write the drawing to this PNG file (drawn offline, built in)."),
    ] = None,
) -> None:
    """Print AGENT's graph as Mermaid: its strategy, its tools (read or write) and its guardrails
    at each stage (input, plan, tool call, tool result, output); --svg and --png write it as an
    image, drawn offline.
    """
    if strategy not in (None, "plan", "react"):
        raise fail(f"--strategy must be plan or react, not {strategy!r}", 2)

    async def command() -> int:
        from plangate.demos.cli.agent_graph import describe_agent, to_mermaid, to_svg

        drawing = describe_agent(drawn_agent(agent, strategy))
        typer.echo(to_mermaid(drawing), nl=False)
        if svg is not None:
            written(svg, to_svg(drawing))
        if png is not None:
            from plangate.demos.cli.graph_png import to_png

            written(png, to_png(drawing))
        return 0

    guarded(command)


def drawn_agent(name: str, strategy: str | None) -> Agent:
    """The agent ``name`` names, as drawn: a referenced ``Agent`` as it is, else its spec.

    An agent with no offline grammar, or drawn with ``react``, is given a stand-in model: the
    drawing never calls it.
    """
    from plangate.agents import Agent
    from plangate.demos.serve.catalog import agent_tools, load_agent
    from plangate.graphs.offline.scripted import ScriptedChatModel

    loaded = load_agent(name)
    if loaded.agent is not None and strategy in (None, loaded.agent.strategy):
        return loaded.agent
    spec = loaded.spec
    chosen: Strategy = "react" if strategy == "react" else "plan"
    offline = chosen == "plan" and spec.grammar is not None and spec.offline_answer is not None
    model = None if offline else ScriptedChatModel([])
    return Agent(spec, agent_tools(spec, None), model=model, strategy=chosen)


def written(path: Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` (text as UTF-8); a path that cannot be written is a clear
    error."""
    try:
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write {path}: {exc.strerror or exc}", 2) from exc
    err_console.print(Text(f"wrote {path}"))


def tools_command(
    as_json: bool = typer.Option(
        False, "--json", help="Print a JSON list with each tool's schema."
    ),
    mcp: Annotated[
        str | None,
        typer.Option(
            "--mcp",
            metavar="CMD",
            help="List an MCP server's tools instead: a command that starts it (stdio) or its "
            "http(s):// URL. Their definitions are pinned when first seen; a changed or new one "
            "is refused, with a diff, until approved.",
        ),
    ] = None,
    approve_changes: Annotated[
        bool,
        typer.Option(
            "--approve-changes",
            help="With --mcp: approve the server's changed or new tool definitions (read the diff).",
        ),
    ] = False,
    pins: Annotated[
        Path | None,
        typer.Option(
            help="With --mcp: the pins file (default: mcp-pins.json in the state folder)."
        ),
    ] = None,
) -> None:
    """List the registered tools (or an MCP server's): name, effect and description."""
    import asyncio

    from plangate.demos.cli.mcp_commands import mcp_toolset
    from plangate.tools.domains.catalog import all_tools
    from plangate.tools.errors import PlangateError, UsageError

    if mcp is None and (approve_changes or pins is not None):
        raise fail("--approve-changes and --pins go with --mcp CMD", 2)
    try:
        toolset = (
            all_tools()
            if mcp is None
            else asyncio.run(mcp_toolset(mcp, approve_changes=approve_changes, pins=pins))
        )
    except PlangateError as exc:
        raise fail(str(exc), 2 if mcp is not None and isinstance(exc, UsageError) else 1) from exc
    if as_json:
        payload = [
            {
                "name": item.name,
                "description": item.description,
                "effect": item.effect,
                "parameters": item.args_schema(),
            }
            for item in toolset
        ]
        typer.echo(json.dumps(payload, indent=2))
        return
    table = Table(title=f"plangate tools ({len(toolset)})")
    table.add_column("name", style="bold cyan")
    table.add_column("effect")
    table.add_column("description")
    for item in toolset:
        effect = "[yellow]write[/]" if item.is_write else "[green]read[/]"
        table.add_row(item.name, effect, item.description)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``graph`` and ``tools`` to the ``plangate`` app."""
    app.command("graph")(graph_command)
    app.command("tools")(tools_command)
