"""The graph's one layout, painted as SVG and as PNG: the same boxes, in the same places."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from io import BytesIO

import pytest
from PIL import Image, ImageColor, ImageFont

from plangate.demos.cli import graph_png
from plangate.demos.cli.agent_graph import END, START, AgentGraph, Edge, Node, layout, to_svg
from plangate.demos.cli.graph_png import SCALE, to_png
from plangate.tools.errors import UsageError

GRAPH = AgentGraph(
    "shop",
    "plan",
    (
        Node(START, "request", kind="terminal"),
        Node("plan", "plan", ("plan: max_steps",)),
        Node("call_tool", "call_tool", ("tool_call: approve_writes",)),
        Node("respond", "respond"),
        Node("tool:find", "find", ("read",), "read"),
        Node("tool:buy", "buy", ("write",), "write"),
        Node(END, "answer", kind="terminal"),
    ),
    (
        Edge(START, "plan"),
        Edge("plan", "call_tool", conditional=True),
        Edge("call_tool", "plan", conditional=True),  # back up: a curve
        Edge("call_tool", "call_tool", conditional=True),  # onto itself
        Edge("call_tool", "tool:find", conditional=True),
        Edge("call_tool", "tool:buy", conditional=True),
        Edge("plan", "respond", conditional=True),
        Edge("respond", END),
    ),
)


@pytest.fixture
def no_font_cache() -> Iterator[None]:
    graph_png._font.cache_clear()
    yield
    graph_png._font.cache_clear()


def test_the_png_paints_each_box_of_the_layout_in_its_colours() -> None:
    drawn = layout(GRAPH)
    with Image.open(BytesIO(to_png(GRAPH))) as image:
        assert image.format == "PNG"
        assert image.size == (math.ceil(drawn.width * SCALE), math.ceil(drawn.height * SCALE))
        pixels = image.convert("RGB")
    for box in drawn.boxes:
        # Inside the left edge at mid-height: clear of the outline, the text and any arrow.
        inside = (round((box.x + 4) * SCALE), round((box.y + box.height / 2) * SCALE))
        assert pixels.getpixel(inside) == ImageColor.getrgb(box.fill), box
        outline = (round(box.x * SCALE), round((box.y + box.height / 2) * SCALE))
        assert pixels.getpixel(outline) == ImageColor.getrgb(box.stroke), box
    assert pixels.getpixel((1, 1)) == (255, 255, 255)
    title = drawn.labels[0]
    row = [pixels.getpixel((x, round(title.y * SCALE) - 4)) for x in range(pixels.width)]
    assert (0, 0, 0) in row  # the title is painted in black on its baseline's row


def test_the_svg_draws_the_same_boxes_as_the_png() -> None:
    root = ElementTree.fromstring(to_svg(GRAPH))
    rects = [
        (float(r.get("x", "")), float(r.get("y", "")), r.get("fill"))
        for r in root.iter("{http://www.w3.org/2000/svg}rect")
        if r.get("x") is not None
    ]
    boxes = [(round(b.x, 1), round(b.y, 1), b.fill) for b in layout(GRAPH).boxes]
    assert rects == boxes
    paths = list(root.iter("{http://www.w3.org/2000/svg}path"))
    assert len(paths) == 1 + len(GRAPH.edges)  # the arrowhead marker, then one per edge


def test_each_kind_of_edge_has_its_route() -> None:
    routes = dict(zip(GRAPH.edges, layout(GRAPH).routes, strict=True))
    assert not routes[Edge(START, "plan")].is_curve
    assert routes[Edge("call_tool", "plan", conditional=True)].is_curve
    loop = routes[Edge("call_tool", "call_tool", conditional=True)]
    assert loop.is_curve
    assert loop.points[0][0] == loop.points[-1][0]  # leaves and returns on the same side
    side = routes[Edge("call_tool", "tool:buy", conditional=True)]
    assert side.points[-1][1] > side.points[0][1]  # downwards, to the tools' row


def test_a_dashed_line_is_five_on_four_off_along_the_whole_line() -> None:
    pieces = graph_png._dashes([(0.0, 0.0), (83.0, 0.0), (83.0, 45.0)])
    assert pieces[0] == [(0.0, 0.0), (5.0, 0.0)]
    lengths = [sum(math.dist(a, b) for a, b in itertools.pairwise(piece)) for piece in pieces]
    assert all(math.isclose(length, 5.0) for length in lengths[:-1]), lengths
    assert math.isclose(sum(lengths), 5 * 128 / 9, abs_tol=5.0)
    # The dash from 81 to 86 turns the corner at 83 with the line.
    assert [(81.0, 0.0), (83.0, 0.0), (83.0, 3.0)] in pieces


def test_a_pillow_without_freetype_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, no_font_cache: None
) -> None:
    # What ImageFont.load_default returns when Pillow was built without FreeType.
    monkeypatch.setattr(
        graph_png.ImageFont, "load_default", lambda size=None: ImageFont.load_default_imagefont()
    )
    with pytest.raises(UsageError, match=r"needs Pillow built with FreeType.*--svg FILE"):
        to_png(GRAPH)
