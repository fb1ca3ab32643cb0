"""``Step``, ``Plan`` and ``PlanLimits``: the model a planner fills in, and the DAG helpers."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from pydantic import ValidationError

from plangate.graphs.engine.plan import DEFAULT_LIMITS, Plan, PlanLimits, Step
from plangate.tools.errors import UsageError


def step(step_id: str, *depends_on: str, **fields: Any) -> Step:
    return Step(
        id=step_id, tool="t", args=fields.pop("args", {}), depends_on=list(depends_on), **fields
    )


def plan(*steps: Step) -> Plan:
    return Plan(steps=list(steps))


@pytest.mark.parametrize("step_id", ["s1", "a", "find_flights_2", "a" + "b" * 31])
def test_step_ids_follow_the_pattern(step_id: str) -> None:
    assert step(step_id).id == step_id


@pytest.mark.parametrize("step_id", ["", "S1", "1s", "s-1", "s 1", "a" + "b" * 32])
def test_bad_step_ids_are_rejected(step_id: str) -> None:
    with pytest.raises(ValidationError, match="id"):
        step(step_id)


def test_defaults_and_unknown_fields() -> None:
    minimal = Step.model_validate({"id": "s1", "tool": "search", "args": {"q": 1}})
    assert (minimal.depends_on, minimal.condition, minimal.description) == ([], None, "")
    with pytest.raises(ValidationError, match="extra"):
        Step.model_validate({"id": "s1", "tool": "t", "args": {}, "needs": ["s0"]})
    with pytest.raises(ValidationError, match="args"):
        Step.model_validate({"id": "s1", "tool": "t"})


def test_a_plan_may_have_no_steps_and_dumps_its_note_only_when_it_has_one() -> None:
    empty = Plan(steps=[], note="We open at nine.")
    assert empty.is_empty
    assert empty.depth() == 0
    assert empty.model_dump() == {"steps": [], "rationale": "", "note": "We open at nine."}
    assert "note" not in Plan(steps=[]).model_dump()
    assert Plan.model_validate({"steps": [{"id": "s1", "tool": "t", "args": {}}]}).rationale == ""


def test_every_field_tells_the_model_what_it_means() -> None:
    schema = Plan.model_json_schema()
    for model in (schema, schema["$defs"]["Step"]):
        for name, prop in model["properties"].items():
            assert len(prop.get("description", "")) > 15, name
    assert "${" in schema["$defs"]["Step"]["properties"]["args"]["description"]
    assert "skipped" in schema["$defs"]["Step"]["properties"]["condition"]["description"]


def test_plans_round_trip_through_json() -> None:
    original = plan(step("s1"), step("s2", "s1", args={"x": "${s1.a}"}, condition="${s1.b} > 1"))
    assert Plan.model_validate_json(original.model_dump_json()) == original


def test_dependencies_join_depends_on_args_and_condition_once_each() -> None:
    s3 = step(
        "s3",
        "s1",
        args={"a": "${s2.x}", "b": ["${s1.y}", {"c": "total ${s4[0]}"}], "d": 5},
        condition="${s5.ok} and ${s2.n} > 1",
    )
    assert plan(s3).dependencies("s3") == ["s1", "s2", "s4", "s5"]


def test_malformed_references_and_conditions_add_no_dependency() -> None:
    s2 = step("s2", args={"a": "${s1.", "b": "${s3}"}, condition="${s4.x} ==")
    assert plan(s2).dependencies("s2") == ["s3"]
    assert plan(step("s1", args={"a": "$${s9}"})).dependencies("s1") == []


def test_step_lookup_names_the_known_steps() -> None:
    with pytest.raises(UsageError, match="no step 'zz'; steps: s1, s2"):
        plan(step("s1"), step("s2")).step("zz")


def test_topological_order_puts_dependencies_first_and_keeps_plan_order() -> None:
    p = plan(
        step("c", args={"x": "${b.v}"}),
        step("a"),
        step("b", "a"),
        step("d"),
    )
    assert [s.id for s in p.topological_order()] == ["a", "d", "b", "c"]


def test_topological_order_refuses_a_cycle() -> None:
    with pytest.raises(UsageError, match="cycle among steps s1, s2"):
        plan(step("s1", "s2"), step("s2", "s1"), step("s3")).topological_order()


def test_ready_offers_steps_whose_dependencies_are_done() -> None:
    p = plan(step("s1"), step("s2"), step("s3", "s1", "s2"), step("s4", condition="${s3.ok}"))
    assert [s.id for s in p.ready(set())] == ["s1", "s2"]
    assert [s.id for s in p.ready(set(), running={"s1"})] == ["s2"]
    assert [s.id for s in p.ready({"s1"}, running={"s2"})] == []
    assert [s.id for s in p.ready({"s1", "s2"})] == ["s3"]
    assert [s.id for s in p.ready({"s1", "s2", "s3"})] == ["s4"]
    assert p.ready({"s1", "s2", "s3", "s4"}) == []


def test_a_step_depending_on_a_skipped_step_is_never_ready_and_is_skipped_with_it() -> None:
    p = plan(
        step("s1"),
        step("s2", "s1", condition="${s1.cheap}"),
        step("s3", args={"id": "${s2.id}"}),
        step("s4", "s3"),
        step("s5", "s1"),
    )
    assert p.dependents("s2") == ["s3", "s4"]
    assert p.dependents("s1") == ["s2", "s3", "s4", "s5"]
    assert p.dependents("s5") == []
    assert [s.id for s in p.ready({"s1"}, skipped={"s2"})] == ["s5"]
    skipped = {"s2", *p.dependents("s2")}
    assert [s.id for s in p.ready({"s1", "s5"}, skipped=skipped)] == []


def test_depth_counts_the_longest_chain() -> None:
    assert plan(step("s1"), step("s2")).depth() == 1
    assert plan(step("s3", "s2"), step("s1"), step("s2", "s1"), step("s4", "s1")).depth() == 3


def test_plan_limits_defaults_and_bounds() -> None:
    assert (DEFAULT_LIMITS.max_steps, DEFAULT_LIMITS.max_parallel) == (20, 8)
    assert DEFAULT_LIMITS.max_depth is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_LIMITS.max_steps = 3  # type: ignore[misc]
    for bad in ({"max_steps": 0}, {"max_parallel": -1}, {"max_depth": 0}):
        with pytest.raises(UsageError, match="must be at least 1"):
            PlanLimits(**bad)


def test_steps_and_plans_are_immutable() -> None:
    s1 = step("s1")
    with pytest.raises(ValidationError, match="frozen"):
        s1.tool = "other"  # type: ignore[misc]
