"""Issue 14, wide tables: a row reads with its label and its columns' headers, also under a header in two rows
and where the table goes on in a new grid or over a page break, on a real budget appendix."""

from __future__ import annotations

from pathlib import Path

import pytest

from panelqa.ingest.chunk import chunk_document
from panelqa.ingest.describe import describe
from panelqa.ingest.extract import extract_pages, table_row_text

COUNCIL = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus-council"
# West of England Combined Authority, Joint Committee 5 June 2026, Investment Fund programme: a table with a
# header in two rows (p. 6), and Appendix 1, one table drawn as three grids on p. 17 that goes on over p. 18
FUND = COUNCIL / "src-weca-0028_joint-meeting-2026-06-05-investment-fund-programme.pdf"


@pytest.fixture(scope="module")
def fund():
    if not FUND.exists():
        pytest.skip("../shared/corpus-council is not here")
    pages = extract_pages(FUND, max_pages=18)
    return pages, chunk_document(describe(FUND, "doc", pages, None), pages)


def _rows(chunks, page: int) -> list[str]:
    return [row for c in chunks if c.kind == "table" and c.page_start == page for row in c.text.split("\n")]


def test_issue_14_a_row_under_a_header_in_two_rows_names_both(fund):
    _, chunks = fund
    bristol = next(r for r in _rows(chunks, 6) if r.startswith("Area: Bristol"))
    assert "Current status, People supported by FSSW currently (% as a proportion of region): 79%" in bristol
    assert "Current status, Current location of the 100 most deprived areas* in WofE region: 77%" in bristol
    assert "Projected figures over 10 years of operation, Meals provided: 4.3m" in bristol, "merged cells name all"


def test_issue_14_a_table_drawn_as_several_grids_keeps_its_header(fund):
    _, chunks = fund
    rows = _rows(chunks, 17)
    assert "Bus Service Improvement Plan and Enhanced Partnership; Mar 2026: 537; Jun 2026: 537." in rows
    assert "Mass Transit; Mar 2026: 10,981#; Jun 2026: 10,981." in rows, "the second grid has no header row"
    assert "Cribbs Patchway MetroBus Extension; Mar 2026: 26,911; Jun 2026: 26,911." in rows
    assert "Business Case Development." in rows, "a section row stays a row of its own"


def test_issue_14_a_table_over_a_page_break_keeps_its_header(fund):
    pages, chunks = fund
    assert pages[17].blocks[0].kind == "table", "p. 18 opens with the rest of p. 17's table"
    rows = _rows(chunks, 18)
    assert "Access for All Mid-Tier; Mar 2026: 545; Jun 2026: 545." in rows
    assert "Lockleaze Sustainable Transport Improvements; Mar 2026: 2,958; Jun 2026: 2,958." in rows, (
        "a later grid whose first row holds figures goes on with the same header")


def test_issue_14_figures_stay_under_their_own_column():
    rows = (("", "Outturn 2025/26", "Budget", "Variance"), ("Transport", "61,605", "67,887", "-6,282"),
            ("Skills", "", "9,400", ""), ("Total", "61,605", "77,287", "-6,282", "note"))
    assert table_row_text(rows).split("\n") == [
        "Transport; Outturn 2025/26: 61,605; Budget: 67,887; Variance: -6,282.", "Skills; Budget: 9,400.",
        "Total; Outturn 2025/26: 61,605; Budget: 77,287; Variance: -6,282; note."]
