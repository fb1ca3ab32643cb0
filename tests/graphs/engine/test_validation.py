"""``validate_plan``: one test per check, asserting the code, the step, the field and a message
a model can act on."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, Field

from plangate.graphs.engine.plan import Plan, PlanLimits
from plangate.graphs.engine.validation import (
    PlanIssue,
    PlanValidationError,
    format_issues,
    validate_plan,
)
from plangate.tools.base import tool
from plangate.tools.errors import PlangateError
from plangate.tools.registry import Toolset


class SearchArgs(BaseModel):
    city: str = Field(description="City, e.g. 'Lisbon'.")
    party_size: int = Field(ge=1, le=20)
    max_price: Decimal | None = None


class Offer(BaseModel):
    id: str
    price: Decimal


@tool(effect="read")
async def search(args: SearchArgs) -> list[Offer]:
    """Find offers with room for the party."""
    return []


@tool(effect="write")
async def book(offer_id: str, party_size: int, note: str = "") -> dict[str, str]:
    """Book an offer."""
    return {"booking": offer_id}


TOOLS = Toolset([search, book])


def make_plan(*steps: dict[str, Any]) -> Plan:
    return Plan.model_validate({"steps": [{"args": {}, **s} for s in steps]})


SEARCH = {"id": "s1", "tool": "search", "args": {"city": "Lisbon", "party_size": 2}}


def only_issue(plan: Plan, **kwargs: Any) -> PlanIssue:
    issues = validate_plan(plan, TOOLS, **kwargs)
    assert len(issues) == 1, format_issues(issues)
    return issues[0]


def test_a_sound_plan_has_no_issues() -> None:
    plan = make_plan(
        SEARCH,
        {
            "id": "s2",
            "tool": "book",
            "args": {"offer_id": "${s1[0].id}", "party_size": 2, "note": "for ${s1[0].price}"},
            "condition": "${s1[0].price} < 200",
        },
        {
            "id": "s3",
            "tool": "search",
            "args": {"city": "Porto", "party_size": 1},
            "depends_on": ["s2"],
        },
    )
    assert validate_plan(plan, TOOLS, allowed=["search", "book"]) == []


def test_too_many_steps() -> None:
    plan = make_plan(SEARCH, {**SEARCH, "id": "s2"}, {**SEARCH, "id": "s3"})
    issue = only_issue(plan, limits=PlanLimits(max_steps=2))
    assert (issue.code, issue.step_id, issue.field) == ("too_many_steps", None, "steps")
    assert issue.message == "steps: the plan has 3 steps; at most 2 are allowed"


def test_too_deep() -> None:
    plan = make_plan(SEARCH, {**SEARCH, "id": "s2", "depends_on": ["s1"]}, {**SEARCH, "id": "s3"})
    assert validate_plan(plan, TOOLS, limits=PlanLimits(max_depth=2)) == []
    issue = only_issue(plan, limits=PlanLimits(max_depth=1))
    assert (issue.code, issue.step_id, issue.field) == ("too_deep", None, "steps")
    assert "has 2 steps; at most 1" in issue.message


def test_depth_is_not_measured_on_a_cyclic_plan() -> None:
    plan = make_plan({**SEARCH, "depends_on": ["s1"]})
    issues = validate_plan(plan, TOOLS, limits=PlanLimits(max_depth=1))
    assert [issue.code for issue in issues] == ["self_dependency"]


def test_duplicate_id() -> None:
    issue = only_issue(make_plan(SEARCH, SEARCH))
    assert (issue.code, issue.step_id, issue.field) == ("duplicate_id", "s1", "id")
    assert issue.message.startswith("step s1, id: id 's1' is used by another step already")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"depends_on": ["s9"]}, "depends_on"),
        ({"args": {"city": "${s9.city}", "party_size": 2}}, "args.city"),
        ({"args": {"city": "near ${s9.city}", "party_size": 2}}, "args.city"),
        ({"condition": "${s9.ok}"}, "condition"),
    ],
)
def test_unknown_step(extra: dict[str, Any], field: str) -> None:
    issue = only_issue(make_plan(SEARCH, {**SEARCH, "id": "s2", **extra}))
    assert (issue.code, issue.step_id, issue.field) == ("unknown_step", "s2", field)
    assert issue.message == f"step s2, {field}: there is no step 's9'; steps are: s1, s2"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"depends_on": ["s1"]}, "depends_on"),
        ({"args": {"city": "${s1[0].city}", "party_size": 2}}, "args.city"),
        ({"condition": "${s1.ok}"}, "condition"),
    ],
)
def test_self_dependency(extra: dict[str, Any], field: str) -> None:
    issue = only_issue(make_plan({**SEARCH, **extra}))
    assert (issue.code, issue.step_id, issue.field) == ("self_dependency", "s1", field)
    assert issue.message.startswith(f"step s1, {field}: the step depends on itself (s1)")


def test_cycle_names_its_path() -> None:
    plan = make_plan(
        {**SEARCH, "depends_on": ["s3"]},
        {**SEARCH, "id": "s2", "args": {"city": "${s1[0].id}", "party_size": 2}},
        {**SEARCH, "id": "s3", "condition": "${s2[0].price} > 1"},
        {**SEARCH, "id": "s4"},
    )
    issue = only_issue(plan)
    assert (issue.code, issue.step_id, issue.field) == ("cycle", "s1", "depends_on")
    assert "steps form a cycle: s1 → s3 → s2 → s1 (each waits for the next)" in issue.message


def test_unknown_tool_lists_the_tools_that_exist() -> None:
    issue = only_issue(make_plan({"id": "s1", "tool": "serch"}))
    assert (issue.code, issue.step_id, issue.field) == ("unknown_tool", "s1", "tool")
    assert issue.message == "step s1, tool: there is no tool 'serch'; available tools: search, book"


def test_unknown_tool_lists_only_allowed_tools() -> None:
    issue = only_issue(make_plan({"id": "s1", "tool": "serch"}), allowed=["search"])
    assert issue.message.endswith("available tools: search")


def test_tool_not_allowed() -> None:
    plan = make_plan({"id": "s1", "tool": "book", "args": {"offer_id": "o", "party_size": 1}})
    issue = only_issue(plan, allowed=["search"])
    assert (issue.code, issue.step_id, issue.field) == ("tool_not_allowed", "s1", "tool")
    assert issue.message == (
        "step s1, tool: this agent may not use tool 'book'; available tools: search"
    )


def test_invalid_args_report_each_field_with_the_pydantic_message_and_the_signature() -> None:
    plan = make_plan({"id": "s1", "tool": "search", "args": {"party_size": 0}})
    issues = validate_plan(plan, TOOLS)
    assert [(i.code, i.step_id, i.field) for i in issues] == [
        ("invalid_args", "s1", "args.city"),
        ("invalid_args", "s1", "args.party_size"),
    ]
    assert issues[0].message.startswith("step s1, args.city: Field required.")
    assert "Input should be greater than or equal to 1" in issues[1].message
    assert (
        "Tool 'search' takes: city (string, required), party_size (integer, required), max_price"
        in issues[1].message
    )


def test_invalid_args_of_a_derived_args_model_name_unexpected_arguments() -> None:
    plan = make_plan(
        {"id": "s1", "tool": "book", "args": {"offer_id": "o", "party_size": 1, "seat": "A"}}
    )
    issue = only_issue(plan)
    assert (issue.code, issue.field) == ("invalid_args", "args.seat")
    assert "Extra inputs are not permitted" in issue.message
    assert (
        "offer_id (string, required), party_size (integer, required), note (string)"
        in issue.message
    )


def test_fields_holding_references_are_left_for_after_resolution() -> None:
    plan = make_plan(
        SEARCH,
        {
            "id": "s2",
            "tool": "book",
            # party_size would fail as a string, but it is a reference: checked once resolved.
            "args": {"offer_id": 7, "party_size": "${s1[0].seats}", "note": "x ${s1[0].id}"},
        },
    )
    issue = only_issue(plan)
    assert (issue.code, issue.step_id, issue.field) == ("invalid_args", "s2", "args.offer_id")
    assert "Input should be a valid string" in issue.message


def test_nested_references_exempt_their_top_level_field() -> None:
    plan = make_plan(
        SEARCH,
        {"id": "s2", "tool": "search", "args": {"city": ["${s1[0].city}"], "party_size": 2}},
    )
    assert validate_plan(plan, TOOLS) == []


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("${s1[0].}", "${s1[0].}: unexpected '.' at character 6"),
        (
            "at ${s1[0].city",
            "${s1[0].city: '${' is never closed by '}'; write $${ for a literal ${",
        ),
    ],
)
def test_bad_reference(text: str, start: str) -> None:
    plan = make_plan(SEARCH, {**SEARCH, "id": "s2", "args": {"city": text, "party_size": 2}})
    issue = only_issue(plan)
    assert (issue.code, issue.step_id, issue.field) == ("bad_reference", "s2", "args.city")
    assert issue.message.startswith(f"step s2, args.city: {start}")
    assert issue.message.endswith(
        "(references look like ${s1.field} or ${s1[0].field}; expressions like "
        "${s1.items[name == 'x'][0].id} or ${floor(s1.qty / 2)})"
    )


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    [
        ("${floor(s9.qty / 2)}", "unknown_step", "there is no step 's9'"),
        ("${s1.items[name == 'x'][0].id} at ${date(s7.at)}", "unknown_step", "no step 's7'"),
        ("${floor(s1.qty / 2}", "bad_reference", "column 17: expected ',' or ')'"),
        ("${sqrt(s1.qty)}", "bad_reference", "expected a function (floor, ceil"),
        ("${s1.items[name = 'x'][0].id}", "bad_reference", "expected '==' to compare"),
        ("${s2.x * 2}", "self_dependency", "the step depends on itself"),
    ],
)
def test_expressions_are_checked_before_the_plan_runs(text: str, code: str, fragment: str) -> None:
    plan = make_plan(SEARCH, {**SEARCH, "id": "s2", "args": {"city": text, "party_size": 2}})
    issue = only_issue(plan)
    assert (issue.code, issue.step_id, issue.field) == (code, "s2", "args.city")
    assert fragment in issue.message


def test_a_valid_expression_makes_its_results_dependencies() -> None:
    args = {"city": "${s1.items[name == 'x'][0].city}", "party_size": "${max(s1.n, 2)}"}
    plan = make_plan(SEARCH, {**SEARCH, "id": "s2", "args": args})
    assert validate_plan(plan, TOOLS) == []
    assert plan.dependencies("s2") == ["s1"]


def test_bad_condition_gives_the_column() -> None:
    issue = only_issue(make_plan(SEARCH, {**SEARCH, "id": "s2", "condition": "${s1.n} = 2"}))
    assert (issue.code, issue.step_id, issue.field) == ("bad_condition", "s2", "condition")
    assert issue.message == (
        "step s2, condition: condition '${s1.n} = 2', column 9: expected '==' to compare, found '='"
    )


def test_condition_references_are_implicit_dependencies() -> None:
    plan = make_plan(SEARCH, {**SEARCH, "id": "s2", "condition": "${s1[0].price} < 100"})
    assert validate_plan(plan, TOOLS) == []
    assert plan.dependencies("s2") == ["s1"]


def test_all_issues_are_reported_together_in_plan_order() -> None:
    plan = make_plan(
        {"id": "s1", "tool": "nope"},
        {"id": "s2", "tool": "search", "args": {"city": 3, "party_size": 1}, "depends_on": ["s0"]},
    )
    codes = [(i.code, i.step_id) for i in validate_plan(plan, TOOLS)]
    assert codes == [("unknown_tool", "s1"), ("unknown_step", "s2"), ("invalid_args", "s2")]


def test_format_issues_and_the_error_carry_every_issue() -> None:
    plan = make_plan({"id": "s1", "tool": "nope"}, {"id": "s2", "tool": "nope"})
    issues = validate_plan(plan, TOOLS)
    text = format_issues(issues)
    assert text.splitlines() == [
        "1. step s1, tool: there is no tool 'nope'; available tools: search, book",
        "2. step s2, tool: there is no tool 'nope'; available tools: search, book",
    ]
    error = PlanValidationError(issues)
    assert isinstance(error, PlangateError)
    assert error.model_visible is True
    assert error.issues == tuple(issues)
    assert str(error) == f"the plan has 2 issue(s):\n{text}"
    assert format_issues([]) == ""


def test_issues_are_frozen_data() -> None:
    issue = PlanIssue(step_id=None, field=None, code="cycle", message="m")
    with pytest.raises(ValueError, match="frozen"):
        issue.message = "other"  # type: ignore[misc]
    assert PlanIssue.model_validate_json(issue.model_dump_json()) == issue
