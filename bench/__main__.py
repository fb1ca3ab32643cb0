"""``python -m bench``: run the benchmarks, write their results, print their tables.

    python -m bench                      # all of them (a few minutes on 2 cores)
    python -m bench --only step_overhead --only startup
    python -m bench --quick              # smaller sizes, results in a scratch folder

A full run writes ``bench/results/<name>.{json,md,png}``, then ``bench/results/summary.md`` and
the figures block of ``bench/README.md`` from every result there. ``--quick`` writes to a
scratch folder (or ``--out``) and leaves the committed results and the README alone.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.report import RESULTS, Report, targets_table, write_report

BENCHMARKS = (
    "startup",
    "step_overhead",
    "growth",
    "parallel_plans",
    "concurrency",
    "serve_scaling",
    "replay",
    "replan_prompt",
    "injection_scan",
    "agentdojo",
)
"""Every benchmark, in the order a full run takes them (each is ``bench.<name>``)."""

README = Path(__file__).resolve().parent / "README.md"
START, END = "<!-- bench:figures:start -->", "<!-- bench:figures:end -->"


def run_benchmark(name: str, *, quick: bool) -> Report:
    """Import ``bench.<name>`` and run it."""
    module = importlib.import_module(f"bench.{name}")
    report: Report = module.run(quick=quick)
    return report


def summary(results: Path, *, links: str = "") -> str:
    """Markdown: the key figures and targets of every result in ``results``.

    Args:
        results: the folder holding the ``<name>.json`` results.
        links: the path from the Markdown's folder to ``results`` (``"results/"`` for the README).
    """
    loaded: list[dict[str, Any]] = []
    for name in BENCHMARKS:
        path = results / f"{name}.json"
        if path.exists():
            loaded.append(json.loads(path.read_text(encoding="utf-8")))
    if not loaded:
        return "_No results yet: run `make bench`._"
    figures = ["| benchmark | figure | value |", "|---|---|---|"]
    targets = ["| benchmark | target | measured | met |", "|---|---|---|---|"]
    measured = []
    for data in loaded:
        link = f"[{data['name']}]({links}{data['name']}.md)"
        if data.get("status") == "skipped":
            figures.append(f"| {link} | skipped | {' '.join(data.get('notes', []))} |")
        for headline in data.get("headlines", []):
            figures.append(f"| {link} | {headline['figure']} | {headline['value']} |")
        for target in data.get("targets", []):
            met = target["met"]
            shown = "n/a" if met is None else ("yes" if met else "**NO**")
            targets.append(f"| {link} | {target['goal']} | {target['measured']} | {shown} |")
        env = data.get("environment", {})
        measured.append(f"{data['name']} {env.get('measured_at', '?')}")
    machine = loaded[-1].get("environment", {}).get("machine", "?")
    return "\n".join(
        [
            f"Measured on {machine}; " + ", ".join(measured) + ".",
            "",
            "### Key figures",
            "",
            *figures,
            "",
            "### Targets",
            "",
            *targets,
        ]
    )


def update_readme(block: str, readme: Path = README) -> bool:
    """Replace the figures block of ``readme``; ``False`` if it has no markers."""
    if not readme.exists():
        return False
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        return False
    updated = text[: start + len(START)] + "\n" + block + "\n" + text[end:]
    readme.write_text(updated, encoding="utf-8")
    return True


def console_view(report: Report) -> str:
    """What is printed for a report: its tables and targets."""
    parts = [f"\n## {report.title}"]
    if report.status == "skipped":
        parts.append("skipped: " + " ".join(report.notes))
    for table in report.tables:
        parts += [f"\n{table.title}", table.markdown()]
    if report.targets:
        parts += ["\nTargets", targets_table(report.targets)]
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen benchmarks; 0 when every one ran (targets missed or not), else 1."""
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Run plangate's benchmarks and write their results."
    )
    parser.add_argument(
        "--only", action="append", choices=BENCHMARKS, metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}",
    )  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a fast look")
    parser.add_argument("--out", type=Path, help="where results go (default: bench/results)")
    args = parser.parse_args(argv)
    chosen = [name for name in BENCHMARKS if not args.only or name in args.only]
    out: Path = args.out or (
        Path(tempfile.gettempdir()) / "plangate-bench-quick" if args.quick else RESULTS
    )
    started = time.perf_counter()
    failed: list[str] = []
    for name in chosen:
        print(f"\n=== {name} ===", flush=True)
        began = time.perf_counter()
        try:
            report = run_benchmark(name, quick=args.quick)
        except Exception:  # one broken benchmark must not hide the others' results
            traceback.print_exc()
            failed.append(name)
            continue
        report.params["quick"] = args.quick
        paths = write_report(report, out)
        print(console_view(report))
        print(f"\n({time.perf_counter() - began:.1f} s; wrote {', '.join(p.name for p in paths)})")
    (out / "summary.md").write_text(
        "# Benchmark summary\n\n" + summary(out) + "\n", encoding="utf-8"
    )
    if out == RESULTS and not args.quick:
        update_readme(summary(out, links="results/"))
    print(f"\nDone in {time.perf_counter() - started:.0f} s; results in {out}")
    if failed:
        print(f"FAILED: {', '.join(failed)} (their previous results, if any, were kept)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
