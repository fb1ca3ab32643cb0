"""An agent enforces what its write tools declare about untrusted values, whatever its opt-outs."""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel

from plangate.agents import Agent, AgentSpec
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.offline.grammar import Grammar, Intent
from plangate.tools import ToolContext, Toolset, tool


class Bank:
    def __init__(self) -> None:
        self.invoices = [{"id": "inv-7", "memo": "pay now", "iban": "DE89370400440532013000"}]
        self.paid: list[tuple[str, str, str]] = []


@tool(effect="read")
def list_invoices(status: str, ctx: ToolContext[Bank]) -> list[dict[str, str]]:
    """List invoices."""
    return ctx.deps.invoices


@tool(effect="write", sinks={"invoice_id": "allow", "memo": "approve", "iban": "refuse"})
def pay_invoice(invoice_id: str, memo: str, iban: str, ctx: ToolContext[Bank]) -> str:
    """Pay an invoice into an account."""
    ctx.deps.paid.append((invoice_id, memo, iban))
    return "paid"


class Done(BaseModel):
    summary: str


PLANS = {
    # the account number comes from the invoice: a tool result
    "iban": {"invoice_id": "${i[0].id}", "memo": "rent", "iban": "${i[0].iban}"},
    # only the id comes from the result; the rest is the request's
    "id": {"invoice_id": "${i[0].id}", "memo": "rent", "iban": "GB33BUKB20201555555555"},
    "memo": {"invoice_id": "${i[0].id}", "memo": "${i[0].memo}", "iban": "GB33BUKB20201555555555"},
}


def plan(match: Any, context: Any) -> Plan:
    return Plan(steps=[
        Step(id="i", tool="list_invoices", args={"status": "open"}),
        Step(id="p", tool="pay_invoice", args=PLANS[match["what"]]),
    ])  # fmt: skip


SPEC = AgentSpec(
    name="payer",
    description="Pays invoices",
    instructions="",
    tools=("list_invoices", "pay_invoice"),
    response_model=Done,
    grammar=Grammar([Intent("pay", "Pay", ("pay by id",), (r"pay by (?P<what>\w+)",), plan)]),
    offline_answer=lambda request, steps: Done(summary="ok"),
)
UNGATED = dataclasses.replace(
    SPEC, writes_without_approval="all", untrusted_writes_without_approval="all"
)
REQUEST_IBAN = "pay by id to GB33BUKB20201555555555 for rent"


async def run(spec: AgentSpec, request: str) -> tuple[Any, Bank]:
    bank = Bank()
    agent = Agent(spec, Toolset([list_invoices, pay_invoice], deps=bank))  # type: ignore[arg-type]
    return await agent.run(request), bank


async def test_a_refused_untrusted_value_is_blocked_before_anyone_is_asked() -> None:
    for spec in (SPEC, UNGATED):  # neither ApproveWrites nor the opt-outs lift a refusal
        result, bank = await run(spec, "pay by iban")
        assert result.blocked_calls == {
            "p": "blocked by untrusted_write_refusal: pay_invoice refuses untrusted values in "
            "iban from i list_invoices result [0].iban"
        }
        assert result.approvals == []
        assert bank.paid == []


async def test_an_allowed_id_from_a_result_runs_once_writes_are_exempt() -> None:
    exempt = dataclasses.replace(SPEC, writes_without_approval="all")
    result, bank = await run(exempt, REQUEST_IBAN)
    assert result.status == "done", result.error
    assert bank.paid == [("inv-7", "rent", "GB33BUKB20201555555555")]


async def test_an_approve_argument_from_a_result_waits_with_its_source_shown() -> None:
    exempt = dataclasses.replace(SPEC, writes_without_approval="all")
    result, bank = await run(exempt, "pay by memo to GB33BUKB20201555555555 for rent")
    assert result.status == "paused"
    (approval,) = result.approvals
    assert approval["reasons"] == [
        "untrusted values in pay_invoice: memo from i list_invoices result [0].memo"
    ]
    assert bank.paid == []
    # the agent-level opt-out keeps working for approvals
    result, bank = await run(UNGATED, "pay by memo to GB33BUKB20201555555555 for rent")
    assert result.status == "done"
    assert bank.paid == [("inv-7", "pay now", "GB33BUKB20201555555555")]


async def test_by_default_every_write_still_waits_for_a_person() -> None:
    result, bank = await run(SPEC, REQUEST_IBAN)
    assert result.status == "paused"
    assert result.approvals[0]["reasons"] == ["writes need approval: pay_invoice"]
    assert bank.paid == []
