"""The app's Commitments page, driven by AppTest on the sample index: filters, CSV, follow-ups, the page view."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from panelqa import api
from panelqa.cli.report_format import rows_csv

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 120


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """What each download button would send, by file name (AppTest keeps no media once a run ends)."""
    saved: dict[str, bytes] = {}
    real = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        if filename:
            saved[filename] = path_or_data if isinstance(path_or_data, bytes) else str(path_or_data).encode()
        return real(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return saved


def _commitments_page(index_dir: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("PANELQA_INDEX", str(index_dir))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    return at.switch_page("panelqa/app/commitments_page.py").run()


def _table(at: AppTest):
    return at.dataframe[0].value


def _count(at: AppTest) -> str:
    return next(h.proto.body for h in at.html if 'class="pq-count"' in h.proto.body)


def test_every_commitment_is_listed_with_kind_owner_deadline_and_meeting(sample_index, monkeypatch):
    at = _commitments_page(sample_index, monkeypatch)
    assert not at.exception
    rows = api.commitments(sample_index)
    table = _table(at)
    assert len(table) == len(rows) > 0
    assert list(table.columns[:6]) == ["Kind", "Owner", "Said by", "Deadline", "Meeting date", "Text"]
    assert f"{len(rows)} of {len(rows)} commitments" in _count(at)
    assert "by the end of June 2018" in set(table["Deadline"]), "the sample's Chief Executive deadline"
    assert "2018-04-20" in set(table["Meeting date"])


def test_filters_change_the_rows(sample_index, monkeypatch):
    at = _commitments_page(sample_index, monkeypatch)
    everything = len(_table(at))
    at.multiselect(key="co_owners").select("PCC").run()
    table = _table(at)
    assert 0 < len(table) < everything and set(table["Owner"]) == {"PCC"}
    at.multiselect(key="co_kinds").select("action").run()
    assert set(_table(at)["Kind"]) == {"action"} and set(_table(at)["Owner"]) == {"PCC"}

    at.multiselect(key="co_owners").unselect("PCC").run()
    at.multiselect(key="co_kinds").unselect("action").run()
    at.radio(key="co_mode").set_value("Date range").run()
    at.date_input(key="co_range").set_value((date(2018, 4, 1), date(2018, 4, 30))).run()
    table = _table(at)
    assert 0 < len(table) < everything and set(table["Meeting date"]) == {"2018-04-20"}
    assert "left out of a date range" in _count(at), "the undated paper's rows are said to be left out"
    at.date_input(key="co_range").set_value((date(2019, 1, 1), date(2019, 12, 31))).run()
    assert not at.dataframe and any("No commitments match" in i.value for i in at.info)

    at.radio(key="co_mode").set_value("Any date").run()
    at.text_input(key="co_words").input("end of June").run()
    assert not at.exception
    assert _table(at)["Deadline"].iloc[0] == "by the end of June 2018", "the best match comes first"


def test_csv_download_holds_the_rows_shown(sample_index, monkeypatch, downloads):
    at = _commitments_page(sample_index, monkeypatch)
    at.multiselect(key="co_kinds").select("undertaking").run()
    rows = list(csv.DictReader(io.StringIO(downloads["commitments.csv"].decode())))
    assert len(rows) == len(_table(at)) > 0 and {r["kind"] for r in rows} == {"undertaking"}
    shown = [v for v in api.commitments(sample_index) if v.row.kind == "undertaking"]
    assert downloads["commitments.csv"].decode() == rows_csv(shown), "the same CSV as panelqa commitments --csv"


def test_a_row_shows_its_follow_ups_as_suggestions_and_its_page(sample_index, monkeypatch):
    at = _commitments_page(sample_index, monkeypatch)
    assert not at.get("image"), "no page is shown until a row is chosen"
    first = api.commitments(sample_index)[0]
    at.selectbox(key="co_open").select(first.row.row_id).run()
    assert not at.exception
    cards = [h.proto.body for h in at.html if 'class="pq-card"' in h.proto.body]
    assert len(cards) == 1
    if first.follow_ups:
        assert "suggestions, not a verdict" in cards[0] and first.follow_ups[0].file_name in cards[0]
    else:
        assert "No later paper has text close enough to suggest a follow-up" in cards[0]
    caption = at.get("image")[0].proto.imgs[0].caption
    assert f"{first.file_name}, page {first.row.page} of" in caption and "its passage is marked" in caption
    assert any(d.proto.label == "Download PDF" for d in at.get("download_button"))


def test_follow_ups_are_suggestions_with_paper_text_kept_literal(sample_index):
    """A later paper's passage holding markup is shown as text under the commitment it may follow up."""
    from panelqa import CommitmentView, FollowUp
    from panelqa.app.cards import follow_ups_html

    view = api.commitments(sample_index)[0]
    hostile = FollowUp("2019-01-18 <b>minutes</b>.pdf", 3, "2019-01-18",
                       "The PCC reported <script>alert(1)</script> back on the grant process.", 0.81)
    html = follow_ups_html(CommitmentView(view.row, view.file_name, (hostile,)))
    assert "offered as suggestions, not a verdict" in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "2019-01-18 &lt;b&gt;minutes&lt;/b&gt;.pdf, p. 3" in html and "18 January 2019" in html


def test_filters_survive_a_visit_to_another_page(sample_index, monkeypatch):
    at = _commitments_page(sample_index, monkeypatch)
    at.multiselect(key="co_owners").select("PCC").run()
    at.radio(key="co_mode").set_value("Date range").run()
    at.date_input(key="co_range").set_value((date(2018, 4, 1), date(2018, 4, 30))).run()
    before = _table(at)
    at.switch_page("panelqa/app/papers_page.py").run()
    at.switch_page("panelqa/app/commitments_page.py").run()
    assert at.multiselect(key="co_owners").value == ["PCC"]
    assert at.date_input(key="co_range").value == (date(2018, 4, 1), date(2018, 4, 30))
    assert _table(at).equals(before)


def test_a_later_report_back_is_offered_as_a_possible_follow_up(tmp_path, monkeypatch, make_pdf, make_index):
    papers = tmp_path / "papers"
    papers.mkdir()
    asked = make_pdf(papers / "2019-01-18 Panel minutes.pdf", [
        "Police and Crime Panel, minutes of 18 January 2019.\n"
        "Members asked about waiting times for the victims counselling service.\n"
        "Action: PCC to report back on waiting times for the victims counselling service by March."])
    answered = make_pdf(papers / "2019-03-22 Panel minutes.pdf", [
        "Police and Crime Panel, minutes of 22 March 2019.\n"
        "The PCC reported back on waiting times for the victims counselling service: waiting times for the "
        "victims counselling service have fallen to four weeks."])
    index = make_index(tmp_path / "index", [asked, answered])
    at = _commitments_page(index, monkeypatch)
    table = _table(at)
    assert list(table["Kind"]) == ["action"] and list(table["Follow-ups"]) == [1]
    action = api.commitments(index)[0]
    at.selectbox(key="co_open").select(action.row.row_id).run()
    card = next(h.proto.body for h in at.html if 'class="pq-card"' in h.proto.body)
    assert "offered as suggestions, not a verdict" in card
    assert "The PCC reported back on waiting times" in card and "2019-03-22 Panel minutes.pdf, p. 1" in card
    assert "22 March 2019" in card
