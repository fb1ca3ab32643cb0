"""The reservation assistant's guardrails, in the order they run.

Blocks come before approvals (a refused booking is not put to a person), and the guardrails
that consult backends run only on the few booking calls:

1. ``prompt_injection`` — blocks injected requests; neutralises and taints injected results.
2. ``party_size`` — parties over 12 need the events team (plan and call); a business rule.
3. ``booking_window`` — nothing in the past, nothing more than 180 days ahead (plan and call).
4. ``calendar_clash`` — no booking over an event in the calendar.
5. ``fare_cap`` — a fare above the travel policy's cap needs approval, with the reason.
6. ``approve_writes`` — every booking and cancellation needs approval.
7. ``tainted_write_approval`` — a write built from flagged text needs approval.
8. ``pii_redaction`` — the answer carries no email, phone, card or IBAN.

The party size is written in the rule language (``limits.PARTY_RULES``). The other checks stay
hand-written, each for a reason its module gives: the booking window counts days in each
booking's own time zone (``limits``), a calendar clash asks the calendar's free/busy for the
span a booking would occupy (``clashes``), and the fare cap classifies a flight's region from
its airports and reads its caps from the travel policy document (``fares``).
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
        PlannedRules(PARTY_RULES, name="party_size", toolset=toolset),
        BookingWindow(facts),
        CalendarClash(facts),
        FareCap(facts, load_fare_caps()),
        ApproveWrites(),
        TaintedWriteApproval(),
        PIIRedaction(stages=[Stage.OUTPUT]),
    ]
