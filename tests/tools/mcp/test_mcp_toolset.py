"""Toolset.from_mcp against real SDK servers: in process (memory streams) and over stdio."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from mcp.shared.memory import create_connected_server_and_client_session

from plangate.tools.errors import BackendError, ToolArgsError, ToolRefusedError, UsageError
from plangate.tools.executor import ToolExecutor
from plangate.tools.mcp import PinStore, ToolDefinitionChangedError
from plangate.tools.registry import Toolset
from tests.tools.mcp.servers import POISONED, command, poison, weather_server, write_script


async def test_in_process_tools_keep_schema_effect_and_untrusted_results(tmp_path: Path) -> None:
    async with (
        create_connected_server_and_client_session(weather_server()) as session,
        Toolset.from_mcp(session, name="weather", pins=tmp_path / "pins.json") as toolset,
    ):
        assert toolset.names == ["weather", "book", "broken"]
        weather, book = toolset.get("weather"), toolset.get("book")
        assert (weather.effect, book.effect) == ("read", "write")
        assert weather.description == "Current weather for a city."
        assert weather.trusted_output is False
        assert weather.args_schema()["required"] == ["city"]
        executor = ToolExecutor(toolset)
        outcome = await executor.call("weather", {"city": "Lisbon"})
        assert outcome.result == "Lisbon: 21 C, clear"
        written = await executor.call("book", {"venue": "Tasca", "party_size": 2})
        assert written.result == "booked Tasca for 2"
        assert written.idempotency_key is not None


async def test_bad_arguments_and_tool_errors_map_to_the_error_tree(tmp_path: Path) -> None:
    async with (
        create_connected_server_and_client_session(weather_server()) as session,
        Toolset.from_mcp(session, name="weather", pins=tmp_path / "pins.json") as toolset,
    ):
        executor = ToolExecutor(toolset)
        with pytest.raises(ToolArgsError, match="city"):
            await executor.call("weather", {"town": "Lisbon"})
        with pytest.raises(ToolRefusedError, match="cannot do that: because") as refused:
            await executor.call("broken", {"reason": "because"})
        assert refused.value.model_visible
        assert refused.value.reason == "mcp_tool_error"


async def test_a_poisoned_description_is_refused_with_a_diff_until_approved(
    tmp_path: Path,
) -> None:
    pins = tmp_path / "state" / "pins.json"
    async with (
        create_connected_server_and_client_session(weather_server()) as session,
        Toolset.from_mcp(session, name="weather", pins=pins),
    ):
        pass
    assert stat.S_IMODE(pins.stat().st_mode) == 0o600
    stored = json.loads(pins.read_text())["servers"]["weather"]
    assert set(stored) == {"weather", "book", "broken"}
    async with create_connected_server_and_client_session(weather_server(POISONED)) as session:
        with pytest.raises(ToolDefinitionChangedError) as caught:
            async with Toolset.from_mcp(session, name="weather", pins=pins):
                pytest.fail("a changed definition must not be offered")
        error = caught.value
        assert error.server == "weather"
        assert [(c.tool, c.kind) for c in error.changes] == [("weather", "changed")]
        diff = error.changes[0].diff
        assert '-  "description": "Current weather for a city.",' in diff
        assert "id_rsa" in diff
        assert "--approve-changes" in str(error)
        async with Toolset.from_mcp(
            session, name="weather", pins=pins, approve_changes=True
        ) as toolset:
            assert "id_rsa" in toolset.get("weather").description
    async with (
        create_connected_server_and_client_session(weather_server(POISONED)) as session,
        Toolset.from_mcp(session, name="weather", pins=pins) as toolset,
    ):
        assert len(toolset) == 3


async def test_a_tool_added_later_needs_approval_too(tmp_path: Path) -> None:
    pins = PinStore(tmp_path / "pins.json")
    async with (
        create_connected_server_and_client_session(weather_server()) as session,
        Toolset.from_mcp(session, name="weather", pins=pins),
    ):
        pass
    async with create_connected_server_and_client_session(
        weather_server(extra_tool=True)
    ) as session:
        with pytest.raises(ToolDefinitionChangedError, match=r"upload \(added\)") as caught:
            async with Toolset.from_mcp(session, name="weather", pins=pins):
                pass
    assert "+++ weather/upload (now)" in caught.value.changes[0].diff


async def test_over_stdio_a_started_server_is_listed_called_and_pinned(tmp_path: Path) -> None:
    script = write_script(tmp_path)
    pins = tmp_path / "pins.json"
    async with Toolset.from_mcp(command(script), pins=pins) as toolset:
        assert toolset.get("weather").effect == "read"
        outcome = await ToolExecutor(toolset).call("weather", {"city": "Porto", "unit": "F"})
        assert outcome.result == "Porto: 21 F, clear"
    (server,) = json.loads(pins.read_text())["servers"]
    assert server.endswith("weather_server.py")
    poison(script)
    with pytest.raises(ToolDefinitionChangedError, match="id_rsa"):
        async with Toolset.from_mcp(command(script), pins=pins):
            pass


async def test_a_server_that_cannot_start_is_a_backend_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-server"
    with pytest.raises(BackendError, match="cannot use the MCP server"):
        async with Toolset.from_mcp(str(missing), pins=tmp_path / "pins.json"):
            pass


def test_bad_server_specs_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="needs a command"):
        Toolset.from_mcp("  ", pins=tmp_path / "p.json")
    with pytest.raises(UsageError, match="cannot be parsed"):
        Toolset.from_mcp("python 'unclosed", pins=tmp_path / "p.json")


def test_a_broken_pins_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "pins.json"
    path.write_text("[1, 2]")
    with pytest.raises(UsageError, match="not a version-1 pins file"):
        PinStore(path).load()
