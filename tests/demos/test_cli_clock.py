"""The CLI's time: real by default, pinned by ``--now`` / ``$PLANGATE_NOW``, kept for ``resume``."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from plangate.demos.cli.clocks import clock_at, describe_moment, parse_now
from plangate.demos.cli.commands import app
from plangate.demos.cli.session import Session
from plangate.demos.scenarios import reservation, trading
from plangate.tools.clock import PinnedClock, SystemClock
from plangate.tools.errors import UsageError

FIND = "find a table for 2 in Lisbon"
BOOK = "book a table for 2 in Lisbon"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def searched_dates(trace: Path) -> list[str]:
    """The dates the run's restaurant searches asked for, as recorded at the tool boundary."""
    records = [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines()]
    return [
        r["args"]["date"]
        for r in records
        if r["type"] == "tool_call" and r["tool"] == "search_restaurants"
    ]


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-03-09T09:00:00Z", datetime(2026, 3, 9, 9, 0, tzinfo=UTC)),
        ("2026-03-09 09:00", datetime(2026, 3, 9, 9, 0, tzinfo=UTC)),  # no zone: UTC
        ("2026-03-09T10:00+01:00", datetime(2026, 3, 9, 9, 0, tzinfo=UTC)),
        (" 2026-03-09 ", datetime(2026, 3, 9, 0, 0, tzinfo=UTC)),
    ],
)
def test_now_takes_iso_moments_and_a_missing_zone_is_utc(text: str, moment: datetime) -> None:
    assert parse_now(text) == moment


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31T23:00Z", "1970-01-01T00:00Z"])
def test_a_now_the_sandbox_cannot_run_at_is_refused_with_the_range(text: str) -> None:
    with pytest.raises(UsageError, match="outside the years the sandbox can run in"):
        parse_now(text)


@pytest.mark.parametrize("text", ["tomorrow", "", "2026-13-01T00:00", "9/3/2026 09:00"])
def test_a_bad_now_names_the_value_and_the_form(text: str) -> None:
    with pytest.raises(UsageError, match="is not an ISO 8601 date-time") as raised:
        parse_now(text)
    assert repr(text) in str(raised.value)
    assert "2026-03-09T09:00Z" in str(raised.value)


def test_the_clock_is_real_unless_pinned() -> None:
    assert isinstance(clock_at(None), SystemClock)
    pinned = clock_at(datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
    assert isinstance(pinned, PinnedClock)
    assert describe_moment(pinned.now()).startswith("Monday 9 March 2026, 09:00")


def test_a_pinned_clock_moves_on_at_the_real_pace(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = iter([100.0, 100.0, 102.5, 200.0, 200.0])
    monkeypatch.setattr("plangate.tools.clock.time.monotonic", lambda: next(ticks))
    start = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    clock = PinnedClock(start)  # pinned at monotonic 100
    assert clock.now() == start
    assert clock.now() == start + timedelta(seconds=2.5)
    later = datetime(2027, 6, 16, 14, 0, tzinfo=UTC)
    clock.pin(later)  # pinned again at 200
    assert clock.now() == later


def test_a_pinned_clock_needs_a_timezone() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        PinnedClock(datetime(2026, 3, 9, 9, 0))


def test_a_pinned_clock_really_sleeps_no_less_than_zero() -> None:
    clock = PinnedClock(datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
    before = clock.monotonic()
    asyncio.run(clock.sleep(-5))  # a negative wait returns at once rather than failing
    assert clock.monotonic() >= before


def test_now_sets_the_time_the_run_and_its_sandbox_see(home: Path, tmp_path: Path) -> None:
    trace = tmp_path / "run.jsonl"
    result = invoke("run", "tables", FIND, "--now", "2027-01-04T12:00Z", "--trace", str(trace))
    assert result.exit_code == 0, result.output
    assert "sandbox time: Monday 4 January 2027, 12:00 UTC" in result.output
    assert searched_dates(trace) == ["2027-01-06"]  # two days after the pinned today


def test_the_environment_variable_sets_it_too_and_the_option_wins(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANGATE_NOW", "2027-02-01T12:00Z")
    env_trace, option_trace = tmp_path / "env.jsonl", tmp_path / "option.jsonl"
    from_env = invoke("run", "tables", FIND, "--thread", "env", "--trace", str(env_trace))
    assert from_env.exit_code == 0, from_env.output
    assert searched_dates(env_trace) == ["2027-02-03"]
    given = invoke(
        "run", "tables", FIND, "--thread", "opt", "--now", "2027-03-01T12:00Z",
        "--trace", str(option_trace),
    )  # fmt: skip
    assert given.exit_code == 0, given.output
    assert searched_dates(option_trace) == ["2027-03-03"]


def test_a_bad_now_exits_2_with_one_line_and_runs_nothing(home: Path) -> None:
    result = invoke("run", "tables", FIND, "--now", "next tuesday")
    assert result.exit_code == 2
    assert "'next tuesday' is not an ISO 8601 date-time" in result.output
    assert "Traceback" not in result.output
    assert not (home / "threads.json").exists()


def test_resume_continues_at_the_moment_the_run_was_pinned_to(home: Path) -> None:
    first = invoke("run", "tables", BOOK, "--thread", "p1", "--now", "2027-01-04T12:00Z")
    assert first.exit_code == 4, first.output
    assert Session(home).thread("p1").now == datetime(2027, 1, 4, 12, 0, tzinfo=UTC)
    second = invoke("resume", "p1", "--approve", "book")  # $PLANGATE_NOW says otherwise
    assert second.exit_code == 0, second.output
    assert "sandbox time: Monday 4 January 2027, 12:00 UTC" in second.output
    assert "Monday 9 March 2026" not in second.output


def test_the_option_overrides_the_moment_a_resumed_run_was_pinned_to(home: Path) -> None:
    first = invoke("run", "tables", BOOK, "--thread", "p2", "--now", "2027-01-04T12:00Z")
    assert first.exit_code == 4, first.output
    # The next morning: the wait for the person is not run time, so the budget still holds.
    second = invoke("resume", "p2", "--approve", "book", "--now", "2027-01-05T08:30Z")
    assert second.exit_code == 0, second.output
    assert "sandbox time: Tuesday 5 January 2027, 08:30 UTC" in second.output


@pytest.mark.parametrize("module", [reservation, trading], ids=["reservation", "trading"])
def test_every_demo_scenario_pins_its_own_moment(module: object) -> None:
    scenarios = module.SCENARIOS  # type: ignore[attr-defined]
    assert scenarios
    assert all(s.now.tzinfo is not None for s in scenarios)


def test_the_demo_says_what_time_each_scenario_runs_at(home: Path) -> None:
    result = invoke("demo", "trading", "--scenario", "over_the_limit", "--yes")
    assert result.exit_code == 0, result.output
    assert "sandbox time: Monday 2 March 2026, 15:00 UTC" in result.output
    assert "blocked by max_order_notional" in result.output
