"""The ``plangate`` command line."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from tools.catalog import all_tools
from tools.errors import PlangateError

app = typer.Typer(
    name="plangate",
    help="Tool-using agents on LangGraph: plan, act in parallel, guard every step, replay runs.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


@app.callback()
def root() -> None:
    """Tool-using agents on LangGraph: plan, act in parallel, guard every step, replay runs."""


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` as an error and return the exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


@app.command("tools")
def tools_command(
    as_json: bool = typer.Option(
        False, "--json", help="Print a JSON list with each tool's schema."
    ),
) -> None:
    """List the registered tools: name, effect and description."""
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


def main() -> None:
    """Entry point for ``python -m demos``."""
    app()
