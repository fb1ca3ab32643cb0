"""``plangate serve``: the HTTP API (``plangate.demos.serve``) over a store.

Over ``sqlite:PATH`` the server runs the agents in its own process; over ``postgresql://…`` it
queues the runs for ``plangate worker`` processes sharing the database, and ``--workers N``
starts N of them beside it (``plangate.demos.serve.cluster``).

``register(app)`` adds the ``serve`` command to the ``plangate`` app.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from plangate.demos.cli.clocks import Now
from plangate.demos.cli.consoles import err_console, guarded

if TYPE_CHECKING:
    from fastapi import FastAPI

    from plangate.agents import AgentSpec

Agents = Annotated[
    list[str] | None,
    typer.Option(
        "--agent",
        help="An agent to serve: reservation, trading, or module:attribute naming an AgentSpec, "
        "an Agent or a factory of one (repeatable).",
        show_default="reservation and trading",
    ),
]


def serve_command(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[AGENT]...",
            help="Agents to serve, as --agent takes them (either form, or both).",
            show_default=False,
        ),
    ] = None,
    host: Annotated[
        str, typer.Option(help="Address to bind; beyond loopback a --token is required.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="PLANGATE_TOKEN",
            help="Bearer token every route but /health needs.",
            show_default=False,
        ),
    ] = None,
    store: Annotated[
        str,
        typer.Option(
            help="Where runs persist: sqlite:PATH (the state folder; runs in this process) or "
            "postgresql://user@host/db (runs queued for plangate worker processes).",
            show_default=True,
        ),
    ] = "sqlite:.plangate",
    workers: Annotated[
        int,
        typer.Option(
            min=0,
            help="Start N plangate worker processes on the --store (postgresql:// only), "
            "stopped with the server: a local cluster for development.",
        ),
    ] = 0,
    agent: Agents = None,
    max_body: Annotated[
        int, typer.Option(min=1024, help="Largest request body in bytes (413 above).")
    ] = 256 * 1024,
    now: Now = None,
) -> None:
    """Serve agents over HTTP: threads, runs, approvals and their events (see docs/serving.md)."""

    async def command() -> int:
        from plangate.demos.cli.clocks import clock_at, parse_now
        from plangate.demos.serve.access import check_binding
        from plangate.demos.serve.app import create_app
        from plangate.demos.serve.catalog import resolve_agents
        from plangate.demos.serve.local import local_service
        from plangate.demos.serve.store import parse_store_url
        from plangate.tools.errors import UsageError

        check_binding(host, token)
        where = parse_store_url(store)
        refs = [*(names or ()), *(agent or ())]
        specs = resolve_agents(refs)
        banner = (
            f"plangate API and console on http://{host}:{port}/ (agents: {', '.join(specs)}; store {where}"
            f"{'; bearer token required' if token else ''}); OpenAPI at /openapi.json"
        )
        if where.path is None:
            if now is not None and not workers:
                raise UsageError(
                    "--now sets the clock of the runs this command starts; over a PostgreSQL "
                    "store without --workers, the plangate worker processes run them: give "
                    "each of them --now"
                )
            moment = parse_now(now) if now is not None else None
            return await serve_queued(where.url, specs, refs, workers, banner, moment)
        if workers:
            raise UsageError(
                f"--workers needs a postgresql:// --store, got {where}: an embedded store "
                "runs its runs in this process"
            )
        clock = clock_at(parse_now(now) if now is not None else None)
        async with local_service(where.path, specs, clock=clock) as service:
            err_console.print(banner, highlight=False)
            await listen(create_app(service, token=token, max_body=max_body, specs=specs))
        return 0

    async def serve_queued(
        url: str,
        specs: Mapping[str, AgentSpec],
        refs: Sequence[str],
        count: int,
        banner: str,
        moment: datetime | None,
    ) -> int:
        from plangate.demos.serve.app import create_app
        from plangate.demos.serve.cluster import ClusterClock, worker_processes
        from plangate.demos.serve.queued import queued_runs
        from plangate.tools.ledger_postgres import redact_url as store_shown

        agents = {name: spec.description for name, spec in specs.items()}
        async with contextlib.AsyncExitStack() as stack:
            service = await stack.enter_async_context(queued_runs(url, agents))
            if count:
                cluster = await stack.enter_async_context(
                    worker_processes(
                        url,
                        count,
                        agents=refs,
                        report=report,
                        clock=ClusterClock(moment) if moment else None,
                    )
                )
                pids = ", ".join(f"{name} (pid {pid})" for name, pid in cluster.pids.items())
                banner += f"; workers {pids}"
            else:
                banner += f"; runs wait for: plangate worker --store {store_shown(url)}"
            err_console.print(banner, highlight=False)
            await listen(create_app(service, token=token, max_body=max_body, specs=specs))
        return 0

    def report(message: str) -> None:
        err_console.print(message, style="bold yellow", highlight=False, markup=False)

    async def listen(api: FastAPI) -> None:
        import uvicorn

        class Server(uvicorn.Server):
            """uvicorn's server, but a SIGTERM or Ctrl-C ends ``serve()`` and nothing more.

            uvicorn raises the signal again once it has shut down, which ends the process
            before the store is closed and the workers are stopped; returning lets them be.
            """

            @contextlib.contextmanager
            def capture_signals(self) -> Iterator[None]:
                handled = (signal.SIGINT, signal.SIGTERM)
                original = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
                try:
                    yield
                finally:
                    for sig, handler in original.items():
                        signal.signal(sig, handler)

        config = uvicorn.Config(api, host=host, port=port, log_level="warning")
        await Server(config).serve()

    guarded(command)


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``plangate`` app."""
    app.command("serve")(serve_command)
