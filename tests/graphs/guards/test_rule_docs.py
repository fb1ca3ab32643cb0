"""docs/policies.md: its Python blocks run in order, its YAML blocks are valid rules files."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path

import pytest
import yaml

from plangate.graphs.guards.rule_files import rules_from_data

PAGE = Path(__file__).resolve().parents[3] / "docs" / "policies.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


def test_the_python_blocks_run(monkeypatch: pytest.MonkeyPatch) -> None:
    found = blocks("python")
    assert len(found) >= 2, "the page lost its examples"
    # A real module, so pydantic resolves the page's models as it would in a user's file.
    page = types.ModuleType("policies_doc")
    monkeypatch.setitem(sys.modules, page.__name__, page)
    for block in found:
        exec(compile(block, str(PAGE), "exec"), page.__dict__)


def test_the_yaml_blocks_are_rules_files() -> None:
    found = blocks("yaml")
    assert found
    for block in found:
        rules = rules_from_data(yaml.safe_load(block), str(PAGE))
        assert [rule.id for rule in rules] == [
            "no_basic_economy_changes",
            "cancel_within_24_hours",
        ]
