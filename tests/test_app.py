"""The Streamlit app, driven by streamlit.testing.v1.AppTest on real indexes of real PDFs."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from panelqa import api, stem
from panelqa.app.briefing import BriefingItem, Reference, briefing_markdown
from panelqa.app.cards import highlight, plain
from panelqa.app.papers_page import _safe_name
from panelqa.app.resources import NO_PAPERS

APP = str(Path(__file__).resolve().parent.parent / "app.py")
HEADLINE = "what was funded for knife crime in 2018"
TIMEOUT = 120  # the first run in a process loads the model


def _app(index_dir: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("PANELQA_INDEX", str(index_dir))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return AppTest.from_file(APP, default_timeout=TIMEOUT).run()


def _ask(at: AppTest, question: str) -> AppTest:
    at.text_input(key="question").input(question)
    return next(b for b in at.button if b.label == "Ask").click().run()


def _html(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.html]


def _cards(at: AppTest) -> list[str]:
    return [body for body in _html(at) if 'class="pq-card"' in body]


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label.startswith(label))


def test_headline_question_shows_answer_with_citations_and_page_numbers(sample_index, monkeypatch):
    at = _ask(_app(sample_index, monkeypatch), HEADLINE)
    assert not at.exception
    answer = next(body for body in _html(at) if 'class="pq-answer"' in body and "pq-cite" in body)
    assert re.search(r"\[\d+, p\. \d+\]", answer), "each answer line carries its citation number and page"
    assert re.search(r"£\d[\d,]*", answer)
    assert "PCC progress report to the Thames Valley Police and Crime Panel, 20 April 2018" in answer
    cards = _cards(at)
    assert len(cards) >= 5, "top_k is 5, plus the passages the answer cites beyond them"
    assert all(re.search(r"pq-num\">\[\d\]", c) and re.search(r"pp?\. \d", c) for c in cards)
    assert any("<mark>Knife</mark>" in c for c in cards), "the question's words are highlighted"


def test_filters_start_from_the_question_and_change_the_results(sample_index, monkeypatch):
    at = _ask(_app(sample_index, monkeypatch), HEADLINE)
    assert at.sidebar.radio(key="f_mode").value == "Year"
    assert at.sidebar.selectbox(key="f_year").value == 2018, "the parsed year shows as the filter's value"
    assert any("Filters: 2018" in body for body in _html(at))
    before = _cards(at)
    at.sidebar.selectbox(key="f_year").select(2021).run()
    assert any("Filters: 2021" in body for body in _html(at))
    after = _cards(at)
    assert after != before
    assert all("Year 4 2020/21" in card for card in after), "only the 2020/21 paper overlaps 2021"
    at.sidebar.radio(key="f_mode").set_value("Any date").run()
    at.sidebar.multiselect(key="f_types").select("minutes").run()
    assert any("Filters: any date · minutes" in body for body in _html(at))
    assert all("· minutes ·" in card for card in _cards(at))


def test_an_agenda_item_filter_keeps_only_that_items_passages(sample_index, monkeypatch):
    at = _ask(_app(sample_index, monkeypatch), HEADLINE)
    assert any("item 161" not in card for card in _cards(at)), "without the filter other papers answer too"
    at.sidebar.text_input(key="f_item").input("161").run()
    assert any("Filters: 2018 (or a financial year overlapping it) · any type · any body · all papers · agenda item 161"
               in body for body in _html(at))
    cards = _cards(at)
    assert cards and all("item 161" in card for card in cards), [re.findall("<strong>(.*?)<", c) for c in cards]


def test_question_and_filters_survive_a_visit_to_another_page(sample_index, monkeypatch):
    at = _ask(_app(sample_index, monkeypatch), HEADLINE)
    before = _cards(at)
    at.switch_page("panelqa/app/papers_page.py").run()
    at.switch_page("panelqa/app/ask_page.py").run()
    assert at.text_input(key="question").value == HEADLINE
    assert at.sidebar.selectbox(key="f_year").value == 2018
    assert _cards(at) == before


def test_show_on_page_renders_the_page_and_offers_the_pdf(sample_index, monkeypatch):
    at = _ask(_app(sample_index, monkeypatch), HEADLINE)
    button = _button(at, "Show on page")
    page = int(re.search(r"p\. (\d+)", button.label).group(1))
    assert page < 6, "the first passage is not on the report's last page"
    button.click().run()
    assert not at.exception
    assert len(at.get("image")) == 1
    assert any(d.label == "Download PDF" for d in at.get("download_button"))
    assert any(f"Page {page} of 6" in m.value for m in at.markdown)
    _button(at, "Next page").click().run()
    assert any(f"Page {page + 1} of 6" in m.value for m in at.markdown)


def test_briefing_collects_the_answer_and_a_passage_with_references(sample_index, monkeypatch):
    at = _ask(_app(sample_index, monkeypatch), HEADLINE)
    _button(at, "Add answer to briefing").click().run()
    _button(at, "Add to briefing").click().run()
    at.switch_page("panelqa/app/briefing_page.py").run()
    assert not at.exception
    markdown = at.code[0].value
    assert f"## 1. Answer to: {HEADLINE}" in markdown
    assert "## 2. Passage found for:" in markdown
    assert re.search(r"> .*£\d[\d,]*.* \[\d\]", markdown)
    assert "PCC progress report to the Thames Valley Police and Crime Panel, 20 April 2018, Office of the Police" in markdown
    assert re.search(r"20 April 2018, Office of the Police & Crime Commissioner for Thames Valley, p\. \d", markdown)


def test_empty_or_missing_index_shows_one_sentence_of_guidance(tmp_path, monkeypatch, make_index):
    for index_dir in (tmp_path / "missing", make_index(tmp_path / "empty", [])):
        at = _app(index_dir, monkeypatch)
        assert not at.exception
        assert [i.value for i in at.info] == [plain(NO_PAPERS)]  # shown literally: paths are not Markdown


def test_script_in_a_paper_is_shown_as_text(script_index, monkeypatch):
    at = _ask(_app(script_index, monkeypatch), "knife crime funding report")
    cards = _cards(at)
    assert cards
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in c for c in cards)
    assert any("&lt;b&gt;bold&lt;/b&gt;" in c for c in cards)
    assert not any("<script" in body or "<b>" in body for body in _html(at))


def test_papers_page_lists_documents_and_searches_titles(sample_index, monkeypatch):
    at = _app(sample_index, monkeypatch)
    at.switch_page("panelqa/app/papers_page.py").run()
    table = at.dataframe[0].value
    assert len(table) == 3
    assert list(table["Date"][:2]) == ["2018-04-20", "2018-04-20"], "newest first; the 2020/21 paper is undated"
    assert set(table.columns) >= {"Title", "Body", "Type", "Date", "Pages", "Chunks", "Pages without text"}
    at.text_input(key="papers_search").input("year 4").run()
    assert list(at.dataframe[0].value["Title"]) == ["Minutes: Reducing Re-offending performance report, Year 4 2020/21 Q3"]


def test_upload_ingests_good_files_and_reports_the_bad_one(tmp_path, monkeypatch, make_pdf):
    at = _app(tmp_path / "index", monkeypatch)
    assert [i.value for i in at.info] == [plain(NO_PAPERS)]
    at.switch_page("panelqa/app/papers_page.py").run()
    good = make_pdf(tmp_path / "good.pdf", ["\n".join(["Thames Valley Police and Crime Panel, 5 May 2021.",
                                              "Item 3. The Panel noted 12,000 pounds for cycle theft prevention."])])
    at.file_uploader[0].set_value([("../../etc/good.pdf", good.read_bytes(), "application/pdf"),
                                   ("broken.pdf", good.read_bytes()[:200], "application/pdf")]).run()
    _button(at, "Add 2 file(s)").click().run()
    assert not at.exception
    report = at.code[0].value
    assert re.search(r"added +\S+/uploads/good\.pdf +1 pages", report)
    assert re.search(r"failed +\S+/uploads/broken\.pdf +\S", report)
    assert "Indexed 1 of 2 files" in report
    assert (tmp_path / "index" / "uploads" / "good.pdf").exists(), "the browser's folder part is dropped"
    assert len(at.dataframe[0].value) == 1


def test_an_upload_into_an_index_the_user_cannot_write_says_so_in_one_sentence(sample_index_copy, monkeypatch,
                                                                                unwritable):
    unwritable(sample_index_copy, [sample_index_copy])
    at = _app(sample_index_copy, monkeypatch)
    at.switch_page("panelqa/app/papers_page.py").run()
    assert len(at.dataframe[0].value) == 3, "the papers of a read-only index are listed"
    at.file_uploader[0].set_value([("new.pdf", b"%PDF-1.4", "application/pdf")]).run()
    _button(at, "Add 1 file(s)").click().run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert error.startswith(plain(f"The index folder {sample_index_copy}/ is not writable by you (")), error
    assert error.endswith(plain("ask its owner for write access, or ingest into a folder of your own with --index."))


def test_only_indexed_documents_reach_the_file_system(sample_index, tmp_path):
    index = api.open_index(sample_index, "all-MiniLM-L6-v2")
    doc_id = next(iter(index.documents))
    assert api.document_pdf(doc_id, index=index).is_file()
    assert api.document_pdf("../../etc/passwd", index=index) is None
    assert api.page_image("../../etc/passwd", 1, index=index) is None
    assert _safe_name("../../etc/passwd") == "passwd.pdf"
    assert _safe_name("a<b>.pdf") == "a_b_.pdf"


def test_highlight_escapes_before_marking():
    html = highlight("Knife <script>x</script> & knife", frozenset({stem("knife")}))
    assert html == "<mark>Knife</mark> &lt;script&gt;x&lt;/script&gt; &amp; <mark>knife</mark>"


def test_briefing_markdown_keeps_paper_text_literal():
    ref = Reference(1, "Minutes [draft]", "Panel", "2019-03-01", 2, 3, "m.pdf")
    item = BriefingItem("passage:x", "what about <b>it</b>", "passage", "Item 4", (("see [here](http://x) *now*", 1),),
                        (ref,))
    markdown = briefing_markdown([item])
    assert r"> see \[here\](http://x) \*now\* [1]" in markdown
    assert r"[1] Minutes \[draft\], Panel, 1 March 2019, pp. 2-3 (m.pdf)" in markdown
    assert r"\<b\>it\</b\>" in markdown
