"""Processes of a real cluster for the tests: ``plangate serve`` and ``plangate worker``.

Each is the ``plangate`` command run by this interpreter, as a user runs it, with its output in a
log file the test shows when something goes wrong. Nothing is shared with the test process but
the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from pathlib import Path

import httpx

PLANGATE = "from plangate.demos.cli import app; app(prog_name='plangate')"
"""How a child runs the ``plangate`` command with this interpreter."""


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def environment() -> dict[str, str]:
    """The children's environment: wide output (one line per message), no token."""
    env = {**os.environ, "COLUMNS": "1000"}
    env.pop("PLANGATE_TOKEN", None)
    env.pop("PLANGATE_NOW", None)
    return env


async def start(args: list[str], log: Path) -> asyncio.subprocess.Process:
    """Run ``plangate ARGS`` with its output appended to ``log``."""
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-c", PLANGATE, *args, stdout=out, stderr=out, env=environment()
        )


async def is_healthy(http: httpx.AsyncClient) -> bool:
    """Whether the API at ``http``'s base URL answers ``/health``."""
    try:
        return (await http.get("/health")).status_code == 200
    except httpx.TransportError:
        return False


async def wait_healthy(
    http: httpx.AsyncClient, process: asyncio.subprocess.Process, log: Path, seconds: float = 30
) -> None:
    """Wait until the API answers; fail with its log if it exits or ``seconds`` pass first."""
    for _ in range(int(seconds / 0.01)):
        if await is_healthy(http) or process.returncode is not None:
            break
        await asyncio.sleep(0.01)
    assert await is_healthy(http), await asyncio.to_thread(log.read_text)


async def stop(process: asyncio.subprocess.Process, seconds: float = 15) -> int:
    """SIGTERM ``process``, SIGKILL it after ``seconds``; its exit code."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):  # it ended, not yet reaped
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), seconds)
        except TimeoutError:
            process.kill()
            await process.wait()
    return process.returncode if process.returncode is not None else 0
