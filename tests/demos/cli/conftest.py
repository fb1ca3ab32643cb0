"""The ``--update-snapshots`` option: rewrite the terminal snapshots instead of comparing them.

``pytest tests/demos/cli/test_render_snapshots.py --update-snapshots`` (or the environment
variable ``PLANGATE_UPDATE_SNAPSHOTS=1``, which works however pytest is started) writes what the
renderer draws now into ``tests/demos/cli/snapshots/``; review the diff, then commit it.
"""

from __future__ import annotations

import os

import pytest

UPDATE_VAR = "PLANGATE_UPDATE_SNAPSHOTS"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        default=False,
        help="Rewrite the CLI's terminal snapshots (tests/demos/cli/snapshots/) from the renderer.",
    )


@pytest.fixture
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    """Whether the snapshots are rewritten rather than compared."""
    given = bool(request.config.getoption("update_snapshots", default=False))
    return given or os.environ.get(UPDATE_VAR, "") not in ("", "0")
