"""The reservation assistant's guardrails, in the order they run.

Blocks come before approvals (a refused booking is not put to a person), and the guardrails
that consult backends run only on the few booking calls:

1. ``prompt_injection`` — blocks injected requests; neutralises and taints injected results.
2. ``party_size`` — parties over 12 need the events team (plan and call).
3. ``booking_window`` — nothing in the past, nothing more than 180 days ahead (plan and call).
4. ``calendar_clash`` — no booking over an event in the calendar.
5. ``fare_cap`` — a fare above the travel policy's cap needs approval, with the reason.
6. ``approve_writes`` — every booking and cancellation needs approval.
7. ``tainted_write_approval`` — a write built from flagged text needs approval.
8. ``pii_redaction`` — the answer carries no email, phone, card or IBAN.
"""

from __future__ import annotations

from plangate.agents.reservation.clashes import CalendarClash
from plangate.agents.reservation.facts import BookingFacts
from plangate.agents.reservation.fares import FareCap, load_fare_caps
from plangate.agents.reservation.limits import PARTY_RULES, BookingWindow, PlannedRules
from plangate.graphs.guards.guardrails import Guardrail, Stage
from plangate.graphs.guards.injection import PromptInjection
from plangate.graphs.guards.pii import PIIRedaction
from plangate.graphs.guards.policy import ApproveWrites, TaintedWriteApproval
from plangate.tools.registry import Toolset


def policy(toolset: Toolset) -> list[Guardrail]:
    """The guardrails, consulting the backends bound in ``toolset``.

    Raises:
        UsageError: the calendar, restaurant or flight tools are not in ``toolset``, or the
            bundled travel policy lacks its fare caps.
    """
    facts = BookingFacts(toolset)
    return [
        PromptInjection(),
        PlannedRules(PARTY_RULES, name="party_size"),
        BookingWindow(facts),
        CalendarClash(facts),
        FareCap(facts, load_fare_caps()),
        ApproveWrites(),
        TaintedWriteApproval(),
        PIIRedaction(stages=[Stage.OUTPUT]),
    ]
