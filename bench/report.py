"""``Report``: what a benchmark measured, and how it is written (JSON, Markdown, PNG).

Every benchmark returns one ``Report``. ``write_report`` saves ``<name>.json`` (the raw figures
and the environment they were measured in), ``<name>.md`` (tables, targets, notes) and, when
the report carries a ``Chart`` and matplotlib is installed, ``<name>.png`` (and
``<name>-<slug>.png`` for each further chart).
"""

from __future__ import annotations

import json
import os
import platform
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from bench.plot import write_chart

RESULTS = Path(__file__).resolve().parent / "results"
"""Where ``python -m bench`` writes its outputs."""

Format = Callable[[Any], str]


def fixed(digits: int) -> Format:
    """Format numbers with ``digits`` decimals (``-`` for a missing value)."""
    return lambda value: "-" if value is None else f"{value:,.{digits}f}"


def text(value: Any) -> str:
    """Format anything as text (``-`` for a missing value)."""
    return "-" if value is None else str(value)


@dataclass(frozen=True)
class Column:
    """One column of a table: the row key it shows, its header, and how values are shown."""

    key: str
    header: str
    format: Format = text


@dataclass(frozen=True)
class Table:
    """Rows (dicts) shown through columns."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, Any]]

    def markdown(self) -> str:
        """The table in GitHub Markdown."""
        head = "| " + " | ".join(c.header for c in self.columns) + " |"
        rule = "|" + "|".join("---" for _ in self.columns) + "|"
        body = [
            "| " + " | ".join(c.format(row.get(c.key)) for c in self.columns) + " |"
            for row in self.rows
        ]
        return "\n".join([head, rule, *body])

    def data(self) -> dict[str, Any]:
        """The table as JSON data."""
        return {"title": self.title, "rows": [dict(row) for row in self.rows]}


@dataclass(frozen=True)
class Target:
    """A goal a figure is checked against.

    Attributes:
        goal: the target, in words (``plan ≤ 1.5 L + 2 M at 8 reads``).
        measured: what was measured, in words.
        met: whether it was met (``None`` when it could not be evaluated).
    """

    goal: str
    measured: str
    met: bool | None


@dataclass(frozen=True)
class Chart:
    """A line chart: one series per label over shared x values.

    ``slug`` names the file of a report's further charts (``<name>-<slug>.png``).
    """

    title: str
    x_label: str
    y_label: str
    x: Sequence[float]
    series: Mapping[str, Sequence[float | None]]
    log_x: bool = False
    log_y: bool = False
    slug: str = ""


@dataclass
class Report:
    """What one benchmark measured.

    Attributes:
        name: file stem and ``--only`` name.
        title: the heading.
        summary: what is measured and how, in a paragraph.
        params: the parameters of this run (sizes, latencies, repeats).
        tables: the figures.
        targets: the goals checked.
        notes: caveats and explanations.
        sections: extra Markdown sections (title, body), e.g. a profile.
        chart: the scaling curve, if any.
        more_charts: further curves, each written to ``<name>-<slug>.png``.
        status: ``ok``, or ``skipped`` with the reason in ``notes``.
        headlines: the key figures (label, value) for the summary of all benchmarks.
    """

    name: str
    title: str
    summary: str
    params: dict[str, Any] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sections: list[tuple[str, str]] = field(default_factory=list)
    chart: Chart | None = None
    more_charts: list[Chart] = field(default_factory=list)
    status: Literal["ok", "skipped"] = "ok"
    headlines: list[tuple[str, str]] = field(default_factory=list)

    def markdown(
        self, *, chart_file: str | None = None, more_files: Sequence[tuple[Chart, str]] = ()
    ) -> str:
        """The report as a Markdown document, showing the chart files that were written."""
        parts = [f"# {self.title}", self.summary]
        if self.params:
            shown = ", ".join(f"{key}={value}" for key, value in self.params.items())
            parts.append(f"Parameters: {shown}.")
        for table in self.tables:
            parts += [f"## {table.title}", table.markdown()]
        if self.targets:
            parts += ["## Targets", targets_table(self.targets)]
        if chart_file:
            parts.append(f"![{self.chart.title if self.chart else self.title}]({chart_file})")
        parts += [f"![{chart.title}]({file})" for chart, file in more_files]
        if self.notes:
            parts += ["## Notes", "\n".join(f"- {note}" for note in self.notes)]
        for title, body in self.sections:
            parts += [f"## {title}", body]
        env = environment()
        load = env["load_average"]
        busy = f", load average {load[0]:.2f} when written" if load else ""
        parts.append(f"_Measured {env['measured_at']} on {machine()}{busy}._")
        return "\n\n".join(parts) + "\n"

    def data(self) -> dict[str, Any]:
        """The report as JSON data."""
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "summary": self.summary,
            "params": self.params,
            "tables": [table.data() for table in self.tables],
            "targets": [asdict(target) for target in self.targets],
            "notes": self.notes,
            "sections": [{"title": title, "body": body} for title, body in self.sections],
            "chart": None if self.chart is None else _chart_data(self.chart),
            **(
                {"more_charts": [_chart_data(c) for c in self.more_charts]}
                if self.more_charts
                else {}
            ),
            "headlines": [{"figure": label, "value": value} for label, value in self.headlines],
            "environment": environment(),
        }


def _chart_data(chart: Chart) -> dict[str, Any]:
    return {
        "title": chart.title,
        "x_label": chart.x_label,
        "y_label": chart.y_label,
        "x": list(chart.x),
        "series": {label: list(values) for label, values in chart.series.items()},
    }


def targets_table(targets: Sequence[Target], *, benchmark: str | None = None) -> str:
    """Targets as a Markdown table (with a leading benchmark column when named)."""
    lead = ["benchmark"] if benchmark is not None else []
    head = "| " + " | ".join([*lead, "target", "measured", "met"]) + " |"
    rule = "|" + "|".join("---" for _ in range(len(lead) + 3)) + "|"
    rows = [
        "| "
        + " | ".join([*([benchmark] if benchmark else []), t.goal, t.measured, verdict(t.met)])
        + " |"
        for t in targets
    ]
    return "\n".join([head, rule, *rows])


def verdict(met: bool | None) -> str:
    """``yes``, ``NO`` or ``n/a``."""
    return "n/a" if met is None else ("yes" if met else "NO")


def machine() -> str:
    """This machine in one line: OS, CPU count, Python."""
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU(s), "
        f"Python {platform.python_version()}"
    )


def environment() -> dict[str, Any]:
    """The environment figures were measured in: versions, machine, time."""
    versions: dict[str, str | None] = {}
    for package in ("plangate", "langgraph", "langchain", "langchain-core", "pydantic"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):  # not on Windows
        load = None
    return {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "load_average": load,
        "python": sys.version.split()[0],
        "versions": versions,
    }


def write_report(report: Report, out_dir: Path = RESULTS) -> list[Path]:
    """Write ``<name>.json``, ``<name>.md`` and (with a chart) ``<name>.png``; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    chart_file: str | None = None
    if report.chart is not None:
        png = out_dir / f"{report.name}.png"
        if write_chart(report.chart, png):
            chart_file = png.name
            written.append(png)
        else:
            report.notes.append(
                "No PNG chart: matplotlib is not installed (`pip install matplotlib`)."
            )
    more_files: list[tuple[Chart, str]] = []
    for index, chart in enumerate(report.more_charts, 2):
        png = out_dir / f"{report.name}-{chart.slug or index}.png"
        if write_chart(chart, png):
            more_files.append((chart, png.name))
            written.append(png)
    json_path = out_dir / f"{report.name}.json"
    json_path.write_text(json.dumps(report.data(), indent=2, default=str) + "\n", encoding="utf-8")
    md_path = out_dir / f"{report.name}.md"
    md_path.write_text(
        report.markdown(chart_file=chart_file, more_files=more_files), encoding="utf-8"
    )
    return [json_path, md_path, *written]
