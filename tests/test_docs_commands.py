"""Every shell block of the README and the docs pages runs, as a reader runs it.

The rule, for whoever writes a page:

- Blocks are found, not listed: every ```bash, ```sh, ```shell and ```console block of README.md
  and of any page under docs/ is a test of its own, named ``page:line``. ``<!-- skip: reason -->``
  right before a block skips it, with the reason (``tests/docs_blocks.py``).
- ``plangate ...`` runs as the reader runs it: the CLI's own app, in the page's project folder
  (``tests/docs_workspace.py`` says what that folder holds and how placeholders such as
  ``THREAD`` or ``~/handbook`` are filled in), offline, the time pinned. It must exit 0 — or 4 for
  ``run`` and ``resume`` (waiting for approval: what the docs show a paused run doing) — and the
  files it is told to write (``--trace``, ``--png``, ``--svg``, ``--out``) must be there.
- What a page shows a command print (the lines of a ```console block after it, a ```text block
  right after the block, ``# → …``, ``# stdout: …``, ``# stderr: …``) must be in what it prints,
  line by line, in order. ``…`` stands for anything; ids, timings and the folders' paths are
  normalised; in ``#``-comment output the counts are too (they are the reader's own folder's). A
  JSON body shown (``# → {"status": "paused", …}``) must be within the one printed: its keys and
  values, list items in order.
- Servers (``plangate serve``, ``plangate sandbox serve``) start as processes on a free loopback
  port and must answer ``/health``, print their banner and (``serve``) serve the agents named;
  they stay up for the rest of their block and the next (``--server``, ``curl localhost:8000``),
  and a server stops the one of its kind before it (the pages give them one port). ``plangate
  worker`` must start and print its banner; ``plangate mcp serve`` must list its tools to a
  client over stdio. PostgreSQL is a throwaway database (skipped without a server, failed in CI).
  The processes fork from one Python that imported plangate once (``tests/docs_processes.py``);
  the same ``plangate demo`` on two pages runs once.
- Set-up lines are never run — ``make test`` would run this suite inside itself, ``pip install``
  and ``git clone`` change the machine — but checked for truth: the make target exists, the extra
  exists in pyproject.toml, the module is installed, ``createdb`` makes the database the store
  URL names (``tests/docs_install.py``).
- ``export NAME=VALUE`` sets NAME for the rest of the page, VALUE as bash expands it. A block
  that is no command (a file listing, a configuration) is not a shell block: fence it ``text``
  (or ``json``, ``yaml``). A command no rule runs or checks fails, naming the program, so a new
  kind of line gets a rule rather than a silent pass. ``curl`` is sent with httpx as the page
  writes it (``-H``, ``-d``) to the page's server; it must answer below 400.
- A hosted model (``--model openai:…``) needs a key and the network, so it is not called: its
  extra exists, its package is installed and the CLI builds the chat model from the name (with a
  stand-in key); the rest of the command then runs with the offline planner.
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from typer.testing import CliRunner

from plangate.agents.models import resolve_model
from plangate.demos.cli.commands import app
from tests.demos.serve.conftest import _admin_url, _unreachable
from tests.docs_blocks import ROOT, read_blocks, save_files
from tests.docs_install import check as check_setup_line
from tests.docs_output import check_shown
from tests.docs_processes import (
    Processes,
    Zygote,
    answers_health,
    compact,
    curl,
    mcp_tools,
    served_agents,
    wait_until,
)
from tests.docs_shell import Command, Export, ShellBlock, discover, parse
from tests.docs_workspace import Workspace

pytestmark = pytest.mark.processes  # run once: the commands do not see a moved wall clock

BLOCKS = discover()
DEMO_AGENTS = ("reservation", "trading")
PAUSES = ("run", "resume")  # commands for which exit 4, waiting for approval, is an outcome
SERVE_OPTIONS = ("--host", "--port", "--token", "--store", "--workers", "--max-body", "--now")
WRITES = {"--trace": b"", "--png": b"\x89PNG", "--svg": b"<svg", "--out": b""}


@dataclass
class Database:
    """A throwaway PostgreSQL database, made when a page first needs one."""

    url: str | None = None

    def __call__(self) -> str:
        if self.url is None:
            admin = _admin_url()
            name = f"plangate_docs_{uuid.uuid4().hex[:12]}"
            try:
                with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except psycopg.OperationalError as exc:
                _unreachable(admin, exc)
            self.url = re.sub(r"/[^/]*$", f"/{name}", admin)
        return self.url

    def drop(self) -> None:
        if self.url is not None:
            name = self.url.rsplit("/", 1)[1]
            with psycopg.connect(_admin_url(), autocommit=True, connect_timeout=5) as conn:
                drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                conn.execute(drop.format(sql.Identifier(name)))


@dataclass
class Page:
    """One page's terminal: its workspace, its processes, the blocks already run."""

    name: str
    workspace: Workspace
    processes: Processes
    done: dict[int, str | None] = field(default_factory=dict)  # block line → failure, if any


@dataclass
class Terminal:
    """The pages' terminals, one open at a time (a page's servers stop when the next begins)."""

    root: Path
    database: Database
    zygote: Zygote
    page: Page | None = None

    def open(self, name: str) -> Page:
        if self.page is None or self.page.name != name:
            self.close()
            folder = self.root / name.replace("/", "_")
            workspace = Workspace(folder, self.database)
            save_files(read_blocks(ROOT / name), workspace.project)
            self.page = Page(name, workspace, Processes(folder, self.zygote))
        return self.page

    def close(self) -> None:
        if self.page is not None:
            self.page.processes.stop_all()
            self.page = None


@pytest.fixture(scope="module")
def terminal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Terminal]:
    database = Database()
    zygote = Zygote({**os.environ, "COLUMNS": "160"})
    opened = Terminal(tmp_path_factory.mktemp("docs-commands"), database, zygote)
    try:
        yield opened
    finally:
        opened.close()
        zygote.close()
        database.drop()


DEMOS: dict[tuple[str, ...], tuple[int, str, str]] = {}
"""``plangate demo`` outcomes by command and clock: a demo runs its scenarios on a fresh world
of its own at the moments they pin, so the same demo shown on two pages runs once."""


def run_one_shot(words: list[str], env: dict[str, str | None], page: Page) -> tuple[int, str, str]:
    key = (*words, str(env.get("PLANGATE_NOW")))
    if words[1] == "demo" and key in DEMOS:
        return DEMOS[key]
    with page.workspace.inside(env):
        result = CliRunner().invoke(app, words[1:])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(
            f"`{' '.join(words)}` raised {result.exception!r}"
        ) from result.exception
    outcome = result.exit_code, result.stdout, result.stderr
    if words[1] == "demo":
        DEMOS[key] = outcome
    return outcome


def serve_refs(words: list[str]) -> list[str]:
    refs, rest = [], iter(words[2:])
    for word in rest:
        if word in SERVE_OPTIONS:
            next(rest)
        elif word == "--agent":
            refs.append(next(rest))
        else:
            refs.append(word)
    return refs


def run_server(words: list[str], env: dict[str, str | None], page: Page) -> None:
    workspace = page.workspace
    words = workspace.serve_port(words)
    port = int(words[words.index("--port") + 1])
    page.processes.replace(words)
    child = page.processes.start(words, workspace.project, workspace.child_env(env))
    token = env.get("PLANGATE_TOKEN") or None
    wait_until(lambda: answers_health(port, token), child, "answered /health")
    assert f":{port}" in child.output(), f"no banner naming the port:\n{child.output()}"
    if words[1] == "serve":
        refs = serve_refs(words) or list(DEMO_AGENTS)
        served = served_agents(port, token)
        assert len(served) == len(set(refs)), f"{refs} served as {served}"
        assert {ref for ref in refs if ":" not in ref} <= set(served), served


def run_worker(words: list[str], env: dict[str, str | None], page: Page) -> None:
    workspace = page.workspace
    child = page.processes.start(words, workspace.project, workspace.child_env(env))
    wait_until(lambda: "plangate worker" in child.output(), child, "printed its banner")
    child.stop()
    assert "Traceback" not in child.output(), child.output()


def offline_instead(words: list[str]) -> list[str]:
    """``words`` with a hosted ``--model`` checked, then replaced by the offline planner."""
    if "--model" not in words:
        return words
    at = words.index("--model")
    name = words[at + 1]
    if name == "offline":
        return words
    provider = name.partition(":")[0]
    check_setup_line(["pip", "install", f"plangate[{provider}]"], [])
    key = f"{provider.upper()}_API_KEY"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(key, "sk-stand-in")
        assert resolve_model(name) is not None, name
    return [*words[:at], *words[at + 2 :]]


def run_plangate(command: Command, page: Page, where: str) -> None:
    workspace = page.workspace
    words, env = workspace.fill(command)
    words = offline_instead(words)
    if words[1] == "serve" or words[1:3] == ["sandbox", "serve"]:
        run_server(words, env, page)
        return
    if words[1] == "worker":
        run_worker(words, env, page)
        return
    if words[1:3] == ["mcp", "serve"]:
        child = page.processes.start(words, workspace.project, workspace.child_env(env), True)
        tools = mcp_tools(child)
        child.stop()
        assert {"run", "resume"} <= set(tools), tools
        assert (len(tools) > 2) == ("--tools" in words), tools
        return
    code, stdout, stderr = run_one_shot(words, env, page)
    workspace.saw(stdout + stderr)
    allowed = (0, 4) if words[1] in PAUSES else (0,)
    assert code in allowed, f"{where}: exit {code}\n{stdout}{stderr}"
    for option, magic in WRITES.items():
        if option in words:
            written = workspace.project / words[words.index(option) + 1]
            assert written.is_file(), f"{where}: {option} {written} was not written"
            assert written.read_bytes().startswith(magic), f"{where}: {written} is no {option[2:]}"
    check_shown(command.shown, stdout, stderr, page.workspace.folders, where)


def run_command(command: Command, urls: list[str], page: Page, where: str) -> None:
    if check_setup_line(command.argv, urls):
        return
    program = command.argv[0].rsplit("/", 1)[-1]
    if program == "plangate":
        run_plangate(command, page, where)
    elif program == "curl":
        words, env = page.workspace.fill(command)
        status, body = curl(words, env.get("PLANGATE_TOKEN"))
        assert status < 400, f"{where}: HTTP {status}: {body}"
        page.workspace.saw(body)
        check_shown(command.shown, compact(body), "", page.workspace.folders, where)
    else:
        raise AssertionError(f"{where}: no rule runs or checks `{program}`: add one")


def run_block(shell: ShellBlock, page: Page) -> None:
    page.processes.begin(shell.block.line)
    steps = parse(shell)
    urls = [word for step in steps if isinstance(step, Command) for word in step.argv]
    urls = [word for word in urls if word.startswith("postgresql://")]
    for step in steps:
        where = f"{shell.block.page}:{step.line}"
        if isinstance(step, Export):
            shell_env = page.workspace.child_env(page.workspace.env)
            value = subprocess.run(
                ["bash", "-c", f'printf %s "{step.value}"'],
                env=shell_env, capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            page.workspace.env[step.name] = value
            continue
        run_command(step, urls, page, f"{where} `{step.text}`")


def test_the_pages_have_shell_blocks() -> None:
    assert len(BLOCKS) >= 20, [shell.id for shell in BLOCKS]
    assert all(parse(shell) for shell in BLOCKS)


@pytest.mark.parametrize("shell", BLOCKS, ids=[shell.id for shell in BLOCKS])
def test_a_shell_block_runs_as_shown(shell: ShellBlock, terminal: Terminal) -> None:
    if shell.block.skip:
        pytest.skip(shell.block.skip)
    page = terminal.open(shell.block.page)
    for earlier in BLOCKS:
        if earlier is shell:
            break
        if earlier.block.page == page.name and earlier.block.line not in page.done:
            try:
                run_block(earlier, page)
                page.done[earlier.block.line] = None
            except (AssertionError, pytest.skip.Exception) as exc:
                page.done[earlier.block.line] = str(exc)
    failed = [line for line, failure in page.done.items() if failure]
    page.done[shell.block.line] = "did not finish"
    try:
        run_block(shell, page)
    except AssertionError as exc:
        page.done[shell.block.line] = str(exc)
        if failed:
            raise AssertionError(f"{exc}\n(earlier blocks of the page failed: {failed})") from exc
        raise
    page.done[shell.block.line] = None
    assert os.getcwd() != str(page.workspace.project)
