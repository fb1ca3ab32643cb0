"""Whether a paused thread's decisions were already sent: a resume in flight.

Resuming sends LangGraph a ``Command`` whose resume value and state update are saved first, as
writes pending on the paused checkpoint, before any node runs. A process killed after that
leaves the checkpoint still paused, with those writes beside it. Resuming it again would add a
second set of the same writes to one step (``InvalidUpdateError`` on ``started_at``), and the
decisions were given already: such a thread is *interrupted*, and continuing it from its
checkpoint (input ``None``) applies the saved decisions once.

The two names below are LangGraph's own (``langgraph._internal._constants``, private there,
so repeated here); ``tests/graphs/engine/test_resume_in_flight.py`` fails if they change.
"""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver

NULL_TASK_ID = "00000000-0000-0000-0000-000000000000"
"""The task id of writes that belong to no task: a ``Command``'s resume and update."""
RESUME = "__resume__"
"""The channel a resume value is written to."""


async def is_resume_in_flight(
    checkpointer: BaseCheckpointSaver[Any], config: RunnableConfig
) -> bool:
    """Whether the thread's latest checkpoint holds a resume that has not run to a new one."""
    saved = await checkpointer.aget_tuple(config)
    if saved is None or not saved.pending_writes:
        return False
    return any(
        task == NULL_TASK_ID and channel == RESUME for task, channel, _ in saved.pending_writes
    )
