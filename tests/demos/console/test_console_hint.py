"""``plangate demo`` ends by saying how to watch runs in the web console, and the README
shows the console and links its page."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from plangate.demos.cli.commands import app

ROOT = Path(__file__).resolve().parents[3]


def test_the_demo_ends_with_the_consoles_address(home: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "trading", "--yes"])
    assert result.exit_code == 0, result.output
    tail = result.stdout.strip().splitlines()[-3:]
    assert tail[-2:] == ["  plangate serve", "  then open http://127.0.0.1:8000/"]
    assert "web console" in result.stdout


def test_the_readme_shows_the_console_and_links_its_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Web console", 1)[1].split("\n## ", 1)[0]
    assert "](docs/images/console.png)" in section
    assert "](docs/console.md)" in section
    assert (ROOT / "docs" / "images" / "console.png").is_file()
