"""The span tree of one offline reservation run, paused for its approval and resumed."""

from __future__ import annotations

import json

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import StatusCode

from plangate.agents import Agent
from plangate.agents.reservation.spec import SPEC
from plangate.graphs.telemetry import Telemetry, TracedEngine
from plangate.graphs.telemetry.run_spans import RunSpans
from tests.agents.reservation.sandbox_world import World, make_world
from tests.graphs.telemetry.conftest import Spans

DINNER = "Book a table for 4 at a Thai restaurant in Lisbon tomorrow at 8pm email me at ana.silva@example.com"


def traced_world(spans: Spans) -> World:
    world = make_world()
    telemetry = Telemetry(spans.provider)
    world.agent = Agent(SPEC, world.toolset, clock=world.clock, telemetry=telemetry)
    return world


def attrs(span: ReadableSpan) -> dict[str, object]:
    return dict(span.attributes or {})


def tree(spans: Spans, span: ReadableSpan) -> list[object]:
    """``[name, [children...]]`` with verdicts named by their guardrail."""
    return [span.name, [tree(spans, child) for child in spans.children(span)]]


async def test_a_paused_and_resumed_run_is_two_linked_trees_of_its_plan_waves_and_calls(
    spans: Spans,
) -> None:
    world = traced_world(spans)
    paused = await world.agent.run(DINNER, thread_id="dinner")
    assert paused.status == "paused"
    done, _ = await world.approve_all(paused)
    assert done.status == "done", done.error
    first, second = spans.roots()

    assert tree(spans, first) == ["invoke_agent reservation", [
        ["plangate.plan", []],
        ["plangate.wave", [["execute_tool list_events", []],
                           ["execute_tool search_restaurants", []]]],
        ["plangate.wave", [["execute_tool check_availability", []]]],
        ["plangate.wave", [["plangate.verdict approve_writes", []], ["plangate.approval", []]]],
    ]]  # fmt: skip
    assert tree(spans, second) == ["invoke_agent reservation", [
        ["plangate.wave", [
            ["plangate.verdict approve_writes", []],
            ["plangate.approval", [["plangate.verdict human", []]]],
            ["execute_tool book_table", []],
        ]],
        ["plangate.respond", []],
    ]]  # fmt: skip

    # One trace per stream; the resume links to the run it continues.
    assert first.context is not None
    assert second.context is not None
    assert first.context.trace_id != second.context.trace_id
    assert [link.context.span_id for link in second.links] == [first.context.span_id]
    for root, status, resumed in ((first, "paused", False), (second, "done", True)):
        assert attrs(root)["gen_ai.operation.name"] == "invoke_agent"
        assert attrs(root)["gen_ai.agent.name"] == "reservation"
        assert attrs(root)["gen_ai.conversation.id"] == "dinner"
        assert attrs(root)["plangate.run.status"] == status
        assert attrs(root)["plangate.resumed"] is resumed
        assert root.status.status_code is StatusCode.UNSET


async def test_spans_carry_the_genai_and_plangate_attributes_pii_redacted(spans: Spans) -> None:
    world = traced_world(spans)
    done, _ = await world.approve_all(await world.agent.run(DINNER, thread_id="dinner"))
    assert done.status == "done", done.error

    (plan,) = spans.named("plangate.plan")
    assert attrs(plan)["plangate.plan.step_ids"] == ("cal", "find", "avail", "table")
    assert attrs(plan)["plangate.plan.replan"] is False

    (search,) = spans.named("execute_tool search_restaurants")
    assert attrs(search)["gen_ai.operation.name"] == "execute_tool"
    assert attrs(search)["gen_ai.tool.name"] == "search_restaurants"
    assert attrs(search)["gen_ai.tool.call.id"] == "find"
    assert attrs(search)["plangate.effect"] == "read"
    assert "plangate.idempotency_key" not in attrs(search)
    assert json.loads(str(attrs(search)["gen_ai.tool.call.arguments"]))["city"] == "Lisbon"

    (book,) = spans.named("execute_tool book_table")
    assert attrs(book)["plangate.effect"] == "write"
    assert attrs(book)["plangate.idempotency_key"] == done.steps["table"]["key"]
    assert attrs(book)["plangate.step.status"] == "done"
    provenance = json.loads(str(attrs(book)["plangate.provenance"]))
    assert provenance == json.loads(json.dumps(done.steps["table"]["provenance"]))

    asked = spans.named("plangate.approval")
    assert all(attrs(a)["plangate.approval.ids"] == ("table",) for a in asked)
    assert "writes need approval" in str(attrs(asked[0])["plangate.approval.reasons"])
    assert attrs(asked[-1])["plangate.approval.decisions"] == ("approve",)
    (person,) = spans.named("plangate.verdict human")
    assert attrs(person)["plangate.verdict.action"] == "allow"
    assert attrs(person)["plangate.verdict.decision"] == "approve"
    assert attrs(person)["plangate.verdict.step_id"] == "table"

    # PII never leaves: the request and every argument went through the trace's redactor.
    sent = json.dumps([attrs(s) for s in spans.all], default=str)
    assert "ana.silva@example.com" not in sent
    (root, _) = spans.roots()
    assert "@redacted.example.com" in str(attrs(root)["plangate.request"])


async def test_without_a_tracer_provider_nothing_is_made_and_the_run_is_unchanged(
    spans: Spans,
) -> None:
    world = make_world()
    telemetry = Telemetry()  # the global provider: OpenTelemetry's default proxy, unset
    assert telemetry.tracer() is None
    agent = Agent(SPEC, world.toolset, clock=world.clock, telemetry=telemetry)
    assert isinstance(agent.engine, TracedEngine)
    result = await agent.run(DINNER)
    assert result.status == "paused"
    assert spans.all == []


async def test_a_recorded_run_is_traced_too(spans: Spans) -> None:
    world = traced_world(spans)
    with world.agent.record(None) as recorder:
        paused = await world.agent.run(DINNER, thread_id="dinner")
    assert paused.status == "paused"
    assert recorder.trace.records
    (root,) = spans.roots()
    assert attrs(root)["plangate.run.status"] == "paused"
    assert len(spans.named("plangate.wave")) == 3


async def test_a_failure_to_report_an_event_is_logged_and_never_stops_the_run(
    spans: Spans, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(self: RunSpans, event: object) -> None:
        raise ValueError("a bug in the span code")

    monkeypatch.setattr(RunSpans, "see", broken)
    world = traced_world(spans)
    paused = await world.agent.run(DINNER, thread_id="dinner")
    assert paused.status == "paused"
    assert "telemetry could not report a plan_ready event" in caplog.text
    (root,) = spans.roots()
    assert dict(root.attributes or {})["plangate.run.status"] == "paused"
