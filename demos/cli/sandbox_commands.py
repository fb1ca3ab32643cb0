"""``plangate sandbox serve``: the sandbox REST server, all five APIs over one sandbox world.

``register(app)`` adds the ``sandbox`` group to the ``plangate`` app.
"""

from __future__ import annotations

import typer

from plangate.demos.cli.clocks import Now
from plangate.demos.cli.consoles import err_console, fail


def sandbox_serve(
    port: int = typer.Option(8765, min=0, max=65535, help="Port to listen on (0: any free)."),
    host: str = typer.Option("127.0.0.1", help="Address to bind; loopback by default."),
    seed: int = typer.Option(0, help="Seed of the sandbox data: same seed, same world."),
    fault_rate: float = typer.Option(
        0.0, min=0.0, max=1.0, help="Share of requests that fail with an injected fault."
    ),
    fault_seed: int = typer.Option(0, help="Seed of the fault plan."),
    now: Now = None,
) -> None:
    """Serve calendar, flights, restaurants, retrieval, market data and broker APIs."""
    import uvicorn

    from plangate.demos.cli.clocks import clock_at, describe_moment, parse_now
    from plangate.tools.domains.backends import sandbox_app as build_app
    from plangate.tools.domains.backends import sandbox_backends
    from plangate.tools.errors import UsageError
    from plangate.tools.faults import FaultPlan

    try:
        moment = parse_now(now) if now is not None else None
    except UsageError as exc:
        raise fail(str(exc), 2) from exc
    faults = FaultPlan.uniform(fault_rate, seed=fault_seed) if fault_rate else None
    app_ = build_app(sandbox_backends(seed=seed, clock=clock_at(moment)), faults=faults)
    at = f", sandbox time {describe_moment(moment)}" if moment is not None else ""
    err_console.print(
        f"plangate sandbox on http://{host}:{port} (seed {seed}, fault rate {fault_rate:g}{at}); "
        "APIs under /calendar /flights /restaurants /retrieval /market /broker"
    )
    uvicorn.run(app_, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add ``sandbox serve`` to the ``plangate`` app."""
    sandbox_app = typer.Typer(help="The sandbox REST server: all five APIs over the sandbox state.")
    sandbox_app.command("serve")(sandbox_serve)
    app.add_typer(sandbox_app, name="sandbox")
