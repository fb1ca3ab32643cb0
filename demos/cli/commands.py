"""The ``plangate`` command line: the app, and the commands that run agents (run, resume, demo).

The other commands register themselves on the app: ``catalog_commands`` (tools, graph),
``sandbox_commands`` (sandbox serve), ``trace_commands`` (replay, trace show),
``worker_commands`` (worker), ``trace_import`` (trace import) and ``index_commands`` (index).

Exit codes: 0 done, 1 failed, 2 bad usage or refused, 3 blocked by a guardrail, 4 waiting for
approval, 5 a backend or the model provider failed after its retries (unreachable, 429, 5xx,
timing out).
State lives in ``.plangate/`` (see ``plangate.demos.cli.session``). The engine, LangGraph, the
agents and the sandbox are imported inside the commands, so ``plangate --help`` starts at once.
"""

from __future__ import annotations

import os
import uuid
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from plangate.demos.cli import (
    catalog_commands,
    index_commands,
    mcp_commands,
    sandbox_commands,
    serve_commands,
    trace_commands,
    worker_commands,
)
from plangate.demos.cli.clocks import Now
from plangate.demos.cli.consoles import guarded, on_wait
from plangate.demos.cli.documents import Docs

if TYPE_CHECKING:
    from plangate.demos.cli.runner import Terminal

app = typer.Typer(
    name="plangate",
    help="Tool-using agents on LangGraph: plan, act in parallel, guard every step, replay runs.",
    no_args_is_help=True,
    add_completion=False,
)
for group in (catalog_commands, sandbox_commands, serve_commands, trace_commands, worker_commands):
    group.register(app)
index_commands.register(app)
mcp_commands.register(app)


class StrategyName(StrEnum):
    """How the agent works: plan-and-execute, or react (needs a model)."""

    plan = "plan"
    react = "react"


Yes = Annotated[
    bool, typer.Option("--yes", "-y", help="Approve every pending call without asking.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print only the answer, as JSON, on stdout.")]
TraceFile = Annotated[
    Path | None,
    typer.Option(help="Record the run into this JSONL trace (replay it with `plangate replay`)."),
]
KeepPii = Annotated[
    bool,
    typer.Option(help="Keep PII in the trace (it is redacted by default; secrets never kept)."),
]


def recording(
    runnable: Any,
    trace: Path | None,
    *,
    keep_pii: bool,
    append: bool,
    reference: str | None = None,
) -> Any:
    """Record into ``trace`` while the block runs, or do nothing when no trace is asked for.

    An agent loaded by ``module:attribute`` has it written in the header, for ``replay``.
    """
    import contextlib

    if trace is None:
        return contextlib.nullcontext()
    return runnable.record(trace, redact_pii=not keep_pii, append=append, reference=reference)


@app.callback()
def root() -> None:
    """Tool-using agents on LangGraph: plan, act in parallel, guard every step, replay runs."""


def terminal(*, as_json: bool = False, yes: bool = False) -> Terminal:
    """The consoles of this invocation (made now, so they see this invocation's streams)."""
    from plangate.demos.cli.runner import Terminal

    return Terminal(Console(), Console(stderr=True), as_json=as_json, yes=yes)


EXIT_CODES = (
    "Exit codes: 0 done, 1 failed, 2 bad usage or refused, 3 blocked by a guardrail, 4 waiting "
    "for approval, 5 a backend or the model provider failed after its retries (unreachable, "
    "429, 5xx, timing out; an interrupted run continues with plangate resume THREAD)."
)


@app.command("run", epilog=EXIT_CODES)
def run_command(
    agent: Annotated[
        str,
        typer.Argument(
            help="reservation, trading, or module:attribute naming your Agent, AgentSpec, "
            "(AgentSpec, toolset) pair or a factory of one."
        ),
    ],
    request: Annotated[str, typer.Argument(help="What to ask, in quotes.")],
    model: Annotated[
        str | None,
        typer.Option(
            help="offline or provider:model, e.g. openai:gpt-4o-mini.",
            show_default="$PLANGATE_MODEL, else offline",
        ),
    ] = None,
    backend: Annotated[
        str,
        typer.Option(
            help="sandbox (state kept in .plangate/) or the URL of `plangate sandbox serve`."
        ),
    ] = "sandbox",
    thread: Annotated[
        str | None, typer.Option(help="Thread id of the run.", show_default="a new one")
    ] = None,
    yes: Yes = False,
    as_json: AsJson = False,
    strategy: Annotated[
        StrategyName, typer.Option(help="plan (plan-and-execute) or react.")
    ] = StrategyName.plan,
    trace: TraceFile = None,
    keep_pii: KeepPii = False,
    now: Now = None,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            help="Run this fixed plan (a JSON or YAML workflow) instead of planning; "
            "REQUEST says what it is for.",
        ),
    ] = None,
    server: Annotated[
        str | None,
        typer.Option(
            help="Run on this `plangate serve` URL instead of locally ($PLANGATE_TOKEN: its token).",
            show_default=False,
        ),
    ] = None,
    docs: Docs = None,
) -> None:
    """Run AGENT on REQUEST: live progress, approvals, then the answer."""

    async def command() -> int:
        if server is not None:
            from plangate.demos.cli.remote import check_remote, run_remote
            from plangate.tools.errors import UsageError

            if docs is not None:
                raise UsageError("--docs reads a folder on this machine: not with --server")
            check_remote(plan=plan, trace=trace, model=model, backend=backend)
            token = os.environ.get("PLANGATE_TOKEN")
            return await run_remote(
                server, token, agent, request, thread, terminal(yes=yes, as_json=as_json)
            )
        from plangate.agents.models import model_name, resolve_model
        from plangate.demos.cli.clocks import parse_now, pinned_clock
        from plangate.demos.cli.documents import with_documents
        from plangate.demos.cli.render import Progress
        from plangate.demos.cli.runner import build_agent, drive, load_spec
        from plangate.demos.cli.session import (
            Session,
            ThreadRecord,
            check_backend,
            check_thread,
            home,
            open_workspace,
            without_password,
        )
        from plangate.graphs.engine.plan_file import load_plan
        from plangate.tools.errors import UsageError

        workflow = load_plan(plan) if plan is not None else None
        spec, chat, term = (
            load_spec(agent),
            resolve_model(model),
            terminal(as_json=as_json, yes=yes),
        )
        moment = parse_now(now) if now is not None else None
        backend_url = check_backend(backend)
        record = ThreadRecord(
            thread_id=check_thread(thread or uuid.uuid4().hex[:12]), agent=spec.name,
            request=request, model=model_name(model), backend=without_password(backend_url),
            strategy=strategy.value, now=moment,
            backend_password=without_password(backend_url) != backend_url,
            reference=agent if ":" in agent else None,
            docs=str(docs.resolve()) if docs is not None else None,
        )  # fmt: skip
        session, thread_id = Session(home()), record.thread_id
        clock = pinned_clock(None, moment, term.progress)
        async with open_workspace(session, backend_url, clock=clock, on_wait=on_wait) as workspace:
            if session.has_thread(thread_id):
                raise UsageError(f"thread {thread_id!r} exists already: resume it or pick another")
            if docs is not None:
                workspace = with_documents(workspace, docs, term.err)
            runnable = build_agent(spec, workspace, chat, record.strategy)
            progress = Progress(term.progress, f"{spec.name} · {thread_id} · {request}")
            # The trace is opened first: a path that cannot be written leaves no thread behind.
            with recording(
                runnable, trace, keep_pii=keep_pii, append=False, reference=record.reference
            ):
                session.add_thread(record)
                events = (
                    runnable.stream(request, thread_id=thread_id)
                    if workflow is None
                    else runnable.stream_plan(workflow, request=request, thread_id=thread_id)
                )
                result = await drive(runnable, events, progress, term.approver())
        return term.report(result)

    guarded(command)


@app.command("resume", epilog=EXIT_CODES)
def resume_command(
    thread: Annotated[str, typer.Argument(help="The paused run's thread id.")],
    approve: Annotated[
        list[str] | None, typer.Option(help="Approve this pending id (repeatable, or a,b).")
    ] = None,
    reject: Annotated[
        list[str] | None, typer.Option(help="Reject this pending id (repeatable, or a,b).")
    ] = None,
    edit: Annotated[
        list[str] | None,
        typer.Option(
            help="ID=JSON: run it with these arguments changed, e.g. s3='{\"party_size\": 2}'."
        ),
    ] = None,
    reason: Annotated[str, typer.Option(help="Why: recorded with every decision given here.")] = "",
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Approve later pauses without asking.")
    ] = False,
    as_json: AsJson = False,
    trace: TraceFile = None,
    keep_pii: KeepPii = False,
    backend: Annotated[
        str | None,
        typer.Option(
            help="The thread's backend URL again, when it had a password (never stored).",
            show_default="the thread's own",
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            help="Continue as if it were this moment (ISO 8601; no zone means UTC).",
            show_default="the moment the run was pinned to, else $PLANGATE_NOW, else real",
        ),
    ] = None,
) -> None:
    """Continue a paused run (one decision per pending id) or an interrupted one (none).

    A run started at a pinned moment (``--now``, a demo scenario) continues at that moment.
    """

    async def command() -> int:
        from plangate.agents.models import resolve_model
        from plangate.demos.cli.clocks import pinned_clock
        from plangate.demos.cli.documents import with_documents
        from plangate.demos.cli.render import Progress
        from plangate.demos.cli.runner import (
            build_agent,
            check_decisions,
            collect_decisions,
            drive,
            load_spec,
        )
        from plangate.demos.cli.session import Session, home, open_workspace, resume_backend
        from plangate.tools.errors import UsageError

        decisions = collect_decisions(approve or [], reject or [], edit or [], reason)
        session, term = Session(home()), terminal(as_json=as_json, yes=yes)
        record = session.thread(thread)
        spec, chat = load_spec(record.reference or record.agent), resolve_model(record.model)
        clock = pinned_clock(now, record.now, term.progress)
        backend_url = resume_backend(record, backend)
        async with open_workspace(
            session, backend_url, world=record.world, clock=clock, on_wait=on_wait
        ) as workspace:
            if record.docs is not None:
                workspace = with_documents(workspace, Path(record.docs), term.err)
            runnable = build_agent(spec, workspace, chat, record.strategy)
            pending = [a["id"] for a in await runnable.pending_approvals(thread)]
            progress = Progress(term.progress, f"{spec.name} · {thread} · {record.request}")
            if not pending:
                ended = await runnable.result(thread)
                status = ended.status
                if status != "interrupted" and decisions:
                    raise UsageError(
                        f"thread {thread!r} is not waiting for approval (it is {status})"
                    )
                if status != "interrupted":
                    # It ended, perhaps in a command killed before it printed: show how.
                    term.progress.print(f"thread {thread} has ended ({status}); how it ended:")
                    return term.report(ended)
                if decisions:
                    raise UsageError(
                        f"thread {thread!r} was interrupted, not paused: resume it without decisions"
                    )
                # The last command died mid-run: continue from the checkpoint.
                with recording(
                    runnable, trace, keep_pii=keep_pii, append=True, reference=record.reference
                ):
                    events = runnable.stream_recover(thread)
                    result = await drive(runnable, events, progress, term.approver())
                return term.report(result)
            check_decisions(decisions, pending)
            with recording(
                runnable, trace, keep_pii=keep_pii, append=True, reference=record.reference
            ):
                events = runnable.stream_resume(thread, decisions)
                result = await drive(runnable, events, progress, term.approver())
        return term.report(result)

    guarded(command)


CONSOLE_HINT = (
    "Watch runs in the web console: start a run, follow its plan step by step, decide its "
    "approvals.\n  plangate serve\n  then open http://127.0.0.1:8000/"
)
"""The demo's closing lines: where to watch runs next."""


@app.command("demo")
def demo_command(
    agent: Annotated[str, typer.Argument(help="Whose scenarios to run: reservation or trading.")],
    scenario: Annotated[str | None, typer.Option(help="Run only this scenario (by name).")] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Decide approvals as each scenario's script says.")
    ] = False,
) -> None:
    """Run an agent's scripted scenarios offline, on a fresh sandbox world."""

    async def command() -> int:
        from plangate.demos.cli.clocks import describe_moment
        from plangate.demos.cli.render import Progress
        from plangate.demos.cli.runner import (
            BLOCKED,
            DONE,
            FAILED,
            PAUSED,
            AutoApprover,
            build_agent,
            drive,
            load_scenarios,
            load_spec,
        )
        from plangate.demos.cli.session import Session, ThreadRecord, home, open_workspace
        from plangate.tools.clock import PinnedClock
        from plangate.tools.errors import UsageError

        spec, term = load_spec(agent), terminal()
        scenarios = [s for s in load_scenarios(spec.name) if scenario in (None, s.name)]
        if not scenarios:
            known = ", ".join(s.name for s in load_scenarios(spec.name))
            raise UsageError(f"no scenario {scenario!r} for {spec.name}; choose one of: {known}")
        session, worst = Session(home()), DONE
        # Each scenario runs at its own moment, whatever the hour: the world is made at the
        # first one's and the clock is pinned again before each.
        clock = PinnedClock(scenarios[0].now)
        async with open_workspace(
            session, "sandbox", world="demo", fresh=True, clock=clock, on_wait=on_wait
        ) as workspace:
            runnable = build_agent(spec, workspace, None, "plan")
            for item in scenarios:
                term.out.rule(f"[bold]{escape(item.title)}[/] ({escape(item.name)})")
                term.out.print(Text(f"> {item.request}"))
                term.out.print(f"sandbox time: {describe_moment(item.now)}", style="dim")
                clock.pin(item.now)
                record = ThreadRecord(
                    thread_id=f"{spec.name}-{item.name}-{uuid.uuid4().hex[:6]}", agent=spec.name,
                    request=item.request, model="offline", backend="sandbox", strategy="plan",
                    world="demo", now=item.now,
                )  # fmt: skip
                session.add_thread(record)
                decide = (
                    AutoApprover(term.out, approve=item.approve, reason=f"scripted: {item.name}")
                    if yes
                    else term.approver()
                )
                progress = Progress(term.out, f"{spec.name} · {record.thread_id}")
                events = runnable.stream(item.request, thread_id=record.thread_id)
                code = term.report(await drive(runnable, events, progress, decide))
                if code == PAUSED:
                    return PAUSED
                if code not in (DONE, BLOCKED):  # a blocked request is what some scenarios show
                    worst = FAILED
        term.out.rule()
        term.out.print(CONSOLE_HINT, highlight=False)
        return worst

    guarded(command)


def main() -> None:
    """Entry point for ``python -m plangate.demos``."""
    app()
