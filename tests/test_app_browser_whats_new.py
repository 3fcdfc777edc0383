"""Save a search on the Ask page and read it on What's new, in a real browser on a copy of the sample index."""

from __future__ import annotations

import pytest
from test_app_browser import ANSWER_TIMEOUT_MS, CHROMIUM, LAPTOP, _ask, _serve, shots  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")


@pytest.fixture
def writable_app(sample_index_copy, tmp_path):
    yield from _serve(sample_index_copy, tmp_path)


def test_save_a_search_and_see_what_is_new_in_a_real_browser(writable_app, shots):  # noqa: F811
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (pip install playwright)")
    expect = sync_api.expect
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport=LAPTOP)
            page.goto(writable_app)
            _ask(page, "grant funding for knife crime")
            page.get_by_text("Save this search").click()
            page.get_by_label("Name (default: the question)").fill("knives")
            page.get_by_role("button", name="Save search").click()
            expect(page.get_by_text('Saved "knives"')).to_be_visible(timeout=ANSWER_TIMEOUT_MS)

            page.goto(f"{writable_app}/whats-new")
            expect(page.get_by_role("heading", name="knives")).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
            card = page.locator(".pq-card").first
            card.wait_for(timeout=ANSWER_TIMEOUT_MS)
            expect(card).to_contain_text("CSP")
            expect(page.get_by_text("3 papers added since")).to_be_visible()
            page.screenshot(path=shots / "whats_new.png", full_page=True)
        finally:
            browser.close()
    print(f"screenshot: {shots / 'whats_new.png'}")
