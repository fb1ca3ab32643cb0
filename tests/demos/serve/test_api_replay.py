"""``POST /traces/replay``: a recorded trace replays against the served agent it names; an
edited copy fails loudly with the diff at its first divergence; bad input is a clear 4xx."""

from __future__ import annotations

import json
from pathlib import Path

from tests.demos.serve.api import serve

DINNER = Path(__file__).resolve().parents[2] / "traces" / "reservation" / "dinner.jsonl"
SHOP = Path(__file__).resolve().parents[2] / "traces" / "shop" / "offline_prices.jsonl"
ROOM = 512 * 1024
"""A body limit with room for a recorded trace (the default is 256 KiB; the tests' 4 KiB)."""


def edited(text: str) -> str:
    """The trace with the recorded party size of its restaurant search changed from 4 to 6."""
    lines = []
    for line in text.splitlines():
        record = json.loads(line)
        if record.get("type") == "tool_call" and record.get("tool") == "search_restaurants":
            assert record["args"]["party_size"] == 4
            record["args"]["party_size"] = 6
        lines.append(json.dumps(record))
    return "\n".join(lines) + "\n"


async def test_a_recorded_trace_replays_against_the_served_agent(tmp_path: Path) -> None:
    async with serve(tmp_path, max_body=ROOM) as server:
        answer = await server.http.post(
            "/traces/replay", json={"trace": DINNER.read_text(encoding="utf-8")}
        )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["ok"], body["agent"], body["diff"], body["message"]) == (
        True, "reservation", None, None,
    )  # fmt: skip
    assert body["runs"] == 2  # the run, paused for the booking, and its resume
    assert body["tool_calls"] > 0
    assert "replay matches" in body["summary"]


async def test_an_edited_trace_fails_with_the_diff_at_its_first_divergence(
    tmp_path: Path,
) -> None:
    text = edited(DINNER.read_text(encoding="utf-8"))
    async with serve(tmp_path, max_body=ROOM) as server:
        answer = await server.http.post("/traces/replay", json={"trace": text})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["ok"] is False
    assert "search_restaurants" in body["message"]
    assert "replay diverged" in body["summary"]
    diff = body["diff"].splitlines()
    assert any(line.startswith("-") and '"party_size": 6' in line for line in diff), body["diff"]
    assert any(line.startswith("+") and '"party_size": 4' in line for line in diff), body["diff"]


async def test_a_trace_of_an_agent_not_served_or_not_a_trace_is_refused(tmp_path: Path) -> None:
    async with serve(tmp_path, max_body=ROOM) as server:
        http = server.http
        shop = await http.post("/traces/replay", json={"trace": SHOP.read_text(encoding="utf-8")})
        assert shop.status_code == 404
        assert shop.json()["error"] == "not_found"
        assert "recorded by agent 'shop', which this server does not serve" in shop.json()["detail"]
        garbage = await http.post("/traces/replay", json={"trace": "not json\n"})
        assert garbage.status_code == 422
        assert garbage.json()["detail"].startswith("the trace sent")
        empty = await http.post("/traces/replay", json={"trace": ""})
        assert empty.status_code == 422
        assert "trace" in empty.json()["detail"]
        extra = await http.post("/traces/replay", json={"trace": "x", "agent": "shop"})
        assert extra.status_code == 422


async def test_a_trace_above_the_body_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:  # 4 KiB
        answer = await server.http.post(
            "/traces/replay", json={"trace": DINNER.read_text(encoding="utf-8")}
        )
    assert answer.status_code == 413
    assert answer.json()["error"] == "too_large"
