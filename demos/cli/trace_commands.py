"""``plangate replay FILE``, ``plangate trace show FILE`` and ``trace import``: the trace commands.

``register(app)`` adds them to the ``plangate`` app. ``replay`` exits 0 when the replay matches,
1 with the diff when it diverges, and 2 when the file cannot be read as a trace (or its agent
cannot be found). Heavy modules (the engine, LangGraph) are imported inside the commands, so
``plangate --help`` stays fast.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table
from rich.text import Text

from plangate.demos.cli.consoles import console, err_console, fail
from plangate.demos.cli.lines import compact
from plangate.demos.cli.targets import resolve_target
from plangate.demos.cli.trace_import import import_command

if TYPE_CHECKING:
    from plangate.graphs.traces.format import Trace


FILE = typer.Argument(..., help="The trace file (JSONL).", show_default=False)
AGENT = typer.Option(
    None,
    "--agent",
    help="The agent to replay against: a demo agent's name, or module:attribute naming an "
    "Agent, an AgentSpec, a pair (AgentSpec, toolset), a factory of one, or a replay factory "
    "(RunParts) -> Engine. Default: the module:attribute the trace recorded, else the demo "
    "agent it names.",
)


def load(file: Path) -> Trace:
    """The trace in ``file``; exits with 2 when it cannot be read."""
    from plangate.graphs.traces.format import TraceFormatError, read_trace

    try:
        return read_trace(file)
    except TraceFormatError as exc:
        raise fail(str(exc), 2) from exc


def replay_command(
    file: Path = FILE,
    agent: str | None = AGENT,
    strict_order: bool = typer.Option(
        False, "--strict-order", help="Serve model answers in recorded order, not by request."
    ),
) -> None:
    """Replay a recorded trace with no model and no backend; show the diff if it diverges."""
    from plangate.graphs.traces.replay import replay

    trace = load(file)
    try:
        target = resolve_target(trace.header.agent, agent, trace.header.reference)
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    from plangate.tools.errors import PlangateError

    try:
        report = asyncio.run(replay(trace, target, strict_order=strict_order))
    except PlangateError as exc:  # the agent could not be rebuilt for the replay
        raise fail(f"cannot replay {file}: {exc}", 2) from exc
    if report.ok:
        console.print(f"[green]✓[/] {report.summary()}", highlight=False)
        return
    err_console.print(f"[bold red]✗[/] {report.summary()}", highlight=False)
    print_diff(report.diff)
    raise typer.Exit(1)


def print_diff(diff: str) -> None:
    """A unified diff, coloured: removals red, additions green, hunks cyan."""
    for line in diff.splitlines():
        style = (
            "bold" if line.startswith(("---", "+++")) else "red" if line.startswith("-")
            else "green" if line.startswith("+") else "cyan" if line.startswith("@@") else ""
        )  # fmt: skip
        err_console.print(Text(line, style=style))


def show_command(
    file: Path = FILE,
    width: int | None = typer.Option(
        None,
        min=8,
        max=80,
        help="Width of the timeline bars.",
        show_default="24, less on a terminal narrower than 144 columns",
    ),
) -> None:
    """Show a trace as a timeline: runs, steps in parallel lanes, durations, verdicts."""
    # On a narrow terminal the bars give way, so the details wrap less.
    width = width if width is not None else max(8, min(24, console.width // 6))
    trace = load(file)
    head = trace.header
    model = head.model.id if head.model else "offline"
    console.print(
        f"[bold]{head.agent}[/] · {head.strategy} · model {model} · format v{head.version} · "
        f"fingerprint {head.fingerprint} · {len(trace.records)} records"
        + (" · PII redacted" if head.pii_redacted else "")
        + (f" · from {head.source}" if head.source else ""),
        highlight=False,
    )
    for table in timeline(trace, width=width):
        console.print(table)


_VERDICT_STYLES = {
    "block": "red", "reject": "red", "require_approval": "yellow", "modify": "magenta",
}  # fmt: skip


def _short(value: Any, width: int = 60) -> str:
    return compact(value, width)  # cut between words, so the detail wraps between them too


def _bar(start: float, end: float, origin: float, span: float, width: int) -> str:
    first = int((start - origin) / span * (width - 1)) if span > 0 else 0
    last = max(first, int((end - origin) / span * (width - 1)) if span > 0 else 0)
    return " " * first + "█" * (last - first + 1)


def _rows(records: list[Any]) -> list[tuple[float, float | None, str, str, str]]:
    """``(start, end, what, detail, style)`` per row of one run's records."""
    from plangate.graphs.traces import format as t

    answers = {r.call: r for r in records if isinstance(r, t.ModelResponseRecord)}
    results = {r.call: r for r in records if isinstance(r, t.ToolResultRecord)}
    rows: list[tuple[float, float | None, str, str, str]] = []
    for r in records:
        if isinstance(r, t.RunRecord):
            rows.append((r.at, None, "run", f"{r.thread_id}: {_short(r.request)}", "bold"))
        elif isinstance(r, t.DecisionsRecord):
            rows.append(
                (r.at, None, "decisions", f"{r.thread_id}: {_short(r.decisions)}", "yellow")
            )
        elif isinstance(r, t.ModelRequestRecord):
            done = answers.get(r.call)
            answer = (done.response or {}) if done else {}
            calls = [c["name"] for c in answer.get("tool_calls") or []]
            said = ", ".join(calls) if calls else _short(answer.get("content") or "", 40)
            tokens = (answer.get("usage") or {}).get("total_tokens")
            detail = f"#{r.call} → {said}" + (f" ({tokens} tokens)" if tokens else "")
            failed = done is None or done.error is not None
            rows.append(
                (r.at, done.at if done else None, "model", detail, "red" if failed else "blue")
            )
        elif isinstance(r, t.ToolCallRecord):
            res = results.get(r.call)
            if res is None or res.error is not None:
                outcome = (
                    f"error: {res.error.get('message')}" if res and res.error else "(no result)"
                )
            else:
                outcome = _short(res.result, 30)
            detail = f"{r.step_id} {r.tool} {_short(r.args, 40)} → {outcome}"
            ok = res is not None and res.error is None
            rows.append((r.at, res.at if res else None, "tool", detail, "green" if ok else "red"))
        elif isinstance(r, t.BackendCallRecord):
            detail = f"{r.method} {_short(r.args or '', 30)} → {_short(r.result, 30)}"
            rows.append((r.at, None, "read", detail, "red" if r.error else "dim"))
        elif isinstance(r, t.EventRecord):
            rows.extend(_event_row(r))
        elif isinstance(r, t.OutcomeRecord):
            status = str(r.outcome.get("status", "?"))
            style = "bold green" if status == "done" else "bold yellow"
            rows.append((r.at, None, "outcome", status, style))
    return rows


def _event_row(record: Any) -> list[tuple[float, float | None, str, str, str]]:
    event, at = record.event, record.at
    kind = event.kind
    if kind == "plan_ready":
        steps = ", ".join(f"{s['id']} {s['tool']}" for s in event.plan.get("steps", []))
        said = "extend" if event.extends else "replan" if event.replan else "plan"
        return [(at, None, said, steps, "cyan")]
    if kind == "verdict":
        v = event.verdict
        style = _VERDICT_STYLES.get(str(v.get("action")), "")
        return [
            (
                at,
                None,
                "verdict",
                f"{v.get('guardrail')} {v.get('action')}: {v.get('reason')}",
                style,
            )
        ]
    if kind == "approval_requested":
        asked = ", ".join(f"{a['id']} {a['tool']}" for a in event.approvals)
        return [(at, None, "approval", asked, "yellow")]
    if kind == "step_finished" and event.status in ("skipped", "rejected"):
        return [
            (at, None, event.status, f"{event.step_id} {event.tool}: {event.summary}", "yellow")
        ]
    if kind in ("plan_rejected", "replanning", "run_failed", "run_interrupted", "model_retrying"):
        return [
            (at, None, kind.replace("_", " "), _short(event.model_dump(exclude={"kind"})), "red")
        ]
    if kind == "final":
        return [(at, None, "answer", _short(event.response, 80), "bold")]
    return []


def timeline(trace: Trace, *, width: int = 24) -> list[Table]:
    """One table per run or resume: time, lane (parallel calls), what, detail, took, bar."""
    from plangate.graphs.traces.format import DecisionsRecord, RunRecord

    groups: list[list[Any]] = []
    for record in trace.records:
        if isinstance(record, RunRecord | DecisionsRecord) or not groups:
            groups.append([])
        groups[-1].append(record)
    tables = []
    for group in groups:
        rows = _rows(group)
        origin = min((r[0] for r in rows), default=0.0)
        span = max((r[1] or r[0] for r in rows), default=origin) - origin
        lanes: list[float] = []
        table = Table(show_edge=False, pad_edge=False, box=None)
        for column in ("at", "lane", "what", "detail", "took", "timeline"):
            table.add_column(
                column, no_wrap=column != "detail", style="dim" if column == "at" else None
            )
        for start, end, what, detail, style in rows:
            lane = ""
            if what == "tool":
                free = next((i for i, busy in enumerate(lanes) if busy <= start), len(lanes))
                lanes[free : free + 1] = [end if end is not None else float("inf")]
                lane = str(free + 1)
            took = f"{(end - start) * 1000:.1f}ms" if end is not None else ""
            bar = _bar(start, end if end is not None else start, origin, span, width)
            table.add_row(f"+{(start - origin) * 1000:.1f}ms", lane, Text(what, style=style),
                          Text(detail), took, Text(bar, style=style or "white"))  # fmt: skip
        tables.append(table)
    return tables


def register(app: typer.Typer) -> None:
    """Add ``replay``, ``trace show`` and ``trace import`` to the ``plangate`` app."""
    app.command("replay")(replay_command)
    trace_app = typer.Typer(help="Inspect recorded traces.", no_args_is_help=True)
    trace_app.command("show")(show_command)
    trace_app.command("import")(import_command)
    app.add_typer(trace_app, name="trace")
