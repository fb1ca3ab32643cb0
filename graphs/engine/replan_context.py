"""What a re-plan prompt says of the earlier attempts, in a bounded number of characters.

A re-plan prompt does not carry the run's history: however many re-plans came before, its
"Earlier attempt" section stays under ``ReplanLimits.max_chars`` (under 14,000 characters
with the defaults; typically a few hundred to a few thousand). It holds, in this order:

- **kept results**: each step already done, with its result as compact JSON cut at
  ``result_width`` characters (a marker gives the full length); the latest done steps first,
  until ``results_chars`` are used. The earlier ones left over are named (id and tool) on one
  line of at most ``names_width`` characters, the rest counted ("and 12 more"); their results
  stay usable as ``${id.field}``.
- **the latest failures in full**: each failed or rejected call of the plan that just ran — step,
  tool, arguments (cut at ``args_width``), status and the whole reason (up to
  ``failure_width``) — with how many times the same call failed the same way before. The first
  ``max_latest`` are shown so; more join the other failures.
- **steps that did not run** (skipped, or waiting on a failed step): named on one line.
- **other failures** of the run, newest first, one line each (at most ``earlier_width``
  characters), identical calls (same tool, arguments and reason) collapsed with their count
  ("×4"); at most ``max_earlier`` lines, then the older ones counted by tool ("and 7 earlier
  failures of get_x").

Nothing the model needs to avoid repeating a failure is dropped silently: every failure is shown,
collapsed into a count, or counted by tool. ``failed_calls`` turns a run's step records into the
collapsed list the section is written from.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.state import StepRecord
from plangate.tools.errors import UsageError

_KEPT = (
    "These steps succeeded. Do not repeat them: use their results as ${id.field}. "
    "A step you give one of their ids is taken to be that finished step."
)
_NAMED = "Also done earlier (results not shown; give new steps new ids): "
_LATEST = "These steps failed or were rejected just now. Do not repeat them unchanged:"
_NOT_RUN = "These steps did not run (skipped, or waiting on a failed step): "
_EARLIER = "Other failures of this run, newest first. Do not repeat these either:"
_END = "Plan only what is still needed to answer the request."
_TOOL_WIDTH = 64  # a tool's name, as OpenAI and Anthropic accept it
_ID_WIDTH = 32  # a step id (STEP_ID_PATTERN)
_REPEATS = " (the same call failed the same way {} before)"
_OLDER_WIDTH = 60  # "- and N earlier failures of M tools", the shortest count of the rest
_FIXED = 800  # the headers and newlines, with room to spare


@dataclass(frozen=True)
class ReplanLimits:
    """How much of the earlier attempts a re-plan prompt shows (``LLMPlanner(replan_limits=)``).

    Attributes:
        result_width: characters of one kept result, as compact JSON; longer ones are cut with a
            marker that gives their length.
        results_chars: characters of all the kept results together; the done steps that do not
            fit are named without their result.
        names_width: characters of a line that names steps (done steps left over, steps that
            did not run); the names that do not fit are counted.
        args_width: characters of a latest failure's arguments, as compact JSON.
        failure_width: characters of a latest failure's reason (shown whole up to this).
        max_latest: latest failures shown in full; more are listed with the earlier ones.
        earlier_width: characters of one earlier failure's line.
        max_earlier: earlier failures listed (one line each); older ones are counted by tool.
    """

    result_width: int = 300
    results_chars: int = 3000
    names_width: int = 400
    args_width: int = 300
    failure_width: int = 1000
    max_latest: int = 5
    earlier_width: int = 200
    max_earlier: int = 8

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 1:
                raise UsageError(f"ReplanLimits.{name} must be at least 1, got {value}")

    @property
    def max_chars(self) -> int:
        """The most characters the "Earlier attempt" section can take with these limits."""
        # A latest line: its parts, the markers of cut JSON and its punctuation (60).
        latest = _ID_WIDTH + _TOOL_WIDTH + self.args_width + self.failure_width + len(_REPEATS)
        return (
            _FIXED
            + self.results_chars
            + 2 * self.names_width
            + self.max_latest * (latest + 60)
            + self.max_earlier * (self.earlier_width + 1)
            + max(self.earlier_width, _OLDER_WIDTH)
        )


DEFAULT_REPLAN_LIMITS = ReplanLimits()


@dataclass(frozen=True)
class FailedCall:
    """A failed or rejected call, or identical ones (same tool, arguments, reason) collapsed.

    Attributes:
        step_id: the step of its latest occurrence.
        tool: the tool called.
        args: the arguments it was called with (resolved).
        reason: why it failed or was rejected.
        status: ``failed`` or ``rejected``.
        round: the plan of its latest occurrence (0 = the first plan).
        count: how many times this call failed this way.
        latest: it failed in the plan that just ran (its step id is in ``failed``).
    """

    step_id: str
    tool: str
    args: Mapping[str, Any]
    reason: str
    status: str = "failed"
    round: int = 0
    count: int = 1
    latest: bool = False


def failed_calls(
    steps: Mapping[str, StepRecord], history: Sequence[StepRecord]
) -> tuple[FailedCall, ...]:
    """The run's failed and rejected calls, newest first, identical ones collapsed.

    The failures of the plan that just ran (``steps``) come first, marked ``latest``; an earlier
    failure identical to one of them is counted in it.

    Args:
        steps: the current step records, by id.
        history: the records earlier re-plans retired, oldest first.
    """
    calls: list[FailedCall] = []
    index: dict[tuple[str, str, str], int] = {}
    for record in steps.values():
        if record.get("status") in ("failed", "rejected"):
            key, call = _call(record, latest=True)
            index.setdefault(key, len(calls))  # two steps of one plan stay two lines
            calls.append(call)
    for record in reversed(history):
        if record.get("status") in ("failed", "rejected"):
            key, call = _call(record, latest=False)
            if key in index:
                seen = calls[index[key]]
                calls[index[key]] = replace(seen, count=seen.count + 1)
            else:
                index[key] = len(calls)
                calls.append(call)
    return tuple(calls)


def _call(record: StepRecord, *, latest: bool) -> tuple[tuple[str, str, str], FailedCall]:
    """The identity of a failed call (tool, arguments, reason), and the call."""
    reason = str(record.get("error", record.get("status", "failed")))
    args = record.get("args") or {}
    tool = str(record.get("tool", ""))
    call = FailedCall(
        step_id=str(record.get("step_id", "")),
        tool=tool,
        args=args,
        reason=reason,
        status=str(record.get("status", "failed")),
        round=int(record.get("round", 0)),
        latest=latest,
    )
    return (tool, _json(args), reason), call


def describe_earlier_attempt(
    *,
    previous: Plan | None,
    completed: Mapping[str, Any],
    failed: Mapping[str, str],
    calls: Sequence[FailedCall],
    limits: ReplanLimits = DEFAULT_REPLAN_LIMITS,
) -> str:
    """The "Earlier attempt" section of a re-plan prompt (see the module's docstring).

    Args:
        previous: the plan that ran, for the tool and arguments of each step.
        completed: step id → result of the steps kept.
        failed: step id → why it failed, for the plan that just ran.
        calls: the run's failed calls, newest first (``failed_calls``); a step of ``failed``
            that none of them covers is described from ``previous``.
        limits: how much to show.
    """
    planned = {step.id: step for step in previous.steps} if previous is not None else {}
    lines = ["# Earlier attempt"]
    if completed:
        lines.append(_KEPT)
        lines.extend(_kept(completed, planned, limits))
    latest, earlier = _split(failed, calls, planned)
    if latest:
        lines.append(_LATEST)
        lines.extend(_latest_line(call, limits) for call in latest[: limits.max_latest])
        earlier = [*latest[limits.max_latest :], *earlier]
    not_run = [s for s in planned.values() if s.id not in completed and s.id not in failed]
    if not_run:
        names = [f"{_cut(s.id, _ID_WIDTH)} ({_cut(s.tool, _TOOL_WIDTH)})" for s in not_run]
        lines.append(_NOT_RUN + _names(names, limits.names_width - len(_NOT_RUN)))
    if earlier:
        lines.append(_EARLIER)
        lines.extend(_earlier_lines(earlier, limits))
    lines.append(_END)
    return "\n".join(lines)


def summarize(value: Any, width: int = 300) -> str:
    """``value`` as compact JSON, cut to ``width`` characters (deterministic)."""
    text = _json(value)
    return text if len(text) <= width else f"{text[:width]}… ({len(text)} chars)"


def _kept(
    completed: Mapping[str, Any], planned: Mapping[str, Step], limits: ReplanLimits
) -> Iterable[str]:
    """The kept results, the latest first to get room, listed in plan order."""
    lines: dict[str, str] = {}
    left: list[str] = []
    used = 0
    for step_id in reversed(list(completed)):
        step = planned.get(step_id)
        name = _cut(step_id, _ID_WIDTH) + (f" ({_cut(step.tool, _TOOL_WIDTH)})" if step else "")
        line = "" if left else f"- {name}: {summarize(completed[step_id], limits.result_width)}"
        if line and used + len(line) + 1 <= limits.results_chars:
            lines[step_id] = line
            used += len(line) + 1
        else:
            left.append(name)
    if left:
        yield _NAMED + _names(left[::-1], limits.names_width - len(_NAMED))
    yield from (lines[step_id] for step_id in completed if step_id in lines)


def _split(
    failed: Mapping[str, str], calls: Sequence[FailedCall], planned: Mapping[str, Step]
) -> tuple[list[FailedCall], list[FailedCall]]:
    """The latest failures (one per id of ``failed``), and the earlier ones."""
    latest = [call for call in calls if call.latest]
    covered = {call.step_id for call in latest}
    for step_id, reason in failed.items():
        if step_id not in covered:
            step = planned.get(step_id)
            tool, args = (step.tool, step.args) if step is not None else ("", {})
            latest.append(FailedCall(step_id, tool, args, reason, latest=True))
    return latest, [call for call in calls if not call.latest]


def _latest_line(call: FailedCall, limits: ReplanLimits) -> str:
    what = "was rejected" if call.status == "rejected" else "failed"
    tool = f" {_cut(call.tool, _TOOL_WIDTH)}" if call.tool else ""
    args = f" {summarize(call.args, limits.args_width)}" if call.tool else ""
    before = call.count - 1
    repeats = _REPEATS.format("once" if before == 1 else f"{before} times") if before else ""
    reason = _cut(call.reason, limits.failure_width)
    return f"- {_cut(call.step_id, _ID_WIDTH)}:{tool}{args} {what}: {reason}{repeats}"


def _earlier_lines(earlier: Sequence[FailedCall], limits: ReplanLimits) -> Iterable[str]:
    for call in earlier[: limits.max_earlier]:
        times = f" (×{call.count})" if call.count > 1 else ""
        head = f"- {call.tool or call.step_id} {_json(call.args)}"
        line = f"{_cut(head, limits.earlier_width // 2)}: {call.reason}"
        yield _cut(line, limits.earlier_width - len(times)) + times
    older: Counter[str] = Counter()
    for call in earlier[limits.max_earlier :]:
        older[_cut(call.tool, _TOOL_WIDTH) or "an unknown tool"] += call.count
    if older:
        yield _older(older, limits.earlier_width)


def _older(older: Counter[str], width: int) -> str:
    """One line counting the failures not listed, by tool: never cut, shortened to fit."""
    ranked = older.most_common()
    total = sum(older.values())
    for named in range(min(3, len(ranked)), 0, -1):
        (tool, count), *others = ranked[:named]
        text = f"- and {count} earlier failures of {tool}"
        text += "".join(f", {n} of {name}" for name, n in others)
        rest = ranked[named:]
        if rest:
            text += f", {sum(n for _, n in rest)} of {len(rest)} other tools"
        if len(text) <= width:
            return text
    return f"- and {total} earlier failures of {len(ranked)} tools"


def _names(names: Sequence[str], width: int) -> str:
    """``names`` joined with commas within ``width`` characters, the rest counted."""
    shown: list[str] = []
    used = 0
    for index, name in enumerate(names):
        left = len(names) - index - 1
        tail = len(f", and {left} more") if left else 0
        cost = len(name) + (2 if shown else 0)
        if used + cost + tail > width:
            more = f"and {len(names) - index} more"
            return ", ".join([*shown, more])
        shown.append(name)
        used += cost
    return ", ".join(shown)


def _cut(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with a marker when longer."""
    line = " ".join(text.split())
    return line if len(line) <= width else f"{line[: max(width - 1, 0)]}…"


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
