"""Sink policies: what a value from outside the user's request may do in a tool's arguments.

A write tool says, per argument, what happens when the value there is *untrusted* (it came from
a tool result, or was chosen by a model after reading tool results)::

    @tool(effect="write", sinks={"venue_id": "allow", "notes": "approve", "iban": "refuse"})
    async def book_table(args: BookTableArgs, ctx: ToolContext[Backend]) -> Reservation: ...

- ``allow``: expected, e.g. a venue id picked from a search result;
- ``approve``: the call waits for a person, who sees where the value came from (the default
  for every argument of a write not named);
- ``refuse``: the call is blocked, naming the argument and where its value came from.

**Outward reads are sinks too.** Exfiltration needs no write: a read that sends data outward
(fetching a URL, querying an address the data supplied, posting to a webhook) leaks whatever
its arguments carry. Such a read declares the arguments that leave::

    @tool(effect="read", sinks={"url": "refuse"})
    async def fetch(url: str, ctx: ToolContext[Http]) -> str: ...

Only the declared paths of a read are sinks; its other arguments take untrusted values freely
(their default is ``allow``), so a search that filters on a value from an earlier result
still runs unasked.

A key is an argument's name or a dotted path into it (``passengers.first_name``; list indices
are left out). The policy of an argument applies to everything inside it unless a longer path
names a part. Keys are checked against the tool's argument schema when the tool is defined, so
a misspelt name is a ``UsageError`` rather than a policy that silently never applies.

This module only holds the declaration; ``plangate.graphs.guards.sinks`` enforces it, for
writes and for reads that declare sinks alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from plangate.tools.errors import UsageError

SinkPolicy = Literal["allow", "approve", "refuse"]
SINK_POLICIES: tuple[SinkPolicy, ...] = get_args(SinkPolicy)
DEFAULT_SINK: SinkPolicy = "approve"
"""The policy of a write's argument that its tool does not name: a person approves it."""
DEFAULT_READ_SINK: SinkPolicy = "allow"
"""The policy of a read's argument that its tool does not name: not a sink."""

_STRICTNESS: dict[SinkPolicy, int] = {"allow": 0, "approve": 1, "refuse": 2}
_INDEX = re.compile(r"\[[^\]]*\]")
_MAX_SCHEMA_DEPTH = 64


def path_parts(path: str) -> tuple[str, ...]:
    """The field names along an argument path, indices left out: ``legs[0].date`` → legs, date."""
    return tuple(part for part in _INDEX.sub("", path).split(".") if part)


def strictest(policies: Iterator[SinkPolicy] | tuple[SinkPolicy, ...]) -> SinkPolicy:
    """The strictest of ``policies`` (refuse > approve > allow); ``allow`` when there are none."""
    return max(policies, key=_STRICTNESS.__getitem__, default="allow")


@dataclass(frozen=True)
class Sinks:
    """A tool's validated sink declaration.

    Attributes:
        policies: policy by argument path, as field names (``("passengers", "first_name")``).
        default: the policy of an argument no path covers: ``approve`` for a write,
            ``allow`` for a read (only a read's declared paths are sinks).
    """

    policies: Mapping[tuple[str, ...], SinkPolicy] = field(default_factory=dict)
    default: SinkPolicy = DEFAULT_SINK

    def policy(self, path: str) -> SinkPolicy:
        """The policy of the argument at ``path`` (``venue_id``, ``passengers[0].first_name``).

        The longest declared path that contains ``path`` decides. When ``path`` holds parts
        with policies of their own (a whole list labelled at once), the strictest applies.
        """
        parts = path_parts(path)
        found, length = self.default, -1
        for key, policy in self.policies.items():
            if parts[: len(key)] == key and len(key) > length:
                found, length = policy, len(key)
        inside = (
            p
            for key, p in self.policies.items()
            if len(key) > len(parts) and key[: len(parts)] == parts
        )
        return strictest((found, *inside))

    def declared(self) -> dict[str, SinkPolicy]:
        """The declaration as given, keys as dotted paths."""
        return {".".join(key): policy for key, policy in self.policies.items()}


def declare_sinks(
    tool: str,
    sinks: Mapping[str, str] | None,
    schema: Mapping[str, Any],
    *,
    effect: str = "write",
) -> Sinks:
    """Validate a tool's ``sinks`` against its argument ``schema`` (a JSON schema).

    Args:
        tool: the tool's name, for messages.
        sinks: argument path → ``allow`` | ``approve`` | ``refuse``; None declares nothing.
        schema: the JSON schema of the tool's arguments.
        effect: the tool's effect: an undeclared argument of a ``write`` is ``approve``, one
            of a ``read`` is ``allow``.

    Raises:
        UsageError: ``sinks`` is not a mapping, a policy is unknown, or a path names an
            argument (or a field inside one) that does not exist.
    """
    default = DEFAULT_READ_SINK if effect == "read" else DEFAULT_SINK
    if sinks is None:
        return Sinks(default=default)
    if not isinstance(sinks, Mapping):
        raise UsageError(
            f"tool {tool!r}: sinks maps argument names to policies, e.g. "
            f"{{'venue_id': 'allow'}}, not a {type(sinks).__name__}"
        )
    policies: dict[tuple[str, ...], SinkPolicy] = {}
    for key, policy in sinks.items():
        if not isinstance(key, str) or not key.strip():
            raise UsageError(f"tool {tool!r}: sinks key {key!r} is not an argument name")
        if policy not in SINK_POLICIES:
            raise UsageError(
                f"tool {tool!r}: sinks[{key!r}] is {policy!r}; use 'allow', 'approve' or 'refuse'"
            )
        parts = _INDEX.sub("", key).split(".")
        if not all(parts):
            raise UsageError(f"tool {tool!r}: sinks key {key!r} has an empty part")
        _check_path(tool, key, tuple(parts), schema)
        policies[tuple(parts)] = policy
    return Sinks(policies=policies, default=default)


def _check_path(tool: str, key: str, parts: tuple[str, ...], root: Mapping[str, Any]) -> None:
    nodes: list[Mapping[str, Any]] = [root]
    for depth, part in enumerate(parts):
        names: set[str] = set()
        found: list[Mapping[str, Any]] = []
        for node in nodes:
            for branch in _branches(root, node, 0):
                props = branch.get("properties")
                extra = branch.get("additionalProperties")
                if isinstance(props, Mapping):
                    names.update(str(name) for name in props)
                    if part in props and isinstance(props[part], Mapping):
                        found.append(props[part])
                        continue
                if isinstance(extra, Mapping):
                    found.append(extra)
                elif extra is True or _is_open(branch):
                    return  # any field may be there: nothing more to check
        if not found:
            where = (
                f"{tool} has no argument"
                if depth == 0
                else f"{'.'.join(parts[:depth])} has no field"
            )
            known = f" (it has: {', '.join(sorted(names))})" if names else ""
            raise UsageError(f"tool {tool!r}: sinks names {key!r}, but {where} {part!r}{known}")
        nodes = found


def _is_open(branch: Mapping[str, Any]) -> bool:
    """A schema whose parts are not described: ``{}``, an object with no properties, a bare array."""
    if "properties" in branch or "additionalProperties" in branch:
        return False
    kind = branch.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if "object" in kinds or ("array" in kinds and "items" not in branch):
        return True
    return kind is None and not {"enum", "const"} & branch.keys()


def _branches(
    root: Mapping[str, Any], node: Mapping[str, Any], depth: int
) -> Iterator[Mapping[str, Any]]:
    """The object schemas ``node`` may stand for: references followed, unions and arrays opened."""
    if depth > _MAX_SCHEMA_DEPTH:
        return
    ref = node.get("$ref")
    if isinstance(ref, str):
        target = _resolve(root, ref)
        if target is not None:
            yield from _branches(root, target, depth + 1)
    for combinator in ("anyOf", "oneOf", "allOf"):
        for branch in node.get(combinator) or ():
            if isinstance(branch, Mapping):
                yield from _branches(root, branch, depth + 1)
    items = node.get("items")
    if isinstance(items, Mapping):
        yield from _branches(root, items, depth + 1)
    for item in node.get("prefixItems") or ():
        if isinstance(item, Mapping):
            yield from _branches(root, item, depth + 1)
    if (
        not ({"$ref", "anyOf", "oneOf", "allOf", "items", "prefixItems"} & node.keys())
        or "properties" in node
    ):
        yield node


def _resolve(root: Mapping[str, Any], ref: str) -> Mapping[str, Any] | None:
    if not ref.startswith("#/"):
        return None
    node: Any = root
    for part in ref[2:].split("/"):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, Mapping) else None
