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


sandbox_app = typer.Typer(help="The sandbox REST server: all five APIs over the sandbox state.")
app.add_typer(sandbox_app, name="sandbox")


@sandbox_app.command("serve")
def sandbox_serve(
    port: int = typer.Option(8765, min=0, max=65535, help="Port to listen on (0: any free)."),
    host: str = typer.Option("127.0.0.1", help="Address to bind; loopback by default."),
    seed: int = typer.Option(0, help="Seed of the sandbox data: same seed, same world."),
    fault_rate: float = typer.Option(
        0.0, min=0.0, max=1.0, help="Share of requests that fail with an injected fault."
    ),
    fault_seed: int = typer.Option(0, help="Seed of the fault plan."),
) -> None:
    """Serve calendar, flights, restaurants, retrieval, market data and broker APIs."""
    import uvicorn

    from tools.backends import sandbox_app as build_app
    from tools.backends import sandbox_backends
    from tools.faults import FaultPlan

    faults = FaultPlan.uniform(fault_rate, seed=fault_seed) if fault_rate else None
    app_ = build_app(sandbox_backends(seed=seed), faults=faults)
    err_console.print(
        f"plangate sandbox on http://{host}:{port} (seed {seed}, fault rate {fault_rate:g}); "
        "APIs under /calendar /flights /restaurants /retrieval /market /broker"
    )
    uvicorn.run(app_, host=host, port=port, log_level="warning")


def main() -> None:
    """Entry point for ``python -m demos``."""
    app()
