"""Scaling curves as PNG line charts, drawn with matplotlib when it is installed.

matplotlib is a benchmark-only dependency: without it the benchmarks still run and write their
JSON and Markdown, and say that the chart was left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.report import Chart


CROWDED = 5
"""Above this many series the legend goes beside the plot, which widens."""


def write_chart(chart: Chart, path: Path) -> bool:
    """Draw ``chart`` into ``path``; ``False`` when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")  # no display: files only
        from matplotlib import pyplot
    except ImportError:
        return False
    crowded = len(chart.series) > CROWDED
    figure, axes = pyplot.subplots(figsize=(12.5 if crowded else 7.5, 4.5), dpi=110)
    styles = ("-", "--", "-.", ":")
    # Past ten series the default colours repeat: take twenty (dark ones first) instead.
    palette = [pyplot.get_cmap("tab20")(i) for i in (*range(0, 20, 2), *range(1, 20, 2))]
    for index, (label, values) in enumerate(chart.series.items()):
        points = [(x, y) for x, y in zip(chart.x, values, strict=True) if y is not None]
        if points:
            axes.plot(
                [p[0] for p in points],
                [p[1] for p in points],
                marker="o",
                linestyle=styles[index % len(styles)],
                label=label,
                **({"color": palette[index % len(palette)]} if len(chart.series) > 10 else {}),
            )
    axes.set_title(chart.title)
    axes.set_xlabel(chart.x_label)
    axes.set_ylabel(chart.y_label)
    if chart.log_x:
        axes.set_xscale("log", base=2)
    axes.set_xticks(list(chart.x), labels=[f"{x:g}" for x in chart.x])
    if chart.log_y:
        axes.set_yscale("log")
    axes.grid(True, alpha=0.3)
    if crowded:  # beside the plot, not over the curves
        axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0))
    else:
        axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)
    return True
