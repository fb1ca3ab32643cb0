"""The docs' long-running commands as real processes, and ``curl`` against them.

``plangate serve`` and ``plangate sandbox serve`` are started on a free loopback port and waited
for until they answer ``/health`` (a server stops the one of its kind started before it, as the
pages start them on the same port); they then stay up for the rest of their block and the next
one (where pages use them: ``--server``, ``curl localhost:8000``), and stop before the block
after (a server on the project's state folder holds its lock). ``plangate worker`` is
started, waited for until it prints its banner, and stopped. ``plangate mcp serve`` is started
by an MCP client over stdio, which lists its tools.
"""

from __future__ import annotations

import json
import os
import select
import shlex
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from mcp.types import LATEST_PROTOCOL_VERSION

READY_SECONDS = 180.0
"""How long a server may take to answer (a cluster starts its workers first; the machine may be
busy): generous, since a ready server ends the wait at once."""


ZYGOTE = """
import json, os, signal, sys, time
from plangate.demos.cli import app
import plangate.demos.cli.serve_commands, plangate.demos.cli.worker_commands
import plangate.demos.cli.sandbox_commands, plangate.demos.serve.app, plangate.agents.catalog
import plangate.demos.serve.queued, plangate.demos.serve.cluster, plangate.demos.serve.worker
import plangate.agents.agent, plangate.graphs.engine, uvicorn
from plangate.agents.catalog import AGENTS, agent_spec
for name in AGENTS:
    agent_spec(name)
reaped = {}
def reap(pid, block):
    if pid not in reaped:
        done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
        if done:
            reaped[pid] = os.waitstatus_to_exitcode(status)
    return reaped.get(pid)
print(json.dumps({"ready": os.getpid()}), flush=True)
for line in sys.stdin:
    ask = json.loads(line)
    pid = ask.get("pid")
    if ask["op"] == "start":
        pid = os.fork()
        if pid == 0:
            os.chdir(ask["cwd"])
            os.environ.clear()
            os.environ.update(ask["env"])
            log = os.open(ask["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
            piped = ask.get("pipes")  # FIFOs, opened read-write so that no open ever waits
            os.dup2(os.open(piped[0], os.O_RDWR) if piped else os.open(os.devnull, os.O_RDONLY), 0)
            os.dup2(os.open(piped[1], os.O_RDWR) if piped else log, 1)
            os.dup2(log, 2)
            code = 1
            try:
                app(ask["args"], prog_name="plangate")
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                import traceback
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        print(json.dumps({"pid": pid}), flush=True)
        continue
    if ask["op"] == "stop" and reap(pid, block=False) is None:
        os.kill(pid, signal.SIGTERM)
        for _ in range(1500):
            if reap(pid, block=False) is not None:
                break
            time.sleep(0.01)
        else:
            os.kill(pid, signal.SIGKILL)
    print(json.dumps({"code": reap(pid, block=ask["op"] == "stop")}), flush=True)
"""
"""A Python that has imported the ``plangate`` command and its server stack once, and forks a
child per command asked of it. Each child is a process of its own, in its own folder, with its
own environment and output, that runs the command's app as the ``plangate`` script does: only
the seconds of importing are shared, which a busy two-core machine multiplies by every server a
page starts."""


class Zygote:
    """The forking Python of :data:`ZYGOTE`, asked over its stdin, answering on its stdout."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE], env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, bufsize=1,
        )  # fmt: skip
        self.lock = threading.Lock()
        self.ready = False

    def ask(self, request: dict[str, object]) -> dict[str, object]:
        with self.lock:
            assert self.process.stdin is not None
            assert self.process.stdout is not None
            if not self.ready:  # it imports while the first blocks run in the test process
                ready = json.loads(self.process.stdout.readline())
                assert "ready" in ready, ready
                self.ready = True
            if request:
                self.process.stdin.write(json.dumps(request) + "\n")
            answer: dict[str, object] = json.loads(self.process.stdout.readline())
            return answer

    def close(self) -> None:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.close()  # its loop ends; the children were stopped before
        self.process.wait(30)
        self.process.stdout.close()


@dataclass
class Started:
    """A child process of a page and where its output goes."""

    zygote: Zygote
    pid: int
    log: Path
    words: list[str]
    block: int
    code: int | None = None

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def poll(self) -> int | None:
        """Its exit code, or ``None`` while it runs."""
        if self.code is None:
            code = self.zygote.ask({"op": "poll", "pid": self.pid})["code"]
            self.code = code if isinstance(code, int) else None
        return self.code

    def stop(self) -> int:
        """SIGTERM it, SIGKILL it after 15 s; its exit code."""
        if self.poll() is None:
            code = self.zygote.ask({"op": "stop", "pid": self.pid})["code"]
            self.code = code if isinstance(code, int) else -9
        assert self.code is not None
        return self.code


@dataclass
class Processes:
    """The children started for one page; all stopped when the page is done."""

    folder: Path
    zygote: Zygote
    started: list[Started] = field(default_factory=list)
    block: int = 0  # the line of the block running now

    def replace(self, words: list[str]) -> None:
        """Stop the servers started before (the pages start each on the same port, so a reader
        stops one before starting the next)."""
        for child in [child for child in self.started if child.words[1] == words[1]]:
            child.stop()
            self.started.remove(child)

    def begin(self, block: int) -> None:
        """Block ``block`` begins: stop what the blocks before the previous one started, as a
        reader stops a server (Ctrl-C) once the pages stop using it."""
        for child in [child for child in self.started if child.block < self.block]:
            child.stop()
            self.started.remove(child)
        self.block = block

    def start(
        self, words: list[str], cwd: Path, env: dict[str, str], pipes: bool = False
    ) -> Started:
        """Start ``plangate WORDS``; with ``pipes``, its stdin and stdout are FIFOs (see
        :meth:`Started.pipes`), else its output goes to its log."""
        number = len(self.started)
        log = self.folder / f"process-{number}.log"
        log.touch()
        ask = {"op": "start", "args": words[1:], "cwd": str(cwd), "env": env, "log": str(log)}
        if pipes:
            fifos = [self.folder / f"process-{number}.{end}" for end in ("in", "out")]
            for fifo in fifos:
                os.mkfifo(fifo)
            ask["pipes"] = [str(fifo) for fifo in fifos]
        pid = self.zygote.ask(ask)["pid"]
        assert isinstance(pid, int)
        child = Started(self.zygote, pid, log, words, self.block)
        self.started.append(child)
        return child

    def stop_all(self) -> None:
        for child in reversed(self.started):
            child.stop()
        self.started.clear()


def wait_until(ready: object, child: Started, what: str) -> None:
    """Poll ``ready()`` until it is true; fail with the child's output if it exits or times out."""
    assert callable(ready)
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if ready():
            return
        if child.poll() is not None:
            break
        time.sleep(0.05)
    raise AssertionError(
        f"`{shlex.join(child.words)}` never {what} (exit {child.poll()}):\n{child.output()}"
    )


def answers_health(port: int, token: str | None) -> bool:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    try:
        return httpx.get(f"http://127.0.0.1:{port}/health", headers=headers).status_code == 200
    except httpx.TransportError:
        return False


def served_agents(port: int, token: str | None) -> list[str]:
    """The agent ids ``GET /agents`` lists."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    reply = httpx.get(f"http://127.0.0.1:{port}/agents", headers=headers)
    assert reply.status_code == 200, reply.text
    return sorted(agent["agent_id"] for agent in reply.json())


def curl(words: list[str], token: str | None) -> tuple[int, str]:
    """``curl`` as the pages use it (``-s``, ``-H``, ``-d``: a POST): (HTTP status, body)."""
    headers: dict[str, str] = {"authorization": f"Bearer {token}"} if token else {}
    data: str | None = None
    url = ""
    rest = iter(words[1:])
    for word in rest:
        if word == "-s":
            continue
        if word == "-H":
            name, _, value = next(rest).partition(":")
            headers[name.strip()] = value.strip()
        elif word in ("-d", "--data"):
            data = next(rest)
        elif word.startswith("-"):
            raise AssertionError(f"curl option {word} is not one the docs tests know")
        else:
            url = word if "://" in word else f"http://{word}"
    method = "POST" if data is not None else "GET"
    reply = httpx.request(method, url, headers=headers, content=data, timeout=60)
    return reply.status_code, reply.text


def mcp_tools(child: Started) -> list[str]:
    """The tools the MCP server ``child`` (started with pipes) offers a client over stdio."""
    fifos = [child.log.with_suffix(f".{end}") for end in ("in", "out")]
    to_server, from_server = (os.open(fifo, os.O_RDWR) for fifo in fifos)
    try:
        hello = {"protocolVersion": LATEST_PROTOCOL_VERSION, "capabilities": {},
                 "clientInfo": {"name": "docs", "version": "1"}}  # fmt: skip
        ask = [
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello},
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        ]
        os.write(to_server, "".join(json.dumps(message) + "\n" for message in ask).encode())
        buffer, deadline = b"", time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline and child.poll() is None:
            readable, _, _ = select.select([from_server], [], [], 0.1)
            if not readable:
                continue
            *lines, buffer = (buffer + os.read(from_server, 65536)).split(b"\n")
            for line in filter(None, lines):
                answer = json.loads(line)
                if answer.get("id") == 2:
                    return sorted(tool["name"] for tool in answer["result"]["tools"])
        raise AssertionError(f"`{shlex.join(child.words)}` listed no tools:\n{child.output()}")
    finally:
        os.close(to_server)
        os.close(from_server)


def compact(text: str) -> str:
    """JSON as ``json.dumps`` writes it with spaces (how the pages show a body), else ``text``."""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text
