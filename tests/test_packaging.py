"""plangate installs as one namespace and lives beside a project's own ``tools``, ``graphs``, ``agents``.

A scratch project with its own ``tools.py``, ``graphs/`` and ``agents/`` uses them and plangate
in one program: once against a wheel built from this checkout and installed into a folder, once
against the development (editable) install. Its own ``tools.py`` also registers a plangate tool
through the ``plangate.tools`` entry-point group, as a third-party package would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("tools", "graphs", "agents", "demos")

OWN_TOOLS = '''"""The project's own tools module, which plangate must not shadow (nor be shadowed by)."""

from plangate import tool


def hammer() -> str:
    return "the project's own tools.py"


@tool(effect="read")
def shout(text: str) -> str:
    """Say it louder."""
    return text.upper()
'''

MAIN = '''import json

import agents
import graphs
import tools
from pydantic import BaseModel

import plangate
from plangate import Agent, AgentSpec, Grammar, Intent, Plan, Step, Toolset, tool
from plangate.client import Client
from plangate.tools.registry import discover_tools


@tool(effect="read")
def weather(city: str) -> str:
    """Today's weather in a city."""
    return f"Sunny in {city}"


class Forecast(BaseModel):
    summary: str


def plan(match, context):
    return Plan(steps=[Step(id="w", tool="weather", args={"city": match["city"]})])


spec = AgentSpec(
    name="forecaster", description="Tells the weather", instructions="Be brief.",
    tools=("weather",), response_model=Forecast,
    grammar=Grammar([Intent("weather", "Weather", ("weather in Rome",), (r"in (?P<city>\\w+)",), plan)]),
    offline_answer=lambda request, steps: Forecast(summary=steps["w"]["result"]),
)
result = Agent(spec, Toolset([weather])).run_sync("what's the weather in Porto?")

from plangate.tools.domains.backends import bind_tools, sandbox_backends
from plangate.tools.executor import ToolExecutor
import asyncio

bundled = ToolExecutor(bind_tools(sandbox_backends(seed=0)))
found = asyncio.run(bundled.call("search_documents", {"query": "travel policy hotel", "k": 1}))

print(json.dumps({
    "plangate": plangate.__file__,
    "plangate_tools": plangate.tools.__file__,
    "own": [tools.__file__, graphs.__file__, agents.__file__],
    "own_values": [tools.hammer(), graphs.CHARTS, agents.NAME],
    "answer": result.response.summary,
    "discovered": sorted(t.name for t in discover_tools()),
    "documents": len(found.result),
    "client": Client.__module__,
}))
'''

ENTRY_POINTS = "[plangate.tools]\nshout = tools:shout\n"


def scratch_project(where: Path) -> tuple[Path, Path]:
    """The project and a folder holding its distribution metadata (its entry point)."""
    project = where / "project"
    (project / "graphs").mkdir(parents=True)
    (project / "agents").mkdir()
    (project / "tools.py").write_text(OWN_TOOLS, encoding="utf-8")
    (project / "graphs" / "__init__.py").write_text('CHARTS = ["bar", "pie"]\n', encoding="utf-8")
    (project / "agents" / "__init__.py").write_text('NAME = "my agents"\n', encoding="utf-8")
    (project / "main.py").write_text(MAIN, encoding="utf-8")
    meta = where / "meta" / "scratch_project-0.1.dist-info"
    meta.mkdir(parents=True)
    (meta / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: scratch-project\nVersion: 0.1\n", encoding="utf-8"
    )
    (meta / "entry_points.txt").write_text(ENTRY_POINTS, encoding="utf-8")
    return project, meta.parent


def run_main(project: Path, path: list[Path]) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in path)}
    done = subprocess.run(
        [sys.executable, "main.py"], cwd=project, env=env,
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def assert_both_live_side_by_side(found: dict[str, object], project: Path) -> None:
    own = found["own"]
    assert isinstance(own, list)
    assert [Path(str(f)).resolve().parent for f in own] == [
        project.resolve(), (project / "graphs").resolve(), (project / "agents").resolve(),
    ]  # fmt: skip
    assert found["own_values"] == ["the project's own tools.py", ["bar", "pie"], "my agents"]
    assert found["answer"] == "Sunny in Porto"
    assert found["discovered"] == ["shout"]
    assert found["documents"] == 1
    assert found["client"] == "plangate.demos.serve.client"


def test_the_build_lists_every_package_of_the_folders() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    assert setuptools["package-dir"] == {"plangate": "."}
    on_disk = {"plangate"} | {
        ".".join(["plangate", *init.parent.relative_to(ROOT).parts])
        for folder in FOLDERS
        for init in (ROOT / folder).rglob("__init__.py")
    }
    assert set(setuptools["packages"]) == on_disk


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel of this checkout, built offline and installed into a folder of its own."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "py.typed"):
        shutil.copy2(ROOT / name, source / name)
    for module in ROOT.glob("*.py"):  # the root modules of package plangate: __init__, client
        shutil.copy2(module, source / module.name)
    for folder in FOLDERS:
        shutil.copytree(
            ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", base / "dist",
         source],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = (base / "dist").glob("plangate-*.whl")
    site = base / "site"
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "--target", site, wheel],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return site


def test_the_wheel_installs_only_the_plangate_name(installed: Path) -> None:
    top = sorted(p.name for p in installed.iterdir() if not p.name.endswith(".dist-info"))
    assert top == ["bin", "plangate"]
    assert not (installed / "plangate" / "tests").exists()
    corpus = installed / "plangate" / "tools" / "domains" / "retrieval" / "corpus"
    assert len(list(corpus.rglob("*.md"))) > 30
    assert (installed / "plangate" / "py.typed").exists()
    assert (installed / "plangate" / "client.py").exists()  # plangate.client, a root module
    (dist,) = installed.glob("plangate-*.dist-info")
    points = (dist / "entry_points.txt").read_text(encoding="utf-8")
    assert "plangate = plangate.demos.cli:app" in points
    assert "plangate = plangate.graphs.traces.pytest_plugin" in points


def test_a_project_with_its_own_tools_graphs_and_agents_uses_the_wheel(
    installed: Path, tmp_path: Path
) -> None:
    project, meta = scratch_project(tmp_path)
    found = run_main(project, [installed, meta])
    assert Path(str(found["plangate"])).resolve() == (installed / "plangate" / "__init__.py")
    assert_both_live_side_by_side(found, project)


def test_the_installed_console_script_and_plugin_load_from_the_wheel(installed: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    listed = subprocess.run(
        [installed / "bin" / "plangate", "tools"], env=env, cwd=installed,
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert "search_restaurants" in listed.stdout
    code = (
        "from importlib.metadata import entry_points\n"
        "(point,) = [p for p in entry_points(group='pytest11') if p.name == 'plangate']\n"
        "print(point.load().__file__)\n"
    )
    plugin = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=installed,
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    assert Path(plugin.stdout.strip()).is_relative_to(installed)


def test_a_project_with_its_own_tools_graphs_and_agents_uses_the_editable_install(
    tmp_path: Path,
) -> None:
    project, meta = scratch_project(tmp_path)
    found = run_main(project, [meta])
    assert Path(str(found["plangate"])).resolve() == (ROOT / "__init__.py")
    assert Path(str(found["plangate_tools"])).resolve() == (ROOT / "tools" / "__init__.py")
    assert_both_live_side_by_side(found, project)
