"""Saving a search from the Ask page and the What's new page, driven by AppTest on a copy of the sample index."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest

from panelqa import add_alert, list_alerts

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 120
QUESTION = "grant funding for knife crime"


def _app(index_dir: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("PANELQA_INDEX", str(index_dir))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def _ask(at: AppTest, question: str) -> AppTest:
    at.text_input(key="question").input(question)
    return next(b for b in at.button if b.label == "Ask").click().run()


def _whats_new(at: AppTest) -> AppTest:
    return at.switch_page("panelqa/app/whats_new_page.py").run()


def _cards(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.html if 'class="pq-card"' in h.proto.body]


def test_a_question_asked_is_saved_with_its_name_and_type(sample_index_copy, monkeypatch):
    at = _ask(_app(sample_index_copy, monkeypatch), QUESTION)
    at.sidebar.multiselect(key="f_types").set_value(["minutes"]).run()
    at.text_input(key="save_name").input("knives")
    at = at.button(key="save_search").click().run()
    assert not at.exception
    assert at.success and 'Saved "knives"' in at.success[0].value
    [alert] = list_alerts(sample_index_copy)
    assert (alert.name, alert.query, alert.doc_type, alert.body) == ("knives", QUESTION, "minutes", None)

    at.text_input(key="save_name").input("knives")
    at = at.button(key="save_search").click().run()
    assert at.error and "named 'knives' exists already" in at.error[0].value, "one sentence that says what to do"
    assert len(list_alerts(sample_index_copy)) == 1


def test_whats_new_lists_the_matches_of_each_saved_search_since_a_day(sample_index_copy, monkeypatch):
    add_alert(QUESTION, sample_index_copy, name="knives")
    add_alert("helicopter noise over Slough", sample_index_copy, name="helicopter")
    at = _whats_new(_app(sample_index_copy, monkeypatch))
    assert not at.exception
    assert [h.value for h in at.subheader] == ["helicopter", "knives"]
    assert "3 papers added since" in at.caption[0].value
    cards = _cards(at)
    assert cards and any("CSP" in c and "£" in c for c in cards), "the sample papers (added today) answer it"
    assert all("p. " in c for c in cards), "each passage carries its page"
    assert any(c.value.startswith("Nothing new since") for c in at.caption), "the search nothing answers says so"

    at.toggle(key="wn-page-1-0").set_value(True).run()
    assert not at.exception and len(at.get("image")) == 1, "a match opens its page with the passage marked"

    at.date_input(key="wn_since").set_value(date.today() + timedelta(days=1)).run()
    assert not _cards(at) and "0 papers added since" in at.caption[0].value, "nothing was added after tomorrow"


def test_a_saved_search_is_removed_from_the_page(sample_index_copy, monkeypatch):
    add_alert(QUESTION, sample_index_copy, name="knives")
    at = _whats_new(_app(sample_index_copy, monkeypatch))
    at = at.button(key="wn-remove-0").click().run()
    assert not at.exception and list_alerts(sample_index_copy) == []
    assert at.info and "No saved searches yet" in at.info[0].value
