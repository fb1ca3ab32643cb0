"""Smoke test of the benchmarks: each runs at its smallest size and returns well-formed results.

The real runs (``make bench``) are not part of the test suite; this only proves that every
benchmark still works against the current engine, that its scripted runs do what they claim
(e.g. 2 model calls for a plan), and that results are written and summarised.
"""

from __future__ import annotations

import asyncio
import gc
import json
from pathlib import Path

import pytest

from bench import (
    concurrency,
    frameworks,
    growth,
    growth_figures,
    parallel_plans,
    replay,
    startup,
    step_overhead,
)
from bench.__main__ import END, START, main, summary, update_readme
from bench.profiling import step_profile
from bench.report import Report, Table, Target, write_report


def assert_well_formed(report: Report, *, rows: int) -> None:
    assert report.status == "ok"
    assert report.tables, "a report without a table"
    assert len(report.tables[0].rows) == rows
    for table in report.tables:
        keys = {column.key for column in table.columns}
        for row in table.rows:
            assert keys <= set(row), f"{table.title}: missing {keys - set(row)}"
        assert table.markdown().count("\n") == len(table.rows) + 1
    assert report.headlines
    json.dumps(report.data(), default=str)  # serialisable


async def test_step_overhead_at_two_steps() -> None:
    report = await step_overhead.measure(steps=2, sizes=(), repeats=1, profile=False, warm_up=False)
    assert_well_formed(report, rows=len(frameworks.VARIANTS))
    for row in report.tables[0].rows:
        assert row["run_1_ms"] > 0
        assert row["run_k_ms"] > 0
    assert len(report.targets) == 4
    assert all(isinstance(target.met, bool) for target in report.targets)
    assert report.chart is not None
    assert len(report.chart.series) == len(frameworks.VARIANTS)


async def test_growth_at_its_smallest_size() -> None:
    without = await frameworks.plangate_without_checkpointer()
    timed = (
        9 + (3 if without is None else 0) + (1 if frameworks.pydantic_ai_missing() is None else 0)
    )
    report = await growth.measure(lengths=(2, 3), repeats=1, profile=False, warm_up=False)
    assert_well_formed(report, rows=timed)
    cpu, wall, medians, fixed_cost, saved = report.tables
    for table in (cpu, wall, medians):
        assert {"n2", "n3", "growth"} <= set(table.rows[0])
    assert all(row["cpu_ms"] > 0 for row in fixed_cost.rows)
    assert (
        len(saved.rows) == len(growth_figures.STATEFUL) + 3
    )  # SQLite state rows, then three traces
    assert all(row["total_kb"] > 0 for row in saved.rows)
    assert all(row["n3"] > 0 for row in saved.rows)
    assert len(report.targets) == 5 + 2 + 6 + 3 + 3 + 3
    fastest = report.targets[-3:]
    assert all(target.met is None for target in fastest) is (without is not None)
    assert report.chart is not None
    assert len(report.chart.series) == timed
    assert [chart.slug for chart in report.more_charts] == ["bytes"]
    assert len(report.more_charts[0].series) == len(growth_figures.STATEFUL) + 3


def test_growth_takes_a_step_as_the_cost_over_a_one_step_run() -> None:
    assert growth_figures.per_step({1: 10.0, 5: 18.0, 11: 30.0}, [5, 11]) == {5: 2.0, 11: 2.0}
    assert growth_figures.ratio(3.0, 2.0) == 1.5
    assert growth_figures.ratio(3.0, 0.0) is None
    assert growth_figures.ratio(None, 2.0) is None


def synthetic_figures(react_growth: float) -> growth_figures.Figures:
    """Figures from made-up medians: every set-up costs 1 ms a step, react grows as told."""
    variants = [*growth_figures.PLANGATE, *growth_figures.PEERS]
    lengths = [10, 200]

    def totals(key: str) -> dict[int, float]:
        late = react_growth if key == frameworks.REACT_UNTRACED.key else 1.0
        return {1: 0.01, 10: 0.01 + 9 * 0.001, 200: 0.01 + 199 * 0.001 * late}

    cpu = {v.key: totals(v.key) for v in variants}
    traces = {v.key: {1: 500, 10: 5_000, 200: 100_000} for v in (frameworks.PLAN, frameworks.REACT)}
    saved = {
        v.key: {n: growth_figures.Saved(1_000 * n, 100 * n, 0.01 * n) for n in (1, *lengths)}
        for v, _ in growth_figures.STATEFUL
    }
    return growth_figures.Figures(variants, lengths, cpu, cpu, traces, saved)


def test_growth_targets_read_the_medians() -> None:
    figures = synthetic_figures(react_growth=2.0)
    report = figures.report(repeats=3, short_repeats=9, short=25)
    verdicts = {target.goal: target.met for target in report.targets}
    react = frameworks.REACT_UNTRACED.label
    assert verdicts[f"{react}: CPU per step at 200 ≤ 1.3× at 10"] is False
    assert verdicts[f"{frameworks.PLAN_UNTRACED.label}: CPU per step at 200 ≤ 1.3× at 10"] is True
    assert figures.grew == {frameworks.REACT_UNTRACED.key: pytest.approx(2.0)}
    assert frameworks.REACT_UNTRACED.key in figures.missed
    assert verdicts[f"{react}: CPU per step at 200 ≤ 1× {frameworks.AGENT_SAVER.label}"] is False
    plan = frameworks.PLAN_UNTRACED.label
    assert verdicts[f"{plan}: CPU per step at 200 ≤ 0.5× {frameworks.AGENT_SAVER.label}"] is False
    assert all(verdicts[goal] is True for goal in verdicts if goal.startswith("SQLite state"))
    assert all(verdicts[goal] is True for goal in verdicts if goal.startswith("JSONL trace"))
    assert [target.met for target in report.targets[-3:]] == [None, None, None]  # not timed
    assert report.more_charts[0].series  # state and trace bytes


async def test_the_growth_profile_names_the_worst_grower() -> None:
    figures = synthetic_figures(react_growth=2.0)
    figures.report(repeats=1, short_repeats=1, short=25)
    figures.first, figures.last = 2, 3  # profile tiny runs
    title, body = await growth.growth_profile(figures)
    assert frameworks.REACT_UNTRACED.label in title
    assert "grew 2.00×" in body
    assert "| **total** |" in body


async def test_the_fixed_cost_profile_shows_whole_one_step_runs() -> None:
    figures = synthetic_figures(react_growth=1.0)
    figures.fixed_missed = {frameworks.PLAN_UNTRACED.key}
    title, body = await growth.fixed_profile(figures, repeats=1)
    assert "one-step run" in title
    assert f"{frameworks.PLAN_UNTRACED.label} (µs/step)" in body
    assert f"{frameworks.AGENT_SAVER.label} (µs/step)" in body


async def test_the_step_profile_attributes_time_to_categories() -> None:
    profile = await step_profile(frameworks.REACT_UNTRACED.prepare, 2, repeats=1)
    assert profile.by_category
    assert any(name.startswith("plangate graphs/") for name in profile.by_category)
    assert profile.supersteps is None or profile.supersteps > 0


async def test_parallel_plans_counts_the_model_calls_of_each_mode() -> None:
    report = await parallel_plans.measure(
        reads=(1, 2), tool_latency=0.0, model_latency=0.0, repeats=1, target_reads=2
    )
    assert_well_formed(report, rows=2)
    two = report.tables[0].rows[1]
    assert (two["plan_calls"], two["react_seq_calls"], two["react_par_calls"]) == (2, 3, 2)
    assert two["plan_tokens"] > 0
    assert [target.met for target in report.targets][2] is True  # the model-call target


def test_concurrency_runs_without_errors_in_process() -> None:
    report = concurrency.measure(
        levels=(1, 3), ablation_levels=(), sustained=None, repeats=1, sandbox_latency_ms=0.0,
        isolate=False,
    )  # fmt: skip
    assert_well_formed(report, rows=4)  # each level with Python's GC settings and the policy
    rows = report.tables[0].rows
    assert [(row["level"], row["gc"]) for row in rows] == [
        (1, "python"), (1, "plangate"), (3, "python"), (3, "plangate"),
    ]  # fmt: skip
    assert [row["errors"] for row in rows] == [0, 0, 0, 0]
    assert report.targets[0].met is None  # 500 runs were not attempted


def test_the_concurrency_worker_prints_one_json_line(capsys: pytest.CaptureFixture[str]) -> None:
    concurrency.main(["--level", "2", "--sandbox-latency-ms", "0"])
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert data["level"] == 2
    assert data["errors"] == 0
    assert data["p99_ms"] >= data["p50_ms"] > 0


def test_startup_times_the_commands_and_reads_importtime() -> None:
    report = startup.measure(runs=1, top=3, warm_up=False, api=False)
    assert_well_formed(report, rows=2)
    assert all(row["median_ms"] > 0 for row in report.tables[0].rows)
    assert report.tables[1].rows, "no import time was parsed"
    assert isinstance(report.targets[0].met, bool)


def test_importtime_parsing_finds_direct_children() -> None:
    text = "\n".join(
        [
            "import time: self [us] | cumulative | imported package",
            "import time:        10 |         10 |     rich.style",
            "import time:        20 |         30 |   rich",
            "import time:         5 |          5 |   plangate.demos",
            "import time:       100 |        135 | plangate.demos.cli.commands",
        ]
    )
    entries = startup.parse_importtime(text)
    assert [(e.name, e.depth) for e in entries] == [
        ("rich.style", 2), ("rich", 1), ("plangate.demos", 1), ("plangate.demos.cli.commands", 0),
    ]  # fmt: skip
    assert [e.name for e in startup.children(entries, "plangate.demos.cli.commands")] == ["rich"]
    assert startup.by_package(entries) == pytest.approx({"plangate.demos": 0.105, "rich": 0.03})


async def test_replay_against_the_run() -> None:
    if not replay.is_available():
        pytest.skip("plangate.graphs.traces.replay is not there yet")
    report = await replay.measure(
        settings=(("tiny latency", 0.001, 0.001),), run_repeats=1, replay_repeats=1
    )
    assert_well_formed(report, rows=1)
    assert report.tables[0].rows[0]["replay_ms"] > 0
    assert len(report.targets) == 1


async def test_replay_is_skipped_without_graphs_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay, "is_available", lambda: False)
    report = await replay.measure()
    assert report.status == "skipped"
    assert "graphs/traces/replay.py" in report.notes[0]


def stub_report(name: str) -> Report:
    return Report(
        name=name,
        title=f"{name} stub",
        summary="A stub.",
        tables=[Table("t", [], [])],
        targets=[Target("goal", "measured", True)],
        headlines=[("figure", "42")],
    )


def test_results_are_written_summarised_and_put_in_the_readme(tmp_path: Path) -> None:
    paths = write_report(stub_report("startup"), tmp_path)
    assert {p.name for p in paths} == {"startup.json", "startup.md"}
    assert json.loads((tmp_path / "startup.json").read_text())["headlines"][0]["value"] == "42"
    block = summary(tmp_path, links="results/")
    assert "[startup](results/startup.md) | figure | 42" in block
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{START}\nold\n{END}\nend\n", encoding="utf-8")
    assert update_readme(block, readme)
    text = readme.read_text(encoding="utf-8")
    assert "old" not in text
    assert block in text
    assert text.startswith("intro")
    assert text.endswith("end\n")


def test_the_runner_writes_every_chosen_benchmark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bench.__main__.run_benchmark", lambda name, quick: stub_report(name))
    assert main(["--only", "startup", "--only", "replay", "--quick", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.json")) == ["replay.json", "startup.json"]
    assert "replay" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_measuring_a_gc_policy_in_process_leaves_the_collector_as_it_was() -> None:
    before = (gc.get_threshold(), gc.get_freeze_count())
    asyncio.run(concurrency.measure_level(2, gc_policy="plangate", sandbox_latency_ms=0.0))
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
