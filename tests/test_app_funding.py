"""The app's Funding page, driven by AppTest on the sample index: filters, what is summed, CSV, the page view."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from panelqa import api, format_pounds, funding_total
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


def _funding_page(index_dir: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("PANELQA_INDEX", str(index_dir))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    return at.switch_page("panelqa/app/funding_page.py").run()


def _totals(at: AppTest) -> str:
    return next(h.proto.body for h in at.html if 'class="pq-total"' in h.proto.body)


def _table(at: AppTest):
    return at.dataframe[0].value


def test_the_ledger_is_listed_with_what_is_summed_and_what_is_not(sample_index, monkeypatch):
    at = _funding_page(sample_index, monkeypatch)
    assert not at.exception
    rows = api.funding(sample_index)
    table = _table(at)
    assert len(table) == len(rows) == 50, "the sample papers state 50 amounts"
    assert list(table.columns[:5]) == ["Amount", "Recipient", "Fund", "Purpose", "Section"]
    assert {"Date", "FY", "Document", "Page"} <= set(table.columns)
    totals = _totals(at)
    t = funding_total(rows)
    assert f"Summed: {format_pounds(t.total_pence)}</strong> over {t.grants} grants" in totals
    listed = totals.split("Listed but not summed:")[1]
    assert "budget" in listed, "the sample's budget is listed apart, not summed"
    budget = next(r for r in rows if r.row.kind == "budget")
    assert format_pounds(budget.row.amount_pence) in listed
    assert at.get("vega_lite_chart"), "a bar chart of the summed amounts"


def test_filters_change_the_rows_and_the_totals(sample_index, monkeypatch):
    at = _funding_page(sample_index, monkeypatch)
    everything = _totals(at)
    at.multiselect(key="fu_recipients").select("Reading CSP").run()
    table = _table(at)
    assert 0 < len(table) < 50 and set(table["Recipient"]) == {"Reading CSP"}
    assert _totals(at) != everything
    assert "Listed but not summed: none in this selection" in _totals(at)

    at.multiselect(key="fu_recipients").unselect("Reading CSP").run()
    at.multiselect(key="fu_kinds").select("budget").run()
    assert set(_table(at)["Kind"]) == {"budget"}
    assert "Summed: £0</strong> over 0 grants" in _totals(at), "a budget is never added"

    at.multiselect(key="fu_kinds").unselect("budget").run()
    at.selectbox(key="fu_when").select("FY 2017/18").run()
    assert set(_table(at)["FY"]) == {"2017/18"}

    at.selectbox(key="fu_when").select("Any year").run()
    at.multiselect(key="fu_funds").select("Police Property Act Fund").run()
    assert set(_table(at)["Fund"]) == {"Police Property Act Fund"}
    at.text_input(key="fu_words").input("DrugFAM").run()
    table = _table(at)
    assert not at.exception
    assert 0 < len(table) and all(r.startswith("DrugFAM") for r in table["Recipient"])


def test_csv_download_holds_the_rows_shown(sample_index, monkeypatch, downloads):
    at = _funding_page(sample_index, monkeypatch)
    at.multiselect(key="fu_recipients").select("Milton Keynes CSP").run()
    assert any(d.proto.label == "Download CSV" for d in at.get("download_button"))
    rows = list(csv.DictReader(io.StringIO(downloads["funding.csv"].decode())))
    assert len(rows) == len(_table(at)) > 0
    assert {r["recipient"] for r in rows} == {"Milton Keynes CSP"}
    shown = [r for r in api.funding(sample_index) if r.row.recipient == "Milton Keynes CSP"]
    assert downloads["funding.csv"].decode() == rows_csv(shown), "the same CSV as panelqa funding --csv"


def test_a_row_opens_its_page_with_the_amount_framed(sample_index, monkeypatch):
    at = _funding_page(sample_index, monkeypatch)
    assert not at.get("image"), "no page is shown until a row is chosen"
    first = api.funding(sample_index)[0]
    at.selectbox(key="fu_open").select(first.row.row_id).run()
    assert not at.exception
    caption = at.get("image")[0].proto.imgs[0].caption
    assert f"page {first.row.page} of" in caption
    assert f"the amount {first.row.amount_text} is framed in red" in caption
    assert any(d.proto.label == "Download PDF" for d in at.get("download_button"))


def test_filters_survive_a_visit_to_another_page(sample_index, monkeypatch):
    at = _funding_page(sample_index, monkeypatch)
    at.multiselect(key="fu_recipients").select("Reading CSP").run()
    at.selectbox(key="fu_when").select("FY 2017/18").run()
    before = _table(at)
    at.switch_page("panelqa/app/ask_page.py").run()
    at.switch_page("panelqa/app/funding_page.py").run()
    assert at.multiselect(key="fu_recipients").value == ["Reading CSP"]
    assert at.selectbox(key="fu_when").value == "FY 2017/18"
    assert _table(at).equals(before)
