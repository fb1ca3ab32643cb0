"""``plangate serve``: the HTTP API (``plangate.demos.serve``) over the embedded store.

``register(app)`` adds the ``serve`` command to the ``plangate`` app.
"""

from __future__ import annotations

from typing import Annotated

import typer

from plangate.demos.cli.clocks import Now
from plangate.demos.cli.consoles import err_console, guarded

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
        typer.Option(help="Where runs persist: sqlite:PATH (the state folder).", show_default=True),
    ] = "sqlite:.plangate",
    agent: Agents = None,
    max_body: Annotated[
        int, typer.Option(min=1024, help="Largest request body in bytes (413 above).")
    ] = 256 * 1024,
    now: Now = None,
) -> None:
    """Serve agents over HTTP: threads, runs, approvals and their events (see docs/serving.md)."""

    async def command() -> int:
        import uvicorn

        from plangate.demos.cli.clocks import clock_at, parse_now
        from plangate.demos.serve.access import check_binding
        from plangate.demos.serve.app import create_app
        from plangate.demos.serve.catalog import resolve_agents
        from plangate.demos.serve.local import local_service
        from plangate.demos.serve.store import parse_store_url
        from plangate.tools.errors import UsageError

        check_binding(host, token)
        where = parse_store_url(store)
        if where.path is None:
            raise UsageError(
                f"--store {where}: this server runs agents in its own process, over sqlite:PATH; "
                "a PostgreSQL store is served with its run queue and workers"
            )
        specs = resolve_agents(agent or ())
        clock = clock_at(parse_now(now) if now is not None else None)
        async with local_service(where.path, specs, clock=clock) as service:
            app = create_app(service, token=token, max_body=max_body)
            config = uvicorn.Config(app, host=host, port=port, log_level="warning")
            err_console.print(
                f"plangate API on http://{host}:{port} (agents: {', '.join(specs)}; store {where}"
                f"{'; bearer token required' if token else ''}); OpenAPI at /openapi.json",
                highlight=False,
            )
            await uvicorn.Server(config).serve()
        return 0

    guarded(command)


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the ``plangate`` app."""
    app.command("serve")(serve_command)
