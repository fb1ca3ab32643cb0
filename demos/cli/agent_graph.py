"""An agent's own graph, as ``plangate graph AGENT`` draws it: Mermaid text, or an SVG file.

The nodes and edges are read from the agent's compiled engine graph, keeping the nodes of its
strategy (``plan`` or ``react``); each node lists the guardrails that watch its stage (input,
plan, tool call, tool result, output), and the tool-calling node leads to every tool the agent
may use, marked read or write. The SVG is drawn here, with no network and no renderer to
install: Mermaid's own PNG export needs a browser or the mermaid.ink service.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plangate.agents import Agent

START, END = "__start__", "__end__"
_OTHER_STRATEGY = {"plan": {"react"}, "react": {"plan", "replan"}}
_STAGE_NODES = {
    "input": ("guard_input",),
    "plan": ("plan", "replan", "react"),
    "tool_call": ("call_tool",),
    "tool_result": ("call_tool",),
    "output": ("respond",),
}


@dataclass(frozen=True)
class Node:
    """A box: its id, its title and the lines under it; ``kind`` picks its colours."""

    id: str
    title: str
    lines: tuple[str, ...] = ()
    kind: str = "step"


@dataclass(frozen=True)
class Edge:
    """An arrow; a conditional one is drawn dashed (the engine decides at run time)."""

    source: str
    target: str
    conditional: bool = False


@dataclass(frozen=True)
class AgentGraph:
    """What ``plangate graph`` draws for one agent."""

    name: str
    strategy: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def describe_agent(agent: Agent) -> AgentGraph:
    """``agent``'s graph: its strategy's nodes, their guardrails, and its tools by effect."""
    runtime = agent.runtime
    drawn = agent.engine.graph.get_graph()
    skipped = _OTHER_STRATEGY.get(agent.strategy, set())
    by_stage: dict[str, list[str]] = {stage: [] for stage in _STAGE_NODES}
    for guard in runtime.guardrails:
        for stage in guard.stages:
            by_stage[str(stage)].append(guard.name)
    guards: dict[str, list[str]] = {}
    for stage_name, names in by_stage.items():
        for node in _STAGE_NODES[stage_name] if names else ():
            guards.setdefault(node, []).extend(_wrapped(f"{stage_name}:", names))
    nodes: list[Node] = []
    for key in drawn.nodes:
        if key in skipped:
            continue
        if key in (START, END):
            nodes.append(Node(key, "request" if key == START else "answer", kind="terminal"))
            continue
        nodes.append(Node(key, key, tuple(guards.get(key, ())), "step"))
    edges = [
        Edge(e.source, e.target, e.conditional)
        for e in drawn.edges
        if e.source not in skipped and e.target not in skipped
    ]
    for tool in runtime.toolset:
        key = f"tool:{tool.name}"
        nodes.append(Node(key, tool.name, (tool.effect,), "write" if tool.is_write else "read"))
        edges.append(Edge("call_tool", key, True))
    return AgentGraph(agent.name, agent.strategy, tuple(nodes), tuple(dict.fromkeys(edges)))


def _wrapped(head: str, names: list[str], per_line: int = 3) -> list[str]:
    """``head`` and ``names``, a few names to a line, so boxes stay narrow."""
    lines = [", ".join(names[i : i + per_line]) for i in range(0, len(names), per_line)]
    return [f"{head} {lines[0]}", *(f"  {line}" for line in lines[1:])]


def _mermaid_id(key: str) -> str:
    return key.replace(":", "__")


def to_mermaid(graph: AgentGraph) -> str:
    """The graph as Mermaid flowchart text (paste it in any Mermaid viewer)."""
    lines = [
        f"---\ntitle: {graph.name} ({graph.strategy} strategy)\n---",
        "flowchart TD",
    ]
    for node in graph.nodes:
        label = "<br/>".join([f"<b>{escape(node.title)}</b>", *map(escape, node.lines)])
        shape = ('(["', '"])') if node.kind == "terminal" else ('["', '"]')
        lines.append(f"    {_mermaid_id(node.id)}{shape[0]}{label}{shape[1]}:::{node.kind}")
    for edge in graph.edges:
        arrow = "-.->" if edge.conditional else "-->"
        lines.append(f"    {_mermaid_id(edge.source)} {arrow} {_mermaid_id(edge.target)}")
    lines += [
        "    classDef step fill:#f2f0ff,stroke:#6c5ce7",
        "    classDef terminal fill:#dfe6e9,stroke:#636e72",
        "    classDef read fill:#e3f9e5,stroke:#2e7d32",
        "    classDef write fill:#fff1e0,stroke:#e65100",
    ]
    return "\n".join(lines) + "\n"


_COLOURS = {
    "step": ("#f2f0ff", "#6c5ce7"),
    "terminal": ("#dfe6e9", "#636e72"),
    "read": ("#e3f9e5", "#2e7d32"),
    "write": ("#fff1e0", "#e65100"),
}
_LINE, _PAD, _GAP_X, _GAP_Y, _CHAR, _PER_ROW = 16, 8, 40, 56, 7.2, 4


def _layers(graph: AgentGraph) -> list[list[Node]]:
    """Nodes in rows: each one row below the first node that leads to it (breadth first)."""
    by_id = {node.id: node for node in graph.nodes}
    row: dict[str, int] = {START: 0}
    queue = [START]
    while queue:
        key = queue.pop(0)
        for edge in graph.edges:
            if edge.source == key and edge.target not in row and edge.target != END:
                row[edge.target] = row[key] + 1
                queue.append(edge.target)
    row[END] = max(row.values(), default=0) + 1
    layers: list[list[Node]] = [[] for _ in range(row[END] + 1)]
    for node in graph.nodes:
        layers[row.get(node.id, row[END])].append(by_id[node.id])
    # A long row (many tools) wraps, so the drawing stays readable.
    return [layer[i : i + _PER_ROW] for layer in layers for i in range(0, len(layer), _PER_ROW)]


def _size(node: Node) -> tuple[float, float]:
    longest = max(len(text) for text in (node.title, *node.lines))
    return longest * _CHAR + 2 * _PAD, (1 + len(node.lines)) * _LINE + 2 * _PAD


def to_svg(graph: AgentGraph) -> str:
    """The graph as a standalone SVG image, laid out in rows from the request to the answer."""
    layers = _layers(graph)
    boxes: dict[str, tuple[float, float, float, float]] = {}
    widths = [sum(_size(n)[0] for n in layer) + _GAP_X * (len(layer) - 1) for layer in layers]
    width = max(widths) + 2 * _GAP_X
    y = 48.0
    for layer, row_width in zip(layers, widths, strict=True):
        x = (width - row_width) / 2
        height = max(_size(n)[1] for n in layer)
        for node in layer:
            w, h = _size(node)
            boxes[node.id] = (x, y, w, h)
            x += w + _GAP_X
        y += height + _GAP_Y
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{y:.0f}" '
        f'viewBox="0 0 {width:.0f} {y:.0f}" font-family="Helvetica, Arial, sans-serif" '
        'font-size="12">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#555"/></marker></defs>',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{width / 2:.0f}" y="28" text-anchor="middle" font-size="16" '
        f'font-weight="bold">{escape(graph.name)} ({escape(graph.strategy)} strategy)</text>',
    ]
    out += _svg_edges(graph.edges, boxes)
    for node in graph.nodes:
        out += _svg_node(node, boxes[node.id])
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _svg_edges(
    edges: Iterable[Edge], boxes: dict[str, tuple[float, float, float, float]]
) -> list[str]:
    out = []
    for edge in edges:
        if edge.source not in boxes or edge.target not in boxes:
            continue
        sx, sy, sw, sh = boxes[edge.source]
        tx, ty, tw, th = boxes[edge.target]
        dash = ' stroke-dasharray="5,4"' if edge.conditional else ""
        if edge.source == edge.target:  # a node that loops on itself
            x, top = sx + sw, sy + sh / 2
            path = f"M{x:.1f},{top - 6:.1f} C{x + 40:.1f},{top - 30:.1f} {x + 40:.1f},"
            path += f"{top + 30:.1f} {x:.1f},{top + 6:.1f}"
        elif ty > sy:  # downwards: bottom centre to top centre
            a, b = (sx + sw / 2, sy + sh), (tx + tw / 2, ty)
            path = f"M{a[0]:.1f},{a[1]:.1f} L{b[0]:.1f},{b[1]:.1f}"
        else:  # back up (a loop of the engine): around the left of both boxes
            a, b = (sx, sy + sh / 2), (tx, ty + th / 2)
            bend = min(sx, tx) - 50
            path = f"M{a[0]:.1f},{a[1]:.1f} C{bend:.1f},{a[1]:.1f} {bend:.1f},{b[1]:.1f} "
            path += f"{b[0]:.1f},{b[1]:.1f}"
        out.append(f'<path d="{path}" fill="none" stroke="#555"{dash} marker-end="url(#arrow)"/>')
    return out


def _svg_node(node: Node, box: tuple[float, float, float, float]) -> list[str]:
    x, y, w, h = box
    fill, stroke = _COLOURS.get(node.kind, _COLOURS["step"])
    radius = h / 2 if node.kind == "terminal" else 6
    out = [
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{radius:.1f}" '
        f'fill="{fill}" stroke="{stroke}"/>',
        f'<text x="{x + w / 2:.1f}" y="{y + _PAD + 12:.1f}" text-anchor="middle" '
        f'font-weight="bold">{escape(node.title)}</text>',
    ]
    for index, line in enumerate(node.lines, start=1):
        out.append(
            f'<text x="{x + w / 2:.1f}" y="{y + _PAD + 12 + index * _LINE:.1f}" '
            f'text-anchor="middle" fill="#333">{escape(line)}</text>'
        )
    return out
