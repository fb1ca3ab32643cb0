"""Running an agent from the command line: streaming its events, deciding its approvals.

``drive`` consumes a run's events, and whenever the run pauses asks an ``Approver`` for a
decision per pending id, resuming until the run ends — or until no one can decide, which
leaves the run paused for ``plangate resume``. The exit code says how it ended.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

from langchain_core.language_models import BaseChatModel
from rich.console import Console
from rich.prompt import Prompt
from rich.text import Text

from plangate.agents import Agent, AgentSpec
from plangate.demos.cli.answer_view import answer_view, usage_line
from plangate.demos.cli.approval_view import approvals_view, untrusted_warning
from plangate.demos.cli.lines import Hanging
from plangate.demos.cli.moments import Moments
from plangate.demos.cli.render import REFUSALS, Progress
from plangate.demos.cli.session import Workspace
from plangate.demos.cli.untrusted import printable
from plangate.demos.scenarios.base import Scenario
from plangate.graphs.engine.build import RunResult
from plangate.graphs.engine.events import Event
from plangate.graphs.engine.runtime import Strategy
from plangate.tools.errors import BackendError, ToolTimeoutError, UsageError

DONE, FAILED, USAGE, BLOCKED, PAUSED, BACKEND = 0, 1, 2, 3, 4, 5
"""Exit codes: done, failed, bad usage, blocked by a guardrail, waiting for approval, a
backend failed (unreachable, 5xx, timing out) after its retries."""


def _usage_error_names() -> set[str]:
    return _error_names(UsageError)


def _backend_error_names() -> set[str]:
    return _error_names(BackendError) | _error_names(ToolTimeoutError)


def _error_names(root: type[BaseException]) -> set[str]:
    found: set[str] = set()
    todo: list[type[BaseException]] = [root]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return found


def exit_code(result: RunResult) -> int:
    """The exit code for how ``result`` ended.

    A run that failed on a usage error (a request outside the offline grammar, a model that
    cannot plan) exits 2 like any other bad usage: the user must change the command. A run that
    answered although a guardrail refused one of its calls exits 3, as a blocked run does. A run
    that ended because a backend kept failing after its retries (``BackendError``, a timeout)
    exits 5: the command was fine, the service was not; try again later or check ``--backend``.
    So does a run the model provider interrupted (rate limits, outages: ``plangate resume``
    continues it). A model's refusal exits 2, like the agent's own.
    """
    if result.status == "done":
        return BLOCKED if result.blocked_calls else DONE
    if result.status == "paused":
        return PAUSED
    if result.status == "blocked":
        return BLOCKED
    if result.status == "interrupted":
        return BACKEND
    error_type = (result.error or {}).get("type", "")
    if error_type in REFUSALS:
        return USAGE
    if error_type in _usage_error_names():
        return USAGE
    return BACKEND if error_type in _backend_error_names() else FAILED


def is_interactive() -> bool:
    """Whether a person can answer questions on standard input."""
    return sys.stdin.isatty()


def resume_hint(result: RunResult) -> str:
    """The command that resumes a paused ``result`` approving everything it waits for."""
    approvals = " ".join(f"--approve {a['id']}" for a in result.approvals)
    return f"plangate resume {result.thread_id} {approvals}"


def recover_hint(result: RunResult) -> str:
    """The command that continues an interrupted ``result`` from its last checkpoint."""
    return f"plangate resume {result.thread_id}"


class Approver(Protocol):
    """Decides a paused run's approvals."""

    def decide(self, approvals: list[dict[str, Any]]) -> dict[str, Any] | None:
        """A decision per pending id, or ``None`` to leave the run paused."""
        ...


class AutoApprover:
    """Decides every approval the same way, without asking (``--yes``, scripted scenarios).

    Args:
        console: where the decisions are reported.
        approve: approve (default) or reject everything.
        reason: recorded with each decision.
    """

    def __init__(self, console: Console, *, approve: bool = True, reason: str = "") -> None:
        self.console = console
        self.action = "approve" if approve else "reject"
        self.done = "approved" if approve else "rejected"
        self.reason = reason or f"{self.done} without asking"

    def decide(self, approvals: list[dict[str, Any]]) -> dict[str, Any]:
        ids = [a["id"] for a in approvals]
        self.console.print(Text(f"{self.done} without asking: {', '.join(ids)}"))
        return {pid: {"action": self.action, "reason": self.reason} for pid in ids}


class PromptApprover:
    """Shows the pending approvals and asks a person, id by id: approve, reject or edit.

    The default answer is ``reject``: a person who just presses Enter writes nothing. The list
    shows where each argument came from; before asking about a call whose arguments hold text
    from tool results, a warning names those arguments and the steps they came from.

    Args:
        console: where the table and the questions go.
        stream: where answers are read (standard input by default).
        moments: how moments in the arguments are shown (the reader's zone by default).
    """

    def __init__(
        self, console: Console, stream: TextIO | None = None, moments: Moments | None = None
    ) -> None:
        self.console = console
        self.stream = stream
        self.moments = moments or Moments()

    def _ask(self, question: str, **options: Any) -> str:
        answer: str = Prompt.ask(question, console=self.console, stream=self.stream, **options)
        return answer

    def decide(self, approvals: list[dict[str, Any]]) -> dict[str, Any]:
        self.console.print(approvals_view(approvals, self.moments))
        decisions: dict[str, Any] = {}
        for approval in approvals:
            pid = approval["id"]
            choices = ["approve", "reject", "edit"]
            warning = untrusted_warning(approval)
            if warning is not None:
                self.console.print(Hanging(warning))
            # Safe by default: Enter (or a closed input) rejects; approving takes a word.
            action = self._ask(f"{pid} ({approval['tool']})", choices=choices, default="reject")
            if action == "approve":
                decisions[pid] = "approve"
            elif action == "reject":
                reason = self._ask(f"why reject {pid}?", default="rejected by the user")
                decisions[pid] = {"action": "reject", "reason": reason}
            else:
                decisions[pid] = {"action": "edit", "args": self._edited(pid)}
        return decisions

    def _edited(self, pid: str) -> dict[str, Any]:
        while True:
            text = self._ask(f"arguments to change for {pid}, as a JSON object")
            try:
                return parse_args(pid, text)
            except UsageError as exc:
                self.console.print(Text(f"{exc}; try again", "red"))


def parse_args(pid: str, text: str) -> dict[str, Any]:
    """The edited arguments ``text`` for approval ``pid``.

    Raises:
        UsageError: ``text`` is not a non-empty JSON object; the message names ``pid``.
    """
    try:
        args = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"the edit for {pid} is not valid JSON ({exc}): {text!r}") from exc
    if not isinstance(args, dict) or not args:
        raise UsageError(f"the edit for {pid} must be a non-empty JSON object, got {text!r}")
    return args


def collect_decisions(
    approve: Sequence[str], reject: Sequence[str], edit: Sequence[str], reason: str
) -> dict[str, Any]:
    """The decisions given by ``--approve``, ``--reject`` and ``--edit ID=JSON`` options.

    Ids may also be given comma-separated (``--approve a,b``).

    Raises:
        UsageError: an id is decided twice, or an edit is malformed.
    """
    given: list[tuple[str, dict[str, Any]]] = []
    for option, values in (("approve", approve), ("reject", reject)):
        for value in values:
            given.extend(
                (pid.strip(), {"action": option}) for pid in value.split(",") if pid.strip()
            )
    for value in edit:
        pid, sep, text = value.partition("=")
        if not sep or not pid.strip():
            raise UsageError(
                f"--edit takes ID=JSON, e.g. --edit s3='{{\"party_size\": 2}}'; got {value!r}"
            )
        given.append((pid.strip(), {"action": "edit", "args": parse_args(pid.strip(), text)}))
    decisions: dict[str, Any] = {}
    for pid, decision in given:
        if pid in decisions:
            raise UsageError(f"approval {pid} is decided more than once; give one decision per id")
        decisions[pid] = {**decision, "reason": reason} if reason else decision
    return decisions


def check_decisions(decisions: dict[str, Any], pending: Sequence[str]) -> None:
    """Every pending id has a decision and every decision a pending id.

    Raises:
        UsageError: ids are missing or unknown; the message lists the pending ids.
    """
    missing = [pid for pid in pending if pid not in decisions]
    unknown = [pid for pid in decisions if pid not in pending]
    if missing or unknown:
        problems = ([f"no decision for {', '.join(missing)}"] if missing else []) + (
            [f"not pending: {', '.join(unknown)}"] if unknown else []
        )
        raise UsageError(
            f"{'; '.join(problems)}. Pending approvals: {', '.join(pending)} — give each one "
            "--approve ID, --reject ID or --edit ID=JSON"
        )


def load_scenarios(agent: str) -> list[Scenario]:
    """The scripted scenarios of ``agent`` (``demos/scenarios/<agent>.py``).

    Raises:
        UsageError: the agent has no scenario module.
    """
    try:
        module = importlib.import_module(f"plangate.demos.scenarios.{agent}")
    except ModuleNotFoundError as exc:
        raise UsageError(f"agent {agent!r} has no scripted demo scenarios") from exc
    scenarios: list[Scenario] = list(module.SCENARIOS)
    return scenarios


def load_spec(name: str) -> AgentSpec:
    """The agent ``name`` names: an assistant's name or ``module:attribute``.

    An unknown or broken agent is a usage error (``plangate.demos.serve.catalog.load_agent``);
    an agent that brings its own tools keeps them for ``build_agent``.
    """
    from plangate.demos.serve.catalog import load_agent

    return load_agent(name).spec


def build_agent(
    spec: AgentSpec, workspace: Workspace, model: BaseChatModel | None, strategy: Strategy
) -> Agent:
    """``spec`` as an agent over the workspace's backends, checkpointer and ledger.

    The domain tools act on the workspace's backends; an agent loaded by reference with tools
    of its own keeps them (``plangate.demos.serve.catalog.agent_tools``).
    """
    from plangate.demos.serve.catalog import agent_tools

    return Agent(
        spec,
        agent_tools(spec, workspace.backends),
        model=model,
        strategy=strategy,
        checkpointer=workspace.checkpointer,
        ledger=workspace.ledger,
        clock=workspace.clock,
    )


async def drive(
    agent: Agent, events: AsyncIterator[Event], progress: Progress, approver: Approver | None
) -> RunResult:
    """Show ``events``; at each pause ask ``approver`` and resume, until the run ends.

    Returns:
        The run's result: paused when ``approver`` is ``None`` or declined to decide.
    """
    thread = ""
    while True:
        with progress.segment():
            async for event in events:
                if event.kind == "run_started":
                    thread = event.thread_id
                progress.show(event)
        result = await agent.result(thread)
        if result.status != "paused" or approver is None:
            return result
        decisions = approver.decide(result.approvals)
        if decisions is None:
            return result
        events = agent.stream_resume(thread, decisions)


@dataclass(frozen=True)
class Terminal:
    """Where a command talks: the answer on stdout, errors on stderr, events on either.

    Attributes:
        out: standard output.
        err: standard error.
        as_json: print only the answer, as JSON, on stdout (events go to stderr).
        yes: approve everything without asking.
        moments: how moments are shown: to the minute, in the reader's zone.
    """

    out: Console
    err: Console
    as_json: bool = False
    yes: bool = False
    moments: Moments = field(default_factory=Moments)

    @property
    def progress(self) -> Console:
        """Where events and questions go."""
        return self.err if self.as_json else self.out

    def approver(self) -> Approver | None:
        """``--yes``: approve all; a person at a terminal: ask; otherwise nobody decides."""
        if self.yes:
            return AutoApprover(self.progress)
        return PromptApprover(self.progress, moments=self.moments) if is_interactive() else None

    def report(self, result: RunResult) -> int:
        """Show how the run ended; return its exit code."""
        if result.status == "done" and result.response is not None:
            if self.as_json:
                self.out.file.write(result.response.model_dump_json(indent=2) + "\n")
            else:
                self.out.print(answer_view(result.response, self.moments))
                used = usage_line(result.usage)
                if used is not None:
                    self.out.print(used)
            for step_id, why in result.blocked_calls.items():
                self.err.print(
                    Hanging(
                        Text.assemble(("blocked: ", "bold red"), f"{step_id}: ", printable(why))
                    )
                )
        elif result.status == "paused":
            shown = self.progress
            shown.print(approvals_view(result.approvals, self.moments))
            shown.print("waiting for approval; to continue:", highlight=False)
            shown.print(Text(resume_hint(result), "bold"), soft_wrap=True)
        elif result.status == "interrupted":
            error = result.error or {"message": "the process stopped mid-run"}
            self.err.print(
                Hanging(
                    Text.assemble(("interrupted: ", "bold yellow"), printable(error["message"]))
                )
            )
            self.err.print(
                Text.assemble("nothing is lost; to continue: ", (recover_hint(result), "bold")),
                soft_wrap=True,
            )
        else:
            error = result.error or {"type": "Error", "message": "the run ended without an answer"}
            what = "blocked" if result.status == "blocked" else f"failed ({error['type']})"
            if error["type"] in REFUSALS:
                what = "refused"  # the agent cannot, or the model would not: a plain sentence
            # Shown once, in full, wrapped at word boundaries under itself (the progress showed
            # its first line only): a capability list or a policy's reasons read at 80 columns.
            self.err.print(
                Hanging(Text.assemble((f"{what}: ", "bold red"), printable(error["message"])))
            )
        return exit_code(result)
