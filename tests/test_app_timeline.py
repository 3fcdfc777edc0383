"""The app's Timeline page, driven by AppTest on the sample index."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 120


def _timeline_page(index_dir: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("PANELQA_INDEX", str(index_dir))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    return at.switch_page("panelqa/app/timeline_page.py").run()


def _show(at: AppTest, matter: str) -> AppTest:
    at.text_input(key="matter").input(matter)
    return next(b for b in at.button if b.label == "Show").click().run()


def test_timeline_lists_the_buddi_tags_mention_with_date_and_page(sample_index, monkeypatch):
    at = _show(_timeline_page(sample_index, monkeypatch), "Buddi tags")
    assert not at.exception
    cards = [h.proto.body for h in at.html if 'class="pq-card"' in h.proto.body]
    assert len(cards) == 1
    assert "FY 2020/21" in cards[0] and "p. 1" in cards[0] and "Buddi-tags" in cards[0]
    assert "1 paper, 1 mention, oldest first" in at.caption[0].value.replace("\\", "")
    at.toggle(key="tl-page-0").set_value(True).run()
    assert not at.exception and len(at.get("image")) == 1, "the page is shown with the mention marked"


def test_timeline_of_nothing_says_so(sample_index, monkeypatch):
    at = _show(_timeline_page(sample_index, monkeypatch), "helicopter noise over Slough")
    assert not at.exception
    assert at.info and "No paper mentions" in at.info[0].value
