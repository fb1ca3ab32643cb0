"""Imports flow one way, rooms keep to their side, and no two modules import each other in a circle.

- Packages: ``plangate.tools`` ← ``plangate.graphs`` ← ``plangate.agents`` ← ``plangate.demos``;
  only graphs imports langgraph.
- Inside graphs the engine is the hub: ``guards`` sit below it; ``traces`` and ``offline`` build
  on it and never on each other.
- Inside tools the core never imports the bundled ``domains``.
- Nothing anywhere imports plangate's folders by their bare names (``tools``, ``graphs``...).
- Nothing outside ``plangate.demos`` imports it, except one re-export: the root module
  ``plangate.client`` gives the HTTP client (``plangate.demos.serve.client``) its short name.
- No import circle among the package's modules, counting every import statement: top-level,
  inside functions and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("tools", "graphs", "agents", "demos")
FORBIDDEN = {
    "plangate.tools": {"langgraph", "plangate.graphs", "plangate.agents", "plangate.demos"},
    "plangate.graphs": {"plangate.agents", "plangate.demos"},
    "plangate.agents": {"plangate.demos", "langgraph"},
    "plangate.demos": {"langgraph"},
    "plangate.graphs.guards": {
        "plangate.graphs.engine", "plangate.graphs.traces", "plangate.graphs.offline",
    },
    "plangate.graphs.engine": {"plangate.graphs.traces", "plangate.graphs.offline"},
    "plangate.graphs.traces": {"plangate.graphs.offline"},
    "plangate.graphs.offline": {"plangate.graphs.traces"},
}  # fmt: skip
"""Module prefix → what modules under it must not import (prefixes too)."""


def module_name(path: Path) -> str:
    """The installed name of a file of the package: ``tools/base.py`` → ``plangate.tools.base``."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["plangate", *parts])


Import = tuple[str, tuple[str, ...]]
"""One absolute import: ``(module, names)``, names empty for ``import module``."""


def imports(path: Path) -> list[Import]:
    """Every absolute import statement in ``path``, wherever it stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, tuple(alias.name for alias in node.names)))
    return found


def imported_names(path: Path) -> set[str]:
    """Every module name ``path`` imports, with ``from X import y`` also as ``X.y``."""
    names: set[str] = set()
    for module, members in imports(path):
        names.add(module)
        names.update(f"{module}.{member}" for member in members)
    return names


def is_under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


REEXPORTS = {"plangate.client": {"plangate.demos.serve.client"}}
"""Root module → the modules of ``plangate.demos`` it may import (to give them a short name)."""


def package_files() -> Iterator[Path]:
    yield from sorted(ROOT.glob("*.py"))  # the root modules: __init__.py, client.py
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def import_graph(files: Mapping[str, list[Import]]) -> dict[str, set[str]]:
    """Module → the package modules it imports.

    ``from X import y`` imports ``X.y`` when that is a module, else ``X``. Importing ``X.y``
    also runs package ``X``'s ``__init__`` first, but Python finishes that parent before
    ``X.y`` starts, so it is no edge here; a module that takes names from ``X`` itself is one.
    """
    graph: dict[str, set[str]] = {}
    for module, found in files.items():
        targets: set[str] = set()
        for name, members in found:
            if not members:
                targets.add(name)
            for member in members:
                targets.add(f"{name}.{member}" if f"{name}.{member}" in files else name)
        graph[module] = {t for t in targets if t in files and t != module}
    return graph


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One import circle in ``graph`` (its modules in order, the first repeated at the end)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)) is not None:
            return found
    return None


def test_every_module_is_read() -> None:
    modules = {module_name(path) for path in package_files()}
    assert {
        "plangate", "plangate.client", "plangate.graphs.engine.build", "plangate.tools.errors"
    } <= modules  # fmt: skip
    assert len(modules) > 150


@pytest.mark.parametrize("prefix", sorted(FORBIDDEN))
def test_modules_import_only_what_their_layer_allows(prefix: str) -> None:
    offenders = {}
    for path in package_files():
        module = module_name(path)
        if not is_under(module, prefix):
            continue
        bad = sorted(
            name
            for name in imported_names(path)
            if any(is_under(name, banned) for banned in FORBIDDEN[prefix])
        )
        if bad:
            offenders[str(path.relative_to(ROOT))] = bad
    assert offenders == {}, f"{prefix} imports what it must not: {offenders}"


def test_nothing_outside_the_demos_imports_them_but_the_client_reexport() -> None:
    offenders = {}
    for path in package_files():
        module = module_name(path)
        if is_under(module, "plangate.demos"):
            continue
        allowed = REEXPORTS.get(module, set())
        bad = sorted(
            name
            for name in imported_names(path)
            if is_under(name, "plangate.demos")
            and not any(is_under(name, target) for target in allowed)
        )
        if bad:
            offenders[str(path.relative_to(ROOT))] = bad
    assert offenders == {}, f"only plangate.client may import the demos: {offenders}"
    assert "plangate.demos.serve.client" in imported_names(ROOT / "client.py")


def test_the_tool_core_never_imports_the_bundled_domains() -> None:
    core = [p for p in (ROOT / "tools").glob("*.py")]
    offenders = {
        p.name: sorted(n for n in imported_names(p) if is_under(n, "plangate.tools.domains"))
        for p in core
        if any(is_under(n, "plangate.tools.domains") for n in imported_names(p))
    }
    assert len(core) > 10
    assert offenders == {}


def test_nothing_imports_plangate_by_bare_folder_names() -> None:
    files = [*package_files(), *ROOT.glob("tests/**/*.py"), *ROOT.glob("bench/**/*.py")]
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            n for n in imported_names(path) if n.split(".")[0] in PACKAGES
        )
        for path in files
        if any(n.split(".")[0] in PACKAGES for n in imported_names(path))
    }
    assert offenders == {}, f"import plangate.<name>, never a bare name: {offenders}"


def test_no_import_circle_in_the_package() -> None:
    files = {module_name(path): imports(path) for path in package_files()}
    cycle = find_cycle(import_graph(files))
    assert cycle is None, "import circle: " + " → ".join(cycle or [])


def test_the_checks_catch_violations(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import langgraph.graph\nfrom plangate.graphs.engine import plan\n"
        "def later():\n    from tools import base\n",
        encoding="utf-8",
    )
    names = imported_names(bad)
    assert {"langgraph.graph", "plangate.graphs.engine.plan", "tools.base"} <= names
    assert any(is_under(n, "plangate.graphs") for n in names)
    circle = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(circle) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None
    graph = import_graph({"x": [("y", ("z", "f")), ("os", ())], "y": [], "y.z": [("x", ("g",))]})
    assert graph == {"x": {"y", "y.z"}, "y": set(), "y.z": {"x"}}
    assert find_cycle(graph) == ["x", "y.z", "x"]


def test_only_the_adapters_in_tools_touch_langchain() -> None:
    users = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "tools").rglob("*.py")
        if {n.split(".")[0] for n in imported_names(path)}
        & {"langchain", "langchain_core", "langchain_community"}
    )
    assert users == ["tools/domains/retrieval/retriever.py", "tools/langchain_adapter.py"]
