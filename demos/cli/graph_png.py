"""``plangate graph --png``: the agent's graph painted as a PNG with Pillow, offline.

It paints the same ``Layout`` as the SVG (``plangate.demos.cli.agent_graph.layout``): the
geometry lives there once, and this module only turns boxes, routes and labels into pixels.
The text is Pillow's own scalable font (``ImageFont.load_default(size=…)``, Pillow ≥ 10.1), so
no font file, browser or web service is needed. The image is painted at twice the layout's
size and tagged 144 dpi, so it stays sharp on a high-density screen and in documents.
"""

from __future__ import annotations

import math
from functools import cache
from io import BytesIO
from itertools import pairwise

from PIL import Image, ImageDraw, ImageFont

from plangate.demos.cli.agent_graph import EDGE_COLOUR, AgentGraph, Label, Point, Route, layout
from plangate.tools.errors import UsageError

SCALE = 2
_HEAD_LENGTH, _HEAD_HALF_WIDTH, _DASH, _GAP, _CURVE_STEPS = 9.0, 4.0, 5.0, 4.0, 24


def to_png(graph: AgentGraph) -> bytes:
    """The graph as PNG bytes: arrows first, then the boxes over them, then their text.

    Raises:
        UsageError: this Pillow was built without FreeType, so it has no scalable font.
    """
    drawn = layout(graph)
    size = (math.ceil(drawn.width * SCALE), math.ceil(drawn.height * SCALE))
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for route in drawn.routes:
        _paint_route(draw, route)
    for box in drawn.boxes:
        draw.rounded_rectangle(
            [_scaled((box.x, box.y)), _scaled((box.x + box.width, box.y + box.height))],
            radius=box.radius * SCALE,
            fill=box.fill,
            outline=box.stroke,
            width=SCALE,
        )
    for label in drawn.labels:
        _paint_label(draw, label)
    out = BytesIO()
    image.save(out, format="PNG", dpi=(72 * SCALE, 72 * SCALE))
    return out.getvalue()


def _scaled(point: Point) -> Point:
    return point[0] * SCALE, point[1] * SCALE


def _paint_label(draw: ImageDraw.ImageDraw, label: Label) -> None:
    # Pillow's default font has no bold face: a thin outline in the text's colour stands in.
    draw.text(
        _scaled((label.x, label.y)),
        label.text,
        fill=label.colour,
        font=_font(label.size * SCALE),
        anchor="ms",
        stroke_width=1 if label.bold else 0,
        stroke_fill=label.colour,
    )


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.load_default(size=size)
    if not isinstance(font, ImageFont.FreeTypeFont):
        raise UsageError(
            "plangate graph --png needs Pillow built with FreeType (its scalable default font); "
            "use --svg FILE instead"
        )
    return font


def _paint_route(draw: ImageDraw.ImageDraw, route: Route) -> None:
    """The route's line (dashed if conditional) and a filled arrowhead at its end."""
    points = _curve(route.points) if route.is_curve else list(route.points)
    (px, py), (tx, ty) = points[-2], points[-1]
    length = math.hypot(tx - px, ty - py) or 1.0
    ux, uy = (tx - px) / length, (ty - py) / length
    # The line stops where the head begins, so its end never shows past the head's tip.
    points[-1] = (tx - ux * _HEAD_LENGTH, ty - uy * _HEAD_LENGTH)
    pieces = _dashes(points) if route.conditional else [points]
    for piece in pieces:
        draw.line([_scaled(p) for p in piece], fill=EDGE_COLOUR, width=SCALE, joint="curve")
    base = (tx - ux * _HEAD_LENGTH, ty - uy * _HEAD_LENGTH)
    side = (-uy * _HEAD_HALF_WIDTH, ux * _HEAD_HALF_WIDTH)
    head = [
        (tx, ty),
        (base[0] + side[0], base[1] + side[1]),
        (base[0] - side[0], base[1] - side[1]),
    ]
    draw.polygon([_scaled(p) for p in head], fill=EDGE_COLOUR)


def _curve(points: tuple[Point, ...]) -> list[Point]:
    """A cubic Bézier curve as a polyline (Pillow draws no curves but arcs)."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
    out = []
    for step in range(_CURVE_STEPS + 1):
        t = step / _CURVE_STEPS
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
        out.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
    return out


def _dashes(points: list[Point]) -> list[list[Point]]:
    """The polyline cut into dashes of ``_DASH`` with gaps of ``_GAP``, as the SVG's 5,4."""
    pieces: list[list[Point]] = []
    current: list[Point] = [points[0]]
    drawing, left = True, _DASH
    for (x0, y0), (x1, y1) in pairwise(points):
        span = math.hypot(x1 - x0, y1 - y0)
        done = 0.0
        while span - done > left:
            done += left
            t = done / span
            at = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
            if drawing:
                pieces.append([*current, at])
            current = [at]
            drawing, left = not drawing, _DASH if not drawing else _GAP
        left -= span - done
        if drawing:
            current.append((x1, y1))
    if drawing and len(current) > 1:
        pieces.append(current)
    return pieces
