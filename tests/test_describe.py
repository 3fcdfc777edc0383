"""Metadata parsing on phrasings found in real panel papers, and on the three sample papers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sample_papers import MINUTES_2018, MINUTES_2020, REPORT

from panelqa.ingest.describe import describe
from panelqa.ingest.extract import extract_pages, pdf_title
from panelqa.ingest.records import Document


@pytest.fixture(scope="module")
def described(sample_corpus: Path) -> dict[str, Document]:
    """The three sample papers, extracted and described once for this module."""
    out = {}
    for pdf in sorted(sample_corpus.glob("*.pdf")):
        out[pdf.name] = describe(pdf, "doc-id", extract_pages(pdf), pdf_title(pdf))
    return out


def test_sample_types(described):
    types = [described[name].doc_type.value for name in (REPORT, MINUTES_2018, MINUTES_2020)]
    assert types == ["report", "minutes", "minutes"]


def test_sample_dates(described):
    dates = [described[name].date for name in (REPORT, MINUTES_2018, MINUTES_2020)]
    assert dates == [date(2018, 4, 20), date(2018, 4, 20), None], "the 2020-21 paper states no meeting date"


def test_sample_financial_years(described):
    assert "2020/21" in [f.value for f in described[MINUTES_2020].financial_years]


def test_sample_bodies(described):
    assert described[REPORT].body.value == "Office of the Police & Crime Commissioner for Thames Valley"
    assert described[MINUTES_2018].body.value == "Thames Valley Police and Crime Panel"


def test_issue_body_names_keep_their_small_joining_words(tmp_path, make_pdf):
    from panelqa.ingest.describe import describe
    from panelqa.ingest.extract import extract_pages

    pdf = make_pdf(tmp_path / "minutes.pdf", pages=[
        "Crime and Justice Transparency Sector Panel\n10:00-11:30, 14 February 2014\nMinutes"])
    doc = describe(pdf, "x", extract_pages(pdf))
    assert doc.body.value == "Crime and Justice Transparency Sector Panel"
    assert doc.meeting_date.value == "2014-02-14"


def test_minutes_that_never_name_their_panel_get_an_inferred_body_that_says_so(sample_corpus):
    from panelqa.ingest.describe import describe
    from panelqa.ingest.extract import extract_pages

    pdf = sample_corpus / "2020-21 Panel minutes - Reducing Re-offending performance report (Year 4, Q3).pdf"
    body = describe(pdf, "x", extract_pages(pdf)).body
    assert body.value == "Thames Valley Police and Crime Panel"
    assert body.source.startswith("inferred:"), "an inferred value is marked as inferred"


def test_no_panel_is_inferred_without_the_panel_and_its_commissioner(tmp_path, make_pdf):
    from panelqa.ingest.describe import describe
    from panelqa.ingest.extract import extract_pages

    pdf = make_pdf(tmp_path / "notes.pdf", pages=[
        "Notes of a meeting about buses across the Thames Valley.\nThe Panel was told that buses across the "
        "Thames Valley run late."])
    assert describe(pdf, "x", extract_pages(pdf)).body is None, "no Police and Crime Commissioner: no guess"
