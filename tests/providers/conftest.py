"""The loopback fake provider, started afresh for each test that asks for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.providers import FakeProvider


@pytest.fixture
def fake_provider() -> Iterator[FakeProvider]:
    """A running ``FakeProvider`` with an empty script; closed when the test ends."""
    with FakeProvider() as provider:
        yield provider
