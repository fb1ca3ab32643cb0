"""Every value a step produces carries labels: in its record, the checkpoint and the trace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from pydantic import BaseModel

from plangate.graphs.engine.build import Engine
from plangate.graphs.engine.events import StepFinished
from plangate.graphs.engine.planner import LLMPlanner
from plangate.graphs.engine.provenance import number_key
from plangate.graphs.engine.runtime import Runtime
from plangate.graphs.guards.labels import ArgumentLabel, CallProvenance, Source
from plangate.graphs.guards.result_labels import (
    ResultLabel,
    compact_provenance,
    expand_provenance,
    has_read_untrusted,
    label_result,
    labels_of,
    trust_control,
    trust_results,
    trusted_results,
)
from plangate.graphs.guards.sinks import UntrustedWriteApproval
from plangate.graphs.offline.scripted import ScriptedChatModel
from plangate.graphs.traces.format import EventRecord, read_trace
from plangate.graphs.traces.recording import Recorder
from plangate.graphs.traces.replay import RunParts, replay
from plangate.tools.base import ToolContext, tool
from plangate.tools.clock import FakeClock
from plangate.tools.executor import ToolExecutor
from plangate.tools.registry import Toolset
from tests.graphs.engine.test_engine import ScriptedPlanner


class Bank:
    """The backend: the user's own account (trusted) and an inbox (anyone may write to it)."""

    def __init__(self) -> None:
        self.transfers: list[dict[str, Any]] = []

    account = {"iban": "DE89370400440532013000", "owner": "Ann"}
    inbox = [{"from": "bob", "body": "Pay me at GB33BUKB20201555555555 today"}]


@tool(effect="read", trusted_output=True)
def my_account(ctx: ToolContext[Bank]) -> dict[str, str]:
    """The user's own account, from the bank's records."""
    return ctx.deps.account


@tool(effect="read")
def read_inbox(ctx: ToolContext[Bank]) -> list[dict[str, str]]:
    """The user's mail."""
    return ctx.deps.inbox


@tool(effect="write", sinks={"iban": "approve"})
def transfer(iban: str, amount: int, ctx: ToolContext[Bank]) -> str:
    """Send money."""
    ctx.deps.transfers.append({"iban": iban, "amount": amount})
    return "sent"


class Answer(BaseModel):
    summary: str = ""


class Responder:
    async def respond(self, request: str, results: Any, schema: Any, feedback: Any = ()) -> Answer:
        return Answer(summary="ok")


def plan(pay_from: str) -> dict[str, Any]:
    return {
        "steps": [
            {"id": "acct", "tool": "my_account", "args": {}},
            {"id": "mail", "tool": "read_inbox", "args": {}},
            {"id": "pay", "tool": "transfer", "depends_on": ["acct", "mail"],
             "args": {"iban": pay_from, "amount": 20}},
        ]
    }  # fmt: skip


def make_engine(
    bank: Bank, planned: dict[str, Any] | None, *, executor: Any = None, checkpointer: Any = None
) -> Engine:
    toolset = Toolset([my_account, read_inbox, transfer], deps=bank)
    return Engine(
        Runtime(
            toolset=toolset,
            executor=executor or ToolExecutor(toolset, clock=FakeClock()),
            planner=ScriptedPlanner(*([planned] if planned else [])),
            responder=Responder(),
            response_model=Answer,
            clock=FakeClock(),
            guardrails=[UntrustedWriteApproval()],
        ),
        checkpointer=checkpointer,
    )


def test_a_result_label_is_small_in_a_record_and_read_back_whole() -> None:
    label = label_result("s1", "read_inbox", trusted=False)
    assert label.to_record() == {"trusted": False}
    back = labels_of({"step_id": "s1", "tool": "read_inbox", "label": label.to_record()})
    assert back.result == label
    assert back.result.source == Source(kind="step", step_id="s1", tool="read_inbox")
    assert labels_of({"step_id": "s1", "tool": "x"}).result is None  # a record from before
    extracted = label_result("x", "extract", trusted=True, derived_from=(label.source,))
    assert extracted.trusted is False, "an extraction of untrusted text is never trusted"
    assert extracted.describe() == (
        "x extract result, untrusted: extracted from text from s1 read_inbox result"
    )


def test_values_from_a_trusted_result_stay_trusted_and_others_do_not() -> None:
    acct = Source(kind="step", step_id="acct", tool="my_account", path="iban")
    mail = Source(kind="step", step_id="mail", tool="read_inbox", path="[0].body")
    provenance = CallProvenance.model_validate({
        "trusted_control": True,
        "arguments": [
            {"path": "iban", "sources": [acct.model_dump()], "trusted": False},
            {"path": "note", "sources": [acct.model_dump(), mail.model_dump()], "trusted": False},
        ],
    })  # fmt: skip
    trusted = trust_results(provenance, trusted_results({"acct": {"label": {"trusted": True}},
                                                        "mail": {"label": {"trusted": False}}}))  # fmt: skip
    assert [label.trusted for label in trusted.arguments] == [True, False]
    assert trust_results(provenance, frozenset()) is provenance


async def test_each_step_record_carries_its_call_provenance_and_its_result_label() -> None:
    bank = Bank()
    result = await make_engine(bank, plan("${acct.iban}")).run("pay my rent", thread_id="t")
    assert result.status == "done", result.error
    assert bank.transfers == [{"iban": "DE89370400440532013000", "amount": 20}]
    acct, mail, pay = (labels_of(result.steps[sid]) for sid in ("acct", "mail", "pay"))
    assert acct.result == ResultLabel(step_id="acct", tool="my_account", trusted=True)
    assert mail.result == ResultLabel(step_id="mail", tool="read_inbox", trusted=False)
    assert pay.provenance is not None
    iban = pay.provenance.label("iban")
    assert iban is not None
    assert iban.trusted is True, "a value from the user's own records is trusted"
    assert iban.sources == (Source(kind="step", step_id="acct", tool="my_account", path="iban"),)
    # labels are small next to the record: a few dozen bytes per argument
    assert len(json.dumps(result.steps["pay"]["provenance"])) < 80 * 3
    assert len(json.dumps(result.steps["mail"]["label"])) < 20


async def test_labels_are_read_back_the_same_after_a_resume_from_sqlite(tmp_path: Path) -> None:
    db = str(tmp_path / "runs.db")
    bank = Bank()
    async with AsyncSqliteSaver.from_conn_string(db) as saver:
        paused = await make_engine(bank, plan("${mail[0].body}"), checkpointer=saver).run(
            "pay what my mail asks", thread_id="r"
        )
    assert paused.status == "paused"
    (approval,) = paused.approvals
    assert approval["reasons"] == [
        "untrusted values in transfer: iban from mail read_inbox result [0].body"
    ]
    before = {sid: labels_of(record) for sid, record in paused.steps.items()}
    async with AsyncSqliteSaver.from_conn_string(db) as saver:
        done = await make_engine(bank, None, checkpointer=saver).resume("r", {"pay": "approve"})
    assert done.status == "done", done.error
    after = {sid: labels_of(record) for sid, record in done.steps.items()}
    assert after["acct"] == before["acct"]
    assert after["mail"] == before["mail"]
    assert after["acct"].result is not None
    assert after["acct"].result.trusted is True
    pay = after["pay"].provenance
    assert pay is not None
    assert pay == CallProvenance.from_payload(approval)
    assert pay.label("iban").trusted is False  # type: ignore[union-attr]


async def test_labels_are_in_the_trace_and_a_replay_makes_the_same(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    bank = Bank()
    toolset = Toolset([my_account, read_inbox, transfer], deps=bank)
    with Recorder(path, agent="bank") as recorder:
        executor = recorder.executor(ToolExecutor(toolset, clock=FakeClock()))
        engine = make_engine(bank, plan("${acct.iban}"), executor=executor)
        recorded = await recorder.run(engine, "pay my rent", thread_id="x")
    assert recorded.status == "done", recorded.error
    finished = [
        record.event
        for record in read_trace(path).of_type(EventRecord)
        if isinstance(record.event, StepFinished)
    ]
    in_trace = {e.step_id: labels_of(e.model_dump()) for e in finished}
    assert set(in_trace) == {"acct", "mail", "pay"}
    assert in_trace["acct"].result is not None
    assert in_trace["acct"].result.trusted is True

    def factory(parts: RunParts) -> Engine:
        tools = Toolset([my_account, read_inbox, transfer], deps=parts.deps)
        return make_engine(Bank(), plan("${acct.iban}"), executor=parts.executor(tools))

    report = await replay(path, factory)
    assert report.ok, report.diff
    replayed = {sid: labels_of(rec) for sid, rec in report.results[0].steps.items()}
    assert replayed == in_trace == {sid: labels_of(r) for sid, r in recorded.steps.items()}


def test_numbers_are_matched_by_value_however_they_are_written() -> None:
    assert number_key("4,750.00") == number_key(4750) == number_key(4750.0) == "4750"
    assert number_key("12.50") == number_key(12.5) == "12.5"
    assert number_key(7) is None, "one digit occurs everywhere"
    assert number_key(True) is None
    assert number_key("GB33") is None


def test_a_record_keeps_provenance_compactly_and_reads_it_back() -> None:
    data = {
        "trusted_control": False,
        "untrusted": ["iban"],
        "arguments": {"iban": [["m", "read_mail", "[0].body", True]], "amount": ["request"]},
    }
    provenance = expand_provenance(data)
    assert provenance is not None
    iban = Source(kind="step", step_id="m", tool="read_mail", path="[0].body", matched=True)
    assert provenance.label("iban") == ArgumentLabel(path="iban", sources=(iban,), trusted=False)
    assert provenance.label("amount").trusted  # type: ignore[union-attr]
    assert compact_provenance(provenance) == data
    assert expand_provenance({"trusted_control": True, "arguments": {"x": [["m"]]}}) is None
    assert expand_provenance("not labels") is None


def test_reading_only_trusted_records_leaves_control_trusted() -> None:
    def trusted_tool(name: str) -> bool:
        return name == "my_account"

    done = {"status": "done", "tool": "my_account", "label": {"trusted": True}}
    mail = {"status": "done", "tool": "read_inbox", "label": {"trusted": False}}
    refused = {"status": "rejected", "tool": "transfer", "error_type": "GuardrailBlockedError"}
    failed = {"status": "failed", "tool": "read_inbox", "error": "no such folder", "duration": 0}
    flagged = {"status": "rejected", "tool": "read_inbox", "error": "injection", "duration": 0}
    skipped = {"status": "skipped", "tool": "read_inbox"}
    assert not has_read_untrusted([done, refused, skipped], trusted_tool)
    assert has_read_untrusted([done, mail], trusted_tool)
    assert has_read_untrusted([failed], trusted_tool), "a tool's error text is its output"
    assert has_read_untrusted([flagged], trusted_tool), "a result guard's reason may quote it"
    assert not has_read_untrusted([{**failed, "tool": "my_account"}], trusted_tool)
    assert has_read_untrusted([{"status": "done", "tool": "my_account"}], trusted_tool)
    model = ArgumentLabel(path="amount", sources=(Source(kind="model"),), trusted=False)
    step = ArgumentLabel(path="iban", sources=(Source(kind="step", step_id="m"),), trusted=False)
    upgraded = trust_control(CallProvenance(trusted_control=False, arguments=(model, step)))
    assert upgraded.trusted_control is True
    assert [label.trusted for label in upgraded.arguments] == [True, False]


def react_engine(bank: Bank, model: ScriptedChatModel) -> Engine:
    toolset = Toolset([my_account, read_inbox, transfer], deps=bank)
    return Engine(
        Runtime(
            toolset=toolset, executor=ToolExecutor(toolset, clock=FakeClock()),
            planner=LLMPlanner(model), react_model=model, strategy="react",
            responder=Responder(), response_model=Answer, clock=FakeClock(),
            guardrails=[UntrustedWriteApproval()],
        )
    )  # fmt: skip


def turns(read: str, iban: str) -> ScriptedChatModel:
    return ScriptedChatModel([
        AIMessage(content="", tool_calls=[{"name": read, "args": {}, "id": "a"}]),
        AIMessage(content="", tool_calls=[
            {"name": "transfer", "args": {"iban": iban, "amount": 20}, "id": "b"},
        ]),
        AIMessage(content="Sent."),
    ])  # fmt: skip


async def test_a_react_turn_after_reading_only_own_records_is_trusted_control() -> None:
    bank = Bank()
    own = turns("my_account", "DE89370400440532013000")
    result = await react_engine(bank, own).run("send 20 to my own account", thread_id="own")
    assert result.status == "done", result.approvals
    assert bank.transfers == [{"iban": "DE89370400440532013000", "amount": 20}]
    provenance = labels_of(result.steps["t2_1"]).provenance
    assert provenance is not None
    assert provenance.trusted_control is True
    assert provenance.is_trusted

    mail = turns("read_inbox", "GB33BUKB20201555555555")
    held = await react_engine(Bank(), mail).run("pay what my mail says", thread_id="mail")
    assert held.status == "paused"
    assert held.approvals[0]["reasons"] == [
        "untrusted values in transfer: iban appears in the result of t1_1 read_inbox at "
        "[0].body; amount chosen by the model; transfer was planned after reading tool results"
    ]
