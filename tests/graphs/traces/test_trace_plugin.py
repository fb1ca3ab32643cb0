"""The pytest plugin in a user's own project: record with --record-traces, replay, fail loudly."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

# The plugin arrives through its ``pytest11`` entry point, as it does in a user's project.
PROJECT_INI = """
[pytest]
addopts = --strict-markers
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""

USER_TESTS = '''
import pytest
from pydantic import BaseModel

from plangate.agents import Agent, AgentSpec
from plangate.graphs.offline.grammar import Grammar, Intent
from plangate.graphs.engine.plan import Plan, Step
from plangate.tools import Toolset, tool

INSTRUCTIONS = "Be brief."
CALLS = []


@tool(effect="read")
def weather(city: str) -> str:
    """Today's weather in a city."""
    CALLS.append(city)
    return f"Sunny in {city}"


class Forecast(BaseModel):
    summary: str


ASK = Intent(
    name="weather", description="Weather in a city", examples=("weather in Porto",),
    patterns=(r"weather in (?P<city>\\w+)",),
    build=lambda m, ctx: Plan(steps=[Step(id="w", tool="weather", args={"city": m["city"]})]),
)
SPEC = AgentSpec(
    name="forecaster", description="Tells the weather", instructions=INSTRUCTIONS,
    tools=("weather",), response_model=Forecast, grammar=Grammar([ASK]),
    offline_answer=lambda request, steps: Forecast(summary=steps["w"]["result"]),
)


def build():
    return Agent(SPEC, Toolset([weather]))


@pytest.mark.plangate_trace("traces/forecaster/porto.jsonl")
def test_porto(plangate_trace):
    report = plangate_trace.check(build(), "weather in Porto")
    assert report.runs == 1


@pytest.mark.plangate_trace("traces/forecaster/porto.jsonl")
async def test_porto_async(plangate_trace):
    report = await plangate_trace.acheck(build())
    assert report.tool_calls == 1
'''


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".ini", pytest=PROJECT_INI)
    pytester.makepyfile(test_scratch_forecast=USER_TESTS)
    return pytester


def test_a_missing_trace_fails_with_how_to_record_it(project: pytest.Pytester) -> None:
    result = project.runpytest("-k", "test_porto and not async")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*porto.jsonl does not exist: record it with pytest --record-traces*"]
    )


def test_record_then_replay_then_a_loud_diff_after_an_edit(project: pytest.Pytester) -> None:
    recorded = project.runpytest("--record-traces", "-k", "test_porto and not async")
    recorded.assert_outcomes(passed=1)
    trace = project.path / "traces" / "forecaster" / "porto.jsonl"
    assert trace.exists()
    assert '"request": "weather in Porto"' in trace.read_text(encoding="utf-8")

    replayed = project.runpytest()
    replayed.assert_outcomes(passed=2)  # the async test replays the scenario of the trace

    rerecorded = project.runpytest("--record-traces", "-k", "async")  # scenario from the trace
    rerecorded.assert_outcomes(passed=1)

    source = project.path / "test_scratch_forecast.py"
    source.write_text(
        source.read_text(encoding="utf-8").replace('"Be brief."', '"Be verbose."'),
        encoding="utf-8",
    )
    failed = project.runpytest("-k", "test_porto and not async")
    failed.assert_outcomes(failed=1)
    failed.stdout.fnmatch_lines(
        [
            "*replay diverged*the agent's instructions changed since the trace was recorded*",
            '-"Be brief."',
            '+"Be verbose."',
        ]
    )


def test_a_factory_cannot_be_re_recorded(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_scratch_factory="""
import pytest

@pytest.mark.plangate_trace("traces/nothing.jsonl")
def test_factory(plangate_trace):
    plangate_trace.check(lambda parts: None, "hi")
"""
    )
    result = project.runpytest("--record-traces", "test_scratch_factory.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*--record-traces needs the live agent*got function*"])
