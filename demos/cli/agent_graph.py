"""An agent's own graph, as ``plangate graph AGENT`` draws it: Mermaid text, SVG or PNG.

The nodes and edges are read from the agent's compiled engine graph, keeping the nodes of its
strategy (``plan`` or ``react``); each node lists the guardrails that watch its stage (input,
plan, tool call, tool result, output), and the tool-calling node leads to every tool the agent
may use, marked read or write. The drawing is laid out here, once (``layout``): the SVG
(``to_svg``) and the PNG (``plangate.demos.cli.graph_png``) only paint that layout, with no
network and no renderer to install — Mermaid's own PNG export needs a browser or mermaid.ink.
"""

from __future__ import annotations

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


COLOURS = {
    "step": ("#f2f0ff", "#6c5ce7"),
    "terminal": ("#dfe6e9", "#636e72"),
    "read": ("#e3f9e5", "#2e7d32"),
    "write": ("#fff1e0", "#e65100"),
}
EDGE_COLOUR, TEXT_COLOUR, LINE_COLOUR = "#555555", "#000000", "#333333"
FONT_SIZE, TITLE_SIZE = 12, 16
_LINE, _PAD, _GAP_X, _GAP_Y, _CHAR, _PER_ROW = 16, 8, 40, 56, 7.2, 4

Point = tuple[float, float]


@dataclass(frozen=True)
class Box:
    """A node's rectangle, its corner radius and colours."""

    x: float
    y: float
    width: float
    height: float
    radius: float
    fill: str
    stroke: str


@dataclass(frozen=True)
class Route:
    """An arrow's path, ending at its head: a straight line (two points) or a cubic Bézier
    curve (start, two control points, end); a conditional one is drawn dashed."""

    points: tuple[Point, ...]
    conditional: bool

    @property
    def is_curve(self) -> bool:
        """Whether ``points`` are a Bézier curve's four points rather than a line's two."""
        return len(self.points) == 4


@dataclass(frozen=True)
class Label:
    """A line of text, centred on ``x`` with its baseline at ``y``."""

    x: float
    y: float
    text: str
    size: int = FONT_SIZE
    bold: bool = False
    colour: str = TEXT_COLOUR


@dataclass(frozen=True)
class Layout:
    """Where everything goes, in pixels: what the SVG and the PNG both paint, in this order."""

    width: float
    height: float
    routes: tuple[Route, ...]
    boxes: tuple[Box, ...]
    labels: tuple[Label, ...]


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


def layout(graph: AgentGraph) -> Layout:
    """``graph`` laid out in rows from the request to the answer, the title above them."""
    layers = _layers(graph)
    places: dict[str, tuple[float, float, float, float]] = {}
    widths = [sum(_size(n)[0] for n in layer) + _GAP_X * (len(layer) - 1) for layer in layers]
    width = max(widths, default=0) + 2 * _GAP_X
    y = 48.0
    for layer, row_width in zip(layers, widths, strict=True):
        x = (width - row_width) / 2
        for node in layer:
            w, h = _size(node)
            places[node.id] = (x, y, w, h)
            x += w + _GAP_X
        y += max(_size(n)[1] for n in layer) + _GAP_Y
    title = f"{graph.name} ({graph.strategy} strategy)"
    labels = [Label(width / 2, 28, title, TITLE_SIZE, bold=True)]
    boxes = []
    for node in graph.nodes:
        x, top, w, h = places[node.id]
        fill, stroke = COLOURS.get(node.kind, COLOURS["step"])
        boxes.append(Box(x, top, w, h, h / 2 if node.kind == "terminal" else 6, fill, stroke))
        labels.append(Label(x + w / 2, top + _PAD + 12, node.title, bold=True))
        labels += [
            Label(x + w / 2, top + _PAD + 12 + index * _LINE, line, colour=LINE_COLOUR)
            for index, line in enumerate(node.lines, start=1)
        ]
    routes = tuple(
        _route(edge, places[edge.source], places[edge.target], _between(edge, places))
        for edge in graph.edges
        if edge.source in places and edge.target in places
    )
    return Layout(width, y, routes, tuple(boxes), tuple(labels))


def _between(edge: Edge, places: dict[str, tuple[float, float, float, float]]) -> bool:
    """Whether another box sits between ``edge``'s two ends in their row."""
    (sx, sy, _, _), (tx, ty, _, _) = places[edge.source], places[edge.target]
    low, high = sorted((sx, tx))
    return any(y == sy == ty and low < x < high for x, y, _, _ in places.values())


def _route(
    edge: Edge,
    source: tuple[float, float, float, float],
    target: tuple[float, float, float, float],
    between: bool,
) -> Route:
    """The arrow from ``source``'s box to ``target``'s, by where the two sit (``between``:
    other boxes of their row lie between them)."""
    sx, sy, sw, sh = source
    tx, ty, tw, th = target
    if edge.source == edge.target:  # a node that loops on itself: out and back on its right
        x, mid = sx + sw, sy + sh / 2
        points: tuple[Point, ...] = ((x, mid - 6), (x + 40, mid - 30), (x + 40, mid + 30))
        points += ((x, mid + 6),)
    elif ty > sy:  # downwards: bottom centre to top centre
        points = ((sx + sw / 2, sy + sh), (tx + tw / 2, ty))
    elif ty == sy and not between:  # to a neighbour: side to side, rightwards above leftwards
        shift, (x0, x1) = (-5, (sx + sw, tx)) if tx > sx else (5, (sx, tx + tw))
        points = ((x0, sy + sh / 2 + shift), (x1, ty + th / 2 + shift))
    elif ty == sy:  # along a row, past other boxes: an arc under them
        low = max(sy + sh, ty + th) + _GAP_Y / 2
        a, b = (sx + sw / 2, sy + sh), (tx + tw / 2, ty + th)
        points = (a, (a[0], low), (b[0], low), b)
    else:  # back up (a loop of the engine): off the source's top, into the target's left side
        # Leaving by the top, not the side, keeps the curve off the row's other boxes.
        a, b = (sx + min(20.0, sw / 4), sy), (tx, ty + th / 2)
        points = (a, (a[0], sy - _GAP_Y / 2), (tx - 50, b[1]), b)
    return Route(points, edge.conditional)


def to_svg(graph: AgentGraph) -> str:
    """The graph as a standalone SVG image (see ``layout``)."""
    drawn = layout(graph)
    width, height = f"{drawn.width:.0f}", f"{drawn.height:.0f}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" '
        f'font-size="{FONT_SIZE}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{EDGE_COLOUR}"/></marker></defs>',
        '<rect width="100%" height="100%" fill="white"/>',
    ]
    for route in drawn.routes:
        (x, y), *rest = route.points
        path = f"M{x:.1f},{y:.1f} {'C' if route.is_curve else 'L'}"
        path += " ".join(f"{px:.1f},{py:.1f}" for px, py in rest)
        dash = ' stroke-dasharray="5,4"' if route.conditional else ""
        out.append(
            f'<path d="{path}" fill="none" stroke="{EDGE_COLOUR}"{dash} marker-end="url(#arrow)"/>'
        )
    out += [
        f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.width:.1f}" height="{b.height:.1f}" '
        f'rx="{b.radius:.1f}" fill="{b.fill}" stroke="{b.stroke}"/>'
        for b in drawn.boxes
    ]
    for label in drawn.labels:
        size = "" if label.size == FONT_SIZE else f' font-size="{label.size}"'
        weight = ' font-weight="bold"' if label.bold else ""
        colour = "" if label.colour == TEXT_COLOUR else f' fill="{label.colour}"'
        out.append(
            f'<text x="{label.x:.1f}" y="{label.y:.1f}" text-anchor="middle"{size}{weight}'
            f"{colour}>{escape(label.text)}</text>"
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"
