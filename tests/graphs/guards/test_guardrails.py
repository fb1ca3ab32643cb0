"""Verdicts as data, guard subjects, and how ``run_guardrails`` combines verdicts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from plangate.graphs.guards.guardrails import (
    Action,
    GuardOutcome,
    Guardrail,
    GuardSubject,
    Stage,
    Verdict,
    guardrail_from_function,
    render_result,
    run_guardrails,
    stage_set,
)
from plangate.tools.base import tool
from plangate.tools.errors import GuardrailBlockedError, UsageError


@tool(effect="write")
def book_table(venue: str, party_size: int) -> str:
    """Book a table."""
    return f"{venue}:{party_size}"


def _upper(name: str = "upper") -> Guardrail:
    def check(subject: GuardSubject) -> Verdict:
        return Verdict.modify(name, subject.stage, "shouting", (subject.text or "").upper())

    return guardrail_from_function(name, [Stage.INPUT, Stage.OUTPUT], check)


def _fixed(name: str, verdict: Any, stages: tuple[Stage, ...] = (Stage.INPUT,)) -> Guardrail:
    async def check(subject: GuardSubject) -> Any:
        return verdict

    return guardrail_from_function(name, stages, check)


# -- Verdict ---------------------------------------------------------------------------------


def test_constructors_set_the_action() -> None:
    assert Verdict.allow("g", Stage.INPUT).action is Action.ALLOW
    assert Verdict.block("g", Stage.INPUT, "no").action is Action.BLOCK
    assert Verdict.modify("g", Stage.INPUT, "redacted", "x").replacement == "x"
    assert Verdict.approval("g", Stage.TOOL_CALL, "writes").action is Action.REQUIRE_APPROVAL


@pytest.mark.parametrize("action", [Action.BLOCK, Action.MODIFY, Action.REQUIRE_APPROVAL])
def test_non_allow_verdicts_need_a_reason(action: Action) -> None:
    with pytest.raises(ValidationError, match="needs a reason"):
        Verdict(guardrail="g", stage=Stage.INPUT, action=action, reason="  ")


def test_a_verdict_needs_a_guardrail_name() -> None:
    with pytest.raises(ValidationError, match="name of its guardrail"):
        Verdict.allow("", Stage.INPUT)


def test_verdicts_are_frozen() -> None:
    verdict = Verdict.block("g", Stage.INPUT, "no")
    with pytest.raises(ValidationError):
        verdict.reason = "yes"  # type: ignore[misc]


def test_verdict_round_trips_through_json() -> None:
    verdict = Verdict.modify(
        "pii", Stage.TOOL_RESULT, "redacted", {"email": "[email]"}, step_id="s1", details={"n": 1}
    )
    data = verdict.model_dump(mode="json")
    assert json.loads(json.dumps(data)) == data
    assert data["stage"] == "tool_result"
    assert data["action"] == "modify"
    assert Verdict.model_validate(data) == verdict


def test_a_verdict_that_cannot_be_serialised_is_refused() -> None:
    with pytest.raises(ValidationError):
        Verdict.modify("g", Stage.TOOL_RESULT, "r", replacement=object())


# -- GuardSubject ----------------------------------------------------------------------------


def test_payload_follows_the_stage() -> None:
    assert GuardSubject(Stage.INPUT, text="hi").payload == "hi"
    assert GuardSubject(Stage.PLAN, plan={"steps": []}).payload == {"steps": []}
    assert GuardSubject(Stage.TOOL_CALL, args={"a": 1}).payload == {"a": 1}
    assert GuardSubject(Stage.TOOL_RESULT, text="[1]", result=[1]).payload == [1]
    assert GuardSubject(Stage.TOOL_RESULT, text="plain").payload == "plain"


def test_replacing_a_result_refreshes_its_text_view() -> None:
    subject = GuardSubject(Stage.TOOL_RESULT, text='{"a": "x"}', result={"a": "x"})
    replaced = subject.with_payload({"a": "y"})
    assert replaced.result == {"a": "y"}
    assert replaced.text == render_result({"a": "y"}) == '{"a": "y"}'
    assert subject.result == {"a": "x"}


def test_replacement_of_the_wrong_shape_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="mapping"):
        GuardSubject(Stage.TOOL_CALL, args={}).with_payload("text")
    with pytest.raises(TypeError, match="text"):
        GuardSubject(Stage.OUTPUT, text="a").with_payload(["a"])


# -- stage_set and the function adapter --------------------------------------------------------


def test_stage_set_accepts_names_and_rejects_mistakes() -> None:
    assert stage_set(["input", Stage.OUTPUT], owner="g") == {Stage.INPUT, Stage.OUTPUT}
    with pytest.raises(UsageError, match="stages are"):
        stage_set(["inputs"], owner="g")
    with pytest.raises(UsageError, match="watches no stage"):
        stage_set([], owner="g")
    with pytest.raises(UsageError, match="cannot check stage plan"):
        stage_set(["plan"], owner="g", allowed=[Stage.INPUT])


def test_function_guardrails_satisfy_the_protocol() -> None:
    guardrail = _upper()
    assert isinstance(guardrail, Guardrail)
    assert guardrail.stages == {Stage.INPUT, Stage.OUTPUT}
    with pytest.raises(UsageError, match="needs a name"):
        guardrail_from_function(" ", ["input"], lambda s: Verdict.allow("x", s.stage))


# -- run_guardrails ----------------------------------------------------------------------------


async def test_no_guardrails_allow() -> None:
    subject = GuardSubject(Stage.INPUT, text="hello")
    outcome = await run_guardrails([], subject)
    assert outcome == GuardOutcome((), Action.ALLOW, subject, None, ())


async def test_guardrails_for_other_stages_do_not_run() -> None:
    outcome = await run_guardrails(
        [_fixed("plan_only", "boom", (Stage.PLAN,))], GuardSubject(Stage.INPUT, text="x")
    )
    assert outcome.verdicts == ()
    assert outcome.action is Action.ALLOW


async def test_modifications_apply_in_sequence() -> None:
    seen: list[str | None] = []

    def record(subject: GuardSubject) -> Verdict:
        seen.append(subject.text)
        return Verdict.modify("suffix", subject.stage, "suffix", f"{subject.text}!")

    guardrails = [_upper(), guardrail_from_function("suffix", ["input"], record)]
    outcome = await run_guardrails(guardrails, GuardSubject(Stage.INPUT, text="hi"))
    assert seen == ["HI"]
    assert outcome.subject.text == "HI!"
    assert outcome.action is Action.MODIFY
    assert [v.guardrail for v in outcome.verdicts] == ["upper", "suffix"]


async def test_the_first_block_stops_the_sequence() -> None:
    ran: list[str] = []

    def later(subject: GuardSubject) -> Verdict:
        ran.append("later")
        return Verdict.allow("later", subject.stage)

    blocker = _fixed("blocker", Verdict.block("blocker", Stage.INPUT, "not today"))
    outcome = await run_guardrails(
        [blocker, guardrail_from_function("later", ["input"], later)],
        GuardSubject(Stage.INPUT, text="x"),
    )
    assert ran == []
    assert outcome.action is Action.BLOCK
    assert outcome.blocked_by is not None
    assert outcome.blocked_by.reason == "not today"
    with pytest.raises(GuardrailBlockedError, match="not today") as caught:
        outcome.raise_if_blocked()
    assert caught.value.verdict is outcome.blocked_by


async def test_approvals_are_collected_without_stopping() -> None:
    first = _fixed("a", Verdict.approval("a", Stage.TOOL_CALL, "one"), (Stage.TOOL_CALL,))
    second = _fixed("b", Verdict.approval("b", Stage.TOOL_CALL, "two"), (Stage.TOOL_CALL,))
    subject = GuardSubject(Stage.TOOL_CALL, tool=book_table, args={"venue": "x", "party_size": 2})
    outcome = await run_guardrails([first, second], subject)
    assert [v.reason for v in outcome.approvals] == ["one", "two"]
    assert outcome.action is Action.REQUIRE_APPROVAL
    assert outcome.blocked_by is None
    outcome.raise_if_blocked()  # nothing to raise


async def test_block_outranks_approval_and_modify() -> None:
    guardrails = [
        _upper(),
        _fixed("ask", Verdict.approval("ask", Stage.INPUT, "check")),
        _fixed("stop", Verdict.block("stop", Stage.INPUT, "no")),
    ]
    outcome = await run_guardrails(guardrails, GuardSubject(Stage.INPUT, text="a"))
    assert outcome.action is Action.BLOCK
    assert [v.action for v in outcome.verdicts] == [
        Action.MODIFY,
        Action.REQUIRE_APPROVAL,
        Action.BLOCK,
    ]


async def test_a_guardrail_that_raises_blocks_instead_of_crashing() -> None:
    def broken(subject: GuardSubject) -> Verdict:
        raise KeyError("missing")

    outcome = await run_guardrails(
        [guardrail_from_function("broken", ["input"], broken)], GuardSubject(Stage.INPUT, text="x")
    )
    assert outcome.action is Action.BLOCK
    assert outcome.blocked_by is not None
    assert "broken" in outcome.blocked_by.reason
    assert "KeyError" in outcome.blocked_by.reason
    assert outcome.blocked_by.details == {"error": "KeyError"}


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        ("allow", "not a Verdict"),
        (Verdict.allow("g", Stage.OUTPUT), "for stage output"),
        (Verdict.modify("g", Stage.INPUT, "r", ["not", "text"]), "must be text"),
    ],
)
async def test_malformed_decisions_fail_closed(returned: Any, message: str) -> None:
    outcome = await run_guardrails([_fixed("g", returned)], GuardSubject(Stage.INPUT, text="x"))
    assert outcome.blocked_by is not None
    assert message in outcome.blocked_by.reason
    assert outcome.subject.text == "x"


async def test_step_id_is_filled_from_the_subject() -> None:
    subject = GuardSubject(Stage.TOOL_RESULT, text="r", step_id="s7")
    outcome = await run_guardrails(
        [_fixed("g", Verdict.allow("g", Stage.TOOL_RESULT), (Stage.TOOL_RESULT,))], subject
    )
    assert outcome.verdicts[0].step_id == "s7"


async def test_tainted_reflects_verdict_details() -> None:
    taint = Verdict.modify(
        "inj", Stage.TOOL_RESULT, "neutralised", "[removed]", details={"tainted": True}
    )
    subject = GuardSubject(Stage.TOOL_RESULT, text="bad")
    outcome = await run_guardrails([_fixed("inj", taint, (Stage.TOOL_RESULT,))], subject)
    assert outcome.tainted
    assert outcome.subject.text == "[removed]"
    clean = await run_guardrails([], subject)
    assert not clean.tainted
