"""The sink guardrails read each write tool's declaration: allow, approve, or refuse."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from plangate.graphs.guards.guardrails import Action, GuardSubject, Stage, run_guardrails
from plangate.graphs.guards.labels import ArgumentLabel, CallProvenance, Source
from plangate.graphs.guards.policy import ApproveWrites
from plangate.graphs.guards.sinks import UntrustedWriteApproval, UntrustedWriteRefusal
from plangate.tools.base import Tool, tool
from plangate.tools.errors import GuardrailBlockedError


class Passenger(BaseModel):
    first_name: str
    passport: str


class BookArgs(BaseModel):
    venue_id: str
    notes: str = ""
    iban: str = ""
    passengers: list[Passenger] = []


@tool(
    effect="write",
    sinks={
        "venue_id": "allow",
        "notes": "approve",
        "iban": "refuse",
        "passengers": "allow",
        "passengers.passport": "refuse",
    },
)
def book(args: BookArgs) -> str:
    """Book a venue."""
    return args.venue_id


@tool(effect="write")
def undeclared(args: BookArgs) -> str:
    """A write that declares nothing."""
    return args.venue_id


@tool(effect="read", sinks={"iban": "refuse"})
def lookup(args: BookArgs) -> str:
    """A read that sends ``iban`` outward: its declaration is enforced there."""
    return args.venue_id


SEARCH = Source(kind="step", step_id="s1", tool="search", path="[0].text")


def labels(*untrusted: str, control: bool = True) -> CallProvenance:
    trusted = [ArgumentLabel(path="venue_id", sources=(Source(kind="request"),), trusted=True)]
    found = [ArgumentLabel(path=p, sources=(SEARCH,), trusted=False) for p in untrusted]
    return CallProvenance(trusted_control=control, arguments=tuple(trusted + found))


def call(t: Tool[object], provenance: CallProvenance | None) -> GuardSubject:
    return GuardSubject(Stage.TOOL_CALL, tool=t, args={}, step_id="s2", provenance=provenance)


async def test_allow_lets_an_untrusted_id_through_without_approval() -> None:
    verdict = await UntrustedWriteApproval().check(call(book, labels("venue_id")))
    assert verdict.action is Action.ALLOW


async def test_approve_holds_the_call_and_names_the_argument_and_its_source() -> None:
    verdict = await UntrustedWriteApproval().check(call(book, labels("venue_id", "notes")))
    assert verdict.action is Action.REQUIRE_APPROVAL
    assert verdict.reason == "untrusted values in book: notes from s1 search result [0].text"
    assert verdict.details["untrusted"] == ["notes"]  # venue_id is allowed, so not listed


async def test_refuse_blocks_naming_the_argument_and_its_source() -> None:
    for guard in (UntrustedWriteApproval(), UntrustedWriteRefusal()):
        verdict = await guard.check(call(book, labels("notes", "iban")))
        assert verdict.action is Action.BLOCK
        assert verdict.reason == (
            "book refuses untrusted values in iban from s1 search result [0].text"
        )
        assert verdict.details["refused"] == ["iban"]
        assert verdict.details["sources"] == {"iban": "from s1 search result [0].text"}


async def test_the_refusal_guard_leaves_approvals_to_the_other_gates() -> None:
    verdict = await UntrustedWriteRefusal().check(call(book, labels("notes", control=False)))
    assert verdict.action is Action.ALLOW


async def test_a_refusal_wins_over_an_approval_a_person_could_give() -> None:
    guards = [ApproveWrites(), UntrustedWriteRefusal()]
    outcome = await run_guardrails(guards, call(book, labels("iban")))
    assert outcome.action is Action.BLOCK
    with pytest.raises(GuardrailBlockedError, match="refuses untrusted values in iban"):
        outcome.raise_if_blocked()


async def test_nested_paths_follow_the_most_specific_declaration() -> None:
    guard = UntrustedWriteApproval()
    names = await guard.check(call(book, labels("passengers[0].first_name")))
    assert names.action is Action.ALLOW  # "passengers": allow covers its children
    passport = await guard.check(call(book, labels("passengers[1].passport")))
    assert passport.action is Action.BLOCK  # ...except the dotted path given
    assert passport.details["refused"] == ["passengers[1].passport"]
    whole = await guard.check(call(book, labels("passengers")))
    assert whole.action is Action.BLOCK  # labelled as a whole: it holds a refused part


async def test_a_write_that_declares_nothing_asks_for_every_untrusted_value() -> None:
    verdict = await UntrustedWriteApproval().check(call(undeclared, labels("venue_id", "iban")))
    assert verdict.action is Action.REQUIRE_APPROVAL
    assert verdict.details["untrusted"] == ["venue_id", "iban"]
    assert (await UntrustedWriteRefusal().check(call(undeclared, labels("iban")))).action is (
        Action.ALLOW
    )


async def test_a_read_is_refused_at_its_declared_sinks_only() -> None:
    for guard in (UntrustedWriteApproval(), UntrustedWriteRefusal()):
        assert (await guard.check(call(lookup, labels("iban")))).action is Action.BLOCK
        assert (await guard.check(call(lookup, labels("venue_id")))).action is Action.ALLOW
        assert (await guard.check(call(lookup, None))).action is Action.BLOCK


async def test_trusted_values_pass_even_in_refused_arguments() -> None:
    typed = CallProvenance(
        trusted_control=True,
        arguments=(ArgumentLabel(path="iban", sources=(Source(kind="request"),), trusted=True),),
    )
    for guard in (UntrustedWriteApproval(), UntrustedWriteRefusal()):
        assert (await guard.check(call(book, typed))).action is Action.ALLOW


async def test_without_provenance_a_tool_that_refuses_anything_is_blocked() -> None:
    for guard in (UntrustedWriteApproval(), UntrustedWriteRefusal()):
        verdict = await guard.check(call(book, None))
        assert verdict.action is Action.BLOCK
        assert "iban, passengers.passport" in verdict.reason
    assert (await UntrustedWriteRefusal().check(call(undeclared, None))).action is Action.ALLOW
    held = await UntrustedWriteApproval().check(call(undeclared, None))
    assert held.action is Action.REQUIRE_APPROVAL


async def test_the_guardrails_own_allow_list_overrides_the_declaration() -> None:
    lifted = UntrustedWriteRefusal(allow={"book": ["iban"]})
    assert (await lifted.check(call(book, labels("iban")))).action is Action.ALLOW
    approval = UntrustedWriteApproval(allow={"book": ["notes", "iban"]})
    assert (await approval.check(call(book, labels("notes", "iban")))).action is Action.ALLOW
    unwatched = UntrustedWriteRefusal(tools=["other"])
    assert (await unwatched.check(call(book, labels("iban")))).action is Action.ALLOW
