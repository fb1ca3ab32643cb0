"""startup: how long ``plangate --help`` and importing the public API take, in fresh processes.

Each command runs once to warm the file cache, then ``runs`` times; the median is reported. A
``python -c pass`` baseline shows the interpreter's own share. ``-X importtime`` then attributes
import time to top-level packages, and lists what ``plangate.demos.cli.commands`` imports at its top
level, so a slow ``--help`` names the modules to import lazily.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.report import Column, Report, Table, Target, fixed
from bench.stats import median

REPO = Path(__file__).resolve().parents[1]
HELP_TARGET_S = 0.5


@dataclass(frozen=True)
class ImportEntry:
    """One line of ``-X importtime``: a module, its own and cumulative microseconds, its depth."""

    name: str
    self_us: int
    cumulative_us: int
    depth: int


def plangate_command() -> list[str]:
    """The installed ``plangate`` script beside this interpreter, else ``python -m plangate.demos``."""
    script = Path(sys.executable).parent / ("plangate.exe" if os.name == "nt" else "plangate")
    return [str(script)] if script.exists() else [sys.executable, "-m", "plangate.demos"]


def commands() -> dict[str, list[str]]:
    """What is timed, by label."""
    return {
        "python -c pass (interpreter baseline)": [sys.executable, "-c", "pass"],
        HELP: [*plangate_command(), "--help"],
        API: [sys.executable, "-c", API],
    }


def wall_time(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Seconds for ``command`` to run to completion (it must succeed)."""
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, capture_output=True, check=True)
    return time.perf_counter() - started


def import_profile(arguments: Sequence[str]) -> list[ImportEntry]:
    """Run ``python -X importtime <arguments>`` and parse what it imported.

    ``arguments`` are the interpreter's (``-c CODE``, ``-m MODULE``, or a script path).
    """
    command = [sys.executable, "-X", "importtime", *arguments]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    return parse_importtime(done.stderr)


def parse_importtime(text: str) -> list[ImportEntry]:
    """The entries of ``-X importtime`` output, in the order printed (children first)."""
    entries = []
    for line in text.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|", 2)
        stripped = name.lstrip(" ")
        entries.append(
            ImportEntry(
                name=stripped.strip(),
                self_us=int(own),
                cumulative_us=int(cumulative),
                depth=(len(name) - len(stripped) - 1) // 2,
            )
        )
    return entries


def package_of(module: str) -> str:
    """The package a module's time is charged to: its top-level name, or ``plangate.<room>``."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "plangate" and len(parts) > 1 else parts[0]


def by_package(entries: Sequence[ImportEntry]) -> dict[str, float]:
    """Own import milliseconds summed by top-level package (plangate by subpackage), largest first."""
    totals: dict[str, float] = defaultdict(float)
    for entry in entries:
        totals[package_of(entry.name)] += entry.self_us / 1e3
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


def children(entries: Sequence[ImportEntry], parent: str) -> list[ImportEntry]:
    """The modules ``parent`` imported itself (one level down), slowest first."""
    index = next((i for i, e in enumerate(entries) if e.name == parent), None)
    if index is None:
        return []
    depth = entries[index].depth
    found = []
    for entry in reversed(entries[:index]):
        if entry.depth <= depth:
            break
        if entry.depth == depth + 1 and not parent.startswith(entry.name + "."):
            found.append(entry)
    return sorted(found, key=lambda e: -e.cumulative_us)


API = "import plangate.graphs, plangate.agents, plangate.tools"
HELP = "plangate --help"


def measure(*, runs: int = 5, top: int = 8, warm_up: bool = True, api: bool = True) -> Report:
    """Time each command ``runs`` times (after a warm-up run) and profile the imports.

    Args:
        runs: timed runs per command; the median is reported.
        top: rows of the import tables.
        warm_up: run each command once untimed first, to warm the file cache.
        api: also time and profile the public API import (the slow one).
    """
    rows = []
    times: dict[str, float] = {}
    for label, command in commands().items():
        if label == API and not api:
            continue
        if warm_up:
            wall_time(command)
        samples = [wall_time(command) for _ in range(runs)]
        times[label] = median(samples)
        rows.append(
            {
                "command": label,
                "median_ms": times[label] * 1e3,
                "min_ms": min(samples) * 1e3,
                "max_ms": max(samples) * 1e3,
            }
        )
    script = plangate_command()
    interpreter_args = script[1:] if script[0] == sys.executable else script
    help_entries = import_profile([*interpreter_args, "--help"])
    api_entries = import_profile(["-c", API]) if api else []
    help_packages = by_package(help_entries)
    api_packages = by_package(api_entries)
    names = list(dict.fromkeys([*list(help_packages)[:top], *list(api_packages)[:top]]))
    package_rows = [
        {"package": name, "help_ms": help_packages.get(name), "api_ms": api_packages.get(name)}
        for name in names
    ]
    cli_rows = [
        {"module": entry.name, "cumulative_ms": entry.cumulative_us / 1e3}
        for entry in children(help_entries, "plangate.demos.cli.commands")[:top]
    ]
    help_s = times[HELP]
    report = Report(
        name="startup",
        title="Startup: `plangate --help` and the public API import",
        summary=(
            f"Wall time of fresh processes, median of {runs}"
            + (" after one warm-up run" if warm_up else "")
            + "; import "
            "time by package from `-X importtime` (own time, summed per top-level package; one "
            "profiled run, so read it as shares)."
        ),
        params={"runs": runs, "plangate": " ".join(plangate_command())},
        tables=[
            Table(
                "Wall time (ms)",
                [
                    Column("command", "command"),
                    Column("median_ms", "median", fixed(0)),
                    Column("min_ms", "min", fixed(0)),
                    Column("max_ms", "max", fixed(0)),
                ],
                rows,
            ),
            Table(
                "Import time by package (ms)",
                [
                    Column("package", "package"),
                    Column("help_ms", "plangate --help", fixed(1)),
                    Column("api_ms", API, fixed(1)),
                ],
                package_rows,
            ),
            Table(
                "What plangate.demos.cli.commands imports at its top level (cumulative ms)",
                [Column("module", "module"), Column("cumulative_ms", "ms", fixed(1))],
                cli_rows,
            ),
        ],
        targets=[
            Target(
                f"`plangate --help` < {HELP_TARGET_S} s",
                f"{help_s:.3f} s",
                help_s < HELP_TARGET_S,
            )
        ],
    )
    report.headlines = [("`plangate --help` (median)", f"{help_s * 1e3:,.0f} ms")]
    if api:
        report.headlines.append((f"`{API}` (median)", f"{times[API] * 1e3:,.0f} ms"))
    if help_s >= HELP_TARGET_S and cli_rows:
        slow = ", ".join(f"{r['module']} ({r['cumulative_ms']:.0f} ms)" for r in cli_rows[:4])
        report.notes.append(
            f"`--help` is over target; demos/cli/commands.py's slowest top-level imports: {slow}. "
            "Importing them inside the commands that need them would keep `--help` fast."
        )
    return report


def run(*, quick: bool = False) -> Report:
    """The benchmark: 5 runs, or 3 when ``quick``."""
    return measure(runs=3 if quick else 5)
