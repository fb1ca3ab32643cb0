"""An agent as an MCP server: ``run`` a request, ``resume`` a paused run, and (``--tools``) its tools.

``run`` takes a request and answers with the agent's structured response. When the run pauses for
approval, a client that supports elicitation is asked about each pending call
(``plangate.demos.mcp.approvals``) and the run goes on until it ends; any other client gets the
run back paused — ``thread_id`` and the pending calls — and decides them with ``resume``.

With ``expose_tools``, the agent's own tools are offered too, each with its JSON schema and MCP
annotations (``readOnlyHint`` for reads, ``destructiveHint`` for writes). A read runs at once.
A write is never run on the client's word alone: it is asked about through elicitation like a
run's pending call, and refused when the client cannot ask its user (use ``run``, which pauses).
A direct write goes through the idempotency ledger under its own thread, as any write does.
The tool results a client receives are the tools' own data, as untrusted as they were here.

Every reply carries its payload twice, as the SDK does for structured results: as JSON text and as
``structuredContent``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from mcp import types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from plangate.agents import Agent
from plangate.demos.mcp.approvals import ask, ask_all, can_elicit, check_decisions
from plangate.graphs.engine import RunResult
from plangate.tools.errors import PlangateError, UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.ledger import Ledger

RUN = "run"
RESUME = "resume"
_RUN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "request": {"type": "string", "minLength": 1, "description": "What to do, in words."},
        "thread_id": {
            "type": "string",
            "pattern": "^[A-Za-z0-9_-]{1,64}$",
            "description": "A thread id of your choice (a new one by default).",
        },
    },
    "required": ["request"],
    "additionalProperties": False,
}
_RESUME_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "thread_id": {"type": "string", "description": "The paused run's thread_id."},
        "decisions": {
            "type": "object",
            "description": 'One per pending call id: "approve" or "reject" (or '
            '{"action": ..., "reason": ...}).',
            "additionalProperties": {
                "anyOf": [
                    {"type": "string", "enum": ["approve", "reject"]},
                    {
                        "type": "object",
                        "properties": {
                            "action": {"type": "string", "enum": ["approve", "reject"]},
                            "reason": {"type": "string"},
                        },
                        "required": ["action"],
                    },
                ]
            },
        },
    },
    "required": ["thread_id", "decisions"],
    "additionalProperties": False,
}


def agent_server(
    agent: Agent, *, expose_tools: bool = False, ledger: Ledger | None = None
) -> Server[Any, Any]:
    """The MCP server offering ``agent``.

    Args:
        agent: the agent; its checkpointer keeps paused runs between ``run`` and ``resume``.
        expose_tools: also offer the agent's tools (reads direct, writes approved or refused).
        ledger: the idempotency ledger direct writes go through (the agent's kind of store;
            in memory by default).

    Raises:
        UsageError: one of the agent's tools is called ``run`` or ``resume``.
    """
    server: Server[Any, Any] = Server(f"plangate-{agent.name}")
    toolset = agent.toolset if expose_tools else None
    if toolset is not None and ({RUN, RESUME} & set(toolset.names)):
        raise UsageError(
            f"agent {agent.name!r} has a tool called run or resume: it cannot be served"
        )
    executor = ToolExecutor(toolset, ledger=ledger, clock=agent.clock) if toolset else None

    @server.list_tools()  # type: ignore[no-untyped-call, untyped-decorator]
    async def list_tools() -> list[types.Tool]:
        listed = [
            types.Tool(
                name=RUN,
                description=f"Ask the {agent.name} agent to do something; it answers with a "
                "structured result, or pauses for approval of its writes.",
                inputSchema=_RUN_SCHEMA,
                annotations=types.ToolAnnotations(readOnlyHint=False, destructiveHint=True),
            ),
            types.Tool(
                name=RESUME,
                description="Decide the pending calls of a paused run and let it go on.",
                inputSchema=_RESUME_SCHEMA,
                annotations=types.ToolAnnotations(readOnlyHint=False, destructiveHint=True),
            ),
        ]
        for tool in toolset or ():
            listed.append(
                types.Tool(
                    name=tool.name,
                    description=tool.description,
                    inputSchema=tool.args_schema(),
                    annotations=types.ToolAnnotations(
                        readOnlyHint=not tool.is_write, destructiveHint=tool.is_write
                    ),
                )
            )
        return listed

    @server.call_tool(validate_input=True)  # type: ignore[untyped-decorator]
    async def call_tool(name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        context = server.request_context
        session, related = context.session, context.request_id
        try:
            if name == RUN:
                thread = arguments.get("thread_id") or f"mcp-{uuid.uuid4().hex[:12]}"
                result = await agent.run(arguments["request"], thread_id=thread)
            elif name == RESUME:
                thread = arguments["thread_id"]
                before = await agent.result(thread)
                if before.status != "paused":
                    return _reply({"error": f"thread {thread!r} is not waiting for approval "
                                   f"(it is {before.status})"}, error=True)  # fmt: skip
                pending = [call["id"] for call in before.approvals]
                result = await agent.resume(
                    thread, check_decisions(arguments["decisions"], pending)
                )
            elif executor is not None and name in executor.toolset:
                return await _direct(executor, name, arguments, session, related)
            else:
                return _reply({"error": f"unknown tool {name!r}"}, error=True)
            while result.status == "paused" and can_elicit(session):
                decisions = await ask_all(session, result.approvals, related=related)
                result = await agent.resume(result.thread_id, decisions)
        except PlangateError as exc:
            return _reply({"error": f"{type(exc).__name__}: {exc}"}, error=True)
        except ValueError as exc:  # decisions that do not fit the pending calls
            return _reply({"error": str(exc)}, error=True)
        return _reply(run_payload(result), error=result.status in ("failed", "blocked"))

    return server


async def _direct(
    executor: ToolExecutor,
    name: str,
    arguments: dict[str, Any],
    session: Any,
    related: types.RequestId | None,
) -> types.CallToolResult:
    """One of the agent's tools called by the client: a read runs, a write is asked about first."""
    tool = executor.toolset.get(name)
    thread = f"mcp-{uuid.uuid4().hex[:12]}"
    if tool.is_write:
        if not can_elicit(session):
            return _reply(
                {"error": f"{name} writes, and writes need a person's approval, which this "
                 "client cannot ask for (it has no elicitation): use the run tool, which pauses "
                 "for approval"},
                error=True,
            )  # fmt: skip
        call = {"id": thread, "tool": name, "args": arguments, "reasons": ["writes need approval"]}
        decision = await ask(session, call, related=related)
        if decision["action"] != "approve":
            return _reply({"error": f"{name} was not approved: {decision['reason']}"}, error=True)
    outcome = await executor.call(name, arguments, thread_id=thread, step_id=name)
    return _reply({"result": outcome.result_json, "trusted": tool.trusted_output}, error=False)


def run_payload(result: RunResult) -> dict[str, Any]:
    """What a client reads of a run: its status and answer, or what it waits for, or its error."""
    payload: dict[str, Any] = {"status": result.status, "thread_id": result.thread_id}
    if result.response is not None:
        payload["answer"] = result.response.model_dump(mode="json")
    if result.status == "paused":
        payload["pending"] = [
            {key: call[key] for key in ("id", "tool", "args", "reasons") if key in call}
            for call in result.approvals
        ]
        payload["to_continue"] = (
            f'call resume with thread_id "{result.thread_id}" and a decision per pending id, '
            'e.g. {"' + (result.approvals[0]["id"] if result.approvals else "id") + '": "approve"}'
        )
    if result.error is not None:
        payload["error"] = result.error
    if result.blocked_calls:
        payload["blocked"] = result.blocked_calls
    return payload


def _reply(payload: dict[str, Any], *, error: bool) -> types.CallToolResult:
    text = json.dumps(payload, indent=2, ensure_ascii=False, default=str)
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=text)],
        structuredContent=payload,
        isError=error,
    )


async def serve_stdio(server: Server[Any, Any]) -> None:
    """Serve ``server`` on standard input and output until the client closes them."""
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())
