"""plangate tools --mcp CMD and plangate mcp serve AGENT, with real SDK servers and clients."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from typer.testing import CliRunner

from plangate.demos.cli import app
from plangate.demos.cli.session import Session
from tests.demos.mcp.agents import BOOK
from tests.tools.mcp.servers import command, poison, write_script


def test_tools_mcp_lists_pins_refuses_a_changed_definition_and_approves_it(
    home: Path, tmp_path: Path
) -> None:
    script = write_script(tmp_path)
    honest = " ".join(command(script))
    listed = CliRunner().invoke(app, ["tools", "--mcp", honest, "--json"])
    assert listed.exit_code == 0, listed.output
    tools = {item["name"]: item for item in json.loads(listed.stdout)}
    assert (tools["weather"]["effect"], tools["book"]["effect"]) == ("read", "write")
    assert tools["weather"]["parameters"]["required"] == ["city"]
    pins = home / "mcp-pins.json"
    assert list(json.loads(pins.read_text())["servers"]) == [honest]
    poison(script)
    refused = CliRunner().invoke(app, ["tools", "--mcp", honest])
    assert refused.exit_code == 2
    assert "changed its tool definitions" in refused.stderr
    assert "weather (changed)" in refused.stderr
    assert "id_rsa" in refused.stderr
    assert "--approve-changes" in refused.stderr
    approved = CliRunner().invoke(app, ["tools", "--mcp", honest, "--approve-changes"])
    assert approved.exit_code == 0, approved.output
    again = CliRunner().invoke(app, ["tools", "--mcp", honest, "--json"])
    assert "id_rsa" in json.loads(again.stdout)[0]["description"]


def test_pins_go_where_pins_says(home: Path, tmp_path: Path) -> None:
    honest = " ".join(command(write_script(tmp_path)))
    chosen = tmp_path / "elsewhere" / "pins.json"
    result = CliRunner().invoke(app, ["tools", "--mcp", honest, "--pins", str(chosen)])
    assert result.exit_code == 0, result.output
    assert chosen.exists()
    assert not (home / "mcp-pins.json").exists()


def test_tools_options_need_mcp(home: Path) -> None:
    result = CliRunner().invoke(app, ["tools", "--approve-changes"])
    assert result.exit_code == 2
    assert "go with --mcp" in result.stderr


def test_a_server_that_cannot_start_fails_in_one_line(home: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["tools", "--mcp", str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert "cannot use the MCP server" in result.stderr
    assert "Traceback" not in result.output


async def test_mcp_serve_over_stdio_pauses_a_write_and_resumes_it(home: Path) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "plangate.demos", "mcp", "serve", "reservation"],
        env={**os.environ, "PLANGATE_HOME": str(home)},
    )
    with open(os.devnull, "w") as errlog:  # noqa: ASYNC230 - opening the null device
        async with (
            stdio_client(params, errlog=errlog) as (read, write),
            ClientSession(read, write) as client,
        ):
            await client.initialize()
            names = [tool.name for tool in (await client.list_tools()).tools]
            assert names == ["run", "resume"]
            paused = (await client.call_tool("run", {"request": BOOK})).structuredContent
            assert paused is not None
            assert paused["status"] == "paused"
            (call,) = paused["pending"]
            done = await client.call_tool(
                "resume",
                {"thread_id": paused["thread_id"], "decisions": {call["id"]: "approve"}},
            )
    assert done.structuredContent is not None
    assert done.structuredContent["status"] == "done"
    assert done.structuredContent["answer"]["bookings"][0]["status"] == "confirmed"


def test_mcp_serve_says_why_it_waits_for_the_state_folder(home: Path) -> None:
    session = Session(home)
    with session.locked():  # another plangate command holds the folder
        server = subprocess.Popen(
            [sys.executable, "-m", "plangate.demos", "mcp", "serve", "reservation"],
            env={**os.environ, "PLANGATE_HOME": str(home)},
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stderr is not None
            said: list[str] = []
            while "waiting for another plangate command to finish…" not in said:
                # A generous bound on start-up: a server that waits silently fails, never hangs.
                readable, _, _ = select.select([server.stderr], [], [], 120)
                assert readable, f"mcp serve waited for the lock, having said only {said}"
                line = server.stderr.readline()
                assert line, f"mcp serve ended, having said {said}"
                said.append(line.strip())
        finally:
            server.kill()
            server.communicate(timeout=30)  # reap it and close its pipes
