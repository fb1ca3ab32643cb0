"""UntrustedWriteApproval: untrusted values in a write's arguments need a person's approval."""

from __future__ import annotations

import pytest

from plangate.graphs.guards.guardrails import Action, GuardSubject, Stage
from plangate.graphs.guards.labels import ArgumentLabel, CallProvenance, Source
from plangate.graphs.guards.sinks import UntrustedWriteApproval
from plangate.tools.base import tool
from plangate.tools.errors import UsageError


@tool(effect="write")
def book_table(venue_id: str, party_size: int, note: str = "") -> str:
    """Book a table."""
    return venue_id


@tool(effect="read")
def search_venues(city: str) -> list[str]:
    """Find venues."""
    return [city]


FROM_SEARCH = Source(kind="step", step_id="s1", tool="search_venues", path="[0].id")


def provenance(*untrusted: str, control: bool = True) -> CallProvenance:
    labels = [ArgumentLabel(path="party_size", sources=(Source(kind="request"),), trusted=True)]
    labels += [ArgumentLabel(path=p, sources=(FROM_SEARCH,), trusted=False) for p in untrusted]
    return CallProvenance(trusted_control=control, arguments=tuple(labels))


def call(t: object, labels: CallProvenance | None) -> GuardSubject:
    return GuardSubject(Stage.TOOL_CALL, tool=t, args={}, step_id="s2", provenance=labels)  # type: ignore[arg-type]


async def test_a_write_with_a_value_from_a_tool_result_waits_and_says_where_it_came_from() -> None:
    verdict = await UntrustedWriteApproval().check(call(book_table, provenance("venue_id")))
    assert verdict.action is Action.REQUIRE_APPROVAL
    assert verdict.reason == (
        "untrusted values in book_table: venue_id from s1 search_venues result [0].id"
    )
    assert verdict.details["untrusted"] == ["venue_id"]


async def test_a_trusted_write_and_any_read_pass() -> None:
    guard = UntrustedWriteApproval()
    assert (await guard.check(call(book_table, provenance()))).action is Action.ALLOW
    assert (await guard.check(call(search_venues, provenance("city")))).action is Action.ALLOW


async def test_a_write_planned_after_reading_results_waits_unless_told_otherwise() -> None:
    held = await UntrustedWriteApproval().check(call(book_table, provenance(control=False)))
    assert held.action is Action.REQUIRE_APPROVAL
    assert "planned after reading tool results" in held.reason
    let = UntrustedWriteApproval(control=False)
    assert (await let.check(call(book_table, provenance(control=False)))).action is Action.ALLOW


async def test_without_provenance_a_write_waits() -> None:
    verdict = await UntrustedWriteApproval().check(call(book_table, None))
    assert verdict.action is Action.REQUIRE_APPROVAL
    assert "unknown" in verdict.reason


async def test_allowed_arguments_and_unwatched_tools_are_explicit_opt_outs() -> None:
    allow = UntrustedWriteApproval(allow={"book_table": ["note"]})
    only_note = await allow.check(call(book_table, provenance("note")))
    assert only_note.action is Action.ALLOW
    both = await allow.check(call(book_table, provenance("note", "venue_id")))
    assert both.action is Action.REQUIRE_APPROVAL
    assert both.details["untrusted"] == ["venue_id"]
    nested = UntrustedWriteApproval(allow={"book_table": ["slot"]})
    inside = await nested.check(call(book_table, provenance("slot.start", "slot[0]")))
    assert inside.action is Action.ALLOW
    other = UntrustedWriteApproval(tools=["cancel_booking"])
    assert (await other.check(call(book_table, provenance("venue_id")))).action is Action.ALLOW


def test_single_strings_where_collections_belong_are_refused() -> None:
    with pytest.raises(UsageError, match="collection of names"):
        UntrustedWriteApproval(tools="book_table")
    with pytest.raises(UsageError, match=r"allow\['book_table'\].*\['note'\]"):
        UntrustedWriteApproval(allow={"book_table": "note"})
    with pytest.raises(UsageError, match="cannot check stage"):
        UntrustedWriteApproval(stages=["tool_result"])
