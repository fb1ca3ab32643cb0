"""The engine's ``StateGraph`` and ``Engine``, the object that runs it.

```
                 ┌→ react (model turn) ─→ dispatch …  (strategy "react": the model replaces
                 │                                     plan, re-plan and the decision to respond)
START → guard_input → plan → dispatch ─┬→ call_tool (×N, Send, parallel) ─┐
                                ↑      │                                   │
                                │      └────────────── ← ─────────────────┘
                                └── replan ← (a step failed / was rejected)
                     dispatch (all done) → respond → END        (any failure) → fail → END
```

Once a wave has run every call of the model's turn (``react``), or the plan's last open step is
done (``plan``), ``call_tool`` goes straight to the next turn or to the answer
(``route_after_call``) rather than through a dispatch with nothing left to start.

``Engine.run`` returns a ``RunResult``: ``done`` with the validated response, ``paused`` with the
approvals it waits for, ``blocked`` by a guardrail, or ``failed`` with a typed error. Runs are
persisted by any LangGraph checkpointer (in memory by default), so ``resume`` continues a paused
run — in this process or another one sharing the checkpointer.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from typing import Any, Literal

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, StateSnapshot

from plangate.graphs.engine._resumes import is_resume_in_flight
from plangate.graphs.engine.approvals import parse_decisions
from plangate.graphs.engine.dispatch import (
    call_tool,
    dispatch,
    route_after_call,
    route_after_dispatch,
)
from plangate.graphs.engine.events import (
    Event,
    RunFailed,
    RunInterrupted,
    RunStarted,
    parse_event,
)
from plangate.graphs.engine.model_errors import ModelError
from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.planning import plan_node, replan_node
from plangate.graphs.engine.react import react_node
from plangate.graphs.engine.respond import respond_node
from plangate.graphs.engine.run_result import RunOutcome, RunResult, approvals_of, task_error
from plangate.graphs.engine.runtime import Runtime, describe_error, emit, fail_state
from plangate.graphs.engine.state import (
    CALL_TOOL,
    DISPATCH,
    FAIL,
    GUARD_INPUT,
    PLAN,
    REACT,
    REPLAN,
    RESPOND,
    CallState,
    RunState,
)
from plangate.graphs.guards.guardrails import Action, GuardSubject, Stage, run_guardrails
from plangate.tools.errors import GuardrailBlockedError, UsageError

Checkpointer = BaseCheckpointSaver[Any]
"""Any LangGraph checkpointer; re-exported so packages above ``graphs`` never import langgraph."""


async def guard_input(state: RunState, runtime: Runtime) -> dict[str, Any]:
    """Input guardrails: length, injection, PII; a block ends the run."""
    outcome = await run_guardrails(
        runtime.guardrails,
        GuardSubject(stage=Stage.INPUT, text=state["request"], metadata=runtime.metadata()),
    )
    verdicts = [v.model_dump(mode="json") for v in outcome.verdicts if v.action is not Action.ALLOW]
    if outcome.blocked_by is not None:
        blocked = GuardrailBlockedError(
            f"request blocked by {outcome.blocked_by.guardrail}: {outcome.blocked_by.reason}",
            verdict=outcome.blocked_by,
        )
        return {**fail_state(blocked, status="blocked"), "verdicts": verdicts}
    return {"request": outcome.subject.text or state["request"], "verdicts": verdicts}


async def route_after_guard(state: RunState) -> str:
    """Plan (or take the first react turn), unless the request was blocked."""
    if state.get("status") != "running":
        return END
    return REACT if state.get("strategy") == "react" else PLAN


async def route_after_react(state: RunState) -> str:
    """Dispatch the model's tool calls, or respond when it called none."""
    if state.get("status") != "running":
        return END
    return RESPOND if state.get("react_done") else DISPATCH


async def route_after_plan(state: RunState) -> str:
    """Dispatch a valid plan; end a failed or blocked run."""
    return DISPATCH if state.get("status") == "running" else END


async def fail_node(state: RunState, runtime: Runtime) -> dict[str, Any]:
    """End a run that cannot go on, with an explanation if none was given yet."""
    if state.get("error"):
        return {}
    return fail_state(UsageError("no step could start and none is running: the plan is stuck"))


def build_graph(
    runtime: Runtime, checkpointer: BaseCheckpointSaver[Any] | Literal[False] | None = None
) -> CompiledStateGraph[Any, Any, Any, Any]:
    """Compile the engine's graph around ``runtime``.

    ``checkpointer``: where runs are saved; ``None`` for in memory, ``False`` for nowhere.
    """

    def bind(node: Any) -> Any:
        async def run(state: Any, config: RunnableConfig) -> dict[str, Any]:
            result: dict[str, Any] = await node(state, runtime.for_config(config))
            return result

        run.__name__ = node.__name__
        return run

    graph: StateGraph[RunState, Any, Any, Any] = StateGraph(RunState)
    graph.add_node(GUARD_INPUT, bind(guard_input))
    graph.add_node(PLAN, bind(plan_node))
    graph.add_node(DISPATCH, bind(dispatch))
    graph.add_node(CALL_TOOL, bind(call_tool), input_schema=CallState)
    graph.add_node(REPLAN, bind(replan_node))
    graph.add_node(RESPOND, bind(respond_node))
    graph.add_node(FAIL, bind(fail_node))
    graph.add_node(REACT, bind(react_node))
    graph.add_edge(START, GUARD_INPUT)
    graph.add_conditional_edges(GUARD_INPUT, route_after_guard, [PLAN, REACT, END])
    graph.add_conditional_edges(REACT, route_after_react, [DISPATCH, RESPOND, END])
    graph.add_conditional_edges(PLAN, route_after_plan, [DISPATCH, END])
    graph.add_conditional_edges(
        DISPATCH, route_after_dispatch, [CALL_TOOL, DISPATCH, REPLAN, RESPOND, FAIL, REACT]
    )
    graph.add_conditional_edges(CALL_TOOL, route_after_call, [DISPATCH, REACT, RESPOND])
    graph.add_conditional_edges(REPLAN, route_after_plan, [DISPATCH, END])
    graph.add_edge(RESPOND, END)
    graph.add_edge(FAIL, END)
    saver = None if checkpointer is False else checkpointer or InMemorySaver()
    return graph.compile(checkpointer=saver)


class Engine:
    """Runs requests through the engine graph.

    Args:
        runtime: the collaborators (tools, planner, responder, guardrails, budgets).
        checkpointer: where runs are persisted: in memory by default (``None``), or ``False``
            for nowhere — the fastest configuration, for runs that need neither a pause for
            approval nor recovery after a crash. Such an engine cannot resume or recover a
            run, a call that needs approval ends its run (``failed``, with the approvals it
            would have asked for), and ``result`` knows the last ``KEPT_RESULTS`` runs only.
    """

    KEPT_RESULTS = 256

    def __init__(
        self,
        runtime: Runtime,
        checkpointer: BaseCheckpointSaver[Any] | Literal[False] | None = None,
    ) -> None:
        self.runtime = runtime
        self.graph = build_graph(runtime, checkpointer)
        self.persistent = checkpointer is not False
        self._finished: OrderedDict[str, dict[str, Any]] = OrderedDict()

    @staticmethod
    def _config(thread_id: str) -> RunnableConfig:
        # The run's budgets (steps, calls, time) bound it; LangGraph's own superstep limit is
        # set far above them so it never ends a run with an untyped error first.
        return {"configurable": {"thread_id": thread_id}, "recursion_limit": 100_000}

    async def stream(self, request: str, *, thread_id: str | None = None) -> AsyncIterator[Event]:
        """Run ``request``, yielding typed events as they happen."""
        thread = thread_id or uuid.uuid4().hex[:12]
        yield RunStarted(thread_id=thread, request=request)
        async for event in self._events(self._initial(request), thread):
            yield event

    def _initial(self, request: str) -> RunState:
        return {
            "request": request, "status": "running", "round": 0, "plan": None,
            "strategy": self.runtime.strategy, "react_done": False,
            "started_at": self.runtime.clock.now().timestamp(), "steps": {}, "response": None,
            "error": None, "wave": [],
        }  # fmt: skip

    async def stream_plan(
        self, plan: Plan, *, request: str = "", thread_id: str | None = None, replan: bool = False
    ) -> AsyncIterator[Event]:
        """Run a fixed ``plan`` (a workflow given as code) with no planner, yielding events.

        The plan goes through the same validation, guardrails, approvals, provenance and
        idempotency ledger as a planned one, under the ``plan`` strategy whatever the
        engine's. It is trusted control: its literal arguments are labelled ``workflow``.
        Invalid, it ends the run (``PlanValidationError``); nothing repairs it. When a step
        fails or is refused, the run ends with that step's error, unless ``replan`` lets
        the engine's planner re-plan around it (that re-plan is untrusted control, as usual).

        Args:
            plan: the steps to run.
            request: what the run is for, in words: the input guardrails check it, the
                responder answers it, and a literal argument found in it is labelled
                ``request``.
            thread_id: the run's thread (a new one if ``None``).
            replan: let the planner re-plan after a failed or refused step.

        Raises:
            UsageError: ``plan`` is not a ``Plan``.
        """
        if not isinstance(plan, Plan):
            raise UsageError(
                f"run_plan expects a Plan, got {type(plan).__name__}: build one with "
                "Plan(steps=[Step(...)]) or load it with load_plan(path)"
            )
        thread = thread_id or uuid.uuid4().hex[:12]
        initial: RunState = {
            **self._initial(request), "plan": plan.model_dump(mode="json"), "strategy": "plan",
            "fixed": True, "fixed_replans": replan,
        }  # fmt: skip
        yield RunStarted(thread_id=thread, request=request)
        async for event in self._events(initial, thread):
            yield event

    async def run_plan(
        self, plan: Plan, *, request: str = "", thread_id: str | None = None, replan: bool = False
    ) -> RunResult:
        """Run a fixed ``plan`` to its end or to a pause for approval (see ``stream_plan``)."""
        thread = thread_id or uuid.uuid4().hex[:12]
        async for _ in self.stream_plan(plan, request=request, thread_id=thread, replan=replan):
            pass
        return await self.result(thread)

    async def stream_resume(
        self, thread_id: str, decisions: Mapping[str, Any]
    ) -> AsyncIterator[Event]:
        """Resume a paused run with a decision per pending approval, yielding events.

        Raises:
            UsageError: the thread is not paused, or the decisions do not match its approvals.
        """
        self._need_checkpoints("resume")
        pending = await self.pending_approvals(thread_id)
        if not pending:
            raise UsageError(f"thread {thread_id!r} is not waiting for approvals")
        parse_decisions(dict(decisions), [p["id"] for p in pending])
        state = await self.graph.aget_state(self._config(thread_id))
        yield RunStarted(thread_id=thread_id, request=state.values.get("request", ""), resumed=True)
        command: Command[Any] = Command(
            resume=dict(decisions), update=self._without_the_wait(state)
        )
        async for event in self._events(command, thread_id):
            yield event

    def _without_the_wait(self, state: StateSnapshot) -> dict[str, Any] | None:
        """The state update that leaves the wait for a person out of the wall-clock budget.

        The run's clock started at ``started_at``; moving that on by the time since the
        approvals were asked for keeps the work before the pause counted and the wait not.
        """
        asked_at = next(
            (
                i.value["asked_at"]
                for i in state.interrupts
                if isinstance(i.value, dict) and isinstance(i.value.get("asked_at"), float)
            ),
            None,
        )
        started_at = state.values.get("started_at")
        if asked_at is None or not isinstance(started_at, float):
            return None
        waited = self.runtime.clock.now().timestamp() - asked_at
        return {"started_at": started_at + waited} if waited > 0 else None

    async def stream_recover(self, thread_id: str) -> AsyncIterator[Event]:
        """Continue an interrupted run from its last checkpoint, yielding events.

        Steps that finished are not run again (their results are in the checkpoint), and a
        write that was in flight goes through the idempotency ledger, which reconciles it.

        Raises:
            UsageError: the thread is not interrupted (done, failed, blocked, paused or unknown).
        """
        self._need_checkpoints("recover")
        current = await self.result(thread_id)
        if current.status != "interrupted":
            raise UsageError(f"thread {thread_id!r} has nothing to recover: it is {current.status}")
        state = await self.graph.aget_state(self._config(thread_id))
        yield RunStarted(thread_id=thread_id, request=state.values.get("request", ""), resumed=True)
        async for event in self._events(None, thread_id):
            yield event

    async def recover(self, thread_id: str) -> RunResult:
        """Continue an interrupted run (see ``stream_recover``)."""
        async for _ in self.stream_recover(thread_id):
            pass
        return await self.result(thread_id)

    def _need_checkpoints(self, what: str) -> None:
        if not self.persistent:
            raise UsageError(
                f"cannot {what}: this engine keeps no checkpoints (checkpointer=False); "
                "give it a checkpointer to pause, resume and recover runs"
            )

    async def _events(self, payload: Any, thread: str) -> AsyncIterator[Event]:
        if not self.persistent:
            async for event in self._unsaved_events(payload, thread):
                yield event
            return
        # "sync" durability: each superstep's checkpoint is written before the next one starts,
        # so a process killed mid-run resumes from where it was, never from further back.
        try:
            async for chunk in self.graph.astream(
                payload, self._config(thread), stream_mode="custom", durability="sync"
            ):
                yield parse_event(chunk)
        except ModelError as exc:
            # The provider kept failing: the run stays where it was, to be resumed. (A model
            # error that resuming cannot help ends the run inside its node instead.)
            yield RunInterrupted(error=type(exc).__name__, message=str(exc))

    async def _unsaved_events(self, payload: Any, thread: str) -> AsyncIterator[Event]:
        """A run with no checkpointer: its last values are kept for ``result``."""
        values: dict[str, Any] = {}
        try:
            async for mode, chunk in self.graph.astream(
                payload, self._config(thread), stream_mode=["custom", "values"]
            ):
                if mode == "values" and isinstance(chunk, dict):
                    values = chunk
                elif mode == "custom":
                    yield parse_event(chunk)
        except ModelError as exc:
            values = {**values, "status": "failed", "error": describe_error(exc)}
            yield RunFailed(error=type(exc).__name__, message=str(exc))
        self._finished[thread] = values
        self._finished.move_to_end(thread)
        while len(self._finished) > self.KEPT_RESULTS:
            self._finished.popitem(last=False)

    async def pending_approvals(self, thread_id: str) -> list[dict[str, Any]]:
        """The approvals a paused thread waits for (empty if it is not paused)."""
        if not self.persistent:
            return []
        state = await self.graph.aget_state(self._config(thread_id))
        if await self._resume_in_flight(thread_id):
            return []  # decided already: the thread is interrupted (see ``_resumes``)
        return approvals_of(state.interrupts)

    async def _resume_in_flight(self, thread_id: str) -> bool:
        checkpointer = self.graph.checkpointer
        if not isinstance(checkpointer, BaseCheckpointSaver):
            return False
        return await is_resume_in_flight(checkpointer, self._config(thread_id))

    async def result(self, thread_id: str) -> RunResult:
        """Where the thread stands now."""
        if not self.persistent:
            return self._unsaved_result(thread_id)
        state = await self.graph.aget_state(self._config(thread_id))
        values: Mapping[str, Any] = state.values
        pending = approvals_of(state.interrupts)
        # Killed after a resume's decisions were sent: they are decided, the run goes on.
        decided = bool(state.tasks) and await self._resume_in_flight(thread_id)
        status: RunOutcome
        if pending and not decided:
            status = "paused"
        elif values.get("status") == "done":
            status = "done"
        elif values.get("status") == "blocked":
            status = "blocked"
        elif (state.next or state.tasks) and values.get("status") == "running":
            # The process stopped mid-run (killed, crashed): the checkpoint says what runs next
            # (its tasks, some perhaps with their writes saved before the kill).
            status, pending = "interrupted", []
        else:
            status = "failed"
        response = values.get("response")
        error = values.get("error")
        if status == "interrupted" and error is None:
            error = task_error(state)
        return RunResult(
            thread_id=thread_id,
            status=status,
            response=self.runtime.response_model.model_validate(response) if response else None,
            approvals=pending,
            error=error,
            steps=dict(values.get("steps") or {}),
            verdicts=list(values.get("verdicts") or []),
            usage=dict(values.get("usage") or {}),
            plan=values.get("plan"),
        )

    def _unsaved_result(self, thread_id: str) -> RunResult:
        values = self._finished.get(thread_id)
        if values is None:
            raise UsageError(
                f"no run {thread_id!r}: an engine with no checkpointer (checkpointer=False) "
                f"knows the results of its last {self.KEPT_RESULTS} runs only"
            )
        asked = approvals_of(values.get("__interrupt__") or ())
        status: RunOutcome = "failed"
        if values.get("status") in ("done", "blocked"):
            status = values["status"]
        error = values.get("error")
        if asked:
            status = "failed"
            calls = ", ".join(f"{a['id']} ({a['tool']})" for a in asked)
            error = {
                "type": "UsageError",
                "message": f"{calls} need approval, and an engine with no checkpointer cannot "
                "pause for it: give the engine a checkpointer (the default keeps runs in memory)",
            }
        elif status == "failed" and error is None:
            error = {"type": "UsageError", "message": "the run stopped before its end"}
        response = values.get("response")
        return RunResult(
            thread_id=thread_id,
            status=status,
            response=self.runtime.response_model.model_validate(response) if response else None,
            approvals=asked,
            error=error,
            steps=dict(values.get("steps") or {}),
            verdicts=list(values.get("verdicts") or []),
            usage=dict(values.get("usage") or {}),
            plan=values.get("plan"),
        )

    async def run(self, request: str, *, thread_id: str | None = None) -> RunResult:
        """Run ``request`` to its end or to a pause for approval."""
        thread = thread_id or uuid.uuid4().hex[:12]
        async for _ in self.stream(request, thread_id=thread):
            pass
        return await self.result(thread)

    async def resume(self, thread_id: str, decisions: Mapping[str, Any]) -> RunResult:
        """Resume a paused run with a decision per pending approval."""
        async for _ in self.stream_resume(thread_id, decisions):
            pass
        return await self.result(thread_id)

    def mermaid(self) -> str:
        """The engine's graph as a Mermaid diagram."""
        return self.graph.get_graph().draw_mermaid()

    def run_sync(self, request: str, *, thread_id: str | None = None) -> RunResult:
        """``run`` for code without an event loop."""
        return asyncio.run(self.run(request, thread_id=thread_id))


__all__ = ["Engine", "RunResult", "build_graph", "emit"]
