"""Imports flow one way: tools ← graphs ← agents ← demos; only graphs imports langgraph."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "tools": {"langgraph", "graphs", "agents", "demos"},
    "graphs": {"agents", "demos"},
    "agents": {"demos", "langgraph"},
    "demos": {"langgraph"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_respect_the_layers(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in files
        if imported_roots(path) & FORBIDDEN[package]
    }
    assert offenders == {}, f"{package}/ imports what it must not: {offenders}"


def test_the_check_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import langgraph.graph\nfrom graphs.plan import Plan\n", encoding="utf-8")
    assert imported_roots(bad) & FORBIDDEN["tools"] == {"langgraph", "graphs"}


def test_only_the_adapter_in_tools_touches_langchain() -> None:
    users = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "tools").rglob("*.py")
        if imported_roots(path) & {"langchain", "langchain_core", "langchain_community"}
    )
    assert users in ([], ["tools/langchain_adapter.py"]) or all(
        user == "tools/langchain_adapter.py" or user.startswith("tools/retrieval/")
        for user in users
    ), users
