"""Property tests for the DAG helpers: order, waves of ready steps, skipping and depth."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from plangate.graphs.engine.plan import Plan, Step


@st.composite
def dags(draw: st.DrawFn) -> tuple[Plan, dict[str, set[str]]]:
    """A shuffled plan where ``s<i>`` depends only on lower-numbered steps (some via refs)."""
    size = draw(st.integers(1, 12))
    deps: dict[str, set[str]] = {}
    steps = []
    for i in range(size):
        chosen = sorted(draw(st.sets(st.integers(0, i - 1), max_size=3))) if i else []
        explicit = [f"s{j}" for j in chosen if draw(st.booleans())]
        refs = {f"a{j}": f"${{s{j}.v}}" for j in chosen if f"s{j}" not in explicit}
        deps[f"s{i}"] = {f"s{j}" for j in chosen}
        steps.append(Step(id=f"s{i}", tool="t", args=refs, depends_on=explicit))
    return Plan(steps=draw(st.permutations(steps))), deps


def longest(deps: dict[str, set[str]], node: str) -> int:
    return 1 + max((longest(deps, dep) for dep in deps[node]), default=0)


@given(dags())
def test_topological_order_puts_every_step_after_its_dependencies(
    case: tuple[Plan, dict[str, set[str]]],
) -> None:
    plan, deps = case
    order = [step.id for step in plan.topological_order()]
    assert sorted(order) == sorted(deps)
    for node, wanted in deps.items():
        assert all(order.index(dep) < order.index(node) for dep in wanted)
    assert plan.depth() == max(longest(deps, node) for node in deps)


@given(dags())
def test_running_ready_waves_runs_every_step_once(case: tuple[Plan, dict[str, set[str]]]) -> None:
    plan, deps = case
    done: list[str] = []
    while wave := plan.ready(set(done)):
        for step in wave:
            assert deps[step.id] <= set(done)
        done.extend(step.id for step in wave)
    assert sorted(done) == sorted(deps)


@given(dags(), st.data())
def test_skipping_a_step_skips_exactly_its_transitive_dependents(
    case: tuple[Plan, dict[str, set[str]]], data: st.DataObject
) -> None:
    plan, deps = case
    skipped_root = data.draw(st.sampled_from(sorted(deps)))
    skipped = {skipped_root, *plan.dependents(skipped_root)}
    done: set[str] = set()
    while wave := plan.ready(done, skipped=skipped):
        done.update(step.id for step in wave if step.id not in skipped)
    assert done | skipped == set(deps)
    assert not done & skipped
    for node in skipped - {skipped_root}:
        assert deps[node] & skipped, f"{node} was skipped without a skipped dependency"
    for node in done:
        assert not deps[node] & skipped
