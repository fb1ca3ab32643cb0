"""Fixtures of the reliability tests: the fork server that runs killable CLI commands."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reliability.crashproc import ForkServer


@pytest.fixture(scope="module")
def fork(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ForkServer]:
    """``killpoint.py --serve`` for the module's tests, ended after them."""
    server = ForkServer(tmp_path_factory.mktemp("fork"))
    try:
        yield server
    finally:
        server.close()
