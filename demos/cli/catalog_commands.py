"""``plangate tools`` and ``plangate graph AGENT``: what there is to run, without running it.

``register(app)`` adds them to the ``plangate`` app; heavy modules are imported inside them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from plangate.demos.cli.consoles import console, fail, guarded


def graph_command(
    agent: Annotated[str, typer.Argument(help="The agent whose graph to draw.")],
    png: Annotated[
        Path | None, typer.Option(help="Render to this PNG with mmdc (Mermaid CLI).")
    ] = None,
) -> None:
    """Print the agent's graph as Mermaid text, or render it to a PNG locally."""
    renderer = shutil.which("mmdc")
    if png is not None and renderer is None:
        raise fail(
            "--png needs the Mermaid CLI (mmdc) on PATH: npm install -g @mermaid-js/mermaid-cli "
            "(or paste the text printed without --png into any Mermaid viewer)",
            2,
        )

    async def command() -> int:
        from plangate.agents import Agent
        from plangate.demos.cli.runner import load_spec
        from plangate.tools.domains.catalog import all_tools

        text = Agent(load_spec(agent), all_tools()).mermaid()
        if png is None or renderer is None:
            typer.echo(text)
            return 0
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "graph.mmd"
            source.write_text(text, encoding="utf-8")
            done = subprocess.run(  # noqa: ASYNC221 - a short local render; nothing else runs
                [renderer, "-i", str(source), "-o", str(png)], capture_output=True, text=True
            )
        if done.returncode != 0:
            raise fail(f"mmdc could not render {png}: {done.stderr.strip() or done.stdout.strip()}")
        console.print(Text(f"wrote {png}"))
        return 0

    guarded(command)


def tools_command(
    as_json: bool = typer.Option(
        False, "--json", help="Print a JSON list with each tool's schema."
    ),
) -> None:
    """List the registered tools: name, effect and description."""
    from plangate.tools.domains.catalog import all_tools
    from plangate.tools.errors import PlangateError

    try:
        toolset = all_tools()
    except PlangateError as exc:
        raise fail(str(exc)) from exc
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
