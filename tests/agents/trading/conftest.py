"""Fixtures of the trading assistant's tests."""

from __future__ import annotations

import pytest

from tests.agents.trading.trading_world import World, make_world


@pytest.fixture
def world() -> World:
    return make_world()
