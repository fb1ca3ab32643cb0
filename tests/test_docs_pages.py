"""The docs pages' examples run as written: each page's Python blocks in order, in one module
namespace, print exactly the page's ``text`` blocks, and its YAML blocks load as what they show."""

from __future__ import annotations

import contextlib
import io
import re
import sys
import types
from pathlib import Path

import pytest
import yaml

from plangate.graphs.guards.rule_files import rules_from_data

DOCS = Path(__file__).resolve().parents[1] / "docs"


def blocks(page: str, kind: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(rf"```{kind}\n(.*?)```", text, flags=re.S)


def run_page(page: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run ``page``'s Python blocks in order in one real module; return what they printed.

    A real module (in ``sys.modules``), so pydantic resolves the page's models as it would in a
    user's file.
    """
    module = types.ModuleType(f"docs_{page.removesuffix('.md')}")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks(page, "python"):
            exec(compile(block, str(DOCS / page), "exec"), module.__dict__)
    return out.getvalue()


@pytest.mark.parametrize(
    ("page", "examples"),
    [("getting-started.md", 3), ("policies.md", 3), ("provenance.md", 3), ("workflows.md", 7)],
)
def test_a_page_runs_and_prints_what_it_shows(
    page: str, examples: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(blocks(page, "python")) == examples, f"{page} lost or gained an example"
    assert run_page(page, monkeypatch) == "".join(blocks(page, "text"))


def test_the_policy_pages_yaml_blocks_are_rules_files() -> None:
    found = blocks("policies.md", "yaml")
    assert found
    for block in found:
        rules = rules_from_data(yaml.safe_load(block), "policies.md")
        assert [rule.id for rule in rules] == ["no_basic_economy_changes", "cancel_within_24_hours"]
