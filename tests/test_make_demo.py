"""``make demo`` on a fresh clone: it says what it installs and shows pip's progress, and it
ends by saying how to get ``plangate`` on the PATH.

Nothing is installed here: ``make -n`` prints the commands a target would run, and ``-W
pyproject.toml`` makes the install look due, as on a fresh clone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")

HINT = """
plangate is installed in .venv, which is not on your PATH. Either activate it:
    source .venv/bin/activate
    plangate run reservation "Book a table for 2 in Lisbon tomorrow at 8pm"
or call it by its path: .venv/bin/plangate --help
"""


def make(*args: str, ci: bool = False) -> list[str]:
    """The lines ``make`` prints, run at the top of the clone as a user runs it there."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.pop("CI", None)
    if ci:
        env["CI"] = "true"
    done = subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return done.stdout.splitlines()


def test_the_path_hint_says_how_to_run_plangate() -> None:
    assert make("-s", "path-hint") == HINT.splitlines()


def test_the_demo_ends_with_the_path_hint() -> None:
    lines = make("-n", "demo")
    demo = lines.index(".venv/bin/plangate demo reservation --yes")
    after = "\n".join(lines[demo + 1 :])
    assert 'echo "    source .venv/bin/activate"' in after
    assert 'echo "or call it by its path: .venv/bin/plangate --help"' in after


def install_lines(*, ci: bool) -> list[str]:
    return make("-n", "-W", "pyproject.toml", ".venv/.installed", ci=ci)


def test_the_install_says_what_it_does_then_shows_pips_progress() -> None:
    lines = install_lines(ci=False)
    assert lines[0].startswith('echo "Installing plangate and its dependencies into .venv')
    big = [line for line in lines if line.endswith('-e ".[dev]"')]
    assert big == ['.venv/bin/python -m pip install --progress-bar on -e ".[dev]"']
    assert lines[-1] == 'echo "Installed into .venv."'


def test_ci_keeps_the_install_quiet() -> None:
    big = [line for line in install_lines(ci=True) if line.endswith('-e ".[dev]"')]
    assert big == ['.venv/bin/python -m pip install --quiet -e ".[dev]"']
