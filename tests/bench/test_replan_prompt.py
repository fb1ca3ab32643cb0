"""The re-plan prompt benchmark runs at its smallest sizes and reads its figures right."""

from __future__ import annotations

from bench import replan_prompt


def test_replan_prompt_measures_each_scenario_at_each_size() -> None:
    figures = replan_prompt.measure([1, 3])
    assert set(figures) == {"progress", "stuck"}
    for by_size in figures.values():
        assert set(by_size) == {1, 3}
        at_1, at_3 = by_size[1][0], by_size[3][0]
        assert 0 < at_1 <= at_3  # each re-plan tells the model at least as much as the first
        assert by_size[3][1] >= 3 * at_1  # the run's total holds all three re-plans
