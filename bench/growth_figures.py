"""The figures of the growth benchmark: per-step costs, bytes, targets, tables and charts.

``Figures`` takes the run times ``bench.growth`` measured and works out, for each set-up, the cost
of a step at each length (marginal over a one-step run), the bytes saved per step, and the
issue's targets: per-step ratios against ``create_agent`` with the same checkpointer, the fixed
cost of a one-step run, growth from the shortest to the longest run, and no checkpointer as the
fastest plangate configuration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bench.frameworks import (
    AGENT,
    AGENT_SAVER,
    BARE,
    PLAN,
    PLAN_BARE,
    PLAN_PARALLEL,
    PLAN_PARALLEL_BARE,
    PLAN_PARALLEL_UNTRACED,
    PLAN_UNTRACED,
    REACT,
    REACT_BARE,
    REACT_UNTRACED,
    Variant,
)
from bench.report import Chart, Column, Report, Table, Target, fixed

GROWTH_LIMIT = 1.3
"""Per-step cost at the longest run may be at most this many times that at the shortest."""

PLANGATE = (PLAN, PLAN_UNTRACED, PLAN_PARALLEL, PLAN_PARALLEL_UNTRACED, REACT, REACT_UNTRACED)
NO_SAVER = (PLAN_BARE, PLAN_PARALLEL_BARE, REACT_BARE)
PEERS = (AGENT_SAVER, AGENT, BARE)
STATEFUL = (
    (PLAN_UNTRACED, "plangate plan (chained steps) + SQLite"),
    (PLAN_PARALLEL_UNTRACED, "plangate plan (independent steps) + SQLite"),
    (REACT_UNTRACED, "plangate react + SQLite"),
    (AGENT_SAVER, "create_agent + SQLite"),
    (BARE, "bare LangGraph StateGraph + SQLite"),
)
"""The set-ups whose saved state is counted (untraced), each run with a SQLite checkpointer."""
SHAPES = (
    ("plan, chained steps", PLAN_BARE, (PLAN, PLAN_UNTRACED)),
    ("plan, independent steps", PLAN_PARALLEL_BARE, (PLAN_PARALLEL, PLAN_PARALLEL_UNTRACED)),
    ("react", REACT_BARE, (REACT, REACT_UNTRACED)),
)
"""Each plangate shape: its no-checkpointer set-up and the configurations it should beat."""


@dataclass(frozen=True)
class Saved:
    """What a run left in its SQLite checkpointer, in bytes, and the CPU seconds it took."""

    checkpoints: int
    writes: int
    cpu: float

    @property
    def total(self) -> int:
        """Bytes in both tables."""
        return self.checkpoints + self.writes


def per_step(totals: Mapping[int, float], lengths: Sequence[int]) -> dict[int, float]:
    """Marginal cost per step at each length: ``(T(n) − T(1)) / (n − 1)``."""
    return {n: (totals[n] - totals[1]) / (n - 1) for n in lengths}


def ratio(over: float | None, under: float | None) -> float | None:
    """``over / under``, or ``None`` when either is missing or ``under`` is not positive."""
    if over is None or under is None or under <= 0:
        return None
    return over / under


@dataclass
class Figures:
    """The run times of one measurement and what is worked out from them: tables, targets, charts.

    Attributes:
        variants: the set-ups timed.
        lengths: the run lengths (1 excluded).
        cpu: the least CPU seconds of the repeats by set-up key and length (1 included).
        wall: the least wall seconds, likewise.
        traces: trace bytes by traced set-up key and length.
        saved: what SQLite held by set-up key and length.
        cpu_median: the median CPU seconds, shown beside the least (none: not shown).
        missed: the keys of the set-ups that missed a per-step target (filled by ``report``).
        fixed_missed: the keys of those that missed the fixed-cost target (likewise).
        grew: how much the per-step CPU of each plangate set-up that missed the growth
            target grew (filled by ``report``).
    """

    variants: Sequence[Variant]
    lengths: Sequence[int]
    cpu: Mapping[str, Mapping[int, float]]
    wall: Mapping[str, Mapping[int, float]]
    traces: Mapping[str, Mapping[int, int]]
    saved: Mapping[str, Mapping[int, Saved]]
    cpu_median: Mapping[str, Mapping[int, float]] | None = None

    def __post_init__(self) -> None:
        self.missed: set[str] = set()
        self.fixed_missed: set[str] = set()
        self.grew: dict[str, float] = {}
        self.cpu_step = {key: per_step(t, self.lengths) for key, t in self.cpu.items()}
        self.wall_step = {key: per_step(t, self.lengths) for key, t in self.wall.items()}
        self.median_step = {
            key: per_step(t, self.lengths) for key, t in (self.cpu_median or {}).items()
        }
        self.first, self.last = self.lengths[0], self.lengths[-1]

    def growth(self, values: Mapping[int, float | None]) -> float | None:
        """Per-step value at the longest run over that at the shortest."""
        return ratio(values[self.last], values[self.first])

    def state_step(self, key: str) -> dict[int, float | None]:
        """SQLite bytes per step at each length (bytes after the run ÷ n)."""
        return {n: self.saved[key][n].total / n for n in self.lengths}

    def trace_step(self, key: str) -> dict[int, float | None]:
        """Trace bytes per step at each length (file size ÷ n)."""
        sizes = self.traces[key]
        return {n: sizes[n] / n for n in self.lengths}

    def report(self, *, repeats: int, short_repeats: int, short: int) -> Report:
        """The report: tables, targets, headlines and charts."""
        n = self.last
        report = Report(
            name="growth",
            title="Growth: the cost of a step as runs get longer",
            summary=(
                "CPU time (`time.process_time`, all threads) and wall time per tool step at "
                f"{', '.join(map(str, self.lengths))} steps, every set-up in one process, "
                f"interleaved, the least of {repeats} runs (of {short_repeats} for 1 to {short} "
                "steps, whose small differences decide the shortest length's per-step cost); "
                "a step's "
                "cost at n steps is marginal over a "
                "one-step run, (T(n) − T(1)) / (n − 1), and T(1) is the fixed cost. Saved "
                "state: bytes in the SQLite checkpointer's tables after a run ÷ n; trace: the "
                "JSONL file's bytes ÷ n. Same instant read tool and zero-latency scripted "
                "model for all; plangate runs with its guardrails, validation, events, budgets "
                "and (unless said) an InMemorySaver, as create_agent + InMemorySaver does."
            ),
            params={
                "lengths": list(self.lengths),
                "repeats": repeats,
                "short_repeats": short_repeats,
                "short": short,
            },
            tables=[self._per_step_table("cpu"), self._per_step_table("wall"), self._fixed()],
        )
        if self.cpu_median is not None:
            report.tables.insert(2, self._per_step_table("median"))
        if self.saved:
            report.tables.append(self._bytes_table())
        report.targets = self._targets()
        report.headlines = self._headlines()
        report.chart = Chart(
            title="CPU per tool step vs run length",
            x_label="tool steps per run",
            y_label="CPU µs per step, (T(n) − T(1)) / (n − 1)",
            x=list(self.lengths),
            series={
                v.label: [self.cpu_step[v.key][k] * 1e6 for k in self.lengths]
                for v in self.variants
            },
            log_x=True,
            log_y=True,
        )
        series: dict[str, list[float | None]] = {
            f"state: {label}": list(self.state_step(v.key).values())
            for v, label in STATEFUL
            if v.key in self.saved
        }
        for v in self.variants:
            if v.key in self.traces:
                series[f"trace: {v.label}"] = list(self.trace_step(v.key).values())
        if series:
            report.more_charts.append(
                Chart(
                    title="Saved bytes per tool step vs run length",
                    x_label="tool steps per run",
                    y_label="bytes per step (total after the run ÷ n)",
                    x=list(self.lengths),
                    series=series,
                    log_x=True,
                    log_y=True,
                    slug="bytes",
                )
            )
        report.notes += self._notes(n)
        return report

    def _per_step_table(self, clock: str) -> Table:
        steps = {"cpu": self.cpu_step, "wall": self.wall_step, "median": self.median_step}[clock]
        peer = steps[AGENT_SAVER.key][self.last]
        rows = [
            {
                "variant": v.label,
                **{f"n{k}": steps[v.key][k] * 1e6 for k in self.lengths},
                "growth": self.growth(steps[v.key]),
                "vs_agent_saver": ratio(steps[v.key][self.last], peer),
            }
            for v in self.variants
        ]
        titles = {
            "cpu": "CPU µs per tool step, by run length",
            "wall": "Wall µs per tool step, by run length",
            "median": "CPU µs per tool step from the medians instead (for comparison)",
        }
        return Table(
            titles[clock],
            [
                Column("variant", "set-up"),
                *(Column(f"n{k}", f"{k} steps", fixed(0)) for k in self.lengths),
                Column("growth", f"{self.last} ÷ {self.first}", fixed(2)),
                Column("vs_agent_saver", f"× create_agent+saver at {self.last}", fixed(2)),
            ],
            rows,
        )

    def _fixed(self) -> Table:
        peer = self.cpu[AGENT_SAVER.key][1]
        return Table(
            "Fixed cost: a one-step run",
            [
                Column("variant", "set-up"),
                Column("cpu_ms", "CPU (ms)", fixed(1)),
                Column("wall_ms", "wall (ms)", fixed(1)),
                Column("vs_agent_saver", "CPU × create_agent+saver", fixed(2)),
            ],
            [
                {
                    "variant": v.label,
                    "cpu_ms": self.cpu[v.key][1] * 1e3,
                    "wall_ms": self.wall[v.key][1] * 1e3,
                    "vs_agent_saver": ratio(self.cpu[v.key][1], peer),
                }
                for v in self.variants
            ],
        )

    def _bytes_table(self) -> Table:
        rows: list[dict[str, object]] = []
        for v, label in STATEFUL:
            if v.key not in self.saved:
                continue
            per = self.state_step(v.key)
            last = self.saved[v.key][self.last]
            rows.append(
                {
                    "what": f"state: {label}",
                    **{f"n{k}": per[k] for k in self.lengths},
                    "growth": self.growth(per),
                    "total_kb": last.total / 1e3,
                    "writes_share": last.writes / last.total if last.total else None,
                    "cpu_step": (last.cpu - self.saved[v.key][1].cpu) / (self.last - 1) * 1e6,
                }
            )
        for v in self.variants:
            if v.key in self.traces:
                per = self.trace_step(v.key)
                size = self.traces[v.key][self.last]
                rows.append(
                    {
                        "what": f"JSONL trace: {v.label}",
                        **{f"n{k}": per[k] for k in self.lengths},
                        "growth": self.growth(per),
                        "total_kb": size / 1e3,
                        "writes_share": None,
                        "cpu_step": None,
                    }
                )
        return Table(
            "Saved bytes per tool step, by run length",
            [
                Column("what", "what is saved"),
                *(Column(f"n{k}", f"{k} steps", fixed(0)) for k in self.lengths),
                Column("growth", f"{self.last} ÷ {self.first}", fixed(2)),
                Column("total_kb", f"total at {self.last} (kB)", fixed(1)),
                Column("writes_share", "share in writes", fixed(2)),
                Column("cpu_step", f"CPU µs/step with SQLite at {self.last} (1 run)", fixed(0)),
            ],
            rows,
        )

    def _target(self, goal: str, measured: str, met: bool | None, *keys: str) -> Target:
        if met is False:
            self.missed.update(keys)
        return Target(goal=goal, measured=measured, met=met)

    def _versus(self, variant: Variant, peer: Variant, limit: float) -> Target:
        """Per-step CPU at the longest run: ``variant`` ≤ ``limit`` × ``peer``."""
        n = self.last
        cpu = ratio(self.cpu_step[variant.key][n], self.cpu_step[peer.key][n])
        wall = ratio(self.wall_step[variant.key][n], self.wall_step[peer.key][n])
        return self._target(
            f"{variant.label}: CPU per step at {n} ≤ {limit:g}× {peer.label}",
            f"{self.cpu_step[variant.key][n] * 1e6:,.0f} vs "
            f"{self.cpu_step[peer.key][n] * 1e6:,.0f} µs ({_times(cpu)}; wall {_times(wall)})",
            None if cpu is None else cpu <= limit,
            variant.key,
        )

    def _targets(self) -> list[Target]:
        targets = [
            self._versus(REACT_UNTRACED, AGENT_SAVER, 1.0),
            self._versus(REACT, AGENT_SAVER, 1.2),
            self._versus(PLAN_UNTRACED, AGENT_SAVER, 0.5),
            self._versus(PLAN, AGENT_SAVER, 0.5),
            self._versus(PLAN_PARALLEL_UNTRACED, AGENT_SAVER, 0.5),
        ]
        peer = self.cpu[AGENT_SAVER.key][1]
        for variant in (PLAN_UNTRACED, REACT_UNTRACED):
            own = self.cpu[variant.key][1]
            if own > peer:
                self.fixed_missed.add(variant.key)
            targets.append(
                Target(
                    f"{variant.label}: fixed cost of a one-step run ≤ {AGENT_SAVER.label}'s",
                    f"{own * 1e3:,.1f} vs {peer * 1e3:,.1f} ms CPU ({_times(ratio(own, peer))})",
                    own <= peer,
                )
            )
        for variant in PLANGATE:
            grown = self.growth(self.cpu_step[variant.key])
            if grown is not None and grown > GROWTH_LIMIT:
                self.grew[variant.key] = grown
            targets.append(
                self._target(
                    f"{variant.label}: CPU per step at {self.last} ≤ {GROWTH_LIMIT}× at {self.first}",
                    f"{self.cpu_step[variant.key][self.last] * 1e6:,.0f} vs "
                    f"{self.cpu_step[variant.key][self.first] * 1e6:,.0f} µs ({_times(grown)})",
                    None if grown is None else grown <= GROWTH_LIMIT,
                    variant.key,
                )
            )
        for variant in (PLAN_UNTRACED, PLAN_PARALLEL_UNTRACED, REACT_UNTRACED):
            if variant.key in self.saved:
                targets.append(
                    self._bytes_target("SQLite state", variant, self.state_step(variant.key))
                )
        for variant in (PLAN, PLAN_PARALLEL, REACT):
            if variant.key in self.traces:
                targets.append(
                    self._bytes_target("JSONL trace", variant, self.trace_step(variant.key))
                )
        targets += self._fastest()
        return targets

    def _bytes_target(self, what: str, variant: Variant, per: Mapping[int, float | None]) -> Target:
        grown = self.growth(per)
        first, last = per[self.first], per[self.last]
        return self._target(
            f"{what} bytes per step, {variant.label}: at {self.last} ≤ {GROWTH_LIMIT}× at {self.first}",
            f"{last or 0:,.0f} vs {first or 0:,.0f} B ({_times(grown)})",
            None if grown is None else grown <= GROWTH_LIMIT,
            variant.key,
        )

    def _fastest(self) -> list[Target]:
        """No checkpointer is the fastest plangate configuration, shape by shape."""
        timed = {v.key for v in self.variants}
        targets = []
        for shape, bare, others in SHAPES:
            goal = f"plangate {shape} with no checkpointer: the fastest configuration (CPU per step at {self.last})"
            if bare.key not in timed:
                targets.append(
                    Target(goal, "not measured: no no-checkpointer mode (see notes)", None)
                )
                continue
            own = self.cpu_step[bare.key][self.last]
            best = min(others, key=lambda v: self.cpu_step[v.key][self.last])
            theirs = self.cpu_step[best.key][self.last]
            targets.append(
                self._target(
                    goal,
                    f"{own * 1e6:,.0f} µs vs {theirs * 1e6:,.0f} for {best.label} "
                    f"({_times(ratio(own, theirs))})",
                    own <= theirs,
                    bare.key,
                )
            )
        return targets

    def _headlines(self) -> list[tuple[str, str]]:
        n = self.last
        lines = [
            (
                f"CPU µs per step at {n} steps (× at {self.first}): {v.label}",
                f"{self.cpu_step[v.key][n] * 1e6:,.0f} ({_times(self.growth(self.cpu_step[v.key]))})",
            )
            for v in (PLAN_UNTRACED, PLAN_PARALLEL_UNTRACED, REACT_UNTRACED, REACT, AGENT_SAVER)
        ]
        for v in (PLAN_UNTRACED, REACT_UNTRACED):
            if v.key in self.saved:
                per = self.state_step(v.key)
                lines.append(
                    (
                        f"SQLite state bytes per step at {n} steps (× at {self.first}): {v.label}",
                        f"{per[n] or 0:,.0f} ({_times(self.growth(per))})",
                    )
                )
        return lines

    def _notes(self, n: int) -> list[str]:
        notes = [
            "Targets are judged on CPU time, which other work on the machine disturbs less "
            "than wall time; the wall ratio is shown beside each. A ratio within a few per "
            "cent of its bound is within the noise of the measurement. Times are the least of "
            "the repeats, not their median: what disturbs a run on a shared machine (other "
            "processes, caches) only ever adds time, so the least is the closest to the "
            "set-up's own cost, and the medians' table shows how far the two part.",
            "The LangChain-based set-ups share one `ScriptedChatModel` script; its token "
            "estimate reads the whole conversation on each call, so every one of them pays a "
            "per-step cost that grows with the run. Pydantic AI's `FunctionModel` is scripted "
            "to make the same calls, with Pydantic AI's own bookkeeping.",
            "create_agent + InMemorySaver is the peer of plangate's own default persistence; "
            "create_agent with no checkpointer, the bare graph and Pydantic AI persist nothing.",
            f"Saved state is counted with one SQLite-checkpointed run per set-up and length; "
            f"its CPU per step at {n} is one run, not a best of several, and is shown for "
            "scale only.",
            "What is alive before the timed runs (modules, caches, compiled schemas) is frozen "
            "out of Python's collector (`gc.freeze`), so the collection before each run is "
            "quick and the collections inside a run scan what runs make, alike for all set-ups.",
        ]
        if self.saved:
            notes.append(
                "plangate's state is counted untraced: the trace is a file of its own, "
                "counted in the JSONL rows."
            )
        return notes


def _times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}×"
