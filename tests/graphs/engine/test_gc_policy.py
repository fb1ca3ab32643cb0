"""The GC policy: thresholds set, garbage collected before the freeze, an opt-out by environment,
and the previous settings put back."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from plangate.graphs.engine.gc_policy import (
    ENV_VAR,
    SERVER_POLICY,
    GCPolicy,
    apply_gc_policy,
    current_gc_settings,
    restore_gc_settings,
)
from plangate.tools.errors import UsageError


class Node:
    """An object that can sit in a reference cycle and be watched through a weak reference."""

    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture(autouse=True)
def untouched_gc() -> Iterator[None]:
    """Each test leaves the collector as it found it, whatever it asserts."""
    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    yield
    gc.set_threshold(*thresholds)
    if gc.get_freeze_count() > frozen:
        gc.unfreeze()


def test_the_server_policy_sets_its_thresholds_and_returns_the_settings_before() -> None:
    gc.set_threshold(700, 10, 10)
    before = apply_gc_policy(environ={})
    assert before is not None
    assert before.thresholds == (700, 10, 10)
    assert gc.get_threshold() == SERVER_POLICY.thresholds


def test_objects_alive_at_apply_are_frozen_and_garbage_is_collected_first() -> None:
    kept = [Node()]
    lost, partner = Node(), Node()
    lost.other, partner.other = partner, lost
    watch = weakref.ref(lost)
    del lost, partner
    apply_gc_policy(GCPolicy(freeze=True), environ={})
    assert watch() is None  # the cycle was garbage: collected, not frozen
    assert gc.get_freeze_count() > 0
    assert not any(item is kept for item in gc.get_objects())  # frozen: no longer scanned


def test_no_freeze_leaves_the_permanent_generation_alone() -> None:
    frozen = gc.get_freeze_count()
    apply_gc_policy(GCPolicy(thresholds=(1_000, 5, 5), freeze=False), environ={})
    assert gc.get_threshold() == (1_000, 5, 5)
    assert gc.get_freeze_count() == frozen


def test_plangate_gc_python_keeps_the_interpreters_settings() -> None:
    before = current_gc_settings()
    assert apply_gc_policy(environ={ENV_VAR: "python"}) is None
    assert current_gc_settings() == before


def test_plangate_gc_server_is_the_same_as_unset() -> None:
    apply_gc_policy(GCPolicy(thresholds=(2_000, 3, 4), freeze=False), environ={ENV_VAR: "Server"})
    assert gc.get_threshold() == (2_000, 3, 4)


def test_an_unknown_plangate_gc_value_is_refused_before_anything_changes() -> None:
    before = current_gc_settings()
    with pytest.raises(UsageError, match="PLANGATE_GC must be 'server' or 'python'"):
        apply_gc_policy(environ={ENV_VAR: "off"})
    assert current_gc_settings() == before


def test_restore_puts_back_the_thresholds_and_unfreezes() -> None:
    before = apply_gc_policy(environ={})
    assert before is not None
    restore_gc_settings(before)
    assert current_gc_settings() == before


@pytest.mark.parametrize("thresholds", [(0, 10, 10), (700, -1, 10), (700, 10, 0)])
def test_thresholds_below_one_are_refused(thresholds: tuple[int, int, int]) -> None:
    with pytest.raises(UsageError, match="GC thresholds must be positive"):
        GCPolicy(thresholds=thresholds)
