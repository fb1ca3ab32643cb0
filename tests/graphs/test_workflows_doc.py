"""docs/workflows.md: its Python blocks run as written, in order, and print what it shows."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "workflows.md"


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_examples_run_and_print_what_the_page_says() -> None:
    code = blocks("python")
    assert len(code) == 7, "the page lost an example"
    namespace: dict[str, object] = {"__name__": "workflows_doc"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in code:
            exec(compile(block, str(DOC), "exec"), namespace)
    assert out.getvalue() == "".join(blocks("text"))
