"""What the docs' ```json and ```yaml blocks show, made by the code: ``<!-- shape: NAME -->``
before a block names an entry of :data:`SHAPES`, a check of the parsed block.

A block may abbreviate: a string ``"…"`` stands for any value, and a key ``"…"`` for any further
keys; everything else it shows must be there, with the same kind of value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plangate.graphs.guards.rule_files import rules_from_data

ELLIPSIS = "…"


def assert_same_shape(shown: Any, real: Any, path: str = "$") -> None:
    """Fail unless ``shown`` (a docs block) has the shape of ``real`` (what the code made)."""
    if shown == ELLIPSIS or (isinstance(shown, str) and isinstance(real, str)):
        return
    if isinstance(shown, dict):
        assert isinstance(real, dict), f"{path}: the docs show an object, the code makes {real!r}"
        keys = set(shown) - {ELLIPSIS}
        missing = keys - set(real)
        assert not missing, f"{path}: the code makes no {sorted(missing)} (it makes {sorted(real)})"
        if ELLIPSIS not in shown:
            unshown = set(real) - keys
            assert not unshown, f"{path}: the docs leave out {sorted(unshown)}; add them or '…'"
        for key in keys:
            assert_same_shape(shown[key], real[key], f"{path}.{key}")
    elif isinstance(shown, list):
        assert isinstance(real, list), f"{path}: the docs show a list, the code makes {real!r}"
        if shown and real:
            assert_same_shape(shown[0], real[0], f"{path}[0]")
    elif shown is None or real is None:
        assert shown is None or shown == ELLIPSIS or real is None, f"{path}: {shown!r} vs {real!r}"
    else:
        kinds = (bool, int | float, str)
        same = any(isinstance(shown, kind) and isinstance(real, kind) for kind in kinds)
        assert same, f"{path}: the docs show {shown!r}, the code makes {real!r}"


def _rules_file(shown: Any) -> None:
    """A rules file, as ``rules_from_data`` loads it (docs/policies.md)."""
    rules = rules_from_data(shown, "docs")
    assert [rule.id for rule in rules] == [item["id"] for item in shown["rules"]]


SHAPES: dict[str, Callable[[Any], None]] = {
    "rules-file": _rules_file,
}
