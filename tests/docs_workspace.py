"""Where the docs' commands run: a reader's project folder, home folder and documented setup.

A page's blocks run in one :class:`Workspace`, in order, as a reader types them in one terminal:
the current folder is a fresh project (``.plangate/`` state lands in it), ``$HOME`` a fresh home,
the time pinned by ``$PLANGATE_NOW`` (the pages' commands that set ``--now`` or the variable
themselves win). The setup the pages take for granted is written there first:

- ``myproject/agents.py``: the tea house agent the pages name as ``myproject.agents:AGENT``
  (``PAIR``, ``build``): a find and a ``hold`` write, approved per call;
- ``weather_server.py``: an MCP server over stdio (weather, book, broken);
- ``chat.json``: an OpenAI chat log of a reservation search;
- ``~/handbook`` (``leave.pdf``, parental leave on page 4) and ``~/travel`` (three documents, among
  them ``venues/lisbon-guide.pdf``).

The pages' placeholders are filled in as a reader fills them in: ``THREAD`` (or an id cut short,
``3f2a…``) is the thread the page's last run printed, a request written ``…`` is the page's last request to that
agent, ``~`` the home folder, a ``postgresql://`` URL the throwaway test database, a ``…`` secret a
made-up one, and ``localhost:8000`` the server the page started last (each on a free port).
"""

from __future__ import annotations

import json
import os
import re
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.demos.conftest import CLI_NOW
from tests.demos.serve.cluster_processes import free_port
from tests.demos.test_cli_own_agent import AGENT_MODULE
from tests.docs_shell import Command
from tests.tools.domains.retrieval.sample_documents import write_pdf
from tests.tools.mcp.servers import write_script

SECRET = "docs-example-secret"
"""What a ``…`` secret in a page (``PLANGATE_TOKEN=…``) stands for."""

CHAT_LOG = {
    "model": "gpt-4o-mini",
    "messages": [
        {"role": "system", "content": "You book restaurant tables."},
        {"role": "user", "content": "Find a table for 2 in Lisbon on 2026-03-10"},
        {"role": "assistant", "content": None, "tool_calls": [{
            "id": "call_1", "type": "function", "function": {
                "name": "search_restaurants",
                "arguments": '{"city": "Lisbon", "party_size": 2, "date": "2026-03-10"}',
            },
        }]},
        {"role": "tool", "tool_call_id": "call_1", "content": '{"data": [], "next_cursor": null}'},
        {"role": "assistant", "content": "No table in Lisbon for 2 on 10 March."},
    ],
}  # fmt: skip
"""``chat.json``: a production chat log in OpenAI chat-completions format."""

HANDBOOK = [
    "Staff handbook. Welcome to the team.",
    "Working hours. Core hours are ten to four.",
    "Expenses. Keep every receipt.",
    "Leave. Parental leave is twenty weeks at full pay, taken in up to three blocks.",
]
TRAVEL = {
    "travel-policy.md": "# Travel policy\n\nTrains under four hours beat flights.\n",
    "packing.txt": "Packing list: passport, charger, umbrella.\n",
}
LISBON_GUIDE = ["Lisbon guide. The rooftop terrace of Tasca do Ze seats forty guests."]


def write_setup(project: Path, home: Path) -> None:
    """The files and folders the pages take for granted (see the module docstring)."""
    package = project / "myproject"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "agents.py").write_text(textwrap.dedent(AGENT_MODULE), encoding="utf-8")
    write_script(project)
    (project / "chat.json").write_text(json.dumps(CHAT_LOG, indent=1), encoding="utf-8")
    handbook = home / "handbook"
    handbook.mkdir(parents=True)
    write_pdf(handbook / "leave.pdf", HANDBOOK)
    travel = home / "travel"
    (travel / "venues").mkdir(parents=True)
    for name, text in TRAVEL.items():
        (travel / name).write_text(text, encoding="utf-8")
    write_pdf(travel / "venues" / "lisbon-guide.pdf", LISBON_GUIDE)


THREAD_PRINTED = re.compile(
    r"plangate resume (?P<id>[\w.-]+)|\"thread_id\":\s*\"(?P<json>[^\"]+)\""
)
SHORT_ID = re.compile(r"\b[0-9a-f]{2,}…")
"""A thread id cut short, as pages write one (``plangate resume 3f2a… --approve table``)."""
LOCAL_URL = re.compile(r"\b(?:localhost|127\.0\.0\.1):8000\b")


@dataclass
class Workspace:
    """A reader's terminal for one page: folders, environment, what earlier commands left."""

    root: Path
    database: Callable[[], str]
    env: dict[str, str | None] = field(default_factory=dict)
    thread: str | None = None
    requests: dict[str, str] = field(default_factory=dict)
    port: int | None = None  # the server the page started last

    def __post_init__(self) -> None:
        self.project.mkdir(parents=True)
        write_setup(self.project, self.home)
        python_bin = str(Path(sys.executable).parent)
        self.env = {
            "HOME": str(self.home),
            "PLANGATE_NOW": CLI_NOW,
            "COLUMNS": "160",
            "PATH": f"{python_bin}{os.pathsep}{os.environ.get('PATH', '')}",
            "PLANGATE_HOME": None,
            "PLANGATE_MODEL": None,
            "PLANGATE_TOKEN": None,
            "PLANGATE_CHECKPOINT_KEY": None,
            "PYTHONPATH": None,
        }

    @property
    def project(self) -> Path:
        return self.root / "project"

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def folders(self) -> tuple[Path, Path]:
        """The project and the home folder, which output shows as the reader's own."""
        return self.project, self.home

    def fill(self, command: Command) -> tuple[list[str], dict[str, str | None]]:
        """``command``'s words and environment with the page's placeholders filled in."""
        words = [self._word(word) for word in command.argv]
        if words[0].endswith("plangate") and words[1:2] == ["run"] and len(words) > 3:
            if words[3] == "…":
                if words[2] not in self.requests:
                    raise AssertionError(f"no earlier request to {words[2]} fills in '…'")
                words[3] = self.requests[words[2]]
            self.requests[words[2]] = words[3]
        env = {
            name: SECRET if value == "…" else self._word(value)
            for name, value in command.env.items()
        }
        return words, {**self.env, **env}

    def _word(self, word: str) -> str:
        shortened = SHORT_ID.search(word)
        if shortened or word == "THREAD" or "/THREAD/" in word:
            if self.thread is None:
                raise AssertionError(f"{word}: no earlier command of the page printed a thread")
            word = (
                SHORT_ID.sub(self.thread, word)
                if shortened
                else word.replace("THREAD", self.thread)
            )
        if word.startswith("postgresql://"):
            return self.database()
        if word == "~" or word.startswith("~/"):
            return str(self.home) + word[1:]
        if LOCAL_URL.search(word):
            if self.port is None:
                raise AssertionError(f"{word}: no server was started on the page before")
            return LOCAL_URL.sub(f"127.0.0.1:{self.port}", word)
        return word

    def saw(self, output: str) -> None:
        """Remember the last thread ``output`` names, for a later ``THREAD``."""
        for found in THREAD_PRINTED.finditer(output):
            self.thread = found["id"] or found["json"]

    def serve_port(self, words: list[str]) -> list[str]:
        """``words`` of a server command listening on a free port (``--port`` given or not)."""
        port = free_port()
        if "--port" in words:
            at = words.index("--port")
            words = [*words[: at + 1], str(port), *words[at + 2 :]]
        else:
            words = [*words, "--port", str(port)]
        if words[1] == "serve":
            self.port = port
        return words

    @contextmanager
    def inside(self, env: dict[str, str | None]) -> Iterator[None]:
        """Run in the project folder with ``env``; what a command imports from it is forgotten
        afterwards, as when the reader's process ends."""
        before_cwd, before_path = os.getcwd(), list(sys.path)
        before_modules = set(sys.modules)
        saved = {name: os.environ.get(name) for name in env}
        os.chdir(self.project)
        for name, value in env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        try:
            yield
        finally:
            os.chdir(before_cwd)
            sys.path[:] = before_path
            for name in set(sys.modules) - before_modules:
                module_file = getattr(sys.modules[name], "__file__", None) or ""
                if module_file.startswith(str(self.root)):
                    del sys.modules[name]
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def child_env(self, env: dict[str, str | None]) -> dict[str, str]:
        """The environment of a child process: this one's, with ``env`` applied."""
        merged = dict(os.environ)
        for name, value in env.items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = value
        return merged
