"""Agents served by name or by reference: a spec, an ``Agent``, or a factory of either."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import pytest

from plangate.agents import Agent
from plangate.demos.serve.catalog import resolve_agent, resolve_agents
from plangate.tools.domains.backends import bind_tools, sandbox_backends
from plangate.tools.errors import UsageError
from tests.demos.cli_agent import SPEC


@pytest.fixture
def module() -> Iterator[types.ModuleType]:
    """A module ``served_agents`` with a spec, an agent and factories of both."""
    made = types.ModuleType("served_agents")
    made.SPEC = SPEC  # type: ignore[attr-defined]
    made.AGENT = Agent(SPEC, bind_tools(sandbox_backends(seed=0)))  # type: ignore[attr-defined]
    made.make_spec = lambda: SPEC  # type: ignore[attr-defined]
    made.make_agent = lambda: made.AGENT  # type: ignore[attr-defined]
    sys.modules["served_agents"] = made
    yield made
    del sys.modules["served_agents"]


@pytest.mark.parametrize("attribute", ["SPEC", "AGENT", "make_spec", "make_agent"])
def test_a_reference_names_a_spec_an_agent_or_a_factory(
    module: types.ModuleType, attribute: str
) -> None:
    assert resolve_agent(f"served_agents:{attribute}") is SPEC


def test_the_assistants_are_served_by_default() -> None:
    assert list(resolve_agents()) == ["reservation", "trading"]


def test_two_agents_of_one_name_are_refused(module: types.ModuleType) -> None:
    with pytest.raises(UsageError, match="two agents served are called 'tables'"):
        resolve_agents(["served_agents:SPEC", "served_agents:make_agent"])


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        (":SPEC", "must look like package.module:attribute"),
        ("no_such_module_x:SPEC", "cannot import no_such_module_x"),
    ],
)
def test_a_bad_reference_says_what_is_wrong(ref: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        resolve_agent(ref)
