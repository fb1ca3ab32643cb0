"""Smoke test of the injection_scan benchmark at a small size: it runs and finds every plant."""

from __future__ import annotations

from bench import injection_scan
from tests.bench.test_bench_smoke import assert_well_formed


def test_injection_scan_runs_at_a_small_size_and_finds_every_planted_injection() -> None:
    report = injection_scan.measure(size=20_000, repeats=1)
    assert_well_formed(report, rows=len(injection_scan.fields(20_000)))
    rows = report.tables[0].rows
    assert all(row["planted_found"] for row in rows)
    assert not any(row["flagged"] for row in rows)  # none of the fields is an injection
    assert all(target.met for target in report.targets)
