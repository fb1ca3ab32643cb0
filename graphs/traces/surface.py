"""What a trace pins down about an agent and a run, and how two versions are diffed.

- ``describe_surface(runtime)``: the agent as the model meets it — instructions, every allowed
  tool's description, effect and argument and result schemas, the response schema. The trace
  header holds it with its ``fingerprint``; a replay against an agent whose surface differs fails
  before anything runs, with a diff of the part that changed.
- ``outcome_of(result)``: how a run ended — status, response, error, pending approvals, each
  step's tool, status, arguments, result or error, and the verdicts — without timings.
- ``json_diff``: a unified diff of two JSON values, long texts split into lines so a changed
  sentence of a prompt shows as one changed line.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from plangate.graphs.engine.build import RunResult
from plangate.graphs.engine.runtime import Runtime

_STEP_KEYS = ("tool", "status", "args", "result", "error", "error_type")


def describe_surface(runtime: Runtime) -> dict[str, Any]:
    """The agent's instructions, allowed tools and response schema, as JSON data."""
    tools = sorted(
        (t for t in runtime.toolset if runtime.allowed is None or t.name in runtime.allowed),
        key=lambda t: t.name,
    )
    return {
        "instructions": runtime.instructions,
        "tools": {
            t.name: {
                "description": t.description,
                "effect": t.effect,
                "parameters": t.args_schema(),
                "result": t.result_schema(),
            }
            for t in tools
        },
        "response": {
            "name": runtime.response_model.__name__,
            "schema": runtime.response_model.model_json_schema(),
        },
    }


def fingerprint(surface: Mapping[str, Any]) -> str:
    """The hash of a surface (16 hex digits of its canonical JSON's SHA-256)."""
    text = json.dumps(surface, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def surface_change(recorded: Mapping[str, Any], live: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(message, diff)`` naming the first part of the surface that changed, else ``None``."""
    if recorded.get("instructions") != live.get("instructions"):
        return (
            "the agent's instructions changed since the trace was recorded",
            json_diff(recorded.get("instructions"), live.get("instructions")),
        )
    old_tools: Mapping[str, Any] = recorded.get("tools") or {}
    new_tools: Mapping[str, Any] = live.get("tools") or {}
    if set(old_tools) != set(new_tools):
        added = sorted(set(new_tools) - set(old_tools))
        removed = sorted(set(old_tools) - set(new_tools))
        parts = [f"added {', '.join(added)}" if added else "", f"removed {', '.join(removed)}"
                 if removed else ""]  # fmt: skip
        return (
            f"the agent's tools changed since the trace was recorded: {'; '.join(p for p in parts if p)}",
            json_diff(sorted(old_tools), sorted(new_tools)),
        )
    for name in sorted(old_tools):
        if old_tools[name] != new_tools[name]:
            fields = [
                key for key in old_tools[name] if old_tools[name][key] != new_tools[name].get(key)
            ]
            return (
                f"tool {name!r} changed since the trace was recorded ({', '.join(fields) or 'schema'})",
                json_diff(old_tools[name], new_tools[name]),
            )
    if recorded.get("response") != live.get("response"):
        return (
            "the agent's response model changed since the trace was recorded",
            json_diff(recorded.get("response"), live.get("response")),
        )
    return None


def outcome_of(result: RunResult) -> dict[str, Any]:
    """How a run ended, as JSON data without timings (what replay compares)."""
    steps = {
        sid: {key: record[key] for key in _STEP_KEYS if key in record}
        for sid, record in sorted(result.steps.items())
    }
    verdicts = sorted(result.verdicts, key=lambda v: json.dumps(v, sort_keys=True, default=str))
    return {
        "status": result.status,
        "response": result.response.model_dump(mode="json") if result.response else None,
        "error": result.error,
        # Provenance labels are left out: they are derived from the plan, the arguments and
        # the results compared here, and traces recorded before labels existed must replay.
        "approvals": [
            {key: value for key, value in approval.items() if key != "provenance"}
            for approval in result.approvals
        ],
        "steps": steps,
        "verdicts": verdicts,
    }


def diffable(value: Any) -> Any:
    """``value`` with every multi-line string split into its lines (for readable diffs)."""
    if isinstance(value, str) and "\n" in value:
        return value.split("\n")
    if isinstance(value, Mapping):
        return {key: diffable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [diffable(item) for item in value]
    return value


def pretty(value: Any) -> str:
    """``value`` as indented JSON with sorted keys, multi-line strings split."""
    return json.dumps(diffable(value), indent=2, sort_keys=True, ensure_ascii=False, default=str)


def json_diff(
    recorded: Any, replayed: Any, *, labels: tuple[str, str] = ("recorded", "replayed")
) -> str:
    """A unified diff from ``recorded`` to ``replayed`` (both as ``pretty`` JSON)."""
    lines = difflib.unified_diff(
        pretty(recorded).splitlines(),
        pretty(replayed).splitlines(),
        fromfile=labels[0],
        tofile=labels[1],
        lineterm="",
        n=3,
    )
    return "\n".join(lines)


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0 to 1 (to pick the nearest recorded request)."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.2:
        return matcher.real_quick_ratio() / 10
    return matcher.ratio()
