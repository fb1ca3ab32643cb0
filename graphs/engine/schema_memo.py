"""``MemoizedSchema``: a pydantic model whose JSON schema is generated once, not per model call.

LangChain works out the JSON schema of a structured-output model on every call it makes (for
its tracing metadata), and pydantic generates it afresh each time: for the planner's answer
that was about a third of the CPU of a one-step run. The schema of a class never changes, so it
is generated once per set of arguments; each caller gets its own copy to change as it likes.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from pydantic import BaseModel


class MemoizedSchema(BaseModel):
    """A ``BaseModel`` whose ``model_json_schema`` is generated once per class and arguments."""

    _schemas: ClassVar[dict[tuple[Any, ...], str]] = {}

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The class's JSON schema (see ``BaseModel.model_json_schema``), generated once."""
        key = (cls, args, tuple(sorted(kwargs.items())))
        text = MemoizedSchema._schemas.get(key)
        if text is None:
            text = json.dumps(super().model_json_schema(*args, **kwargs))
            MemoizedSchema._schemas[key] = text
        schema: dict[str, Any] = json.loads(text)  # a copy of its own, made faster than deepcopy
        return schema
