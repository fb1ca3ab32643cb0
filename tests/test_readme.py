"""The README's Python blocks run as written, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_python_blocks_run() -> None:
    blocks = python_blocks()
    assert blocks, "the README lost its examples"
    namespace: dict[str, object] = {"__name__": "readme"}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)


def test_declaring_a_tool_and_getting_its_schema_takes_under_ten_lines() -> None:
    first = python_blocks()[0]
    lines = [line for line in first.splitlines() if line.strip()]
    assert len(lines) <= 10, f"the first example has {len(lines)} lines"
    namespace: dict[str, object] = {"__name__": "readme"}
    exec(compile(first, str(README), "exec"), namespace)
    schema = namespace["schema"]
    assert isinstance(schema, dict)
    assert schema["function"]["name"] == "search_restaurants"
    assert schema["function"]["parameters"]["required"] == ["city", "party_size"]


def test_a_custom_agent_takes_under_thirty_lines() -> None:
    block = next(b for b in python_blocks() if "AgentSpec(" in b)
    lines = [line for line in block.splitlines() if line.strip()]
    assert len(lines) < 30, f"the custom agent example has {len(lines)} lines"
