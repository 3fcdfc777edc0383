"""Structure-aware chunking on the sample papers: headings make paths, items stay whole, tables keep headers."""

from __future__ import annotations

from pathlib import Path

import pytest
import sample_papers
from sample_papers import CORPUS

from panelqa.ingest.chunk import chunk_document
from panelqa.ingest.describe import describe
from panelqa.ingest.extract import extract_pages, pdf_title

REPORT = CORPUS / sample_papers.REPORT
MINUTES_2018 = CORPUS / sample_papers.MINUTES_2018
MINUTES_2020 = CORPUS / sample_papers.MINUTES_2020


def chunks_of(path: Path):
    pages = extract_pages(path)
    return chunk_document(describe(path, "test", pages, pdf_title(path)), pages)


@pytest.fixture(scope="module")
def report():
    return chunks_of(REPORT)


def test_performance_table_keeps_each_number_with_its_row_and_column(report):
    tables = [c for c in report if c.kind == "table"]
    assert [c.page_start for c in tables] == [5, 6], "the table runs over the break from page 5 to page 6"
    assert tables[1].ordinal == tables[0].ordinal + 1, "its two parts are consecutive chunks"
    text = "\n".join(c.text for c in tables)
    assert ("Measure: Reduce the level of violence – All Violent Crime; 2016/17 Comparison: 23,178; "
            "2017/18 (April – Dec): 25,365.") in text
    assert "Non-Domestic Violence; 2016/17 Comparison: 15,792; 2017/18 (April – Dec): 17,889." in text


def test_bullets_sit_under_their_key_aim_and_fund(report):
    gang = next(c for c in report if "£22,000 on gang crime programme" in c.text)
    assert gang.heading_path[0].startswith("2. Improved data sharing on gangs")
    assert gang.heading_path[1:] == ("OPCC initiatives & progress", "OPCC Community Safety Fund Initiatives")
    assert gang.kind == "bullets" and gang.page_start == 3
    drugfam = next(c for c in report if "DrugFAM (Oxfordshire)" in c.text)
    assert drugfam.heading_path[-1].startswith("Police Property Act Fund Initiatives")


def test_quarters_nest_under_the_delivery_plan(report):
    q2 = next(c for c in report if "knife harm reduction" in c.text)
    assert q2.heading_path[1:] == ("TVP Delivery Plan actions & progress", "Qtr. 2")


def test_chunks_are_readable_sizes_and_end_on_sentences(report):
    for chunk in report:
        assert len(chunk.text.split()) <= 320
        assert chunk.page_start <= chunk.page_end
        assert chunk.boxes and all(chunk.page_start <= b[0] <= chunk.page_end for b in chunk.boxes)


def test_minute_question_stays_with_its_bracketed_answer_and_action():
    chunks = chunks_of(MINUTES_2020)
    item3 = next(c for c in chunks if c.text.startswith("(3) Is there any data available"))
    assert item3.kind == "minute_item"
    assert "[Action: PCC]" in item3.text and "Aspire were working towards having dedicated mentors" in item3.text
    assert "(4)" not in item3.text, "one minute item per chunk"
    assert item3.heading_path == ("Members’ Questions",)


def test_action_line_stays_with_the_paragraph_it_closes():
    chunks = chunks_of(MINUTES_2018)
    grant = next(c for c in chunks if "The amount of funding involved was £400,000" in c.text)
    assert "Action: PCC" in grant.text
    assert grant.text.index("£400,000") < grant.text.index("Action: PCC")
