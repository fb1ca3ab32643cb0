"""Approval decisions: what a person answers when a run pauses for approval.

A paused run presents its pending calls with stable ids (the step ids). The answer maps every
id to a decision::

    {"s3": "approve", "s4": {"action": "reject", "reason": "too expensive"},
     "s5": {"action": "edit", "args": {"party_size": 4}}}

A malformed answer is a ``UsageError`` naming the id and what was wrong, raised before the run
moves: nothing is decided until every pending id has a valid decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from plangate.tools.errors import UsageError


class Decision(BaseModel):
    """A person's decision about one pending call.

    Attributes:
        action: approve, reject, or edit (run with changed arguments).
        args: for edit, the arguments to change (merged over the proposed ones).
        reason: why, recorded with the verdict.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal["approve", "reject", "edit"]
    args: dict[str, Any] | None = None
    reason: str = Field(default="", max_length=500)


def parse_decisions(answer: Any, pending: Sequence[str]) -> dict[str, Decision]:
    """Validate an answer against the pending approval ids.

    Raises:
        UsageError: the answer is not a mapping, misses or adds ids, or a decision is invalid.
    """
    if not isinstance(answer, dict):
        raise UsageError(
            f"approval decisions must map each pending id to a decision, got {type(answer).__name__}"
        )
    missing = [pid for pid in pending if pid not in answer]
    unknown = [key for key in answer if key not in pending]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing decisions for {', '.join(missing)}")
        if unknown:
            parts.append(f"no pending approval has id {', '.join(map(str, unknown))}")
        raise UsageError(f"{'; '.join(parts)} (pending: {', '.join(pending)})")
    decisions: dict[str, Decision] = {}
    for pid in pending:
        raw = answer[pid]
        data = {"action": raw} if isinstance(raw, str) else raw
        try:
            decision = Decision.model_validate(data)
        except ValidationError as exc:
            problem = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'decision'}: {e['msg']}" for e in exc.errors()
            )
            raise UsageError(f"decision for {pid} is invalid: {problem}") from exc
        if decision.action == "edit" and not decision.args:
            raise UsageError(f"decision for {pid} is 'edit' but gives no args to change")
        decisions[pid] = decision
    return decisions
