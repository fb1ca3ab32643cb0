"""The documentation site builds with warnings as errors: a broken link, a missing anchor or an
API reference that does not resolve fails here, not on the published site."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CONFIG = ROOT / ".ci" / "mkdocs.yml"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from .ci/mkdocs.yml with ``--strict`` into a temporary folder."""
    if importlib.util.find_spec("mkdocs") is None:
        if os.environ.get("CI"):
            pytest.fail("mkdocs is not installed; CI installs it with the dev extra")
        pytest.skip("mkdocs is not installed: pip install 'plangate[docs]' to build the site")
    out = tmp_path_factory.mktemp("site")
    # `python -m mkdocs`, as `make docs` runs it: the `mkdocs` script would put the venv's bin/
    # on the import path, where the `plangate` script hides the package from griffe.
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
         "-f", str(CONFIG), "-d", str(out)],
        capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )  # fmt: skip
    assert built.returncode == 0, f"mkdocs build --strict failed:\n{built.stderr}"
    return out


@pytest.mark.parametrize(
    "page",
    [
        "index.html",
        "getting-started/index.html",
        "policies/index.html",
        "plans/index.html",
        "strategies/index.html",
        "approvals/index.html",
        "budgets/index.html",
        "persistence/index.html",
        "agents/reservation/index.html",
        "agents/trading/index.html",
    ],
)
def test_the_site_has_its_pages(site: Path, page: str) -> None:
    assert (site / page).is_file(), f"{page} is missing from the built site"


def test_the_api_reference_is_generated_from_the_docstrings(site: Path) -> None:
    page = (site / "reference" / "tools" / "index.html").read_text(encoding="utf-8")
    # The decorator's docstring, rendered by mkdocstrings: the reference reads the package.
    assert 'id="plangate.tools.tool"' in page
    assert 'id="plangate.tools.Toolset"' in page


def test_every_guide_is_in_the_menu() -> None:
    config = CONFIG.read_text(encoding="utf-8")
    for guide in sorted(DOCS.glob("*.md")):
        assert f": {guide.name}\n" in config, f"docs/{guide.name} is not in .ci/mkdocs.yml's nav"
