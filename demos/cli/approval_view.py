"""The pending approvals as a person decides them: each call, its reasons, where each argument
came from; values taken from tool results stand out.

Each approval is a block, not a table row: a line naming the call and why it waits, then one line
per argument (``path = value``) with its provenance under it, all wrapped at word boundaries, so
the block reads the same at 80 columns as at 200. Moments are shown to the minute in the reader's
zone. Everything shown passes ``untrusted.scrub`` first: it comes from the plan and from tools.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Group
from rich.text import Text

from plangate.demos.cli.lines import Hanging, compact
from plangate.demos.cli.moments import Moments
from plangate.demos.cli.untrusted import scrub
from plangate.graphs.guards.labels import CallProvenance

UNTRUSTED_STYLE = "bold red"
"""How a value taken from a tool result is shown in an approval."""


def _argument_values(args: Any) -> dict[str, Any]:
    """Every node of ``args`` by its argument path (``legs[0].date``), as provenance names them."""
    values: dict[str, Any] = {}
    stack: list[tuple[str, Any]] = [("", args)]
    while stack:
        path, node = stack.pop()
        values[path] = node
        if isinstance(node, dict):
            stack.extend(
                (f"{path}.{key}" if path else str(key), item) for key, item in node.items()
            )
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(node))
    return values


def arguments_text(approval: dict[str, Any], moments: Moments | None = None) -> Text:
    """An approval's arguments, each with where it came from; tool-result values stand out.

    Without provenance (a payload made before it existed) the arguments are shown as JSON.
    Call it with a payload already passed through ``scrub``.
    """
    moments = moments or Moments()
    provenance = CallProvenance.from_payload(approval)
    args = approval.get("args", {})
    if provenance is None:
        return Text(moments.in_text(json.dumps(args, ensure_ascii=False, indent=1)))
    values = _argument_values(args)
    text = Text()
    for label in provenance.arguments:
        if text:
            text.append("\n")
        value = moments.in_text(compact(values.get(label.path), 60))
        if label.trusted:
            text.append(f"{label.path} = {value}\n")
            text.append(f"  ↳ {label.describe()}", "dim")
        else:
            text.append(f"{label.path} = ", UNTRUSTED_STYLE)
            text.append(value, f"{UNTRUSTED_STYLE} reverse")
            text.append(f"\n  ↳ {label.describe()}  (untrusted)", UNTRUSTED_STYLE)
    if not provenance.trusted_control:
        text.append("\n" if text else "")
        text.append("planned after reading tool results (untrusted control)", "yellow")
    return text


def untrusted_warning(approval: dict[str, Any]) -> Text | None:
    """One line naming the arguments of ``approval`` that came from tool results, if any."""
    approval = scrub(approval)
    provenance = CallProvenance.from_payload(approval)
    if provenance is None or not provenance.untrusted:
        return None
    where = "; ".join(f"{label.path} {label.describe()}" for label in provenance.untrusted)
    return Text(
        f"! {approval['id']} ({approval['tool']}) uses text from tool results: {where}. "
        "Check these values before approving.",
        UNTRUSTED_STYLE,
    )


def approvals_view(approvals: list[dict[str, Any]], moments: Moments | None = None) -> Group:
    """The pending approvals: per call its id, tool and reasons, then its arguments."""
    moments = moments or Moments()
    approvals = scrub(approvals)
    title = Text("Waiting for approval", "bold")
    if moments.has_moments(json.dumps([a.get("args") for a in approvals], default=str)):
        title.append(f" · times in {moments.zone_name}", "dim")
    blocks: list[Any] = [title]
    for approval in approvals:
        head = Text("? ", "yellow")
        head.append(approval["id"], "bold")
        head.append(f" {approval['tool']}")
        reasons = "; ".join(approval.get("reasons", []))
        if reasons:
            head.append(f": {reasons}", "yellow")
        blocks.append(Hanging(head))
        for line in arguments_text(approval, moments).split("\n"):
            # Under the call, each argument; a line that wraps goes on under its own text.
            below = 2 + len(line.plain) - len(line.plain.lstrip(" "))
            blocks.append(Hanging(Text("  ") + line, below + 2))
    return Group(*blocks)
