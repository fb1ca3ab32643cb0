"""What the command line shows: a run's progress, its pending approvals and its answer.

Everything shown that came from a tool or a model goes through ``untrusted.scrub`` first.

``Progress`` follows the typed events of a run (``plangate.graphs.engine.events``). On a terminal it
keeps a live tree of the plan's steps — state, timing, result summary — redrawn as events arrive;
when the output is not a terminal (a pipe, CI, tests) it prints one line per event instead, because
a redrawn display would leave escape codes and repeated frames in a log. The answer's tokens
(``AnswerToken``) show as they stream: the tree's last line follows the answer being written; in
lines, the tokens are printed as they come, on one line of their own. Either way the structured
answer is rendered in full once the run ends.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from rich.console import Console, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from plangate.demos.cli.untrusted import scrub
from plangate.graphs.engine.events import Event, ModelRetrying, StepRetrying, parse_event
from plangate.graphs.guards.labels import CallProvenance

_STATES = {
    "pending": ("·", "dim"),
    "running": ("…", "cyan"),
    "approval": ("?", "yellow"),
    "done": ("✓", "green"),
    "failed": ("✗", "red"),
    "skipped": ("-", "dim"),
    "rejected": ("⊘", "magenta"),
}


def compact(value: Any, width: int = 60) -> str:
    """``value`` as one line of JSON (strings as is), cut to ``width`` characters."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass
class StepView:
    """What the tree shows of one step."""

    tool: str
    after: tuple[str, ...] = ()
    state: str = "pending"
    started: float | None = None
    duration: float | None = None
    summary: str = ""


class ProgressTree:
    """The state of a run's steps, folded from its events."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.steps: dict[str, StepView] = {}
        self.notes: list[Text] = []
        self.draft = ""
        self.draft_attempt = 0

    def apply(self, event: Event) -> None:
        """Fold ``event`` into the tree (events repeated by a resume change nothing)."""
        if event.kind == "answer_token":
            if event.attempt != self.draft_attempt:  # a retried answer replaces the last one
                self.draft, self.draft_attempt = "", event.attempt
            self.draft += event.text
        elif event.kind == "plan_ready":
            for step in event.plan.get("steps", []):
                if step["id"] not in self.steps:
                    after = tuple(step.get("depends_on") or ())
                    self.steps[step["id"]] = StepView(step["tool"], after)
        elif event.kind == "step_started":
            view = self.steps.setdefault(event.step_id, StepView(event.tool))
            view.state, view.started = "running", time.monotonic()
        elif event.kind == "step_retrying":
            self.steps.setdefault(event.step_id, StepView(event.tool)).summary = retry_text(event)
        elif event.kind == "step_finished":
            view = self.steps.setdefault(event.step_id, StepView(event.tool))
            view.state, view.duration, view.summary = event.status, event.duration, event.summary
        elif event.kind == "approval_requested":
            for approval in event.approvals:
                self.steps.setdefault(approval["id"], StepView(approval["tool"])).state = "approval"
        elif event.kind == "verdict":
            verdict = event.verdict
            refused = verdict.get("action") in ("block", "reject")
            if refused and verdict.get("step_id") in self.steps:
                view = self.steps[verdict["step_id"]]
                view.state, view.summary = "rejected", str(verdict.get("reason") or "")
        elif event.kind == "replanning":
            for step_id in event.failed:
                if step_id in self.steps and self.steps[step_id].state != "rejected":
                    self.steps[step_id].state = "failed"
            failed = ", ".join(event.failed)
            self.notes.append(Text(f"↻ re-plan {event.attempt} after {failed}", "yellow"))
        elif event.kind == "run_failed":
            self.notes.append(Text(f"✗ {event.error}: {event.message}", "red"))
        elif event.kind == "model_retrying":
            self.notes.append(Text(model_retry_text(event), "yellow"))
        elif event.kind == "run_interrupted":
            self.notes.append(Text(f"⏸ interrupted: {event.message}", "yellow"))
        elif event.kind == "final":
            self.draft = ""
            self.notes.append(Text("★ answer ready", "bold green"))

    def render(self) -> Tree:
        """The tree as it stands now."""
        tree = Tree(Text(self.title, "bold"))
        now = time.monotonic()
        for step_id, view in self.steps.items():
            mark, style = _STATES.get(view.state, ("?", ""))
            line = Text(f"{mark} {step_id} ", style)
            line.append(view.tool, "bold")
            if view.after:
                line.append(f" ← {', '.join(view.after)}", "dim")
            line.append(f"  {view.state}", style)
            if view.duration is not None and view.state != "skipped":
                line.append(f" {view.duration * 1000:.0f}ms", "dim")
            elif view.started is not None and view.state == "running":
                line.append(f" {now - view.started:.1f}s", "dim")
            if view.summary:
                line.append(f"  {compact(view.summary, 70)}")
            tree.add(line)
        for note in self.notes:
            tree.add(note)
        if self.draft:
            written = " ".join(self.draft.split())
            tail = written if len(written) <= DRAFT_WIDTH else "…" + written[1 - DRAFT_WIDTH :]
            tree.add(Text(f"✎ {tail}", "italic"))
        return tree


DRAFT_WIDTH = 100
"""How much of the answer being written the live tree shows: its last characters."""


REFUSALS = frozenset({"RequestRefusedError", "ModelRefusedError"})
"""Error types of a run that refused: the agent cannot do it, or the model would not."""


def retry_text(event: StepRetrying) -> str:
    """What a retry's wait says: "market unreachable, retrying (2/4) in 0.5 s"."""
    return (
        f"{event.service or event.tool} {event.reason}, retrying "
        f"({event.attempt}/{event.max_attempts}) in {event.delay:.1f} s"
    )


def model_retry_text(event: ModelRetrying) -> str:
    """ "openai rate limited (HTTP 429), retrying the model call (2/3) in 7.0 s"."""
    return (
        f"{event.reason}, retrying the model call "
        f"({event.attempt}/{event.max_attempts}) in {event.delay:.1f} s"
    )


def event_line(event: Event) -> Text:
    """One line that says what ``event`` means."""
    if event.kind == "run_started":
        verb = "resumed" if event.resumed else "started"
        return Text(f"run {event.thread_id} {verb}: {compact(event.request, 70)}", "bold")
    if event.kind == "plan_ready":
        steps = ", ".join(f"{s['id']} {s['tool']}" for s in event.plan.get("steps", []))
        said = (
            "plan extended" if event.extends else "re-plan ready" if event.replan else "plan ready"
        )
        if not steps:  # an empty plan: nothing to call, the answer comes at once
            note = str(event.plan.get("note") or "").strip()
            steps = "no tool calls" + (f" ({compact(note, 80)})" if note else "")
        return Text(f"{said}: {steps}", "cyan")
    if event.kind == "plan_rejected":
        return Text(f"plan rejected (attempt {event.attempt}): {'; '.join(event.issues)}", "red")
    if event.kind == "step_started":
        return Text(f"  step {event.step_id} {event.tool} running {compact(event.args, 50)}")
    if event.kind == "step_finished":
        mark, style = _STATES[event.status]
        took = f" in {event.duration * 1000:.0f}ms" if event.status != "skipped" else ""
        detail = f": {compact(event.summary, 70)}" if event.summary else ""
        return Text(f"{mark} step {event.step_id} {event.tool} {event.status}{took}{detail}", style)
    if event.kind == "step_retrying":
        return Text(f"  step {event.step_id} {event.tool}: {retry_text(event)}", "yellow")
    if event.kind == "verdict":
        v = event.verdict
        where = f" on {v['step_id']}" if v.get("step_id") else ""
        if v.get("action") == "reject":
            return Text(f"  rejected by a person{where}: {v.get('reason')}", "red")
        return Text(f"  verdict {v.get('guardrail')} {v.get('action')}{where}: {v.get('reason')}")
    if event.kind == "approval_requested":
        asked = ", ".join(_asked(a) for a in event.approvals)
        return Text(f"? approval requested: {asked}", "yellow")
    if event.kind == "replanning":
        failed = "; ".join(f"{k}: {compact(v, 60)}" for k, v in event.failed.items())
        return Text(f"↻ replanning (attempt {event.attempt}) after {failed}", "yellow")
    if event.kind == "final":
        return Text("★ answer ready", "bold green")
    if event.kind == "model_retrying":
        return Text(f"  model: {model_retry_text(event)}", "yellow")
    if event.kind == "run_interrupted":
        return Text(f"⏸ interrupted: {event.message}", "yellow")
    if event.kind == "answer_token":
        return Text(event.text, "italic")
    if event.error in REFUSALS:
        return Text("✗ refused: nothing was done", "red")  # the sentence follows on stderr
    return Text(f"✗ run failed: {event.error}: {event.message}", "red")


def _asked(approval: dict[str, Any]) -> str:
    provenance = CallProvenance.from_payload(approval)
    untrusted = [label.path for label in provenance.untrusted] if provenance else []
    flagged = f"; untrusted: {', '.join(untrusted)}" if untrusted else ""
    return f"{approval['id']} ({approval['tool']}{flagged})"


class Progress:
    """Shows a run's events on ``console``: a live tree on a terminal, lines elsewhere.

    Args:
        console: where to draw.
        title: the tree's root label.
        live: force the live tree on or off (default: on when ``console`` is a terminal).
    """

    def __init__(self, console: Console, title: str, *, live: bool | None = None) -> None:
        self.console = console
        self.tree = ProgressTree(title)
        self.live = console.is_terminal if live is None else live
        self._display: Live | None = None
        self._writing = 0  # the attempt whose tokens are being printed on their line (lines)

    @contextmanager
    def segment(self) -> Iterator[None]:
        """Draw the events of one stream (a run, or a resume) as they come."""
        if not self.live:
            yield
            return
        with Live(self.tree.render(), console=self.console, refresh_per_second=8) as display:
            self._display = display
            try:
                yield
            finally:
                display.update(self.tree.render())
                self._display = None

    def show(self, event: Event) -> None:
        """Take ``event`` into account (its text made printable first: it comes from tools)."""
        event = parse_event(scrub(event.model_dump(mode="json")))
        self.tree.apply(event)
        if self._display is not None:
            self._display.update(self.tree.render())
        elif not self.live:
            self._print(event)

    def _print(self, event: Event) -> None:
        if event.kind == "answer_token":
            if self._writing and event.attempt != self._writing:
                self.console.print()
                self.console.print(Text("↻ the answer again:", "yellow"), highlight=False)
            self._writing = event.attempt
            self.console.print(event_line(event), end="", highlight=False, soft_wrap=True)
            return
        if self._writing:
            self.console.print()  # the answer's line ends before the next event
            self._writing = 0
        self.console.print(event_line(event), highlight=False, soft_wrap=True)


UNTRUSTED_STYLE = "bold red"
"""How a value taken from a tool result is shown in an approval."""


def _argument_values(args: Any) -> dict[str, Any]:
    """Every node of ``args`` by its argument path (``legs[0].date``), as provenance names them."""
    values: dict[str, Any] = {}
    stack: list[tuple[str, Any]] = [("", args)]
    while stack:
        path, node = stack.pop()
        values[path] = node
        if isinstance(node, dict):
            stack.extend(
                (f"{path}.{key}" if path else str(key), item) for key, item in node.items()
            )
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(node))
    return values


def arguments_text(approval: dict[str, Any]) -> Text:
    """An approval's arguments, each with where it came from; tool-result values stand out.

    Without provenance (a payload made before it existed) the arguments are shown as JSON.
    Call it with a payload already passed through ``scrub``.
    """
    provenance = CallProvenance.from_payload(approval)
    args = approval.get("args", {})
    if provenance is None:
        return Text(json.dumps(args, ensure_ascii=False, indent=1))
    values = _argument_values(args)
    text = Text()
    for label in provenance.arguments:
        if text:
            text.append("\n")
        value = compact(values.get(label.path), 60)
        if label.trusted:
            text.append(f"{label.path} = {value}\n")
            text.append(f"  ↳ {label.describe()}", "dim")
        else:
            text.append(f"{label.path} = ", UNTRUSTED_STYLE)
            text.append(value, f"{UNTRUSTED_STYLE} reverse")
            text.append(f"\n  ↳ {label.describe()}  (untrusted)", UNTRUSTED_STYLE)
    if not provenance.trusted_control:
        text.append("\n" if text else "")
        text.append("planned after reading tool results (untrusted control)", "yellow")
    return text


def untrusted_warning(approval: dict[str, Any]) -> Text | None:
    """One line naming the arguments of ``approval`` that came from tool results, if any."""
    approval = scrub(approval)
    provenance = CallProvenance.from_payload(approval)
    if provenance is None or not provenance.untrusted:
        return None
    where = "; ".join(f"{label.path} {label.describe()}" for label in provenance.untrusted)
    return Text(
        f"! {approval['id']} ({approval['tool']}) uses text from tool results: {where}. "
        "Check these values before approving.",
        UNTRUSTED_STYLE,
    )


def approvals_table(approvals: list[dict[str, Any]]) -> Table:
    """The pending approvals: id, tool, arguments (with their provenance) and the reasons."""
    approvals = scrub(approvals)
    table = Table(title="Waiting for approval", title_justify="left")
    for column in ("id", "tool", "args", "reasons"):
        table.add_column(column, overflow="fold", style="bold" if column == "id" else None)
    for approval in approvals:
        table.add_row(
            Text(approval["id"]),
            Text(approval["tool"]),
            arguments_text(approval),
            Text("\n".join(approval.get("reasons", []))),
        )
    return table


def _cell(value: Any) -> RenderableType:
    if value is None:
        return Text("—", "dim")
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        keys = dict.fromkeys(key for item in value for key in item)  # ordered, unique
        columns = [key for key in keys if any(item.get(key) is not None for item in value)]
        table = Table(show_edge=False, pad_edge=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for item in value:
            table.add_row(*(Text(_scalar(item.get(column))) for column in columns))
        return table
    if isinstance(value, list):
        return Text(", ".join(_scalar(item) for item in value) or "—")
    return Text(_scalar(value))


def _scalar(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str | int | float | bool):
        return str(value)
    if (
        isinstance(value, dict)
        and 0 < len(value) <= 3
        and all(isinstance(item, str | int | float) for item in value.values())
    ):  # a small record such as money, {"amount": "40.00", "currency": "EUR"}: "40.00 EUR"
        return " ".join(str(item) for item in value.values())
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


def answer_table(response: BaseModel) -> Table:
    """The answer, one row per field of its model; lists of objects become sub-tables."""
    table = Table(title=type(response).__name__, title_justify="left", show_header=False)
    table.add_column("field", style="bold cyan", no_wrap=True)
    table.add_column("value", overflow="fold")
    for name, value in scrub(response.model_dump(mode="json")).items():
        table.add_row(name, _cell(value))
    return table
