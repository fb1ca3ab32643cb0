"""``plangate serve --store postgresql://… --workers 1``: a real local cluster, as processes.

The server and its worker are separate processes sharing the test database: a booking pauses
for approval, is approved over HTTP and done; ``plangate run --server`` books through it too;
SIGTERM to the server stops its worker. The cluster runs at a pinned moment (``--now``, a
Monday morning), so "tonight" is ahead of it whatever the hour the test runs at.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from pathlib import Path

import httpx

from tests.demos.serve.api import BOOK
from tests.demos.serve.cluster_processes import PLANGATE, environment, free_port, wait_healthy
from tests.demos.serve.test_cluster import is_alive, until

NOW = "2026-03-09T09:00Z"


async def test_a_local_cluster_runs_an_approval_and_stops_its_worker(
    postgres_url: str, tmp_path: Path
) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    env = environment()
    command = [sys.executable, "-c", PLANGATE, "serve", "--store", postgres_url, "--workers", "1"]
    command += ["--now", NOW]
    with log.open("wb") as out:
        server = await asyncio.create_subprocess_exec(
            *command, "--port", str(port), stdout=out, stderr=out, env=env
        )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=15) as http:
            await wait_healthy(http, server, log)  # two interpreters import and connect
            thread = (await http.post("/threads", json={})).json()["thread_id"]
            start = {"agent_id": "reservation", "input": {"request": BOOK}}
            paused = (await http.post(f"/threads/{thread}/runs/wait", json=start)).json()
            assert paused["status"] == "paused", paused
            decisions = {str(a["id"]): "approve" for a in paused["approvals"]}
            resume = {"command": {"resume": decisions}}
            done = (await http.post(f"/threads/{thread}/runs/wait", json=resume)).json()
            assert done["status"] == "done", done
            assert done["response"]["bookings"], done
            assert done["response"]["bookings"][0]["time"].startswith("2026-03-09T"), done  # --now
        remote = [sys.executable, "-c", PLANGATE, "run", "reservation", BOOK, "--yes", "--json"]
        client = await asyncio.create_subprocess_exec(
            *remote, "--server", f"http://127.0.0.1:{port}", env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        answer, errors = await asyncio.wait_for(client.communicate(), 30)
        assert client.returncode == 0, errors.decode()
        assert json.loads(answer)["bookings"], answer  # plangate run --server, on a worker
        found = re.search(r"plangate-worker-1 \(pid (\d+)\)", log.read_text())
        assert found, log.read_text()
        worker = int(found.group(1))
        assert is_alive(worker)
        server.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(server.wait(), 15) == 0, log.read_text()
        await until(lambda: not is_alive(worker), 5)  # the server waited for it: gone already
        assert "exited with code" not in log.read_text()  # stopped, not reported as dead
    finally:  # a failed test leaves no process behind: the server stops its workers, or we do
        if server.returncode is None:
            server.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(server.wait(), 15)
            except TimeoutError:
                server.kill()
                await server.wait()
        for pid in re.findall(r"plangate-worker-\d+ \(pid (\d+)\)", log.read_text()):
            if is_alive(int(pid)):
                os.kill(int(pid), signal.SIGKILL)
