"""docs/langchain-middleware.md runs as written and prints exactly what it shows."""

from __future__ import annotations

import contextlib
import io
import re
import sys
import types
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[3] / "docs" / "langchain-middleware.md"


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


def test_the_page_runs_and_prints_what_it_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("docs_langchain_middleware")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks("python"):
            exec(compile(block, str(PAGE), "exec"), module.__dict__)
    assert len(blocks("python")) == 3
    assert out.getvalue() == "".join(blocks("text"))
    assert module.__dict__["wired"] == []
