"""End to end: the app served by `streamlit run` on a free localhost port, driven in Debian's headless Chromium.

Screenshots go to a temporary folder (or $PANELQA_SCREENSHOTS if set) and their paths are printed.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
HEADLINE = "what was funded for knife crime in 2018"
START_TIMEOUT_S = 60
ANSWER_TIMEOUT_MS = 120_000  # the first page load also loads the model
LAPTOP = {"width": 1366, "height": 900}
NARROW = {"width": 400, "height": 860}

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                "(apt-get install chromium); .ci/run installs it")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served_app(sample_index, tmp_path):
    """`streamlit run app.py` on the sample index; yields its URL and stops it afterwards."""
    yield from _serve(sample_index, tmp_path)


def _serve(index_dir: Path, tmp_path: Path):
    port = _free_port()
    env = {**os.environ, "PANELQA_INDEX": str(index_dir), "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    log = (tmp_path / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            assert proc.poll() is None, f"streamlit exited: {(tmp_path / 'streamlit.log').read_text()[-2000:]}"
            assert time.monotonic() < deadline, "streamlit did not answer /_stcore/health in time"
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("PANELQA_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _ask(page, question: str) -> None:
    box = page.get_by_label("Ask the papers a question (Enter to ask)")
    box.wait_for(timeout=ANSWER_TIMEOUT_MS)
    box.fill(question)
    box.press("Enter")
    page.locator(".pq-answer").first.wait_for(timeout=ANSWER_TIMEOUT_MS)


def _choose(page, label: str) -> None:
    """Pick an option of a selectbox from the keyboard (its list can open below the window's edge)."""
    combo = page.get_by_role("combobox", name=label)
    combo.scroll_into_view_if_needed()
    combo.click()
    combo.press("ArrowDown")
    combo.press("Enter")


def test_ask_in_a_real_browser_and_show_the_page(served_app, shots):
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (pip install playwright)")
    expect = sync_api.expect
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport=LAPTOP)
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.goto(served_app)
            page.get_by_label("Ask the papers a question (Enter to ask)").wait_for(timeout=ANSWER_TIMEOUT_MS)
            page.screenshot(path=shots / "1-start.png")
            _ask(page, HEADLINE)
            cite = page.locator(".pq-cite").first
            expect(cite).to_have_text(re.compile(r"\[\d+, p\. \d+\]"))
            expect(page.locator(".pq-answer").first).to_contain_text(re.compile(r"£\d[\d,]*"))
            expect(page.get_by_text("Filters: 2018", exact=False)).to_be_visible()
            page.screenshot(path=shots / "2-answer.png")
            page.locator(".pq-card").first.scroll_into_view_if_needed()
            page.screenshot(path=shots / "3-passages.png")

            cited = int(re.match(r"\[(\d+)", cite.inner_text()).group(1))
            page.get_by_role("button", name=re.compile(r"^Show on page")).nth(cited - 1).click()
            image = page.locator('[data-testid="stImage"] img').first
            image.wait_for(timeout=30_000)
            expect(page.get_by_text(re.compile(r"^Page \d+ of \d+$")).first).to_be_visible()
            assert image.evaluate("img => img.naturalWidth") > 500, "the page image is rendered, not a broken link"
            image.evaluate("img => img.scrollIntoView({block: 'center'})")
            page.wait_for_timeout(300)
            page.screenshot(path=shots / "4-show-on-page.png")

            page.goto(f"{served_app}/funding")
            expect(page.locator(".pq-total")).to_contain_text(re.compile(r"Summed: £\d[\d,]* over \d+ grants"),
                                                              timeout=ANSWER_TIMEOUT_MS)
            expect(page.locator(".pq-total")).to_contain_text("Listed but not summed")
            page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=30_000)
            page.screenshot(path=shots / "6-funding.png")
            page.locator('[data-testid="stVegaLiteChart"]').first.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            page.screenshot(path=shots / "6-funding-chart.png")
            _choose(page, "Show a row on its page (or select it in the table)")
            image = page.locator('[data-testid="stImage"] img').first
            image.wait_for(timeout=30_000)
            expect(page.get_by_text("is framed in red", exact=False)).to_be_visible()
            image.evaluate("img => img.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(300)
            page.screenshot(path=shots / "7-funding-row-on-page.png")

            page.goto(f"{served_app}/commitments")
            expect(page.locator(".pq-count")).to_contain_text(re.compile(r"\d+ of \d+ commitments"),
                                                              timeout=ANSWER_TIMEOUT_MS)
            page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=30_000)
            page.screenshot(path=shots / "8-commitments.png")
            _choose(page, "Show a commitment's follow-ups and page (or select it in the table)")
            image = page.locator('[data-testid="stImage"] img').first
            image.wait_for(timeout=30_000)
            expect(page.locator(".pq-card").first).to_contain_text("follow-up")
            page.locator(".pq-card").first.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            page.screenshot(path=shots / "9-commitment-row-on-page.png")

            outside = sorted({u for u in requested if not u.startswith((served_app, "data:", "blob:"))})
            assert outside == [], f"the app asked hosts outside the machine: {outside}"

            narrow = browser.new_page(viewport=NARROW)
            narrow.goto(served_app)
            _ask(narrow, HEADLINE)
            expect(narrow.locator(".pq-cite").first).to_be_visible()
            narrow.screenshot(path=shots / "5-narrow.png")
        finally:
            browser.close()
    saved = sorted(p.name for p in shots.glob("*.png"))
    assert saved == ["1-start.png", "2-answer.png", "3-passages.png", "4-show-on-page.png", "5-narrow.png",
                     "6-funding-chart.png", "6-funding.png", "7-funding-row-on-page.png", "8-commitments.png",
                     "9-commitment-row-on-page.png"]
    print(f"screenshots in {shots}")


MARKUP_NAME = "2019-03-01 Panel minutes ![pic](x.png) [click](evil.html) <img src=x onerror=alert(1)> _x_.pdf"


@pytest.fixture
def markup_app(tmp_path, make_pdf, make_index):
    """An index of a paper whose file name is Markdown and HTML, moved away after ingest (so the app warns)."""
    papers = tmp_path / "papers"
    papers.mkdir()
    pdf = make_pdf(papers / MARKUP_NAME, ["Thames Valley Police and Crime Panel, minutes of 1 March 2019.\n"
                                          "Item 4. The Panel noted knife crime funding of £25,000 for youth work."])
    index = make_index(tmp_path / "index", [pdf])
    pdf.rename(tmp_path / "moved.pdf")
    yield from _serve(index, tmp_path)


def test_a_file_name_with_markdown_and_html_is_shown_as_text(markup_app):
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (pip install playwright)")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport=LAPTOP)
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.goto(markup_app)
            _ask(page, "knife crime funding for youth work")
            page.get_by_role("button", name=re.compile(r"^Show on page")).first.click()
            alert = page.locator('[data-testid="stAlert"]').filter(has_text="no longer where it was indexed").first
            alert.wait_for(timeout=30_000)
            text = alert.inner_text()
            assert "![pic](x.png) [click](evil.html) <img src=x onerror=alert(1)> _x_.pdf" in text, text
            assert alert.locator("img, a, em").count() == 0, "the file name was rendered as markup"
        finally:
            browser.close()
    assert not any(u.endswith(("x.png", "evil.html")) or "/x" == u[-2:] for u in requested), requested
