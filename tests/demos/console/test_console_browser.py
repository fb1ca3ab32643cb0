"""The console in a real browser: start, watch, approve, edit, reject, read a trace, and no
markup from a tool ever runs. Each scenario leaves a screenshot in tests/artifacts/console/."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.demos.console.conftest import HOSTILE_CITY, HOSTILE_VENUE

TRACES = Path(__file__).resolve().parents[2] / "traces"
WAIT = 15_000
"""How long a condition may take to hold, in ms: a bound for a loaded machine, never a sleep."""


@pytest.fixture
def page(browser: Any, console_url: str) -> Iterator[Page]:
    """A fresh tab at 1280 px, failing the test on any script error in the page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=console_url)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.set_default_timeout(WAIT)
    yield tab
    context.close()
    assert errors == [], f"the page raised: {errors}"


def start_run(page: Page, agent: str, request: str) -> str:
    """Start ``agent`` on ``request`` from the runs page; the new thread's id."""
    page.goto("/")
    page.locator("#start-agent").select_option(agent)
    page.locator("#start-request").fill(request)
    page.get_by_role("button", name="Start run").click()
    page.wait_for_url(re.compile(r"#/thread/"))
    return page.url.rsplit("/", 1)[1]


def step(page: Page, step_id: str, status: str) -> None:
    """Wait until the latest plan shows ``step_id`` with ``status``."""
    expect(page.locator(f'[data-step="{step_id}"]').last).to_have_attribute("data-status", status)


def wave_of(page: Page, step_id: str) -> Locator:
    """The wave column that holds ``step_id`` in the latest plan."""
    return page.locator(f'[data-step="{step_id}"]').last.locator("xpath=..")


def test_a_reservation_started_from_the_page_is_approved_in_the_inbox(
    page: Page, artifacts: Path
) -> None:
    thread = start_run(page, "reservation", "book a table for 2 in Lisbon tomorrow at 8pm")
    for read in ("cal", "find", "avail"):
        step(page, read, "done")
    step(page, "table", "waiting")
    expect(wave_of(page, "find")).to_have_attribute("aria-label", "wave 1")
    expect(wave_of(page, "avail")).to_have_attribute("aria-label", "wave 2")  # ${find...}
    expect(wave_of(page, "table")).to_have_attribute("aria-label", "wave 3")
    page.screenshot(path=artifacts / "live-run.png", full_page=True)

    page.get_by_role("link", name="Approvals").click()
    wave = page.locator(f'section.wave[data-thread="{thread}"]')
    call = wave.locator('[data-call="table"]')
    expect(call.locator("tr.untrusted")).to_contain_text("venue_id")  # taken from a search result
    expect(call).to_contain_text("from the request")
    page.screenshot(path=artifacts / "approvals-inbox.png", full_page=True)
    call.get_by_role("button", name="Approve").click()

    page.get_by_role("link", name="watch the run").click()
    step(page, "table", "done")
    expect(page.locator(".run-status")).to_have_attribute("data-status", "done")
    answer = page.get_by_role("region", name="Answer")
    expect(answer).to_contain_text("Lisbon")
    runs = page.get_by_role("region", name="Runs of this thread").locator("tbody tr")
    expect(runs).to_have_count(2)  # the start, paused; the resume, done
    expect(runs.first).to_contain_text("asked: table (book_table)")
    expect(runs.last).to_contain_text("decided: table approved")
    expect(page.locator(".usage-calls")).to_have_text(re.compile(r"^[1-9]\d*$"))
    expect(page.locator(".usage-cost")).to_have_text("$0")  # the offline planner costs nothing
    page.screenshot(path=artifacts / "answer.png", full_page=True)


def test_an_order_edited_to_a_bad_quantity_is_refused_as_typed_then_rejected(
    page: Page, artifacts: Path
) -> None:
    thread = start_run(page, "trading", "buy 10 shares of AAPL")
    step(page, "order", "waiting")

    page.get_by_role("link", name="Approvals").click()
    call = page.locator(f'section.wave[data-thread="{thread}"] [data-call="order"]')
    call.get_by_role("button", name="Edit").click()
    quantity = call.get_by_label("qty")
    quantity.fill("-5")
    expect(call.locator(".problems")).to_contain_text("qty: must be greater than 0")
    expect(quantity).to_have_attribute("aria-invalid", "true")
    expect(call.get_by_role("button", name="Run with these arguments")).to_be_disabled()
    page.screenshot(path=artifacts / "edit-invalid.png", full_page=True)
    quantity.fill("ten")
    expect(call.locator(".problems")).to_contain_text("qty: must be a whole number")
    quantity.fill("12")
    expect(call.locator(".problems")).to_contain_text("Valid: qty changed")
    expect(call.get_by_role("button", name="Run with these arguments")).to_be_enabled()

    call.get_by_role("button", name="Cancel edit").click()
    call.get_by_label("Reason").fill("not today")
    call.get_by_role("button", name="Reject").click()
    page.get_by_role("link", name="watch the run").click()
    step(page, "order", "refused")
    replan = page.get_by_role("region", name=re.compile(r"Plan v2 \(re-plan"))
    expect(replan).to_contain_text("kept quote, research, positions, account")
    expect(page.locator("details.plan.old > summary")).to_contain_text("order refused")
    expect(page.get_by_role("region", name="Answer")).to_contain_text("not today")
    runs = page.get_by_role("region", name="Runs of this thread").locator("tbody tr")
    expect(runs.last).to_contain_text("decided: order rejected (not today)")
    expect(page.locator(".run-status")).not_to_have_attribute("data-status", re.compile("running"))


def test_a_wave_of_two_calls_is_decided_one_by_one_or_all_at_once(page: Page) -> None:
    start_run(page, "two_tables", "book two tables for 2 in Lisbon")
    step(page, "first", "waiting")
    step(page, "second", "waiting")
    for booking in ("first", "second"):  # one wave, after their availability checks
        expect(wave_of(page, booking)).to_have_attribute("aria-label", "wave 3")
    wave = page.locator("section.wave")
    wave.locator('[data-call="first"]').get_by_role("button", name="Approve").click()
    expect(wave.locator('[data-call="first"]')).to_contain_text("Decision: approve")
    expect(page.locator(".run-status")).to_have_attribute("data-status", "paused")  # not sent yet
    wave.locator('[data-call="second"]').get_by_role("button", name="Approve").click()
    expect(page.get_by_role("region", name="Answer")).to_contain_text("2 table(s) booked")

    thread = start_run(page, "two_tables", "book two tables for 4 in Porto")
    step(page, "second", "waiting")
    page.get_by_role("link", name="Approvals").click()
    page.locator(f'section.wave[data-thread="{thread}"]').get_by_role(
        "button", name="Approve all 2"
    ).click()
    page.get_by_role("link", name="watch the run").click()
    expect(page.get_by_role("region", name="Answer")).to_contain_text("2 table(s) booked")


def test_threads_filter_by_status_and_agent(page: Page) -> None:
    start_run(page, "trading", "buy 3 shares of MSFT")
    step(page, "order", "waiting")
    page.goto("/")
    page.locator("#filter-agent").select_option("trading")
    rows = page.locator("table.threads tbody tr")
    expect(rows.first).to_be_visible()
    expect(
        page.locator('table.threads td[data-label="Agent"]', has_text="reservation")
    ).to_have_count(0)
    page.locator("#filter-status").select_option("paused")
    expect(rows.locator("td[data-label=Status]").first).to_contain_text("waiting for approval")
    expect(page.locator("td[data-label=Status]", has_text="done")).to_have_count(0)
    # Each thread shows its latest run's usage: the offline planner's calls, no tokens, no cost.
    expect(rows.first.locator('td[data-label="Model calls"]')).to_have_text(re.compile(r"^\d+$"))
    expect(rows.first.locator('td[data-label="Tokens"]')).to_have_text("0")
    expect(rows.first.locator('td[data-label="Cost"]')).to_have_text("$0")


def test_a_trace_file_opens_as_a_timeline(page: Page, artifacts: Path) -> None:
    page.goto("/#/traces")
    page.get_by_label(re.compile("Open a trace file")).set_input_files(
        TRACES / "trading" / "buy_apple.jsonl"
    )
    timeline = page.get_by_role("list", name="timeline")
    for lane in ("quote · get_quote", "research · search_documents", "order · place_order"):
        expect(timeline).to_contain_text(lane)
    expect(timeline.locator(".call-bar.tool")).to_have_count(5)
    expect(timeline.locator(".mark.verdict").first).to_be_attached()
    expect(timeline.locator(".mark.approval")).to_have_count(2)
    expect(timeline.locator(".mark.decision")).to_have_count(1)
    page.screenshot(path=artifacts / "trace-timeline.png", full_page=True)

    page.get_by_label(re.compile("Open a trace file")).set_input_files(
        TRACES / "shop" / "plan_model.jsonl"
    )
    expect(timeline.locator('[data-lane="model"] .call-bar.model').first).to_be_visible()


def test_a_trace_replays_on_the_server_and_an_edited_one_shows_its_diff(
    page: Page, artifacts: Path, tmp_path: Path
) -> None:
    page.goto("/#/traces")
    opener = page.get_by_label(re.compile("Open a trace file"))
    opener.set_input_files(TRACES / "trading" / "buy_apple.jsonl")
    page.get_by_role("button", name="Replay against the served agent").click()
    expect(page.get_by_role("status")).to_contain_text("replay matches")

    edited = tmp_path / "buy_apple_edited.jsonl"
    lines = []
    for line in (TRACES / "trading" / "buy_apple.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("type") == "tool_call" and record.get("tool") == "get_quote":
            record["args"]["symbol"] = "MSFT"  # as if the recording had asked for another quote
        lines.append(json.dumps(record))
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    opener.set_input_files(edited)
    page.get_by_role("button", name="Replay against the served agent").click()
    failed = page.locator(".replay-result.failed")
    expect(failed).to_contain_text("The replay diverged")
    expect(failed).to_contain_text("get_quote")
    diff = page.get_by_label("diff at the first divergence")
    expect(diff.locator(".del", has_text="MSFT")).to_have_count(1)
    expect(diff.locator(".add", has_text="AAPL").first).to_be_visible()
    page.screenshot(path=artifacts / "replay-diff.png", full_page=True)


def test_markup_in_a_venue_name_is_shown_as_text_and_never_runs(
    page: Page, artifacts: Path
) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    start_run(page, "reservation", f"book a table for 2 in {HOSTILE_CITY} tomorrow at 8pm")
    step(page, "table", "waiting")
    page.locator('[data-call="table"]').get_by_role("button", name="Approve").click()
    answer = page.get_by_role("region", name="Answer")
    expect(answer).to_contain_text(HOSTILE_VENUE)  # the markup, shown literally as text
    page.screenshot(path=artifacts / "xss-venue.png", full_page=True)
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert page.locator("main img, main script").count() == 0


def test_at_phone_width_nothing_overflows_and_the_keyboard_reaches_every_page(
    browser: Any, console_url: str, artifacts: Path
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=console_url)
    page = context.new_page()
    try:
        page.goto("/")
        expect(page.get_by_role("button", name="Start run")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.keyboard.press("Tab")  # the brand link first, then the pages
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent")
        assert focused == "Approvals"
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Approvals")).to_be_visible()
        page.screenshot(path=artifacts / "phone-approvals.png", full_page=True)
    finally:
        context.close()
