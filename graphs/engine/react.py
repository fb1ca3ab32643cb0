"""The ``react`` strategy: the model calls tools step by step through ``bind_tools``.

Each model turn's tool calls become plan steps (ids ``t<turn>_<n>``) appended to the run's plan,
so they go through the very same dispatch (reference-free here), tool-call guardrails,
approvals, call-tool node, result guardrails, budgets and events as ``plan`` steps. When a wave
is finished the model sees the results as tool messages — failures included, so it corrects
itself — and either calls more tools or answers; then the respond node produces the validated
response. A bad argument from the model is a failed step the model sees; so is a tool call it
malformed (arguments that are not a JSON object); each one draws on the run's retry budget.
A reply cut at the output-token limit never runs: the model is asked again, more briefly.

The conversation is rebuilt from the plan and the step records on every turn rather than kept
in state, so it is always exactly what the checkpoint says happened.
"""

from __future__ import annotations

import json
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from functools import partial
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    InvalidToolCall,
    SystemMessage,
    ToolMessage,
)

from plangate.graphs.engine.calling import step_record
from plangate.graphs.engine.dispatch import must_stop
from plangate.graphs.engine.events import PlanReady
from plangate.graphs.engine.identity_memo import IdentityMemo
from plangate.graphs.engine.model_errors import ModelError, ModelOutputTruncatedError
from plangate.graphs.engine.model_gate import call_model
from plangate.graphs.engine.plan import Step, plan_from_state
from plangate.graphs.engine.runtime import Runtime, emit, fail_state
from plangate.graphs.engine.state import RunState, StepRecord, extend_plan
from plangate.tools.errors import BudgetExceededError, UsageError
from plangate.tools.schema import openai_tool

REACT_SYSTEM = (
    "You are a careful assistant that uses tools. Call the tools you need — several at once "
    "when they do not depend on each other — then, once you have what the request needs, "
    "reply without calling a tool."
)


def conversation(state: RunState, runtime: Runtime) -> list[BaseMessage]:
    """The messages of the run so far: system, request, then each turn's calls and results.

    Built from the plan and the step records. The turns whose steps and records are the very
    same objects as when this thread's transcript was last built are reused, not rebuilt, so a
    turn costs about the same at step 200 as at step 2; anything else (another process, a
    resume, a changed record) is rebuilt from the first turn that differs.
    """
    system = f"{REACT_SYSTEM}\n\n{runtime.instructions}".strip()
    head = (system, state["request"])
    done = state.get("steps") or {}
    retired = state.get("history") or []
    history = {rec["step_id"]: rec for rec in retired} if retired else {}
    steps = plan_from_state(state["plan"]).steps if state.get("plan") else []
    records = [done.get(s.id) or history.get(s.id) or {} for s in steps]
    cached = _TRANSCRIPTS.get(runtime.thread_id)
    if cached is None or cached.head != head:
        cached = _Transcript(
            head, [], [], [SystemMessage(system), HumanMessage(state["request"])], []
        )
    same = 0
    for old_step, new_step, old_rec, new_rec in zip(
        cached.steps, steps, cached.records, records, strict=False
    ):
        if old_step is not new_step or old_rec is not new_rec:
            break
        same += 1
    # Rebuild from the start of the turn of the first step that differs.
    while same and same < len(steps) and _turn_of(steps[same - 1]) == _turn_of(steps[same]):
        same -= 1
    messages = cached.messages[: cached.ends[same - 1] if same else 2]
    ends = cached.ends[:same]
    at = same
    while at < len(steps):
        turn = _turn_of(steps[at])
        end = at
        while end < len(steps) and _turn_of(steps[end]) == turn:
            end += 1
        calls = [{"name": s.tool, "args": s.args, "id": s.id} for s in steps[at:end]]
        messages.append(AIMessage(content="", tool_calls=calls))
        for i in range(at, end):
            messages.append(
                ToolMessage(content=_tool_content(records[i]), tool_call_id=steps[i].id)
            )
            ends.append(len(messages))
        at = end
    _TRANSCRIPTS[runtime.thread_id] = _Transcript(head, list(steps), records, messages, ends)
    _TRANSCRIPTS.move_to_end(runtime.thread_id)
    while len(_TRANSCRIPTS) > _TRANSCRIPTS_KEPT:
        _TRANSCRIPTS.popitem(last=False)
    return list(messages)


@dataclass
class _Transcript:
    """A thread's conversation as last built: from which steps and records, and its messages."""

    head: tuple[str, str]
    steps: list[Step]
    records: list[StepRecord]
    messages: list[BaseMessage]
    ends: list[int]  # how many messages there are up to each step's result


_TRANSCRIPTS: OrderedDict[str, _Transcript] = OrderedDict()
"""The last transcript of each of the most recent threads (by thread id)."""
_TRANSCRIPTS_KEPT = 1024


def _tool_content(record: StepRecord) -> str:
    status = record.get("status")
    if status == "done":
        return json.dumps(record.get("result"), ensure_ascii=False, default=str)
    return f"error ({status}): {record.get('error', 'no result')}"


async def react_node(state: RunState, runtime: Runtime) -> dict[str, Any]:
    """One model turn: new tool calls become steps, or the model is done.

    A tool call the model malformed (arguments that are not a JSON object, no name) becomes a
    failed step the model is told about in the next turn; each one draws on the retry budget.
    A reply cut at the output-token limit is never executed: the model is asked again, more
    briefly, within the same budget.
    """
    if state.get("status") != "running":
        return {}
    stop = must_stop(state, runtime)  # the checks of the dispatch a turn may follow directly
    if stop is not None:
        return stop
    model = runtime.react_model
    if model is None:
        return fail_state(UsageError("the react strategy needs a chat model (react_model)"))
    usage = state.get("usage") or {}
    records = {
        **{r["step_id"]: r for r in state.get("history") or []},
        **(state.get("steps") or {}),
    }
    failed_args = sum(1 for rec in records.values() if rec.get("error_type") == ARGS_ERROR)
    # Each malformed or invalid call the model made is one retry: the count is the failures.
    spent: dict[str, float] = {"retries": max(float(failed_args) - usage.get("retries", 0), 0.0)}
    try:
        runtime.budget.check(usage, "retries", spent["retries"])
    except BudgetExceededError as exc:
        return fail_state(
            BudgetExceededError(
                f"{exc}: {failed_args} of the model's tool calls had invalid arguments",
                budget=exc.budget, limit=exc.limit, used=exc.used,
            )
        )  # fmt: skip
    tools = [t for t in runtime.toolset if runtime.allowed is None or t.name in runtime.allowed]
    bound = _bind(model, tools)
    messages = conversation(state, runtime)
    calls = runtime.model_calls(usage, spent)
    while True:
        try:
            # A model that is done may answer with nothing at all (Claude does, after tool
            # results): that ends the turns, and the respond node writes the answer.
            reply = await call_model(calls, partial(bound.ainvoke, messages), silence_answers=True)
            break
        except ModelOutputTruncatedError as exc:
            try:
                runtime.budget.check(usage, "retries", spent["retries"] + 1)
            except BudgetExceededError:
                return {**fail_state(exc), "usage": spent}
            spent["retries"] += 1
            messages = [*conversation(state, runtime), HumanMessage(CUT_OFF)]
        except ModelError as exc:
            if exc.resumable:
                raise  # the run stops here, to be resumed from this node (model_errors)
            return {**fail_state(exc), "usage": spent}
        except BudgetExceededError as exc:
            return {**fail_state(exc), "usage": spent}
    malformed = list(reply.invalid_tool_calls) if isinstance(reply, AIMessage) else []
    if not isinstance(reply, AIMessage) or not (reply.tool_calls or malformed):
        return {"usage": spent, "wave": [], "react_done": True}
    plan = plan_from_state(state["plan"]) if state.get("plan") else None
    turn = 1 + _turn_of(plan.steps[-1]) if plan else 1
    new: list[Step] = []
    refused: dict[str, StepRecord] = {}
    for call in reply.tool_calls:
        new.append(Step(id=f"t{turn}_{len(new) + 1}", tool=call["name"], args=dict(call["args"])))
    for bad in malformed:
        step = Step(id=f"t{turn}_{len(new) + 1}", tool=str(bad.get("name") or "unnamed"), args={})
        new.append(step)
        refused[step.id] = _malformed_record(step, bad, int(state.get("round", 0)))
    # The turn's calls are added to the plan (saved as a delta), not the whole plan rewritten.
    added = [step.model_dump(mode="json") for step in new]
    emit(PlanReady(plan={"steps": added}, attempt=turn, replan=turn > 1, extends=True))
    update: dict[str, Any] = {"plan": extend_plan(added), "usage": spent, "react_done": False}
    if refused:
        update["steps"] = refused
    return update


def _turn_of(step: Step) -> int:
    """The model turn a react step came from: its id is ``t<turn>_<n>``."""
    return int(step.id[1:].split("_")[0])


ARGS_ERROR = "ToolArgsError"
CUT_OFF = (
    "Your previous reply was cut off at the output-token limit, so none of its tool calls ran. "
    "Reply again, more briefly: fewer tool calls at once, or shorter arguments."
)


def _malformed_record(step: Step, call: InvalidToolCall, round_: int) -> StepRecord:
    """The failed record of a tool call whose name or arguments could not be read."""
    raw = str(call.get("args") or "")
    shown = raw if len(raw) <= 200 else f"{raw[:200]}… ({len(raw)} chars)"
    why = (
        "the call names no tool"
        if not call.get("name")
        else f"its arguments are not a JSON object: {shown!r}"
    )
    if call.get("error"):
        why += f" ({call.get('error')})"
    return step_record(
        step.id, step.tool, "failed", round_, args={}, error_type=ARGS_ERROR,
        error=f"{why}; call the tool again with its arguments as one JSON object",
    )  # fmt: skip


# A tool's schema never changes: build it once per tool, not on every turn.
_SCHEMAS: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


def _schema(tool: Any) -> dict[str, Any]:
    schema = _SCHEMAS.get(tool)
    if schema is None:
        schema = _SCHEMAS[tool] = openai_tool(tool, strict=False)
    return schema


_BOUND: IdentityMemo[tuple[tuple[Any, ...], Any]] = IdentityMemo(256)
"""By model: the tools it was last bound to and the binding, made again only for other tools."""


def _bind(model: BaseChatModel, tools: list[Any]) -> Any:
    """``model`` bound to ``tools``, the same binding at every turn of a run."""
    known = _BOUND.find(model)
    if (
        known is not None
        and len(known[0]) == len(tools)
        and all(a is b for a, b in zip(known[0], tools, strict=True))
    ):
        return known[1]
    bound = model.bind_tools([_schema(t) for t in tools])
    _BOUND.put(model, (tuple(tools), bound))
    return bound
