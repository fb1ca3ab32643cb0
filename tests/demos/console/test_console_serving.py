"""The console is served at ``/`` with its assets, beside an API that is otherwise unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plangate.demos.console import vendor
from plangate.demos.console.assets import STATIC
from plangate.demos.console.vendor import FILES, MANIFEST, manifest, sha256, stale_files
from tests.demos.serve.api import serve


async def test_the_page_and_its_assets_are_served_with_their_types(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        page = await server.http.get("/")
        script = await server.http.get("/console/app.js")
        style = await server.http.get("/console/style.css")
        library = await server.http.get("/console/vendor/preact.module.js")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<script type="module" src="/console/app.js">' in page.text
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert style.headers["content-type"] == "text/css; charset=utf-8"
    assert library.status_code == 200
    assert "createElement" in library.text
    assert script.headers["x-content-type-options"] == "nosniff"


async def test_the_policy_runs_no_script_but_the_consoles_own(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        policy = (await server.http.get("/")).headers["content-security-policy"]
    scripts = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    assert "'sha256-" in scripts  # the import map, by hash
    assert "default-src 'none'" in policy


async def test_a_path_that_is_no_asset_is_a_404_whatever_it_spells(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        for path in ("/console/nope.js", "/console/../app.py", "/console/%2e%2e/assets.py"):
            answer = await server.http.get(path)
            assert answer.status_code == 404, path
            assert answer.json()["error"] == "not_found"


async def test_with_a_token_the_console_is_open_and_the_api_is_not(tmp_path: Path) -> None:
    async with serve(tmp_path, token="s3cret") as server:
        assert (await server.http.get("/")).status_code == 200
        assert (await server.http.get("/console/api.js")).status_code == 200
        assert (await server.http.get("/tools")).status_code == 401
        assert (await server.http.post("/")).status_code == 405  # open, but only to be read


async def test_tools_lists_each_tool_with_its_arguments_schema(tmp_path: Path) -> None:
    async with serve(tmp_path) as server:
        listed = (await server.http.get("/tools")).json()
        order = (await server.http.get("/tools/place_order")).json()
        missing = await server.http.get("/tools/launch_rocket")
    names = [tool["name"] for tool in listed]
    assert {"book_table", "place_order", "search_restaurants"} <= set(names)
    assert order["effect"] == "write"
    assert order["parameters"]["properties"]["qty"]["type"] == "integer"
    assert set(order["parameters"]["required"]) >= {"symbol", "side", "qty"}
    assert missing.status_code == 404
    assert "launch_rocket" in missing.json()["detail"]


def test_the_vendored_library_matches_its_recorded_hashes() -> None:
    assert stale_files() == []
    recorded = {entry["file"]: entry for entry in manifest()}
    assert set(recorded) == {item.name for item in FILES}
    for item in FILES:
        entry = recorded[item.name]
        assert entry["package"] == item.package
        assert entry["version"]
        assert sha256(MANIFEST.parent / item.name) == entry["sha256"]


def test_a_changed_vendored_file_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    copy = tmp_path / "vendor"
    copy.mkdir()
    for item in FILES:
        (copy / item.name).write_bytes((vendor.VENDOR / item.name).read_bytes())
    (copy / "vendor.json").write_text(MANIFEST.read_text(encoding="utf-8"), encoding="utf-8")
    (copy / FILES[0].name).write_text("export const h = 1;\n", encoding="utf-8")
    monkeypatch.setattr(vendor, "VENDOR", copy)
    monkeypatch.setattr(vendor, "MANIFEST", copy / "vendor.json")
    assert stale_files() == [f"{FILES[0].name}: its SHA-256 differs from vendor.json's"]


def test_the_import_map_names_every_vendored_module() -> None:
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    start = page.index('<script type="importmap">') + len('<script type="importmap">')
    imports = json.loads(page[start : page.index("</script>", start)])["imports"]
    assert sorted(imports.values()) == sorted(f"/console/vendor/{item.name}" for item in FILES)
