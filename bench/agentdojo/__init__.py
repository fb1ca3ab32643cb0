"""agentdojo: plangate's defences on AgentDojo's prompt-injection benchmark (v1.2.2).

``python -m bench --only agentdojo`` runs AgentDojo's 97 user tasks alone and its 949 (user
task, injection task) pairs, with plangate's sink policies and approval gates off and on, and
writes ``bench/results/agentdojo.{json,md}``. AgentDojo comes with the ``bench`` extra; without
it the benchmark reports itself skipped. Modules:

- ``effects``: the reviewed tables of writes and sink policies per suite;
- ``adapter``: AgentDojo's functions as plangate tools acting on a suite's environment;
- ``attacker``: the compliant-attacker chat model;
- ``cases``: one case through a plangate agent, its approvals answered, graded by AgentDojo;
- ``measure``: every case of every suite, off and on;
- ``figures``: the report.
"""

from __future__ import annotations

import asyncio
import importlib.util
import time

from bench.report import Report

QUICK_USERS = 3
QUICK_INJECTIONS = 2


def run(*, quick: bool = False) -> Report:
    """The benchmark: every case of every suite, or 3 user tasks x 2 injection tasks when quick."""
    if importlib.util.find_spec("agentdojo") is None:
        return Report(
            name="agentdojo",
            title="AgentDojo: injected writes against plangate's provenance gates",
            summary="Needs the bench extra: pip install -e '.[bench]'.",
            status="skipped",
            notes=["agentdojo is not installed (it comes with the bench extra)."],
        )
    from bench.agentdojo.figures import build_report
    from bench.agentdojo.measure import measure

    users, injections = (QUICK_USERS, QUICK_INJECTIONS) if quick else (None, None)
    started = time.perf_counter()
    figures = asyncio.run(measure(user_limit=users, injection_limit=injections))
    params = {
        "user_tasks": users or "all",
        "injection_tasks": injections or "all",
        "wall_s": round(time.perf_counter() - started),
    }
    return build_report(figures, params=params)
