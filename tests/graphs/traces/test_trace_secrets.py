"""A trace never holds a credential, nor PII unless the run opts out; replay still matches."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import httpx
import respx
from pydantic import SecretStr

from plangate.agents import Agent
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.offline.grammar import Grammar, Intent
from plangate.graphs.offline.scripted import ScriptedChatModel
from plangate.graphs.traces.replay import RunParts, replay
from plangate.tools import Toolset, tool
from plangate.tools.base import ToolContext
from plangate.tools.clock import FakeClock
from plangate.tools.http import HttpBackend
from tests.traces.agents import CARD, SPEC, live, planning_script, replica

API_KEY = "sk-live-0123456789abcdefXYZ"
TOKEN = "till-token-5f3a9c"


class KeyedModel(ScriptedChatModel):
    """A scripted model holding credentials the way provider models do."""

    api_key: SecretStr = SecretStr(API_KEY)
    organization_key: str = API_KEY

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "api_key": API_KEY, "base": f"key={API_KEY}"}


async def test_a_models_api_key_never_reaches_the_trace(tmp_path: Path) -> None:
    model = KeyedModel(planning_script(), model_name="keyed")
    path = tmp_path / "keyed.jsonl"
    agent = live(model)
    with agent.record(path):
        assert (await agent.run("prices of tea and cake", thread_id="k")).status == "done"
    text = path.read_text(encoding="utf-8")
    assert API_KEY not in text
    assert '"api_key": "[secret]"' in text
    assert (await replay(path, replica)).ok


class RemoteTill(HttpBackend):
    """The till's prices over HTTP, with a bearer token."""

    async def price(self, item: str) -> dict[str, Any]:
        response = await self.request("GET", f"/prices/{item}")
        data: dict[str, Any] = response.json()
        return data


@tool(effect="read")
async def get_price(item: str, ctx: ToolContext[RemoteTill]) -> int:
    """Price of one item, in euros."""
    data = await ctx.deps.price(item)
    return int(data["price"])


@tool(effect="read")
async def debug_headers(item: str, ctx: ToolContext[RemoteTill]) -> dict[str, Any]:
    """What the till saw of our request (a careless tool that echoes credentials)."""
    return await ctx.deps.price(item)


def _debug(match: re.Match[str], ctx: Any) -> Plan:
    return Plan(steps=[Step(id="d", tool="debug_headers", args={"item": match["item"]})])


REMOTE = dataclasses.replace(
    SPEC,
    name="remote",
    tools=("get_price", "debug_headers"),
    grammar=Grammar(
        [
            Intent(
                "debug",
                "Debug a request",
                ("headers for tea",),
                (r"headers for (?P<item>\w+)",),
                _debug,
            )
        ]
    ),
)


@respx.mock(base_url="https://till.example")
async def test_a_backends_token_never_reaches_the_trace(
    respx_mock: respx.MockRouter, tmp_path: Path
) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        seen = request.headers["Authorization"]
        return httpx.Response(200, json={"price": 4, "auth": seen, "note": f"token {TOKEN} ok"})

    respx_mock.get(path__startswith="/prices/").mock(side_effect=echo)
    tools = (get_price, debug_headers)
    path = tmp_path / "remote.jsonl"
    async with RemoteTill("https://till.example", service="till", token=TOKEN) as till:
        agent = Agent(REMOTE, Toolset(tools, deps=till), clock=FakeClock())
        with agent.record(path):
            result = await agent.run("headers for tea", thread_id="r")
    assert result.steps["d"]["result"]["auth"] == f"Bearer {TOKEN}"  # the tool really saw it
    text = path.read_text(encoding="utf-8")
    assert TOKEN not in text
    assert '"auth": "[secret]"' in text
    assert "token [secret] ok" in text

    def remote_replica(parts: RunParts) -> Agent:
        toolset = Toolset(tools, deps=parts.deps)
        return Agent(REMOTE, toolset, clock=parts.clock, executor=parts.executor)

    assert (await replay(path, remote_replica)).ok


async def test_a_card_number_is_redacted_and_the_run_still_replays(tmp_path: Path) -> None:
    path = tmp_path / "card.jsonl"
    agent = live()
    with agent.record(path):
        result = await agent.run("card of ana", thread_id="c")
    assert CARD in result.steps["card"]["result"]  # the live run saw the card
    text = path.read_text(encoding="utf-8")
    assert CARD not in text
    assert CARD.replace(" ", "") not in text
    assert "0000 0000 0012 1111" in text  # a Luhn-valid stand-in that keeps the last four
    assert (await replay(path, replica)).ok


async def test_a_run_may_opt_out_of_pii_redaction(tmp_path: Path) -> None:
    path = tmp_path / "card.jsonl"
    agent = live()
    with agent.record(path, redact_pii=False):
        await agent.run("card of ana", thread_id="c")
    assert CARD in path.read_text(encoding="utf-8")
    report = await replay(path, replica)
    assert report.ok
    assert CARD in report.results[0].steps["card"]["result"]
