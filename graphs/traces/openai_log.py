"""Reading an OpenAI chat-completions log: user requests, assistant turns, tool results.

``parse_conversation`` turns a log (a list of messages, or a request body with ``messages``)
into a ``Conversation``: one ``Request`` per user turn, each with the assistant turns that
answered it. The rules, which ``import_openai`` relies on:

- **User turns.** Every ``user`` message starts a new request; consecutive user messages with
  no assistant message between them are one request (their texts joined by a blank line). Each
  request must end with an assistant answer (a message with no tool calls). ``system`` and
  ``developer`` messages are skipped.
- **Tool call ids.** Ids are often reused (``call_0`` in every turn). A ``tool`` message answers
  the *nearest preceding unanswered* call with its ``tool_call_id``: the most recent assistant
  message holding such a call, and within it the first one not yet answered. A result never
  overwrites another; a tool message that answers no open call is an error. A tool message with
  no ``tool_call_id`` answers the first open call of the most recent assistant message. Legacy
  ``function_call`` / ``function`` messages are read the same way, matched by function name.
- **Tool errors.** A tool message is a *failed call* (not a result) when the log marks it
  (``"is_error": true`` or ``"status": "error"``), when its text starts with ``Error:`` (any
  case, leading blanks ignored), or when it is a JSON object whose ``"error"`` is set (not
  ``null``, ``false`` or empty). The error's message is the text after ``Error:``, the
  ``"error"`` string, or its ``"message"``.

Content given as a list of parts (``[{"type": "text", "text": …}]``) is read as its text parts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from plangate.tools.errors import UsageError


class OpenAIImportError(UsageError):
    """The conversation cannot become a trace; the message names the message at fault."""


@dataclass(frozen=True)
class Call:
    """One logged tool call and how it ended: ``result`` text, or ``error`` when it failed."""

    id: str
    name: str
    args: dict[str, Any]
    result: str = ""
    error: str | None = None


@dataclass(frozen=True)
class Turn:
    """One assistant message: its tool calls and its text."""

    calls: tuple[Call, ...]
    text: str


@dataclass(frozen=True)
class Request:
    """One user turn: its text and the assistant turns that answered it (the last one answers)."""

    text: str
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class Conversation:
    """A parsed chat-completions log: the user's requests, in order, and the model's name."""

    requests: tuple[Request, ...]
    model: str = ""


_ERROR_PREFIX = re.compile(r"\s*error\s*:\s*", re.IGNORECASE)


def text_of(content: Any) -> str:
    """The text of a message's ``content``: a string, ``None``, or a list of parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        return "".join(
            str(part.get("text") or "") if isinstance(part, Mapping) else str(part)
            for part in content
        )
    return str(content)


def logged_error(message: Mapping[str, Any], text: str) -> str | None:
    """The error a tool message reports (see the module's rules), or ``None`` for a result."""
    prefix = _ERROR_PREFIX.match(text)
    if prefix:
        return text[prefix.end() :].strip() or text.strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict) and data.get("error") not in (None, False, "", {}, []):
        error = data["error"]
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
        return error if isinstance(error, str) else json.dumps(error, ensure_ascii=False)
    if message.get("is_error") is True or message.get("status") == "error":
        return text.strip() or "the tool call failed"
    return None


def _arguments(raw: Any, where: str) -> dict[str, Any]:
    try:
        args = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as exc:
        raise OpenAIImportError(f"{where}: arguments are not JSON ({exc})") from exc
    if args is None or args == "":
        return {}
    if not isinstance(args, dict):
        raise OpenAIImportError(f"{where}: arguments must be a JSON object")
    return args


def _calls(message: Mapping[str, Any], where: str) -> list[dict[str, Any]]:
    raw = message.get("tool_calls") or []
    legacy = message.get("function_call")
    if isinstance(legacy, Mapping):
        raw = [*raw, {"id": None, "function": legacy, "legacy": True}]
    calls = []
    for n, call in enumerate(raw):
        function = call.get("function") if isinstance(call, Mapping) else None
        if not isinstance(function, Mapping) or not isinstance(function.get("name"), str):
            raise OpenAIImportError(f"{where}, tool call {n}: no function name")
        args = _arguments(function.get("arguments", "{}"), f"{where}, tool call {n}")
        cid = call.get("id")
        calls.append({"id": str(cid) if cid else "", "name": function["name"], "args": args,
                      "legacy": bool(call.get("legacy")), "done": None})  # fmt: skip
    return calls


def _answer(open_turns: list[list[dict[str, Any]]], message: Mapping[str, Any], where: str) -> None:
    """Attach a tool message to the nearest preceding unanswered call it names."""
    role = message.get("role")
    key = message.get("tool_call_id") if role == "tool" else message.get("name")
    field = "id" if role == "tool" else "name"
    for calls in reversed(open_turns):
        for call in calls:
            if call["done"] is None and (not key or call[field] == str(key)):
                text = text_of(message.get("content"))
                call["done"] = (text, logged_error(message, text))
                return
    what = f"call {key!r}" if key else "a call"
    raise OpenAIImportError(f"{where}: a {role} message answers {what}, but no open call has it")


_Open = list[tuple[list[dict[str, Any]], str]]
"""The assistant turns of the request being read: each one's calls (answered or not), its text."""


def _request(text: str, turns: _Open) -> Request:
    built = []
    for calls, content in turns:
        for n, call in enumerate(calls):
            if call["done"] is None:
                name = call["id"] or f"#{n}"
                raise OpenAIImportError(f"tool call {name} ({call['name']}) has no tool message")
        built.append(Turn(calls=tuple(
            Call(id=c["id"], name=c["name"], args=c["args"], result=c["done"][0],
                 error=c["done"][1]) for c in calls), text=content))  # fmt: skip
    return Request(text=text, turns=tuple(built))


def parse_conversation(log: Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> Conversation:
    """Read a chat-completions log: a list of messages, or a request body with ``messages``.

    Args:
        log: the messages, or a mapping with ``messages`` (and optionally ``model``).

    Raises:
        OpenAIImportError: the log is malformed; the message names the message at fault.
    """
    model = str(log.get("model") or "") if isinstance(log, Mapping) else ""
    messages = log.get("messages") if isinstance(log, Mapping) else log
    if not isinstance(messages, Sequence) or isinstance(messages, str | bytes):
        raise OpenAIImportError("an OpenAI conversation is a list of messages (or has 'messages')")
    requests: list[Request] = []
    text: str | None = None
    turns: _Open = []
    for index, message in enumerate(messages):
        where = f"message {index}"
        role = message.get("role") if isinstance(message, Mapping) else None
        if role in ("system", "developer"):
            continue
        if role == "user":
            if text is not None and turns:  # a new request: the previous one must be answered
                _check_answered(turns, where)
                requests.append(_request(text, turns))
                text, turns = None, []
            said = text_of(message.get("content"))
            text = said if text is None else f"{text}\n\n{said}"
        elif role == "assistant":
            if text is None:
                raise OpenAIImportError(f"{where}: an assistant message before the user's request")
            turns.append((_calls(message, where), text_of(message.get("content"))))
        elif role in ("tool", "function"):
            if text is None:
                raise OpenAIImportError(f"{where}: a {role} message before the user's request")
            _answer([calls for calls, _ in turns], message, where)
        else:
            raise OpenAIImportError(f"{where}: unknown role {role!r}")
    if text is None:
        raise OpenAIImportError("the conversation has no user message")
    _check_answered(turns, None)
    requests.append(_request(text, turns))
    return Conversation(requests=tuple(requests), model=model)


def _check_answered(turns: _Open, where: str | None) -> None:
    if turns and not turns[-1][0]:
        return
    if where is None:
        raise OpenAIImportError("the conversation does not end with the assistant's answer")
    raise OpenAIImportError(f"{where}: the user's request before it has no assistant answer")
