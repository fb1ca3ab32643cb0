"""Fixtures of the reservation assistant's tests."""

from __future__ import annotations

import pytest

from tests.agents.reservation.sandbox_world import World, make_world


@pytest.fixture
def world() -> World:
    return make_world()
