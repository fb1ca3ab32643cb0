"""The planner seam: ``Planner`` and the model-driven ``LLMPlanner``.

The offline ``RulePlanner`` plugs into the same seam from ``plangate.graphs.offline``.

A planner turns a request into a ``Plan``. The engine validates the plan and, when it has
issues, calls the planner again with them as ``feedback``; after a step fails it calls again
with what succeeded and what failed in the ``PlanningContext``. The engine owns the retry
budget: a planner makes exactly one attempt per call.

``LLMPlanner`` builds its prompt deterministically (same context, same messages) because traces
key model requests by a hash of them. A re-plan's prompt carries a bounded summary of the earlier
attempts, not the run's history (``plangate.graphs.engine.replan_context``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import ConfigDict, Field, ValidationError

from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.replan_context import (
    DEFAULT_REPLAN_LIMITS,
    FailedCall,
    ReplanLimits,
    describe_earlier_attempt,
)
from plangate.graphs.engine.replan_context import summarize as summarize
from plangate.graphs.engine.schema_memo import MemoizedSchema
from plangate.graphs.engine.structured_output import structured_output
from plangate.graphs.engine.validation import PlanIssue, format_issues
from plangate.tools.base import Tool
from plangate.tools.errors import PlangateError, UsageError

MAX_TOKEN_SETTINGS = ("max_tokens", "max_output_tokens", "num_predict", "max_completion_tokens")
"""Names chat models give their output-length setting (OpenAI/Anthropic, Google, Ollama...)."""

PLAN_FORMAT = """# Plan format
Answer with a plan: a list of steps, each one call of a tool listed above.
- id: unique, lowercase, e.g. s1, s2 or find_flights.
- tool: the tool's name; args: its arguments, as its schema says.
- To use an earlier step's result, write ${id.field}, ${id[0].field} or ${id.items[0].field} \
in a string argument. A string that is only the reference becomes the value with its type; \
inside other text it becomes text. Write $${ for a literal ${.
- Inside ${...} you may filter and compute: ${s1.orders[symbol == 'META'][0].id} (names in [...] \
are the item's fields), ${floor(s1[0].qty / 2)}; + - * / ( ) floor ceil round abs min max len, \
date(t) and time(t) (YYYY-MM-DD, HH:MM of an ISO timestamp). Compute in the plan, never yourself.
- A step waits for the steps it references; list other waits in depends_on. Steps that do not \
wait for each other run in parallel, so do not chain steps needlessly.
- condition (optional) decides whether the step runs, e.g. "${s1.price} < 200 and \
${s1.seats} >= 2". Operators: < <= > >= == != and or not, x in [1, 2], parentheses. If false, \
the step and every step depending on it are skipped.
- Use only facts from the request and earlier results; never invent ids or prices.
- rationale: one or two sentences on why the plan answers the request.
- If no tool can do what the user asks (or part of it), plan nothing: leave steps empty and \
write in refusal, in one sentence, what cannot be done. Never plan something else instead.
- If no tool call is needed (the instructions answer the request, or forbid it outright), \
leave steps empty and write in note what the answer tells the user, in one or two sentences."""

EFFECTS = {
    "read": "read: only looks things up",
    "write": "write: changes something (a booking, an order) and may need the user's approval",
}


class PlanningError(PlangateError):
    """The planner's output is not a plan at all (the engine counts it against the budget).

    Attributes:
        raw_output: what the model answered, as text (tool call arguments as JSON).
    """

    model_visible = True

    def __init__(self, message: str, *, raw_output: str = "") -> None:
        super().__init__(message)
        self.raw_output: str = raw_output


class NothingToPlanError(PlangateError):
    """Raised by a planner on a re-plan when the steps already done answer the request.

    The engine then answers with what it has instead of counting the re-plan as a failure.
    """


class RequestNotUnderstoodError(UsageError):
    """A planner cannot plan this request at all, so asking it again will not help.

    The engine ends the run with this error instead of spending the retry budget. The offline
    planner's ``OutsideGrammarError`` is one; a planner of your own may raise it too.
    """


class RequestRefusedError(RequestNotUnderstoodError):
    """The agent cannot do what the request asks, so it does nothing and says so.

    Raised when no tool offers the action asked for ("transfer $5000 to my bank"), or a number
    in the request has no place in what the agent can do ("book 30 tables"): a plain refusal,
    never a default or an unrelated action. The engine ends the run with it (the CLI exits 2).

    Attributes:
        request: the request as given.
        reason: what cannot be done, as one sentence without the leading "I can't do that".
        can: what the agent can do instead, one line ("" when unknown).
    """

    def __init__(self, request: str, reason: str, *, can: str = "") -> None:
        self.request: str = request
        self.reason: str = reason.strip().rstrip(".")
        self.can: str = can.strip()
        offer = f" I can {self.can.rstrip('.')}." if self.can else ""
        super().__init__(f"I can't do that: {self.reason}.{offer}")


@dataclass(frozen=True)
class PlanningContext:
    """Everything a planner may use.

    Attributes:
        request: what the user asked.
        instructions: the agent's instructions.
        tools: the tools this agent may call.
        completed: step id → result JSON of steps kept from earlier attempts.
        failed: step id → why it failed or was rejected; non-empty means this is a re-plan.
        previous: on a re-plan, the plan that ran (whose steps ``completed`` and ``failed``
            name); ``None`` for a first plan.
        failed_calls: on a re-plan, every failed or rejected call of the run so far, newest
            first, the plan that just ran first, identical calls collapsed with a count
            (``plangate.graphs.engine.replan_context.failed_calls``).
        today: the date relative phrasings ("tomorrow") are read against; ``None`` if unknown.
        timezone: the user's IANA timezone, e.g. ``"Europe/Lisbon"``.
        run: the run's id (its thread), so that what a planner remembers between the
            attempts of one run is never mixed up with another run's; empty if unknown.
    """

    request: str
    instructions: str = ""
    tools: Sequence[Tool[Any]] = ()
    completed: Mapping[str, Any] = field(default_factory=dict)
    failed: Mapping[str, str] = field(default_factory=dict)
    previous: Plan | None = None
    failed_calls: Sequence[FailedCall] = ()
    today: date | None = None
    timezone: str | None = None
    run: str = ""

    @property
    def is_replan(self) -> bool:
        """True when a step of an earlier attempt failed or was rejected."""
        return bool(self.failed)


class Planner(Protocol):
    """Makes one planning attempt; the engine validates it and owns the retry budget."""

    async def plan(self, context: PlanningContext, feedback: Sequence[PlanIssue] = ()) -> Plan:
        """A plan for ``context.request``; ``feedback`` lists the issues of the previous attempt."""
        ...


class PlanAnswer(MemoizedSchema):
    """A workflow: tool calls and the dependencies between them; or why none can do the request."""

    # Titled "Plan": the model sees (and answers) the tool it always did; a refusal is one
    # more optional field, so recorded answers that hold only a plan read the same.
    model_config = ConfigDict(extra="forbid", frozen=True, title="Plan")

    steps: list[Step] = Field(
        default_factory=list,
        description="The steps. Steps that do not depend on each other run in parallel. "
        "Empty only when refusing, or when a note answers without any tool.",
    )
    rationale: str = Field(default="", description="Why this plan answers the request, briefly.")
    refusal: str | None = Field(
        default=None,
        description="Only when no available tool can do what the user asks (or a part of it): "
        "what cannot be done, in one sentence, e.g. 'there is no tool to transfer money'. "
        "Leave steps empty then. Omit it when the steps answer the request.",
    )
    note: str | None = Field(
        default=None,
        description="Only when no tool call is needed: the instructions answer the request, "
        "or forbid it outright. What the answer tells the user, in one or two sentences. "
        "Leave steps empty then.",
    )

    def plan(self, request: str) -> Plan:
        """The plan this answer holds.

        Raises:
            RequestRefusedError: the model refused (a refusal wins over any steps with it).
            PlanningError: the answer holds neither steps nor a refusal nor a note.

        An answer with a note and no steps is an empty plan: the run answers with the note.
        """
        if self.refusal is not None and self.refusal.strip():
            raise RequestRefusedError(request, _first_sentence(self.refusal))
        note = (self.note or "").strip()
        if not self.steps and not note:
            raise PlanningError(
                "the answer has no steps: plan at least one step, or write a refusal or a note",
                raw_output=self.model_dump_json(),
            )
        return Plan(steps=self.steps, rationale=self.rationale, note=note if not self.steps else "")


def _first_sentence(text: str, width: int = 300) -> str:
    """``text`` on one line, cut to ``width`` characters (a model's refusal is shown as is)."""
    line = " ".join(text.split())
    line = line.removeprefix("I can't do that:").removeprefix("I cannot do that:").strip()
    return line if len(line) <= width else f"{line[: width - 1]}…"


class LLMPlanner:
    """Plans with any LangChain chat model, through structured output (a forced tool call).

    A repair (a call with ``feedback``) shows the model its previous answer, then the numbered
    issues. The planner remembers its last answer per first-attempt prompt for that (the most
    recent ``REMEMBERED`` prompts): the engine's repair loop calls it again with the same
    context, and a repeated request must carry the same previous answer, so replay matches.

    Args:
        model: the chat model (``ChatOpenAI``, ``ChatOllama``, ``ScriptedChatModel``...).
        max_output_tokens: caps the answer's length, set on the model's own setting
            (``max_tokens``, ``num_predict``...).
        replan_limits: how much of the earlier attempts a re-plan prompt shows; the section
            stays under ``replan_limits.max_chars`` however many re-plans came before.
    """

    REMEMBERED = 64

    def __init__(
        self,
        model: BaseChatModel,
        *,
        max_output_tokens: int | None = None,
        replan_limits: ReplanLimits = DEFAULT_REPLAN_LIMITS,
    ) -> None:
        self.model = with_max_tokens(model, max_output_tokens)
        self.replan_limits = replan_limits
        # function_calling: the one method every provider supports, and Plan's free-form
        # ``args`` object is not accepted by strict JSON-schema modes.
        self._structured = structured_output(self.model, PlanAnswer, include_raw=True)
        self._answers: OrderedDict[str, str] = OrderedDict()

    def messages(
        self,
        context: PlanningContext,
        feedback: Sequence[PlanIssue] = (),
        previous_answer: str | None = None,
    ) -> list[BaseMessage]:
        """The exact messages of one attempt: a pure function of its arguments.

        Args:
            context: what to plan.
            feedback: the issues of the previous attempt; empty for a first attempt.
            previous_answer: the model's previous answer as text, shown before the issues.
        """
        messages: list[BaseMessage] = [
            SystemMessage(system_prompt(context, self.replan_limits)),
            HumanMessage(context.request),
        ]
        if feedback:
            if previous_answer:
                messages.append(AIMessage(previous_answer))
            messages.append(
                HumanMessage(
                    "That plan cannot run. Its problems:\n"
                    f"{format_issues(feedback)}\n"
                    "Answer with the whole corrected plan, fixing every problem."
                )
            )
        return messages

    async def plan(self, context: PlanningContext, feedback: Sequence[PlanIssue] = ()) -> Plan:
        """Ask the model for a plan.

        Raises:
            PlanningError: the answer holds no parsable plan.
            RequestRefusedError: the model answered with a refusal: no tool can do the request.
        """
        first = self.messages(context)
        # By run and question: two runs asking the same thing at once keep their own answers.
        asked = "\n".join(m.text for m in first)
        key = hashlib.sha256(f"{context.run}\n{asked}".encode()).hexdigest()
        previous = self._answers.get(key) if feedback else None
        output = await self._structured.ainvoke(self.messages(context, feedback, previous))
        if not isinstance(output, Mapping):  # include_raw=True always gives a mapping
            raise PlanningError(f"unexpected structured output {type(output).__name__}")
        parsed, raw = output.get("parsed"), output.get("raw")
        text = model_output_text(raw) if isinstance(raw, AIMessage) else repr(raw)
        self._answers[key] = text
        self._answers.move_to_end(key)
        while len(self._answers) > self.REMEMBERED:
            self._answers.popitem(last=False)
        if isinstance(parsed, PlanAnswer):
            return parsed.plan(context.request)
        problem = output.get("parsing_error")
        if isinstance(raw, AIMessage) and not raw.tool_calls:
            # Some models answer with the plan as JSON text instead of the tool call.
            data = parse_json_object(text)
            if data is not None:
                try:
                    answer = PlanAnswer.model_validate(data)
                except ValidationError as exc:
                    problem = exc
                else:
                    return answer.plan(context.request)
        reason = f"{problem}" if problem is not None else "the answer holds no Plan"
        raise PlanningError(f"the model's answer is not a valid plan: {reason}", raw_output=text)


def system_prompt(context: PlanningContext, limits: ReplanLimits = DEFAULT_REPLAN_LIMITS) -> str:
    """The planner's system prompt: role, instructions, date, tools, format, earlier attempt.

    Args:
        context: what to plan.
        limits: how much of the earlier attempts a re-plan shows.
    """
    parts = [
        "You plan the tool calls that answer a user's request. You do not call tools "
        "yourself: you write the plan, and it runs once you have answered.",
    ]
    if context.instructions.strip():
        parts.append(f"# Instructions\n{context.instructions.strip()}")
    if context.today is not None:
        when = f"Today is {context.today.isoformat()} ({context.today.strftime('%A')})"
        parts.append(when + (f", timezone {context.timezone}." if context.timezone else "."))
    catalogue = "\n\n".join(describe_tool(tool) for tool in context.tools)
    parts.append(f"# Tools\n{catalogue or '(none)'}")
    parts.append(PLAN_FORMAT)
    if context.completed or context.failed:
        parts.append(
            describe_earlier_attempt(
                previous=context.previous,
                completed=context.completed,
                failed=context.failed,
                calls=context.failed_calls,
                limits=limits,
            )
        )
    return "\n\n".join(parts)


def describe_tool(tool: Tool[Any]) -> str:
    """A tool for the catalogue: name, effect, description, JSON schema of its arguments."""
    schema = json.dumps(tool.args_schema(), sort_keys=True, ensure_ascii=False)
    return f"## {tool.name} ({EFFECTS[tool.effect]})\n{tool.description}\nArguments: {schema}"


def model_output_text(message: AIMessage) -> str:
    """What a model answered, as text: its content, then every tool call's arguments as JSON."""
    parts: list[str] = [str(message.text)] if message.text else []
    parts.extend(
        json.dumps({"name": call["name"], "args": call["args"]}, sort_keys=True, default=str)
        for call in message.tool_calls
    )
    parts.extend(str(call.get("args") or "") for call in message.invalid_tool_calls)
    return "\n".join(parts)


def parse_json_object(text: str) -> dict[str, Any] | None:
    """The JSON object ``text`` holds, also inside a Markdown code fence; ``None`` if none."""
    fenced = re.search(r"```(?:json)?\s*(.*?)```", text, re.DOTALL)
    try:
        data = json.loads(fenced.group(1) if fenced else text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def with_max_tokens(model: BaseChatModel, limit: int | None) -> BaseChatModel:
    """A copy of ``model`` whose output-length setting is ``limit`` (``model`` if ``None``).

    Raises:
        UsageError: the model has none of the settings in ``MAX_TOKEN_SETTINGS``.
    """
    if limit is None:
        return model
    if limit < 1:
        raise UsageError(f"max_output_tokens must be at least 1, got {limit}")
    fields = type(model).model_fields
    name = next((name for name in MAX_TOKEN_SETTINGS if name in fields), None)
    if name is None:
        raise UsageError(
            f"{type(model).__name__} has no output-length setting "
            f"({', '.join(MAX_TOKEN_SETTINGS)}); set the limit on the model yourself and leave "
            "max_output_tokens unset"
        )
    return model.model_copy(update={name: limit})
