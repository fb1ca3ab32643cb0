"""Subprocess helpers for the crash tests: a sandbox REST server and CLI runs that can be killed."""

from __future__ import annotations

import json
import os
import queue
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60.0  # the bound on every wait for a subprocess


def free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


CRASH_NOW = "2026-03-02T15:00:00Z"
"""Monday 2 March 2026, 10:00 in New York: the sandbox market is open."""


def env(home: Path) -> dict[str, str]:
    """The environment of a CLI subprocess: state in ``home``, unbuffered output, offline.

    Server and runs are pinned to ``CRASH_NOW`` (the market is open), whatever the hour.
    """
    out = {k: v for k, v in os.environ.items() if not k.startswith(("PLANGATE_", "PYTEST_"))}
    out.update(PLANGATE_HOME=str(home), PYTHONUNBUFFERED="1", COLUMNS="200", NO_COLOR="1")
    out.update(PLANGATE_NOW=CRASH_NOW)
    return out


@contextmanager
def sandbox_server(home: Path) -> Iterator[str]:
    """``python -m plangate.demos sandbox serve`` on a free loopback port; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "plangate.demos",
            "sandbox",
            "serve",
            "--port",
            str(port),
            "--seed",
            "0",
        ],
        cwd=ROOT,
        env=env(home),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the sandbox server did not start on {url}")
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m plangate.demos ARGS`` to its end (bounded)."""
    return subprocess.run(
        [sys.executable, "-m", "plangate.demos", *args],
        cwd=ROOT,
        env=env(home),
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )


def run_and_kill(
    home: Path, args: list[str], should_kill: Callable[[str], bool], *, poll: Callable[[], bool]
) -> tuple[bool, str]:
    """Start ``python -m plangate.demos ARGS`` and SIGKILL it once ``should_kill(line)`` holds for
    an output line or ``poll()`` holds; returns whether it was killed, and its output so far."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "plangate.demos", *args],
        cwd=ROOT,
        env=env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump(stream: Any) -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=pump, args=(proc.stdout,), daemon=True)
    reader.start()
    seen: list[str] = []
    killed = False
    deadline = time.monotonic() + WAIT
    try:
        while time.monotonic() < deadline:
            if poll():
                break
            try:
                line = lines.get(timeout=0.005)
            except queue.Empty:
                continue
            if line is None:
                break
            seen.append(line)
            if should_kill(line):
                break
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed = True
        proc.wait(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        reader.join(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
    return killed and proc.returncode == -signal.SIGKILL, "".join(seen)


KILLPOINT = Path(__file__).with_name("killpoint.py")


@dataclass(frozen=True)
class Outcome:
    """How one command of the fork server ended.

    Attributes:
        killed: it died of SIGKILL at its kill point.
        code: its exit code, when it exited.
        stdout: what it printed on stdout.
        stderr: what it printed on stderr.
        calls: plangate functions it entered (kill point ``count`` only).
    """

    killed: bool
    code: int | None
    stdout: str
    stderr: str
    calls: int | None = None


class ForkServer:
    """``killpoint.py --serve``: plangate imported once, a forked process per CLI command.

    Args:
        folder: where the commands' output files go.
    """

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.count = 0
        self.proc = subprocess.Popen(
            [sys.executable, str(KILLPOINT), "--serve"],
            cwd=ROOT,
            env=env(folder),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, home: Path, point: str, args: list[str], *, now: str = CRASH_NOW) -> Outcome:
        """``plangate ARGS`` with state in ``home`` at ``now``, killed at ``point``."""
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.count += 1
        out, err, report = (self.folder / f"{self.count}.{name}" for name in ("out", "err", "n"))
        child_env = env(home) | {"PLANGATE_NOW": now}
        request = {"point": point, "args": args, "env": child_env, "stdout": str(out),
                   "stderr": str(err), "report": str(report)}  # fmt: skip
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], WAIT + 10)
        if not ready:
            raise RuntimeError(f"no answer from the fork server for {args}")
        reply = json.loads(self.proc.stdout.readline())
        calls = int(report.read_text(encoding="utf-8")) if report.exists() else None
        return Outcome(
            killed=reply["killed"],
            code=reply["code"],
            stdout=out.read_text(encoding="utf-8"),
            stderr=err.read_text(encoding="utf-8"),
            calls=calls,
        )

    def close(self) -> None:
        """End the server (its children have all been reaped)."""
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
