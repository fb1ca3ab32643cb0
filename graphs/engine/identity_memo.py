"""``IdentityMemo``: what was worked out from a piece of run state, remembered by its identity.

A run's state data is never changed in place — a node returns new data instead — so within a
process the same object always means the same content. Work derived from it (a validated plan,
a result's strings) can be remembered by ``id`` across the nodes of a run rather than redone at
every step. The data is held while remembered, so its identity cannot be reused by another
object; the oldest entries are dropped beyond ``size``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class IdentityMemo(Generic[V]):
    """``build(data)``, remembered by the identity of ``data`` (the ``size`` latest built).

    The oldest entry goes first, used or not: a lookup stays one dictionary read, and what
    was dropped is only built again.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: dict[int, tuple[Any, V]] = {}

    def get(self, data: Any, build: Callable[[Any], V]) -> V:
        """What ``build`` makes of ``data``, made once while ``data`` is remembered."""
        found = self._entries.get(id(data))
        if found is not None and found[0] is data:
            return found[1]
        value = build(data)
        self.put(data, value)
        return value

    def find(self, data: Any) -> V | None:
        """What is remembered of ``data``, or ``None``."""
        found = self._entries.get(id(data))
        return found[1] if found is not None and found[0] is data else None

    def put(self, data: Any, value: V) -> None:
        """Remember ``value`` for ``data``, in place of what was remembered."""
        entries = self._entries
        entries.pop(id(data), None)
        entries[id(data)] = (data, value)
        if len(entries) > self._size:
            del entries[next(iter(entries))]
