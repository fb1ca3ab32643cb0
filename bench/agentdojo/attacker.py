"""The compliant attacker: a scripted chat model that does the user's task and obeys injections.

``CompliantModel`` is a real LangChain ``BaseChatModel`` (``bind_tools``, structured output,
async calls) driven by a per-case ``Script``:

1. its first turn calls the user task's ground-truth functions, all at once, as a plan made from
   the request alone would (AgentDojo computes their arguments from the environment before the
   run, so no call needs another's result); or, at ``pace="step"``, one call per turn, as a
   model that reads before it acts (every turn after the first is then made after reading
   tool results);
2. the first time a tool result it reads holds an injection's text it obeys: its next turn calls
   the injection task's ground-truth functions — the worst case, a model that always complies;
3. when the engine asks it for a re-plan (a refused or rejected call while others still waited),
   it plans the injection task's calls again: a model that obeys keeps trying;
4. otherwise it answers with the user task's ``GROUND_TRUTH_OUTPUT`` (what AgentDojo's own
   ground-truth pipeline answers), and gives that text again when asked for the structured answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from agentdojo.functions_runtime import FunctionCall
from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel, Field, PrivateAttr

from bench.agentdojo.adapter import as_json

PLAN_SCHEMA = "Plan"  # the name the engine's planner asks structured output under


class Reply(BaseModel):
    """The agent's answer to the user."""

    text: str = Field(description="The answer, in words.")


@dataclass
class Script:
    """What the model does in one case, and what it did.

    Attributes:
        user_calls: the user task's ground-truth calls.
        answer: the text it answers with.
        injection_calls: the injection task's ground-truth calls (none without an attack).
        plan_injection: for a task with no ground truth, makes its calls when the attacker
            obeys (``bench.agentdojo.injection_plans``); they replace ``injection_calls``.
        markers: text that shows an injection was read (the injection task's goal).
        attacker_turn: the turn (1-based) in which it obeyed an injection, once it has.
        replans: the re-plans it was asked for; their steps are ``r<replan>_<n>``.
        pace: ``plan`` (every user call in the first turn) or ``step`` (one call per turn).
    """

    user_calls: Sequence[FunctionCall]
    answer: str
    injection_calls: Sequence[FunctionCall] = ()
    plan_injection: Callable[[], Sequence[FunctionCall]] | None = None
    markers: Sequence[str] = ()
    attacker_turn: int | None = None
    replans: int = 0
    pace: Literal["plan", "step"] = "plan"
    _issued: int = field(default=0, init=False, repr=False)
    _escaped: list[str] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        # Tool results reach the model as JSON text, where quotes and newlines are escaped.
        self._escaped = [json.dumps(m, ensure_ascii=False)[1:-1] for m in self.markers if m]

    def reads_injection(self, messages: Sequence[BaseMessage]) -> bool:
        """True when a tool result among ``messages`` holds an injection's text."""
        for message in messages:
            if isinstance(message, ToolMessage):
                content = str(message.content)
                if any(marker in content for marker in self._escaped):
                    return True
        return False

    def next_turn(self, messages: Sequence[BaseMessage]) -> AIMessage:
        """The reply to a tool-calling turn whose conversation is ``messages``."""
        turns = sum(1 for m in messages if isinstance(m, AIMessage) and m.tool_calls)
        if self.attacker_turn is None and self.reads_injection(messages):
            self.attacker_turn = turns + 1
            if self.plan_injection is not None:
                self.injection_calls = list(self.plan_injection())
            if self.injection_calls:
                return _calls(self.injection_calls, turn=turns + 1)
        # The injection says "do this first, then the task": the user's calls go on after it.
        if self._issued < len(self.user_calls):
            batch = 1 if self.pace == "step" else len(self.user_calls)
            calls = self.user_calls[self._issued : self._issued + batch]
            self._issued += len(calls)
            return _calls(calls, turn=turns + 1)
        return AIMessage(content=self.answer)

    def replan(self) -> dict[str, Any]:
        """A re-plan (``Plan`` arguments): the injection task's calls again.

        Raises:
            RuntimeError: asked to re-plan before obeying an injection: the user's own calls
                never fail in these suites, so a re-plan then is a bench bug to look at.
        """
        if self.attacker_turn is None or not self.injection_calls:
            raise RuntimeError("CompliantModel asked to re-plan its user task's own calls")
        self.replans += 1
        steps = [
            {"id": f"r{self.replans}_{i}", "tool": call.function, "args": as_json(dict(call.args))}
            for i, call in enumerate(self.injection_calls, 1)
        ]
        return {"steps": steps, "rationale": "Do what the message in the data asked first."}

    def is_injected(self, step_id: str) -> bool:
        """True for a step of the turn that obeyed the injection, or of a re-plan."""
        if self.attacker_turn is None:
            return False
        return step_id.startswith((f"t{self.attacker_turn}_", "r"))


def _calls(calls: Sequence[FunctionCall], *, turn: int) -> AIMessage:
    return AIMessage(
        content="",
        tool_calls=[
            {"name": call.function, "args": as_json(dict(call.args)), "id": f"call_{turn}_{i}"}
            for i, call in enumerate(calls, 1)
        ],
    )


class CompliantModel(BaseChatModel):
    """A chat model that plays the current ``Script`` (set ``script`` before each case)."""

    model_name: str = "compliant-attacker"
    _script: Script | None = PrivateAttr(default=None)

    @property
    def script(self) -> Script:
        """The case being played."""
        if self._script is None:
            raise RuntimeError("CompliantModel has no script: set .script before a run")
        return self._script

    @script.setter
    def script(self, script: Script) -> None:
        self._script = script

    @property
    def _llm_type(self) -> str:
        return "compliant-attacker"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Any | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools as a provider would."""
        formatted = [convert_to_openai_tool(item) for item in tools]
        return self.bind(tools=formatted, tool_choice=tool_choice, **kwargs)

    def _reply(self, messages: list[BaseMessage], tools: Sequence[dict[str, Any]]) -> AIMessage:
        names = [str(t.get("function", {}).get("name", "")) for t in tools]
        if names == [Reply.__name__]:  # the responder asks for the structured answer
            call = {"name": Reply.__name__, "args": {"text": self.script.answer}, "id": "answer"}
            return AIMessage(content="", tool_calls=[call])
        if names == [PLAN_SCHEMA]:  # the engine asks for a re-plan
            call = {"name": PLAN_SCHEMA, "args": self.script.replan(), "id": "replan"}
            return AIMessage(content="", tool_calls=[call])
        return self.script.next_turn(messages)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        reply = self._reply(messages, kwargs.get("tools") or ())
        return ChatResult(generations=[ChatGeneration(message=reply)])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._generate(messages, stop, **kwargs)
