"""The concept guides' examples run as written: each page's Python blocks in order, in one
module namespace, print exactly the page's ``text`` blocks (the runner of test_docs_pages)."""

from __future__ import annotations

import pytest

from tests.test_docs_pages import blocks, run_page

GUIDES = [
    ("plans.md", 7),
    ("strategies.md", 5),
    ("approvals.md", 4),
    ("budgets.md", 3),
    ("persistence.md", 5),
]


@pytest.mark.parametrize(("page", "examples"), GUIDES)
def test_a_guide_runs_and_prints_what_it_shows(
    page: str, examples: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(blocks(page, "python")) == examples, f"{page} lost or gained an example"
    assert run_page(page, monkeypatch) == "".join(blocks(page, "text"))
