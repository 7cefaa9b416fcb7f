"""summary.html in a real headless browser (Debian's Chromium driven by Playwright), with every network
request refused: the page must render whole from its own bytes (inline style and SVG, no script)."""

from __future__ import annotations

import os
import shutil

import pytest
from test_class_figures import a_class
from test_reports_fixtures import ASSIGNMENT

from grader.reports import write_class_reports

CHROMIUM = os.environ.get("GRADER_TEST_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[dev]')")
    if not CHROMIUM:
        pytest.skip("no Chromium found (Debian: apt-get install chromium; .ci/run installs it)")
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        except Exception as exc:  # noqa: BLE001 (any launch failure is a reason to skip, printed)
            pytest.skip(f"Chromium at {CHROMIUM} does not start headless: {exc}")
        yield browser
        browser.close()


def test_summary_renders_offline_with_every_section(browser, tmp_path):
    write_class_reports(a_class(), ASSIGNMENT, tmp_path)
    page_url = (tmp_path / "summary.html").as_uri()
    context = browser.new_context(offline=True, java_script_enabled=True)
    requests = []

    def refuse_all_but_the_page(route):
        requests.append(route.request.url)
        route.continue_() if route.request.url == page_url else route.abort()

    context.route("**/*", refuse_all_but_the_page)
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(page_url, wait_until="load")

    assert requests == [page_url], f"the page asked for more than itself: {requests}"
    assert not errors
    assert page.title().endswith("class summary")
    for section in ("distribution", "mistakes", "failures", "unavailable", "slowest", "errors", "students"):
        box = page.locator(f"section#{section}").bounding_box()
        assert box and box["height"] > 20, section
    plot = page.locator("section#distribution svg").bounding_box()
    assert plot and plot["width"] > 300 and plot["height"] > 100  # the inline plot is drawn at a real size
    assert page.locator("section#students tbody tr").count() == 4
    links = page.locator("section#students a").evaluate_all("els => els.map(a => a.href)")
    assert links == [(tmp_path / "feedback" / f"{s}.md").as_uri() for s in ("alice", "bob", "erin", "zed")]
    headline = page.locator("#headline").inner_text()
    assert "2 graded, 1 partly graded, 1 not graded" in headline
    # nothing spills sideways out of the page's column
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
