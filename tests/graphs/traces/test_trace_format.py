"""The trace format: JSONL round trip, versioning, and a clear error for every bad file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import SecretStr

from plangate.graphs.guards.redaction import SECRET, Redactor, find_secrets, is_secret_key
from plangate.graphs.traces.format import FORMAT_VERSION, TraceFormatError, parse_trace, read_trace
from tests.traces.agents import CASES


@pytest.fixture
async def order_trace(tmp_path: Path) -> Path:
    path = tmp_path / "order.jsonl"
    await CASES["offline_order"](path)
    return path


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


async def test_a_trace_is_a_header_then_typed_records_and_round_trips(order_trace: Path) -> None:
    trace = read_trace(order_trace)
    header = lines(order_trace)[0]
    assert header["format"] == "plangate.trace"
    assert header["version"] == FORMAT_VERSION
    assert (trace.header.agent, trace.header.strategy, trace.header.model) == ("shop", "plan", None)
    assert set(trace.header.surface["tools"]) == {"card_on_file", "get_price", "place_order"}
    kinds = [r.type for r in trace.records]
    assert kinds[0] == "run"
    assert {"tool_call", "tool_result", "event", "outcome", "decisions"} <= set(kinds)
    events = [r.event.kind for r in trace.records if r.type == "event"]
    assert {"plan_ready", "verdict", "approval_requested", "final"} <= set(events)
    assert [r.seq for r in trace.records] == list(range(1, len(trace.records) + 1))
    assert parse_trace(trace.dumps(), source="copy").records == trace.records


def write(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        (0, "trace format version 0 is older than this plangate reads (1 to 2); re-record it"),
        (3, "trace format version 3 is newer than this plangate reads (2); upgrade plangate"),
        ("one", "the header's version 'one' is not an integer"),
    ],
)
async def test_other_format_versions_are_refused_with_what_to_do(
    order_trace: Path, version: object, expected: str
) -> None:
    records = lines(order_trace)
    records[0]["version"] = version
    edited = write(order_trace, *records)
    with pytest.raises(TraceFormatError, match=re.escape(expected)) as caught:
        read_trace(edited)
    assert caught.value.source == str(edited)


def test_unreadable_and_foreign_files_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(TraceFormatError, match="cannot read the trace"):
        read_trace(tmp_path / "missing.jsonl")
    with pytest.raises(TraceFormatError, match="the file is empty"):
        read_trace(write(tmp_path / "empty.jsonl"))
    with pytest.raises(
        TraceFormatError,
        match='not a plangate trace: the first line must be a header with "format"',
    ):
        read_trace(write(tmp_path / "other.jsonl", {"hello": "world"}))
    (tmp_path / "garbled.jsonl").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(TraceFormatError, match=r"garbled.jsonl, line 1: not JSON"):
        read_trace(tmp_path / "garbled.jsonl")


async def test_a_bad_record_is_named_by_its_line(order_trace: Path) -> None:
    records = lines(order_trace)
    broken = [*records[:2], {"type": "tool_call", "seq": 3, "tool": "get_price"}, *records[3:]]
    with pytest.raises(
        TraceFormatError, match=r"line 3: invalid tool_call record: call: Field required"
    ):
        read_trace(write(order_trace.with_name("broken.jsonl"), *broken))
    unknown = [*records[:3], {"type": "teleport"}, *records[4:]]
    with pytest.raises(
        TraceFormatError,
        match=r"line 4: unknown record type 'teleport'; format 2 has: run, decisions",
    ):
        read_trace(write(order_trace.with_name("unknown.jsonl"), *unknown))


def test_the_redactor_removes_secrets_by_name_by_shape_and_by_value() -> None:
    redactor = Redactor().with_secrets({"hunter22-secret"})
    cleaned = redactor.clean(
        {
            "api_key": "abc123456",
            "Authorization": "Bearer abcdefghijkl",
            "max_tokens": 64,
            "note": "use sk-abcdefghijklmnopqrstu or hunter22-secret; mail me at ana@example.com",
            "card": "4111 1111 1111 1111",
            "nested": [{"client_secret": "zzz"}, SecretStr("shh")],
        }
    )
    assert cleaned == {
        "api_key": SECRET,
        "Authorization": SECRET,
        "max_tokens": 64,
        "note": f"use {SECRET} or {SECRET}; mail me at [email]",
        "card": "[card ****1111]",
        "nested": [{"client_secret": SECRET}, SECRET],
    }
    assert redactor.clean(cleaned) == cleaned  # idempotent: replay cleans again and compares
    assert Redactor(pii=False).clean("ana@example.com") == "ana@example.com"
    assert not is_secret_key("idempotency_key")
    assert not is_secret_key("max_tokens")


def test_secrets_are_found_in_models_and_http_clients() -> None:
    class Transport:
        headers = {"Authorization": "Bearer tok-123456", "Accept": "application/json"}

    class Client:
        def __init__(self) -> None:
            self._client = Transport()
            self.api_key = SecretStr("key-abcdef")
            self.name = "not a secret"

    found = find_secrets(Client())
    assert {"Bearer tok-123456", "tok-123456", "key-abcdef"} <= found
    assert "not a secret" not in found
