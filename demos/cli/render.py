"""What the command line shows of a run while it runs: its steps, verdicts, approvals, failures.

Everything shown that came from a tool or a model goes through ``untrusted.scrub`` first; moments
in it are shown to the minute in the reader's zone (``moments``). The answer and the pending
approvals are drawn by ``answer_view`` and ``approval_view``.

``Progress`` follows the typed events of a run (``plangate.graphs.engine.events``). On a terminal it
keeps a live tree of the plan's steps — state, timing, result summary — redrawn as events arrive;
when the output is not a terminal (a pipe, CI, tests) it prints each event as a line of its own
instead, because a redrawn display would leave escape codes and repeated frames in a log. A line
longer than the width wraps at word boundaries, its continuation indented under its text. The
answer's tokens (``AnswerToken``) show as they stream: the tree's last line follows the answer being
written; in lines, the tokens are printed as they come, wrapped at word boundaries too. Either way
the structured answer is rendered in full once the run ends. A failure's message is shown in full
once, by the command's report: the progress says only its first line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.live import Live
from rich.text import Text
from rich.tree import Tree

from plangate.demos.cli.lines import Hanging, compact, headline, indent_of
from plangate.demos.cli.moments import Moments
from plangate.demos.cli.untrusted import scrub
from plangate.graphs.engine.events import Event, ModelRetrying, StepRetrying, parse_event
from plangate.graphs.guards.labels import CallProvenance
from plangate.tools.clock import Clock, SystemClock

_STATES = {
    "pending": ("·", "dim"),
    "running": ("…", "cyan"),
    "approval": ("?", "yellow"),
    "done": ("✓", "green"),
    "failed": ("✗", "red"),
    "skipped": ("-", "dim"),
    "rejected": ("⊘", "magenta"),
}


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
    """The state of a run's steps, folded from its events.

    Args:
        title: the tree's root label.
        clock: what a running step's time is measured on (the real clock by default).
        moments: how moments in summaries are shown (the reader's zone by default).
    """

    def __init__(
        self, title: str, clock: Clock | None = None, moments: Moments | None = None
    ) -> None:
        self.title = title
        self.clock: Clock = clock or SystemClock()
        self.moments = moments or Moments(clock=self.clock)
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
            view.state, view.started = "running", self.clock.monotonic()
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
            self.notes.append(Text(f"✗ {event.error}: {headline(event.message)}", "red"))
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
        now = self.clock.monotonic()
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
                line.append(f"  {self.moments.in_text(compact(view.summary, 70))}")
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


def event_line(event: Event, moments: Moments | None = None) -> Text:
    """One line that says what ``event`` means, its moments in the reader's zone.

    A failure says its first line only: the command's report shows the whole message once.
    """
    if moments is not None and event.kind != "answer_token":
        event = parse_event(_in_zone(event.model_dump(mode="json"), moments))
    return _event_line(event)


def _in_zone(value: Any, moments: Moments) -> Any:
    """``value`` with the moments in its strings shown as ``moments`` shows them."""
    if isinstance(value, str):
        return moments.in_text(value)
    if isinstance(value, dict):
        return {key: _in_zone(item, moments) for key, item in value.items()}
    if isinstance(value, list):
        return [_in_zone(item, moments) for item in value]
    return value


def _event_line(event: Event) -> Text:
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
    return Text(f"✗ run failed: {event.error}: {headline(event.message)}", "red")


def _asked(approval: dict[str, Any]) -> str:
    provenance = CallProvenance.from_payload(approval)
    untrusted = [label.path for label in provenance.untrusted] if provenance else []
    flagged = f"; untrusted: {', '.join(untrusted)}" if untrusted else ""
    return f"{approval['id']} ({approval['tool']}{flagged})"


REPEATED_ON_RESUME = frozenset({"verdict", "approval_requested"})
"""Kinds of event a resumed run emits again for the call it paused on: printed once per run."""


class Progress:
    """Shows a run's events on ``console``: a live tree on a terminal, lines elsewhere.

    Args:
        console: where to draw.
        title: the tree's root label.
        live: force the live tree on or off (default: on when ``console`` is a terminal).
        moments: how moments are shown (the reader's zone by default).
        clock: what a running step's time is measured on (the real clock by default).
    """

    def __init__(
        self,
        console: Console,
        title: str,
        *,
        live: bool | None = None,
        moments: Moments | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.console = console
        self.moments = moments or Moments()
        self.tree = ProgressTree(title, clock, self.moments)
        self.live = console.is_terminal if live is None else live
        self._display: Live | None = None
        self._writing = 0  # the attempt whose tokens are being printed on their line (lines)
        self._word = ""  # the answer's word being written, printed once it ends (lines)
        self._column = 0  # where the answer's line has got to (lines)
        self._shown: set[str] = set()

    @contextmanager
    def segment(self) -> Iterator[None]:
        """Draw the events of one stream (a run, or a resume) as they come."""
        if not self.live:
            try:
                yield
            finally:
                self._end_answer()
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
                self._end_answer()
                self.console.print(Text("↻ the answer again:", "yellow"), highlight=False)
            self._writing = event.attempt
            self._stream(event.text)
            return
        self._end_answer()
        if event.kind in REPEATED_ON_RESUME:
            key = event.model_dump_json()
            if key in self._shown:
                return
            self._shown.add(key)
        line = event_line(event, self.moments)
        self.console.print(Hanging(line, indent_of(line)), highlight=False)

    def _stream(self, text: str) -> None:
        """Print the answer's ``text`` a word at a time, starting a line before a word that
        would cross the width."""
        for char in text:
            if char == "\n":
                self._flush_word()
                self.console.print()
                self._column = 0
            elif char.isspace():
                self._flush_word()
            else:
                self._word += char

    def _flush_word(self) -> None:
        if not self._word:
            return
        size, gap = cell_len(self._word), 1 if self._column else 0
        if self._column and self._column + gap + size > self.console.width:
            self.console.print()
            self._column, gap = 0, 0
        word = Text(" " * gap + self._word, "italic")
        self.console.print(word, end="", highlight=False, soft_wrap=True)
        self._column += gap + size
        self._word = ""

    def _end_answer(self) -> None:
        """End the answer's line, if tokens were being printed, before anything else is."""
        if not self._writing:
            return
        self._flush_word()
        if self._column:
            self.console.print()
        self._writing, self._column = 0, 0
