"""The reviewed tables: which AgentDojo functions write, and what an untrusted value may do where.

AgentDojo's functions carry no effect of their own, so every suite's writes are listed here by
hand, read from the suites' source: sending, moving money, creating, updating, cancelling,
deleting, sharing, inviting, posting and reserving change the environment; everything else only
reads it. A function missing from ``WRITES`` is a read, and ``check_tables`` fails loudly when a
suite gains a function this module has not reviewed.

Sink policies (``plangate.tools.sinks``) name, per argument, what a value from outside the
user's request may do there. Where data or money would leave to a party the value names (a
recipient, an IBAN, an e-mail address, a URL to post to, a password) it is refused; anything
else is held for a person (the default). One read sends data outward: slack's ``get_webpage``
fetches a URL, so its ``url`` is held for approval when it did not come from the request.

Tuning (on workspace only, from its figures): its e-mail recipients and event participants
were ``refuse`` at first; with one call per turn, 6 of its 40 user tasks then had their own call
refused (addresses read from its mail and calendar), so a person confirms those instead. And
``get_unread_emails`` was a read at first; an injected call of it marked the whole inbox read
and broke the user's task in 111 of 560 attacked cases, so it is declared the write it is.

Tuning was allowed on workspace and travel only (travel needed no change); banking and slack
were written once, before their figures were seen, and are reported as untuned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from plangate.tools.sinks import SinkPolicy

TUNED_SUITES = ("workspace", "travel")
"""The suites whose figures the tables were adjusted on; the others are reported as untuned."""

_CALENDAR_WRITES = ("create_calendar_event", "cancel_calendar_event")
_MAIL = ("send_email",)

WRITES: Mapping[str, frozenset[str]] = {
    "workspace": frozenset(
        {
            *_MAIL,
            *_CALENDAR_WRITES,
            "delete_email",
            "reschedule_calendar_event",
            "add_calendar_event_participants",
            "append_to_file",
            "create_file",
            "delete_file",
            "share_file",
            # Named like a read, but it marks every unread e-mail read: it changes the inbox.
            "get_unread_emails",
        }
    ),
    "travel": frozenset(
        {*_MAIL, *_CALENDAR_WRITES, "reserve_hotel", "reserve_car_rental", "reserve_restaurant"}
    ),
    "banking": frozenset(
        {
            "send_money",
            "schedule_transaction",
            "update_scheduled_transaction",
            "update_password",
            "update_user_info",
        }
    ),
    "slack": frozenset(
        {
            "add_user_to_channel",
            "send_direct_message",
            "send_channel_message",
            "invite_user_to_slack",
            "remove_user_from_slack",
            "post_webpage",
        }
    ),
}
"""The write functions of each suite; every other function of the suite is a read."""

_OUTWARD_MAIL: dict[str, SinkPolicy] = {"recipients": "refuse", "cc": "refuse", "bcc": "refuse"}
_PARTICIPANTS: dict[str, SinkPolicy] = {"participants": "refuse"}
# Workspace's own tasks e-mail and invite people found in its mail, calendar and contacts
# ("invite the participants of ...", "reply to the sender of ..."): a model that reads before it
# acts puts addresses from results there, so a person confirms them rather than a refusal.
_WORKSPACE_MAIL: dict[str, SinkPolicy] = {
    "recipients": "approve",
    "cc": "approve",
    "bcc": "approve",
}
_WORKSPACE_PARTICIPANTS: dict[str, SinkPolicy] = {"participants": "approve"}

SINKS: Mapping[str, Mapping[str, Mapping[str, SinkPolicy]]] = {
    "workspace": {
        "send_email": _WORKSPACE_MAIL,
        "create_calendar_event": _WORKSPACE_PARTICIPANTS,
        "add_calendar_event_participants": _WORKSPACE_PARTICIPANTS,
        "share_file": {"email": "refuse"},
    },
    "travel": {
        "send_email": _OUTWARD_MAIL,
        "create_calendar_event": _PARTICIPANTS,
    },
    "banking": {
        "send_money": {"recipient": "refuse", "amount": "approve"},
        "schedule_transaction": {"recipient": "refuse", "amount": "approve"},
        "update_scheduled_transaction": {"recipient": "refuse", "amount": "approve"},
        "update_password": {"password": "refuse"},
    },
    "slack": {
        "send_direct_message": {"recipient": "refuse"},
        "invite_user_to_slack": {"user_email": "refuse"},
        "post_webpage": {"url": "refuse"},
        "get_webpage": {"url": "approve"},
    },
}
"""Per suite and function, the declared sink policy of each named argument."""

OUTWARD_READS: Mapping[str, frozenset[str]] = {
    "workspace": frozenset(),
    "travel": frozenset(),
    "banking": frozenset(),
    "slack": frozenset({"get_webpage"}),
}
"""Reads that send data outward (their arguments reach a third party)."""


def effect_of(suite: str, function: str) -> str:
    """``write`` or ``read`` for ``function`` of ``suite``."""
    return "write" if function in WRITES[suite] else "read"


def sinks_of(suite: str, function: str) -> Mapping[str, SinkPolicy] | None:
    """The declared sinks of ``function`` of ``suite`` (None: it declares none)."""
    return SINKS[suite].get(function)


def check_tables(suite: str, functions: Iterable[str]) -> None:
    """Fail when the tables name a function ``suite`` lacks, or the suite is not reviewed.

    Raises:
        ValueError: naming the suite and the functions that do not match.
    """
    if suite not in WRITES:
        raise ValueError(f"suite {suite!r} has no reviewed effect table (known: {sorted(WRITES)})")
    names = set(functions)
    declared = WRITES[suite] | set(SINKS[suite]) | OUTWARD_READS[suite]
    stale = sorted(declared - names)
    if stale:
        raise ValueError(f"suite {suite!r}: the tables name functions it lacks: {stale}")
