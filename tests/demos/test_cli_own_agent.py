"""A user's own agent on the command line: a scratch project drives every command.

The project (written into ``tmp_path``) holds one module with its own tools, its own backend
and its own spec, offered as an ``Agent``, an ``(AgentSpec, toolset factory)`` pair and an agent
factory. Each command runs as a user runs it: ``plangate`` in a child process whose current
folder is the project, so ``teahouse.agent:AGENT`` is imported from there.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import httpx
import pytest
from PIL import Image

from plangate.demos.serve.catalog import load_agent
from plangate.tools.errors import UsageError
from tests.demos.serve.cluster_processes import PLANGATE, environment, free_port, stop, wait_healthy

AGENT_MODULE = '''
"""The tea house: stock lookups and reservations on its own shelf."""

import re
from typing import Any

from pydantic import BaseModel, Field

from plangate.agents import Agent, AgentSpec
from plangate.graphs.engine.plan import Plan, Step
from plangate.graphs.guards.guardrails import Stage
from plangate.graphs.guards.policy import ApproveWrites, MaxLength
from plangate.graphs.offline.grammar import Grammar, Intent
from plangate.tools import Toolset, tool
from plangate.tools.base import ToolContext


class Shelf:
    def __init__(self) -> None:
        self.stock = {"sencha": 12, "oolong": 3}
        self.held: dict[str, int] = {}


class HoldArgs(BaseModel):
    tea: str = Field(description="Which tea, e.g. 'sencha'.")
    grams: int = Field(ge=1, le=500)


class Hold(BaseModel):
    id: str
    tea: str
    grams: int


@tool(effect="read")
async def find_tea(tea: str, ctx: ToolContext[Shelf]) -> int:
    """Grams of a tea on the shelf."""
    return ctx.deps.stock.get(tea, 0)


@tool(effect="write")
async def hold_tea(args: HoldArgs, ctx: ToolContext[Shelf]) -> Hold:
    """Put grams of a tea aside for the customer."""
    ctx.deps.held[args.tea] = ctx.deps.held.get(args.tea, 0) + args.grams
    return Hold(id=f"H-{args.tea}-{args.grams}", tea=args.tea, grams=args.grams)


class Answer(BaseModel):
    summary: str


def stock(match: re.Match[str], context: Any) -> Plan:
    return Plan(steps=[Step(id="find", tool="find_tea", args={"tea": match["tea"]})])


def hold(match: re.Match[str], context: Any) -> Plan:
    args = {"tea": match["tea"], "grams": int(match["grams"])}
    return Plan(steps=[
        Step(id="find", tool="find_tea", args={"tea": match["tea"]}),
        Step(id="hold", tool="hold_tea", args=args, depends_on=["find"]),
    ])


def answer(request: str, steps: Any) -> Answer:
    parts = [f"{sid}={record['status']}:{record.get('result')}" for sid, record in sorted(steps.items())]
    return Answer(summary="; ".join(parts))


SPEC = AgentSpec(
    name="teahouse",
    description="Looks up and holds teas",
    instructions="Answer about the tea shelf.",
    tools=("find_tea", "hold_tea"),
    response_model=Answer,
    policy=lambda toolset: (MaxLength(80, stages=(Stage.INPUT,)), ApproveWrites()),
    grammar=Grammar([
        Intent("stock", "Stock of a tea", ("stock of sencha",), (r"stock of (?P<tea>[a-z]+)",), stock),
        Intent("hold", "Hold a tea", ("hold 50 g of sencha",),
               (r"hold (?P<grams>\\d+) g of (?P<tea>[a-z]+)",), hold),
    ]),
    offline_answer=answer,
)


def toolset() -> Toolset:
    return Toolset([find_tea, hold_tea], deps=Shelf())


AGENT = Agent(SPEC, toolset())
PAIR = (SPEC, toolset)


def build() -> Agent:
    return Agent(SPEC, toolset())
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch project with its own agent, and nothing of plangate's tests on its path."""
    package = tmp_path / "teahouse"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "agent.py").write_text(textwrap.dedent(AGENT_MODULE), encoding="utf-8")
    return tmp_path


def plangate(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``plangate ARGS`` run in ``project``, as its user runs it."""
    env = {**environment(), "PLANGATE_HOME": str(project / ".plangate")}
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [sys.executable, "-c", PLANGATE, *args], cwd=project, env=env, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip


def test_run_then_replay_finds_the_agent_from_the_trace(project: Path) -> None:
    trace = project / "hold.jsonl"
    done = plangate(
        project, "run", "teahouse.agent:AGENT", "hold 50 g of sencha", "--yes", "--json",
        "--trace", str(trace),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "summary": "find=done:12; hold=done:{'id': 'H-sencha-50', 'tea': 'sencha', 'grams': 50}"
    }
    header = json.loads(trace.read_text(encoding="utf-8").splitlines()[0])
    assert (header["agent"], header["reference"]) == ("teahouse", "teahouse.agent:AGENT")
    replayed = plangate(project, "replay", str(trace))  # no --agent: the header says where
    assert replayed.returncode == 0, replayed.stderr
    # the run and its approved resume
    assert "replay matches (2 run(s), 0 model call(s), 2 tool call(s))" in replayed.stdout
    edited = project / "edited.jsonl"
    edited.write_text(trace.read_text(encoding="utf-8").replace('"grams": 50', '"grams": 60'))
    diverged = plangate(project, "replay", str(edited))
    assert diverged.returncode == 1
    assert "60" in diverged.stderr


def test_a_paused_run_of_a_factory_resumes_with_the_same_agent(project: Path) -> None:
    paused = plangate(
        project, "run", "teahouse.agent:build", "hold 5 g of oolong", "--thread", "t1"
    )
    assert paused.returncode == 4, paused.stderr  # waiting for approval
    pending = json.loads((project / ".plangate" / "threads.json").read_text())["t1"]
    assert pending["reference"] == "teahouse.agent:build"
    resumed = plangate(project, "resume", "t1", "--approve", "hold", "--json")
    assert resumed.returncode == 0, resumed.stderr + resumed.stdout
    assert "H-oolong-5" in resumed.stdout


def test_graph_draws_the_agents_own_tools_and_guardrails(project: Path) -> None:
    svg, png = project / "graph.svg", project / "graph.png"
    drawn = plangate(project, "graph", "teahouse.agent:PAIR", "--svg", str(svg), "--png", str(png))
    assert drawn.returncode == 0, drawn.stderr
    with Image.open(png) as image:
        assert image.format == "PNG"
        assert image.width >= 400, image.size
        assert image.height >= 400, image.size
    text = drawn.stdout
    assert text.startswith("---\ntitle: teahouse (plan strategy)\n---\nflowchart TD\n")
    assert 'tool__find_tea["<b>find_tea</b><br/>read"]:::read' in text
    assert 'tool__hold_tea["<b>hold_tea</b><br/>write"]:::write' in text
    assert "input: max_length" in text
    assert "tool_call: approve_writes" in text
    assert "call_tool -.-> tool__hold_tea" in text
    root = ElementTree.parse(svg).getroot()
    labels = {node.text for node in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"find_tea", "hold_tea", "read", "write", "teahouse (plan strategy)"} <= labels
    react = plangate(project, "graph", "teahouse.agent:build", "--strategy", "react")
    assert react.returncode == 0, react.stderr
    assert "title: teahouse (react strategy)" in react.stdout
    assert "    react[" in react.stdout
    assert "    plan[" not in react.stdout


def test_serve_runs_the_agent_with_its_own_tools(project: Path) -> None:
    port = free_port()
    log = project / "serve.log"

    async def scenario() -> None:
        with log.open("wb") as out:
            server = await asyncio.create_subprocess_exec(
                sys.executable, "-c", PLANGATE, "serve", "teahouse.agent:AGENT", "--port",
                str(port), "--store", f"sqlite:{project / 'state'}", cwd=project,
                env=environment(), stdout=out, stderr=out,
            )  # fmt: skip
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                await wait_healthy(http, server, log)
            url = f"http://127.0.0.1:{port}"
            done = await asyncio.to_thread(
                plangate, project, "run", "teahouse", "stock of oolong", "--server", url, "--json"
            )
            assert done.returncode == 0, done.stderr + log.read_text()
            assert json.loads(done.stdout) == {"summary": "find=done:3"}
        finally:
            await stop(server)

    asyncio.run(scenario())


def test_a_bad_reference_says_what_it_names(project: Path) -> None:
    (project / "teahouse" / "broken.py").write_text(
        "from teahouse.agent import SPEC\n"
        "PAIR = (SPEC, 42)\n"
        "def failing():\n    raise RuntimeError('no shelf today')\n"
        "MISSING = (SPEC.__class__(name='x', description='', instructions='', tools=('nope',),"
        " response_model=SPEC.response_model), lambda: __import__('teahouse.agent').agent.toolset())\n",
        encoding="utf-8",
    )
    for reference, message in [
        ("teahouse.broken:PAIR", "the toolset paired with the spec is a int, not a Toolset"),
        ("teahouse.broken:failing", "the factory failed: no shelf today"),
        ("teahouse.broken:MISSING", "uses tools it does not bring and no domain has: nope"),
        ("teahouse.broken:nothing", "teahouse.broken has no 'nothing'"),
    ]:
        done = plangate(project, "graph", reference)
        assert done.returncode == 2, (reference, done.stderr)
        assert message in " ".join(done.stderr.split()), (reference, done.stderr)
        assert "Traceback" not in done.stderr


def test_load_agent_keeps_an_agents_own_tools(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    monkeypatch.syspath_prepend(str(project))
    for name in [m for m in sys.modules if m.startswith("teahouse")]:
        monkeypatch.delitem(sys.modules, name)
    loaded = load_agent("teahouse.agent:PAIR")
    assert loaded.reference == "teahouse.agent:PAIR"
    assert loaded.tools is not None
    assert loaded.tools.names == ["find_tea", "hold_tea"]
    with pytest.raises(UsageError, match=r"must look like package\.module:attribute"):
        load_agent("teahouse.agent:")
    for name in [m for m in sys.modules if m.startswith("teahouse")]:
        monkeypatch.delitem(sys.modules, name)
