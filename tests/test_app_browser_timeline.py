"""The Timeline page in a real browser: the sample corpus's Buddi-tags mention, dated, with its page."""

from __future__ import annotations

import re

import pytest
from test_app_browser import CHROMIUM, LAPTOP, served_app, shots  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")


def test_timeline_page_in_a_real_browser(served_app, shots):  # noqa: F811
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (pip install playwright)")
    expect = sync_api.expect
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport=LAPTOP)
            page.goto(f"{served_app}/timeline")
            box = page.get_by_label("A matter to follow over time (Enter to search)")
            box.wait_for(timeout=120_000)
            box.fill("Buddi tags")
            box.press("Enter")
            card = page.locator(".pq-card").first
            card.wait_for(timeout=120_000)
            expect(card).to_contain_text("FY 2020/21")
            expect(card).to_contain_text(re.compile(r"p\. 1 .*Buddi-tags"))
            page.screenshot(path=shots / "timeline.png")
        finally:
            browser.close()
    print(f"screenshot: {shots / 'timeline.png'}")
