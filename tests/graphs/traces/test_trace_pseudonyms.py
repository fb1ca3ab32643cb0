"""A trace with PII redacted replays exactly: values keep one stand-in of their shape.

The ``crm`` agent looks a customer up (a result with a validated email and phone) and writes to
them using those values, copying the help desk's own address, which the agent holds itself and
the replay therefore meets unredacted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, field_validator

from plangate.agents import Agent, AgentSpec
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.engine.planner import PlanningContext
from plangate.graphs.guards.redaction import Redactor
from plangate.graphs.offline.grammar import Grammar, Intent
from plangate.graphs.traces.format import read_trace
from plangate.graphs.traces.replay import RunParts, replay
from plangate.tools import Toolset, tool
from plangate.tools.base import ToolContext
from plangate.tools.clock import FakeClock
from tests.traces.agents import live as shop
from tests.traces.agents import replica as shop_replica

DESK = "help.desk@crm.example.org"
"""The agent's own address: in its instructions and in every message's copy."""
CUSTOMERS = {
    "ana": ("Ana.Lima@mail.example.net", "+351 912 345 678", "4111 1111 1111 1111"),
    "rui": ("rui@mail.example.net", "+351 913 000 111", "5500 0000 0000 0004"),
}
_EMAIL = re.compile(r"^[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$")


def _email(value: str) -> str:
    if not _EMAIL.match(value.lower()):
        raise ValueError(f"{value!r} is not an email address")
    return value.lower()


class Customer(BaseModel):
    name: str
    email: str
    phone: str
    card: str

    _check = field_validator("email")(_email)


class MessageArgs(BaseModel):
    to: str
    cc: str
    text: str

    _check = field_validator("to", "cc")(_email)


class Sent(BaseModel):
    id: str
    to: str


@tool(effect="read")
async def find_customer(name: str, ctx: ToolContext[dict[str, Any]]) -> Customer:
    """A customer's contact details."""
    email, phone, card = CUSTOMERS[name]
    return Customer(name=name, email=email, phone=phone, card=card)


@tool(effect="write")
async def send_message(args: MessageArgs, ctx: ToolContext[dict[str, Any]]) -> Sent:
    """Send a customer a message."""
    ctx.deps.setdefault("sent", []).append(args.model_dump())
    return Sent(id=f"m{len(ctx.deps['sent'])}", to=args.to)


class Report(BaseModel):
    summary: str


def _remind(match: re.Match[str], ctx: PlanningContext) -> Plan:
    names = match["names"].split(" and ")
    steps = [Step(id=f"find_{n}", tool="find_customer", args={"name": n}) for n in names]
    for n in names:
        text = f"Hello ${{find_{n}.name}}, we will call ${{find_{n}.phone}} about card ${{find_{n}.card}}."
        steps.append(Step(id=f"send_{n}", tool="send_message", depends_on=[f"find_{n}"],
                          args={"to": f"${{find_{n}.email}}", "cc": DESK, "text": text}))  # fmt: skip
    return Plan(steps=steps)


def _answer(request: str, steps: dict[str, Any]) -> Report:
    sent = [record["result"]["to"] for _, record in sorted(steps.items()) if "send" in _]
    return Report(summary=f"wrote to {', '.join(sent)}; questions to {DESK}")


SPEC = AgentSpec(
    name="crm",
    description="Reminds customers",
    instructions=f"You remind customers. Questions go to {DESK}.",
    tools=("find_customer", "send_message"),
    response_model=Report,
    grammar=Grammar(
        [
            Intent(
                "remind",
                "Remind customers",
                ("remind ana",),
                (r"\bremind (?P<names>\w+(?: and \w+)*)",),
                _remind,
            )
        ]
    ),
    offline_answer=_answer,
    writes_without_approval="all",
)
TOOLS = (find_customer, send_message)


def live() -> Agent:
    return Agent(SPEC, Toolset(TOOLS, deps={}), clock=FakeClock())


def replica(parts: RunParts) -> Agent:
    return Agent(SPEC, Toolset(TOOLS, deps=parts.deps), clock=parts.clock,
                 executor=parts.executor)  # fmt: skip


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


async def _record(path: Path, request: str) -> str:
    agent = live()
    with agent.record(path):
        result = await agent.run(request, thread_id="t")
        for _ in range(4):  # writes of values read from results may wait for a person
            if result.status != "paused":
                break
            result = await agent.resume("t", {a["id"]: "approve" for a in result.approvals})
    assert result.status == "done", result.error
    return _text(path)


async def test_values_read_from_results_and_held_by_the_agent_replay(tmp_path: Path) -> None:
    path = tmp_path / "crm.jsonl"
    text = await _record(path, "remind ana and rui")
    for values in CUSTOMERS.values():
        for value in values:
            assert value not in text
            assert value.lower() not in text
    assert DESK not in text
    assert read_trace(path).header.pii_pseudonyms
    report = await replay(path, replica)
    assert report.ok, f"{report.summary()}\n{report.diff}"
    assert report.tool_calls == 4


async def test_one_value_keeps_one_stand_in_across_records(tmp_path: Path) -> None:
    path = tmp_path / "crm.jsonl"
    await _record(path, "remind ana")
    trace = read_trace(path)
    found = next(r for r in trace.records if getattr(r, "tool", "") == "find_customer"
                 and r.type == "tool_result")  # fmt: skip
    sent = next(r for r in trace.records if getattr(r, "tool", "") == "send_message"
                and r.type == "tool_call")  # fmt: skip
    customer = found.result  # type: ignore[attr-defined]
    args = sent.args  # type: ignore[attr-defined]
    assert args["to"] == customer["email"]
    assert customer["phone"] in args["text"]
    assert customer["card"] in args["text"]
    assert args["cc"] != args["to"]
    assert trace.header.surface["instructions"].endswith(f"go to {args['cc']}.")


async def test_an_edited_stand_in_is_still_a_loud_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "crm.jsonl"
    text = await _record(path, "remind ana")
    edited = tmp_path / "edited.jsonl"
    first = re.search(r"user\d+@redacted\.example\.com", text)
    assert first is not None
    lines = text.splitlines(keepends=True)
    # The help desk's stand-in in the instructions (the header) now names another address.
    header = lines[0].replace(first.group(), "user99@redacted.example.com")
    edited.write_text(header + "".join(lines[1:]), encoding="utf-8")
    report = await replay(edited, replica)
    assert not report.ok


async def test_a_trace_with_markers_from_earlier_versions_still_replays(tmp_path: Path) -> None:
    path = tmp_path / "old.jsonl"
    agent = shop()
    with agent.record(path) as recorder:
        recorder.redactor = Redactor()  # markers, as plangate wrote them before stand-ins
        await agent.run("card of ana", thread_id="c")
    header, *records = _text(path).splitlines(keepends=True)
    old = json.loads(header)
    del old["pii_pseudonyms"]  # a header of an earlier version has no such field
    path.write_text(json.dumps(old) + "\n" + "".join(records), encoding="utf-8")
    assert "[card ****1111]" in _text(path)
    assert not read_trace(path).header.pii_pseudonyms
    report = await replay(path, shop_replica)
    assert report.ok, f"{report.summary()}\n{report.diff}"
