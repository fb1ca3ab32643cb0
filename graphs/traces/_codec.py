"""How values cross a trace: a type tag written beside each result, rebuilt on replay; call keys.

A tool or backend result is written as JSON together with ``type_of`` it — the pydantic model's
import path, ``list`` of such, a datetime or a date — so a replay can hand the code the same types
it saw while recording (``rebuild``). Backend reads are found again by ``call_key``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from plangate.graphs.traces.model_calls import canonical_json


def type_of(value: Any) -> Any:
    """How to rebuild ``value`` from its JSON: a model, a list of them, a datetime, or ``None``."""
    if isinstance(value, BaseModel):
        return {"model": f"{type(value).__module__}:{type(value).__qualname__}"}
    if isinstance(value, list | tuple) and value:
        inner = type_of(value[0])
        return {"list": inner} if inner is not None else None
    if isinstance(value, datetime):
        return {"datetime": True}
    if isinstance(value, date):
        return {"date": True}
    return None


def rebuild(data: Any, kind: Any) -> Any:
    """``data`` rebuilt as ``type_of`` described it (as plain JSON if that fails)."""
    if not isinstance(kind, Mapping) or data is None:
        return data
    if "list" in kind and isinstance(data, list):
        return [rebuild(item, kind["list"]) for item in data]
    if "datetime" in kind:
        return datetime.fromisoformat(data)
    if "date" in kind:
        return date.fromisoformat(data)
    module, _, name = str(kind.get("model", "")).partition(":")
    try:
        cls: Any = importlib.import_module(module)
        for part in name.split("."):
            cls = getattr(cls, part)
        return cls.model_validate(data)
    except (ImportError, AttributeError, ValidationError):  # redacted or moved: keep the JSON
        return data


def call_key(method: str, args: Any, kwargs: Any) -> str:
    """The key of a backend call: its method and its arguments as canonical JSON."""
    return canonical_json({"method": method, "args": args, "kwargs": kwargs})
