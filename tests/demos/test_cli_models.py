"""`plangate run --model` against the loopback fake provider: one clear line per failure kind,
the right exit code, and `plangate resume THREAD` when the run can go on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plangate.demos.cli.commands import app
from plangate.graphs.engine.model_gate import ModelRetry
from tests.fakes.providers import (
    EmptyBody,
    FakeProvider,
    HttpError,
    Refusal,
    Reply,
    ToolCall,
    ToolCalls,
    Truncated,
)
from tests.graphs.engine.test_model_gate import Sleeps

REQUEST = "find a table for 2 in Lisbon"
PLAN = ToolCalls([ToolCall("Plan", {"steps": [{
    "id": "find", "tool": "search_restaurants",
    "args": {"city": "Lisbon", "party_size": 2, "date": "2026-03-11", "limit": 3},
}], "rationale": "Search Lisbon for a table for two."})])  # fmt: skip
ANSWER = ToolCalls([ToolCall("TableAnswer", {"summary": "3 venues found", "venues": []})])
MODELS = {"openai": "openai:gpt-4o", "anthropic": "anthropic:claude-sonnet-4-5"}


@pytest.fixture
def provider(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProvider]:
    """The fake provider, with both SDKs pointed at it and model retries that never sleep."""
    with FakeProvider() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", f"{fake.url}/v1")
        monkeypatch.delenv("OPENAI_API_BASE", raising=False)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        monkeypatch.delenv("ANTHROPIC_API_URL", raising=False)
        monkeypatch.setattr("plangate.agents.agent.DEFAULT_MODEL_RETRY", ModelRetry(sleep=Sleeps()))
        yield fake


def run(provider: FakeProvider, client: str, *replies: Reply) -> tuple[int, list[str], str]:
    provider.script(*replies)
    result = CliRunner().invoke(
        app, ["run", "tables", REQUEST, "--model", MODELS[client], "--thread", "t1"]
    )
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    return result.exit_code, lines, result.output


@pytest.mark.parametrize("client", sorted(MODELS))
def test_a_provider_that_keeps_failing_exits_5_with_the_command_that_resumes(
    provider: FakeProvider, client: str
) -> None:
    code, lines, _ = run(provider, client, *[HttpError(429, retry_after=0)] * 3)
    assert code == 5
    (line,) = [line for line in lines if line.startswith("interrupted: ")]
    assert f"{client} rate limited (HTTP 429) after 3 attempts" in line
    assert "nothing is lost; to continue: plangate resume t1" in lines
    provider.script(PLAN, ANSWER)
    resumed = CliRunner().invoke(app, ["resume", "t1"])
    assert resumed.exit_code == 0, resumed.output
    assert "3 venues found" in resumed.output
    assert len(provider.requests) == 5


@pytest.mark.parametrize(
    ("replies", "code", "starts", "says"),
    [
        ([HttpError(401)], 5, "interrupted: ", "refused the credentials (HTTP 401)"),
        ([EmptyBody()] * 3, 5, "interrupted: ", "sent an empty answer after 3 attempts"),
        ([HttpError(400, message="messages: too long")], 1, "failed (ModelError): ",
         "rejected the request (HTTP 400): messages: too long"),
        ([Refusal("I can't help with that.")], 2, "refused: ",
         "refused to answer: I can't help with that."),
        ([Truncated(text="The plan is")] * 4, 1, "failed (ModelOutputTruncatedError): ",
         "cut the answer off at the output-token limit"),
    ],
    ids=["auth", "empty", "bad-request", "refusal", "truncated"],
)  # fmt: skip
@pytest.mark.parametrize("client", sorted(MODELS))
def test_each_failure_kind_is_one_line_with_its_exit_code(
    provider: FakeProvider, client: str, replies: list[Reply], code: int, starts: str, says: str
) -> None:
    exit_code, lines, _ = run(provider, client, *replies)
    assert exit_code == code, lines
    (line,) = [line for line in lines if line.startswith(starts)]
    assert says in line
    assert client in line
