import pytest
from agent import Answer, build_agent

from plangate import replay_sync

pytestmark = pytest.mark.plangate_trace("traces/hold.jsonl")  # pytest --record-traces writes it


def test_holding_tea_replays(plangate_trace):
    report = plangate_trace.check(build_agent(), "hold 100 g of sencha", {"hold": "approve"})
    assert report.results[-1].response == Answer(held="100 g of sencha held")


def test_an_edited_request_fails_loudly(plangate_trace, tmp_path):
    edited = tmp_path / "edited.jsonl"
    edited.write_text(plangate_trace.path.read_text().replace("hold 100 g", "hold 200 g"))
    report = replay_sync(edited, build_agent())
    assert '+        "grams": 200,' in report.diff  # loud: what changed, as a diff


def test_the_policy_refuses_a_big_hold():
    result = build_agent().run_sync("hold 600 g of sencha")
    assert result.blocked_calls == {"hold": "blocked by policy_rules: 500 g at most"}
