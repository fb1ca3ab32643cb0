"""``ReplaySaver``: the checkpointer of a reused replay agent, one store per replay.

Traces name their threads as they were recorded (``t1``, a scenario's name), so two traces
replayed through one compiled graph would meet in a shared checkpointer. A ``ReplaySaver`` keeps
nothing itself: every call goes to an ``InMemorySaver`` of the replay under way
(``plangate.graphs.traces._scope``), made on first use and dropped with the replay.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    DeltaChannelHistory,
)
from langgraph.checkpoint.memory import InMemorySaver

from plangate.graphs.traces._scope import current_scope


class ReplaySaver(BaseCheckpointSaver[str]):
    """Saves each replay's runs in that replay's own in-memory store."""

    def __init__(self) -> None:
        super().__init__()
        # Shared by the copies LangGraph makes of a checkpointer (``with_allowlist``), so a
        # graph's copy and this one find the same store.
        self._store_key = object()

    def _saver(self) -> InMemorySaver:
        savers = current_scope().savers
        saver = savers.get(self._store_key)
        if saver is None:
            saver = savers[self._store_key] = InMemorySaver(serde=self.serde)
        return saver

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """The checkpoint ``config`` names, from this replay's store."""
        return self._saver().get_tuple(config)

    def list(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        """This replay's checkpoints matching the arguments."""
        return self._saver().list(config, filter=filter, before=before, limit=limit)

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Save a checkpoint in this replay's store."""
        return self._saver().put(config, checkpoint, metadata, new_versions)

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """Save a task's writes in this replay's store."""
        self._saver().put_writes(config, writes, task_id, task_path)

    def delete_thread(self, thread_id: str) -> None:
        """Forget a thread of this replay."""
        self._saver().delete_thread(thread_id)

    def get_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, DeltaChannelHistory]:
        """The writes of ``channels`` up ``config``'s checkpoint chain, from this replay's store."""
        return self._saver().get_delta_channel_history(config=config, channels=channels)

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """``get_tuple``."""
        return self._saver().get_tuple(config)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        """``list``."""
        for item in self._saver().list(config, filter=filter, before=before, limit=limit):
            yield item

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """``put``."""
        return self._saver().put(config, checkpoint, metadata, new_versions)

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        """``put_writes``."""
        self._saver().put_writes(config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        """``delete_thread``."""
        self._saver().delete_thread(thread_id)

    async def aget_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, DeltaChannelHistory]:
        """``get_delta_channel_history``."""
        return self._saver().get_delta_channel_history(config=config, channels=channels)

    def get_next_version(self, current: str | None, channel: None) -> str:
        """The next version of a channel, numbered as ``InMemorySaver`` numbers them."""
        return self._saver().get_next_version(current, channel)
