"""Every example in the README and the docs runs here, so none can rot.

The rule, for every page (docs/index.md says it to readers, "Examples in these docs"):

- A ```python block runs alone, in a fresh module, as a reader who copies it runs it; unless its
  page says, before its first section heading, that its examples **run in order**: then each
  block continues the ones before it on that page, and they run in order in one module.
- A ```python block whose first line names a file (``# forecaster.py``) is saved there before
  the page's examples run, so the page's other blocks can import it.
- A ```text block that comes next after a ```python block in the same section shows what that
  block prints, exactly.
- ```json and ```yaml blocks parse; ``<!-- shape: NAME -->`` before one names what the code
  produces or accepts that it shows (``docs_shapes.SHAPES``), and the two are compared.
- A block that cannot run offline says why on the line right before it, ``<!-- skip: reason -->``,
  reported here as a skip (none does today).

The shared setup, the same for every example: it runs in a fresh working folder (a page that
runs in order keeps one folder for all its blocks), on the import path, with ``PLANGATE_HOME``
inside it, the page's file blocks saved in it, and ``handbook/``, a folder of two Markdown pages,
for the examples that index "your" documents; ``OPENAI_API_KEY`` and ``ANTHROPIC_API_KEY`` are set
to a stand-in, so an example can build a real provider's chat model, and the network is blocked,
as everywhere in the suite, so it can never call one. An example that talks to ``plangate serve``
at its default address, http://127.0.0.1:8000, talks to a server the test starts on a free
loopback port (``docs_server``: the reservation and trading agents, at a pinned moment).

The pages are found, not listed: a new page's blocks run as soon as it lands. A page is left out
only through ``docs_blocks.EXCLUDED``, with its reason.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import json
import os
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.docs_blocks import (
    ROOT,
    Block,
    outputs,
    pages,
    read_blocks,
    runs_in_order,
    save_files,
)
from tests.docs_server import SERVE_URL, loopback_server
from tests.docs_shapes import SHAPES

PROVIDER_KEYS = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY")
HANDBOOK = {
    "leave.md": "# Leave\n\nParental leave is sixteen weeks, paid in full.\n",
    "travel.md": "# Travel\n\nBook trains for trips under four hours.\n",
}


def _collect(kinds: tuple[str, ...]) -> list[Any]:
    found = []
    for page in pages():
        for block in read_blocks(page):
            if block.kind in kinds:
                found.append(pytest.param(page, block, id=block.where))
    return found


PYTHON = _collect(("python",))
DATA = _collect(("json", "yaml"))


@dataclass
class PageRun:
    """A page that runs in order: its module, its folder, and how far it has run."""

    module: types.ModuleType
    folder: Path
    done: int = 0
    failed: str | None = None
    printed: dict[int, str] = field(default_factory=dict)


_IN_ORDER_RUNS: dict[str, PageRun] = {}


def _folder(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    handbook = root / "handbook"
    handbook.mkdir(exist_ok=True)
    for name, text in HANDBOOK.items():
        (handbook / name).write_text(text, encoding="utf-8")
    return root


def _module(block: Block) -> types.ModuleType:
    # A real module (in sys.modules while it runs), so pydantic resolves the example's models as
    # it would in a reader's file.
    name = "docs_" + "".join(c if c.isalnum() else "_" for c in block.page.removesuffix(".md"))
    return types.ModuleType(f"{name}_{block.line}")


def _run(block: Block, module: types.ModuleType, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run ``block`` in ``module``; what it printed."""
    monkeypatch.setitem(sys.modules, module.__name__, module)
    out = io.StringIO()
    with contextlib.ExitStack() as server, contextlib.redirect_stdout(out):
        code = block.code
        if SERVE_URL in code:  # a client of `plangate serve`: it gets one of its own
            url = server.enter_context(loopback_server(Path.cwd() / ".plangate-server"))
            code = code.replace(SERVE_URL, url)
        # Padded so that a traceback names the page's own line numbers.
        code = "\n" * block.line + code
        # dont_inherit: the example runs without this module's `from __future__` imports.
        compiled = compile(code, str(ROOT / block.page), "exec", dont_inherit=True)
        exec(compiled, module.__dict__)
    return out.getvalue()


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    """The garbage collector as it was: docs/performance.md tunes it for a server process."""
    thresholds, callbacks, frozen = gc.get_threshold(), list(gc.callbacks), gc.get_freeze_count()
    yield
    if gc.get_freeze_count() > frozen:
        gc.unfreeze()
    gc.set_threshold(*thresholds)
    gc.callbacks[:] = callbacks


@pytest.fixture
def page_files() -> Iterator[list[str]]:
    """The module names a page's file blocks make importable, forgotten after the test, so the
    next page's file of the same name is imported afresh."""
    names: list[str] = []
    yield names
    for loaded in list(sys.modules):
        if loaded.split(".", 1)[0] in names:
            del sys.modules[loaded]


def _setup(
    page: Path, folder: Path, monkeypatch: pytest.MonkeyPatch, page_files: list[str]
) -> None:
    """The shared setup: the working folder, ``PLANGATE_HOME`` in it, the page's files saved
    there and importable."""
    monkeypatch.chdir(folder)
    monkeypatch.setenv("PLANGATE_HOME", str(folder / ".plangate"))
    # `python` in an example (an MCP server to start) is the interpreter the suite runs on.
    monkeypatch.setenv(
        "PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    )
    for variable in PROVIDER_KEYS:  # a model can be built; a call to it meets the blocked network
        monkeypatch.setenv(variable, "sk-docs-offline")
    page_files.extend(save_files(read_blocks(page), folder))
    for loaded in list(sys.modules):
        if loaded.split(".", 1)[0] in page_files:
            del sys.modules[loaded]
    monkeypatch.syspath_prepend(str(folder))
    importlib.invalidate_caches()


def _printed_in_order(
    page: Path,
    block: Block,
    monkeypatch: pytest.MonkeyPatch,
    tmp: pytest.TempPathFactory,
    page_files: list[str],
) -> str:
    """Run ``page``'s blocks up to ``block`` in one module, reusing the run of the block before."""
    blocks = [b for b in read_blocks(page) if b.kind == "python"]
    position = next(i for i, b in enumerate(blocks) if b.line == block.line)
    run = _IN_ORDER_RUNS.get(block.page)
    if run is None or run.done > position or run.failed is not None:
        run = PageRun(_module(blocks[0]), _folder(tmp.mktemp("page")))
        _IN_ORDER_RUNS[block.page] = run
    _setup(page, run.folder, monkeypatch, page_files)
    while run.done <= position:
        earlier = blocks[run.done]
        if earlier.skip is None:
            try:
                run.printed[earlier.line] = _run(earlier, run.module, monkeypatch)
            except BaseException:
                run.failed = earlier.where
                if earlier.line != block.line:
                    pytest.fail(f"{block.where} continues {earlier.where}, which failed")
                raise
        run.done += 1
    return run.printed.get(block.line, "")


@pytest.mark.parametrize(("page", "block"), PYTHON)
def test_a_python_block_runs_and_prints_what_the_page_shows(
    page: Path,
    block: Block,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    page_files: list[str],
) -> None:
    if block.skip is not None:
        pytest.skip(f"{block.where}: {block.skip}")
    if runs_in_order(page):
        printed = _printed_in_order(page, block, monkeypatch, tmp_path_factory, page_files)
    else:
        _setup(page, _folder(tmp_path), monkeypatch, page_files)
        printed = _run(block, _module(block), monkeypatch)
    shown = outputs(read_blocks(page)).get(block.line)
    if shown is not None:
        assert printed == shown, f"{block.where} printed something else than the page shows"


@pytest.mark.parametrize(("page", "block"), DATA)
def test_a_data_block_parses_and_matches_what_the_code_makes(page: Path, block: Block) -> None:
    if block.skip is not None:
        pytest.skip(f"{block.where}: {block.skip}")
    shown = json.loads(block.code) if block.kind == "json" else yaml.safe_load(block.code)
    if block.shape is not None:
        assert block.shape in SHAPES, f"{block.where} names an unknown shape {block.shape!r}"
        SHAPES[block.shape](shown)


def test_every_page_with_examples_is_found() -> None:
    found = {str(param.values[1].page) for param in PYTHON}
    assert {"README.md", "docs/getting-started.md", "docs/workflows.md"} <= found


def test_every_shape_check_has_its_block() -> None:
    named = {param.values[1].shape for param in DATA}
    assert set(SHAPES) <= named, f"no block shows {sorted(set(SHAPES) - named)} any more"


def test_skips_are_rare_and_give_a_reason() -> None:
    skipped = [param.values[1] for param in PYTHON if param.values[1].skip is not None]
    assert all(block.skip.strip() for block in skipped)
    assert len(skipped) <= len(PYTHON) // 10, [block.where for block in skipped]


README = ROOT / "README.md"


def _readme_python() -> list[str]:
    return [block.code for block in read_blocks(README) if block.kind == "python"]


def test_declaring_a_tool_and_getting_its_schema_takes_under_ten_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = next(b for b in read_blocks(README) if b.kind == "python")
    lines = [line for line in first.code.splitlines() if line.strip()]
    assert len(lines) <= 10, f"the first example has {len(lines)} lines"
    module = _module(first)
    _run(first, module, monkeypatch)
    schema = module.schema
    assert isinstance(schema, dict)
    assert schema["function"]["name"] == "search_restaurants"
    assert schema["function"]["parameters"]["required"] == ["city", "party_size"]


def test_a_custom_agent_takes_under_thirty_lines() -> None:
    block = next(b for b in _readme_python() if "AgentSpec(" in b)
    lines = [line for line in block.splitlines() if line.strip()]
    assert len(lines) < 30, f"the custom agent example has {len(lines)} lines"


def test_the_runner_keeps_a_page_in_order_and_a_block_alone(
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    page_files: list[str],
) -> None:
    text = "# P\n\nThe examples run in order.\n\n```python\nn = 2\n```\n\n```python\nprint(n * 3)\n```\n"
    page = tmp_path / "ordered.md"
    page.write_text(text, encoding="utf-8")
    _, second = read_blocks(page)
    assert runs_in_order(page)
    assert _printed_in_order(page, second, monkeypatch, tmp_path_factory, page_files) == "6\n"
    alone = tmp_path / "alone.md"
    alone.write_text(text.replace("The examples run in order.", "Intro."), encoding="utf-8")
    _, second_alone = read_blocks(alone)
    assert not runs_in_order(alone)
    with pytest.raises(NameError, match="'n' is not defined"):
        _run(second_alone, _module(second_alone), monkeypatch)
