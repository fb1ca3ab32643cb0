"""Property tests: random DAGs validate clean; one back edge always yields a ``cycle`` issue."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from plangate.graphs.engine.plan import Plan
from plangate.graphs.engine.validation import validate_plan
from plangate.tools.base import tool
from plangate.tools.registry import Toolset


@tool(effect="read")
def echo(text: str, tags: list[str] | None = None) -> str:
    """Repeat the text."""
    return text


TOOLS = Toolset([echo])
LINKS = ["depends_on", "exact", "interpolated", "condition"]


@st.composite
def dags(draw: st.DrawFn) -> tuple[list[dict[str, Any]], dict[int, set[int]]]:
    """Steps ``s0..sn`` (shuffled) where ``s<i>`` may only depend on ``s<j>`` with ``j < i``."""
    size = draw(st.integers(1, 10))
    steps: list[dict[str, Any]] = []
    deps: dict[int, set[int]] = {}
    for i in range(size):
        chosen = draw(st.sets(st.integers(0, i - 1), max_size=3)) if i else set()
        deps[i] = chosen
        step: dict[str, Any] = {"id": f"s{i}", "tool": "echo", "args": {"text": "t", "tags": []}}
        conditions = []
        for j in sorted(chosen):
            link = draw(st.sampled_from(LINKS))
            if link == "depends_on":
                step.setdefault("depends_on", []).append(f"s{j}")
            elif link == "exact":
                step["args"]["tags"].append(f"${{s{j}}}")
            elif link == "interpolated":
                step["args"]["text"] += f" and ${{s{j}.x}}"
            else:
                conditions.append(f"${{s{j}}} != null")
        if conditions:
            step["condition"] = " and ".join(conditions)
        steps.append(step)
    return draw(st.permutations(steps)), deps


def ancestors(deps: dict[int, set[int]], node: int) -> set[int]:
    found: set[int] = set()
    todo = list(deps[node])
    while todo:
        nxt = todo.pop()
        if nxt not in found:
            found.add(nxt)
            todo.extend(deps[nxt])
    return found


@given(dags())
def test_random_dags_validate_clean(case: tuple[list[dict[str, Any]], dict[int, set[int]]]) -> None:
    steps, deps = case
    plan = Plan.model_validate({"steps": steps})
    assert validate_plan(plan, TOOLS) == []
    for i, wanted in deps.items():
        assert set(plan.dependencies(f"s{i}")) == {f"s{j}" for j in wanted}


@given(dags(), st.data())
def test_a_back_edge_always_yields_a_cycle(
    case: tuple[list[dict[str, Any]], dict[int, set[int]]], data: st.DataObject
) -> None:
    steps, deps = case
    steps = [dict(step) for step in steps]  # never mutate what hypothesis generated
    candidates = [i for i in deps if ancestors(deps, i)]
    if not candidates:
        steps = [*steps, {"id": "s98", "tool": "echo", "args": {"text": "${s99}"}}]
        deps = {**deps, 98: {99}, 99: set()}
        steps.append({"id": "s99", "tool": "echo", "args": {"text": "t"}})
        candidates = [98]
    late = data.draw(st.sampled_from(candidates))
    early = data.draw(st.sampled_from(sorted(ancestors(deps, late))))
    back = next(step for step in steps if step["id"] == f"s{early}")
    back["depends_on"] = [*back.get("depends_on", []), f"s{late}"]
    issues = validate_plan(Plan.model_validate({"steps": steps}), TOOLS)
    assert issues
    assert {issue.code for issue in issues} == {"cycle"}
    path = issues[0].message.split("cycle: ")[1].split(" (")[0].split(" → ")
    assert path[0] == path[-1] == issues[0].step_id
    assert {f"s{early}", f"s{late}"} <= set(path)
