"""The attribute names are the GenAI semantic conventions' own; turning telemetry off costs nothing."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from opentelemetry.semconv._incubating.attributes import error_attributes, gen_ai_attributes
from opentelemetry.semconv._incubating.attributes.gen_ai_attributes import (
    GenAiOperationNameValues,
)

from plangate.graphs.telemetry import conventions

ROOT = Path(__file__).resolve().parents[3]


def test_every_gen_ai_name_is_the_installed_conventions_one() -> None:
    ours = {name: v for name, v in vars(conventions).items() if isinstance(v, str)
            and v.startswith("gen_ai.")}  # fmt: skip
    assert len(ours) > 15
    for name, value in ours.items():
        assert getattr(gen_ai_attributes, f"GEN_AI_{name}") == value, name
    assert conventions.ERROR_TYPE == error_attributes.ERROR_TYPE
    operations = {conventions.INVOKE_AGENT, conventions.CHAT, conventions.EXECUTE_TOOL}
    assert operations <= {member.value for member in GenAiOperationNameValues}


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
        check=False, timeout=120,
    )  # fmt: skip


def test_plangate_never_imports_the_span_code_until_a_tracer_is_asked_for() -> None:
    done = run_python("""
        import sys
        import plangate.agents, plangate.graphs.telemetry
        from plangate.graphs.telemetry import Telemetry
        loaded = [m for m in sys.modules if m.startswith("plangate.graphs.telemetry.")]
        print(sorted(loaded))
    """)
    assert done.returncode == 0, done.stderr
    loaded = done.stdout.strip()
    assert "run_spans" not in loaded
    assert "model_spans" not in loaded


def test_with_opentelemetry_missing_a_run_goes_on_and_says_what_to_install() -> None:
    done = run_python("""
        import logging, sys
        logging.basicConfig(level=logging.WARNING, stream=sys.stdout, format="%(message)s")
        from plangate.graphs.telemetry import Telemetry
        from tests.agents.reservation.sandbox_world import make_world
        from plangate.agents import Agent
        from plangate.agents.reservation.spec import SPEC
        sys.modules["opentelemetry"] = None  # from here on, as if the otel extra were missing
        world = make_world()
        agent = Agent(SPEC, world.toolset, clock=world.clock, telemetry=Telemetry())
        result = agent.run_sync("Book a table for 4 at a Thai restaurant in Lisbon tomorrow at 8pm")
        print(result.status)
        print("plangate.graphs.telemetry.run_spans" in sys.modules)
    """)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "pip install 'plangate[otel]'" in lines[0]
    assert lines[-2:] == ["paused", "False"]
