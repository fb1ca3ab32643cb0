"""``plangate worker``: run the queued runs of a PostgreSQL store.

``register(app)`` adds the command to the ``plangate`` app; heavy modules are imported inside it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from plangate.demos.cli.clocks import Now
from plangate.demos.cli.consoles import err_console, fail


def worker(
    store: str = typer.Option(..., help="The store: a postgresql:// URL shared with the API."),
    concurrency: int = typer.Option(4, min=1, help="Runs in parallel in this worker."),
    heartbeat: float = typer.Option(10.0, min=0.1, help="Seconds between heartbeats."),
    stalled_after: float = typer.Option(
        30.0, min=0.2, help="Seconds without a heartbeat after which a worker's runs are retried."
    ),
    name: str = typer.Option("plangate-worker", help="This worker's name in the queue's tables."),
    agent: Annotated[
        list[str] | None,
        typer.Option(
            "--agent",
            help="An agent to run, as plangate serve --agent: reservation, trading, or "
            "module:attribute (repeatable); give the worker the agents the API serves.",
            show_default="reservation and trading",
        ),
    ] = None,
    now: Now = None,
) -> None:
    """Run the runs queued by `plangate serve` (any number of workers share one store)."""
    import asyncio

    from plangate.demos.cli.clocks import clock_at, describe_moment, parse_now
    from plangate.demos.serve.store import parse_store_url
    from plangate.demos.serve.worker_agents import run_catalog_worker
    from plangate.tools.errors import UsageError

    try:
        url = parse_store_url(store)
        if url.path is not None:
            raise UsageError(
                f"plangate worker needs a postgresql:// store, got {store!r}: an embedded "
                "store runs its runs in the API process (plangate serve)"
            )
        moment = parse_now(now) if now is not None else None
        at = f"; runs as if it were {describe_moment(moment)}" if moment else ""
        err_console.print(f"plangate worker {name} on {url} (concurrency {concurrency}{at})")
        asyncio.run(
            run_catalog_worker(
                url.url,
                agents=agent or (),
                clock=clock_at(moment),
                concurrency=concurrency,
                heartbeat=heartbeat,
                stalled_after=stalled_after,
                name=name,
            )
        )
    except UsageError as exc:
        raise fail(str(exc), 2) from exc


def register(app: typer.Typer) -> None:
    """Add ``worker`` to the ``plangate`` app."""
    app.command("worker")(worker)
