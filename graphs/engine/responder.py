"""The answer seam: ``Responder``, the model-driven ``LLMResponder``, offline ``FunctionResponder``.

A responder turns the request and the step results into the agent's response model. The engine
validates what it returns against that model; when validation fails it calls again with the
errors as ``feedback`` (one line each, ``"location: message"``), each repair drawing on the
run's retry budget. A responder makes exactly one attempt per call and may return a ``dict``:
the engine's validation is what decides.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Protocol

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel

from plangate.graphs.engine.planner import model_output_text, parse_json_object, with_max_tokens
from plangate.graphs.engine.structured_output import StructuredRunnable, structured_output
from plangate.tools.errors import UsageError

Answer = BaseModel | dict[str, Any]
AnswerFunction = Callable[[str, Mapping[str, Any]], Answer | Awaitable[Answer]]
"""``(request, results) -> answer``, sync or async."""


class Responder(Protocol):
    """Makes one attempt at the final answer; the engine validates it and owns the budget."""

    async def respond(
        self,
        request: str,
        results: Mapping[str, Any],
        schema: type[BaseModel],
        feedback: Sequence[str] = (),
    ) -> BaseModel | dict[str, Any]:
        """The answer to ``request`` as ``schema``, from ``results`` (step id → record).

        Args:
            request: what the user asked.
            results: what each step produced, keyed by step id (JSON-compatible).
            schema: the agent's response model.
            feedback: validation errors of the previous attempt; empty on the first.
        """
        ...


class LLMResponder:
    """Answers with a chat model's structured output of the response model.

    Returns the parsed model when the answer validates; otherwise the raw arguments as a
    ``dict`` (or the JSON object of a text answer, or ``{}``), so the engine's validation
    reports the errors and asks again.

    Args:
        model: any LangChain chat model.
        instructions: the agent's instructions, put at the top of the system prompt.
        max_output_tokens: caps the answer's length (see
            ``plangate.graphs.engine.planner.with_max_tokens``).
    """

    def __init__(
        self,
        model: BaseChatModel,
        *,
        instructions: str = "",
        max_output_tokens: int | None = None,
    ) -> None:
        self.model = with_max_tokens(model, max_output_tokens)
        self.instructions = instructions
        # One binding per answer schema, made at its first answer rather than at every one.
        self._structured: dict[type[BaseModel], StructuredRunnable] = {}

    def messages(
        self,
        request: str,
        results: Mapping[str, Any],
        schema: type[BaseModel],
        feedback: Sequence[str] = (),
    ) -> list[BaseMessage]:
        """The exact messages of one attempt: a pure function of its arguments."""
        system = [
            "You write the final answer to the user's request from the results of the steps "
            f"that ran, in the {schema.__name__} format. Use only facts found in the results; "
            "when a step failed or was skipped, say what could not be done rather than guessing.",
        ]
        if self.instructions.strip():
            system.append(f"# Instructions\n{self.instructions.strip()}")
        shown = json.dumps(results, sort_keys=True, ensure_ascii=False, indent=1, default=str)
        messages: list[BaseMessage] = [
            SystemMessage("\n\n".join(system)),
            HumanMessage(f"Request: {request}\n\nStep results (by step id):\n{shown}"),
        ]
        if feedback:
            listed = "\n".join(f"{number}. {error}" for number, error in enumerate(feedback, 1))
            messages.append(
                HumanMessage(
                    f"Your previous answer did not match {schema.__name__}:\n{listed}\n"
                    "Answer again with every field valid."
                )
            )
        return messages

    async def respond(
        self,
        request: str,
        results: Mapping[str, Any],
        schema: type[BaseModel],
        feedback: Sequence[str] = (),
    ) -> BaseModel | dict[str, Any]:
        """One structured-output call (see the class docstring for what is returned)."""
        structured = self._structured.get(schema)
        if structured is None:
            structured = self._structured[schema] = structured_output(
                self.model, schema, include_raw=True
            )
        output = await structured.ainvoke(self.messages(request, results, schema, feedback))
        if not isinstance(output, Mapping):  # include_raw=True always gives a mapping
            return {}
        parsed, raw = output.get("parsed"), output.get("raw")
        if isinstance(parsed, schema):
            return parsed
        if not isinstance(raw, AIMessage):
            return {}
        for call in raw.tool_calls:
            if call["name"] == schema.__name__ and isinstance(call["args"], dict):
                return dict(call["args"])
        return parse_json_object(model_output_text(raw)) or {}


class FunctionResponder:
    """The offline responder: an agent-supplied function ``(request, results) -> answer``.

    The function is deterministic, so asking it again cannot fix an invalid answer: a call with
    feedback raises ``UsageError`` naming the errors, pointing at the function to fix.

    Args:
        fn: builds the answer, sync or async; may return the response model or a ``dict``.
    """

    def __init__(self, fn: AnswerFunction) -> None:
        if not callable(fn):
            raise UsageError(f"FunctionResponder expects a function, got {type(fn).__name__}")
        self.fn = fn

    async def respond(
        self,
        request: str,
        results: Mapping[str, Any],
        schema: type[BaseModel],
        feedback: Sequence[str] = (),
    ) -> BaseModel | dict[str, Any]:
        """The function's answer.

        Raises:
            UsageError: called with feedback — the function's answer did not validate.
        """
        if feedback:
            name = getattr(self.fn, "__qualname__", repr(self.fn))
            listed = "; ".join(feedback)
            raise UsageError(
                f"the offline responder {name} returned an answer that is not a valid "
                f"{schema.__name__}: {listed}"
            )
        answer = self.fn(request, results)
        if inspect.isawaitable(answer):
            answer = await answer
        return answer
