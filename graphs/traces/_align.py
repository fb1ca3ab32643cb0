"""Learning which stand-in a value had when it was recorded, from where the trace used it.

A recording gives each piece of PII a stand-in (``plangate.graphs.guards.pseudonyms``) and keeps
no table of them. A replay meets most values already as stand-ins — it reads them from recorded
results — but the agent itself may hold some (an address in its instructions, a default
argument), and a resume recorded by another process meets the earlier values again from the
checkpoint. Cleaning them stands placeholders in; ``align`` lays the cleaned data over its
recorded counterpart and ties each placeholder to the stand-in written at the same place, when
every such tie is consistent (one stand-in per value, one value per stand-in).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from plangate.graphs.guards.pseudonyms import (
    Pending,
    Pseudonyms,
    has_placeholder,
    pattern,
    split_placeholders,
)

Ties = list[tuple[Pending, str]]
"""Values met without a stand-in, each with the text recorded in its place."""


def holds_placeholder(value: Any) -> bool:
    """Whether cleaned ``value`` stands a placeholder in for some value anywhere."""
    if isinstance(value, str):
        return has_placeholder(value)
    if isinstance(value, Mapping):
        return any(holds_placeholder(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(holds_placeholder(item) for item in value)
    return False


def _match(text: str, recorded: str, table: Pseudonyms) -> Ties | None:
    parts = split_placeholders(text)
    groups: list[Pending] = []
    regex = ""
    for part in parts:
        if isinstance(part, int):
            pending = table.pending(part)
            groups.append(pending)
            regex += f"({pattern(pending.kind, pending.text)})"
        else:
            regex += re.escape(part)
    found = re.fullmatch(regex, recorded)
    if found is None:
        return None
    return list(zip(groups, found.groups(), strict=True))


def _ties(live: Any, recorded: Any, table: Pseudonyms, *, strict: bool) -> Ties | None:
    """The ties that make ``live`` read as ``recorded``; ``None`` when (strictly) they differ.

    Not ``strict``, parts that differ are passed over: the ties found elsewhere still hold, and
    the comparison that follows shows what differs.
    """
    if isinstance(live, str) and isinstance(recorded, str):
        if has_placeholder(live):
            found = _match(live, recorded, table)
            if found is None:
                return None if strict else []
            return found
        return [] if live == recorded or not strict else None
    if isinstance(live, Mapping) and isinstance(recorded, Mapping):
        if strict and set(live) != set(recorded):
            return None
        pairs: Iterable[tuple[Any, Any]] = ((live[k], recorded[k]) for k in live if k in recorded)
    elif isinstance(live, list | tuple) and isinstance(recorded, list | tuple):
        if strict and len(live) != len(recorded):
            return None
        pairs = zip(live, recorded, strict=False)
    else:
        return None if strict and live != recorded else []
    ties: Ties = []
    for inner_live, inner_recorded in pairs:
        inner = _ties(inner_live, inner_recorded, table, strict=strict)
        if inner is None:
            return None
        ties += inner
    return ties


def align(
    clean: Callable[[], Any],
    counterparts: Callable[[], Iterable[Any]],
    table: Pseudonyms | None,
    *,
    strict: bool = True,
    held: Callable[[], bool] | None = None,
) -> Any:
    """``clean()``, after tying its placeholders to the stand-ins of the first counterpart
    they fit (see the module docstring); as cleaned when none fits.

    Args:
        clean: cleans the live data (again, once ties were made).
        counterparts: the recorded data the live data should read as, most likely first.
        table: the stand-ins of the replay (``None``: markers, nothing to learn).
        strict: a counterpart fits only if everything but the placeholders is equal (model
            requests, looked up among many); otherwise the ties found are kept.
        held: says whether what ``clean`` just returned holds a placeholder, when the cleaner
            knows (else the cleaned data is searched for one).
    """
    cleaned = clean()
    if table is None or not (held() if held is not None else holds_placeholder(cleaned)):
        return cleaned
    for recorded in counterparts():
        ties = _ties(cleaned, recorded, table, strict=strict)
        if ties and table.bind(ties):
            return clean()
    return cleaned
