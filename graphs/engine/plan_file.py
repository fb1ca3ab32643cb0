"""Workflows as files: a fixed ``Plan`` read from JSON or YAML, with errors that say where.

A workflow file holds what ``Plan`` holds — ``steps`` (each ``id``, ``tool``, ``args``, and
optionally ``depends_on``, ``condition``, ``description``), ``rationale`` and ``note`` — and runs
with ``Agent.run_plan`` (or ``plangate run AGENT --plan FILE``)::

    steps:
      - id: price
        tool: get_price
        args: {item: tea}
      - id: order
        tool: place_order
        args: {item: tea, qty: 2}
        condition: "${price} < 5"

Reading checks the shape only (a mistake names the file, the step by number and id, and the
field); whether the tools exist and accept the arguments is checked when the plan runs, against
the agent's tools (``plangate.graphs.engine.validation``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from plangate.graphs.engine.plan import Plan
from plangate.tools.errors import UsageError

SUFFIXES = {".json": "JSON", ".yaml": "YAML", ".yml": "YAML"}
"""The file types a workflow may be written in, by suffix."""


def load_plan(path: str | Path) -> Plan:
    """The ``Plan`` in the JSON or YAML file at ``path`` (by its suffix).

    Raises:
        UsageError: the file is missing, not JSON or YAML, or not a valid plan; the message
            names the file and, for a bad step, its number, its id and the field.
    """
    file = Path(path)
    kind = SUFFIXES.get(file.suffix.lower())
    if kind is None:
        raise UsageError(
            f"{file}: a workflow file ends in {', '.join(SUFFIXES)}, not {file.suffix or '(none)'}"
        )
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{file}: cannot read the workflow ({exc.strerror or exc})") from exc
    try:
        data = json.loads(text) if kind == "JSON" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise UsageError(f"{file}: not valid {kind}: {_first_line(exc)}") from exc
    return parse_plan(data, source=str(file))


def parse_plan(data: Any, *, source: str = "plan") -> Plan:
    """The ``Plan`` that ``data`` (JSON-like: dicts, lists, strings, numbers) describes.

    Args:
        data: the plan, e.g. ``{"steps": [{"id": "s1", "tool": "get_price", ...}]}``.
        source: where the data came from, named in errors (a file name).

    Raises:
        UsageError: ``data`` is not a valid plan; every problem is listed, each naming the
            step by number and id, and the field.
    """
    if not isinstance(data, Mapping):
        raise UsageError(
            f"{source}: a workflow is a mapping with 'steps' (a list of steps), "
            f"not {type(data).__name__}"
        )
    try:
        return Plan.model_validate(dict(data))
    except ValidationError as exc:
        problems = [_where(data, error["loc"]) + error["msg"] for error in exc.errors()]
        listed = "\n".join(f"  - {problem}" for problem in problems)
        raise UsageError(f"{source}: not a valid plan:\n{listed}") from exc


def _where(data: Mapping[str, Any], loc: tuple[int | str, ...]) -> str:
    """``step 2 ('order'), field tool: `` for the location of a pydantic error."""
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        steps = data.get("steps")
        raw = steps[loc[1]] if isinstance(steps, list) and loc[1] < len(steps) else None
        named = f" ({raw['id']!r})" if isinstance(raw, Mapping) and "id" in raw else ""
        field = ".".join(str(part) for part in loc[2:])
        return f"step {loc[1] + 1}{named}" + (f", field {field}: " if field else ": ")
    field = ".".join(str(part) for part in loc)
    return f"field {field}: " if field else ""


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
