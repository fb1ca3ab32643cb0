"""A server with a bearer token: the console asks for it once, keeps it in the tab, and uses it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

TOKEN = "console-secret"
"""The token this module's server requires (read by the ``console_url`` fixture)."""


def test_the_console_asks_for_the_token_and_keeps_it_in_the_tab_only(
    browser: Any, console_url: str, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=console_url)
    page = context.new_page()
    try:
        page.goto("/")
        token = page.get_by_label("Bearer token")
        expect(token).to_be_visible()  # the API answered 401: the page asks
        page.screenshot(path=artifacts / "token.png")
        token.fill(TOKEN)
        page.get_by_role("button", name="Use token").click()
        expect(page.locator("#start-agent option")).to_have_count(3)
        page.reload()
        expect(page.locator("#start-agent option")).to_have_count(3)
        expect(page.get_by_label("Bearer token")).to_have_count(0)
        assert page.evaluate("sessionStorage.getItem('plangate.token')") == TOKEN
        assert page.evaluate("localStorage.length") == 0
    finally:
        context.close()
    fresh = browser.new_context(base_url=console_url)  # another tab's session knows no token
    try:
        other = fresh.new_page()
        other.goto("/")
        expect(other.get_by_label("Bearer token")).to_be_visible()
    finally:
        fresh.close()
