"""A page's Python blocks run in order in one module, printing what they print.

Kept for the guides' tests that call it; every page's examples, the README's too, run in
tests/test_docs_examples.py, block by block, by the rule written there.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import types
from pathlib import Path

import pytest

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
