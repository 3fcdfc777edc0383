"""Issue 14, reading order: columns read one by one, running headers and page numbers out of chunks, any page size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pdfwriter import write_pdf

from panelqa.ingest.chunk import chunk_document
from panelqa.ingest.describe import describe
from panelqa.ingest.extract import extract_pages
from panelqa.ingest.store import Store

A4_LANDSCAPE = (842, 595)
AGREED = "    The Panel agreed the policing budget for the coming year after a short debate."  # indented, short
ASKED = ("Members then asked the Commissioner how the savings in the estates programme would be delivered and "
         "when the review of the control room would report back to the Panel.")


def _chunks(path):
    pages = extract_pages(path)
    return pages, chunk_document(describe(path, "doc", pages, None), pages)


def test_issue_14_landscape_page_ends_a_paragraph_at_a_short_line_of_its_own_width(tmp_path):
    pdf = write_pdf(tmp_path / "landscape.pdf", [f"Budget 2024/25\n\n{AGREED}\n{ASKED}"], size=A4_LANDSCAPE, margin=50)
    pages, chunks = _chunks(pdf)
    assert (pages[0].width, pages[0].height) == (842.0, 595.0), "the fixture is A4 landscape"
    agreed = next(b for b in pages[0].blocks if b.text.startswith("The Panel agreed"))
    assert 0.6 * 595 < agreed.box[2] < 0.6 * 842, "short on a landscape page, not on an A4 portrait one"
    [chunk] = chunks
    assert "debate.\nMembers then asked" in chunk.text, "the short line that ends a sentence ends its paragraph"
    assert "control room would report back to the Panel." in chunk.text, "a sentence across the wide line is whole"
    assert max(b[3] for b in chunk.boxes) > 595, "line boxes span the landscape page's width"


def test_issue_14_running_headers_and_page_numbers_stay_out_of_chunks(tmp_path, ingest, panelqa_index):
    body = ["The Panel reviewed the complaints report for quarter {n} and noted the figures for that quarter.",
            "Members asked for the trend in complaint handling times to be shown in the next report {n}."]
    pages = [f"Page {n} of 3\npanel@example.gov.uk | Police and Crime Panel\n\n\n\n" + "\n".join(body).format(n=n)
             for n in (1, 2, 3)]
    pdf = write_pdf(tmp_path / "2024-05-01 Panel report.pdf", pages, margin=30)
    ingest([pdf])
    with Store(panelqa_index, read_only=True) as store:
        texts = store.chunk_texts()
        words = [w[0] for w in json.loads(store.conn.execute("SELECT words FROM pages WHERE page = 2").fetchone()[0])]
    assert any("complaints report for quarter 2" in t for t in texts)
    assert not any("of 3" in t or "panel@example.gov.uk" in t for t in texts), texts
    assert words[:3] == ["Page", "2", "of"], "the page view keeps the header's word boxes"


COUNCIL = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus-council"
BUS_STRATEGY = COUNCIL / "src-weca-0003_combined-authority-bus-strategy-updated-sept-2021.pdf"
# the two columns of page 6 of the West of England Bus Strategy (September 2021), as the paper has them
LEFT = ("We still need to improve our bus network and address some key challenges if we are going to make taking "
        "the bus a more practical option get more people onto the bus: Bus services do not provide a practical "
        "option for many journeys within the region, either because the destination is not served by bus, services "
        "have a low frequency and hence are unattractive, different services are not co-ordinated and hence "
        "transfer between services is not practical, or that services are slow and unreliable, and are perceived "
        "as not providing value for money.")
RIGHT = ("Passenger satisfaction, which is measured independently by Transport Focus has varied year to year. "
         "Delivering sustained improvement, based on passenger priorities is therefore central to our bus strategy. "
         "In the West of England passengers priorities for improvement include; punctuality, improving the "
         "frequency and routes served, and the design, comfort and condition of the buses. 86% of bus users "
         "answering the survey were satisfied with bus services in the region.")


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_issue_14_a_sentence_down_one_column_is_one_sentence_in_a_chunk(tmp_path):
    pdf = write_pdf(tmp_path / "two columns.pdf", [f"{LEFT}\f{RIGHT}"], columns=2)
    pages, chunks = _chunks(pdf)
    assert not any(b.box[0] < 100 and b.box[2] > 400 for b in pages[0].blocks), "no line runs across both"
    texts = [_flat(c.text) for c in chunks]
    for sentence in ("Passenger satisfaction, which is measured independently by Transport Focus has varied year "
                     "to year.", "86% of bus users answering the survey were satisfied with bus services in the "
                     "region.", LEFT.split(": ")[0]):
        assert any(sentence in t for t in texts), (sentence, texts)
    joined = " ".join(texts)
    assert joined.index("value for money.") < joined.index("Passenger satisfaction"), "left column read first"


def test_issue_14_a_real_page_in_three_columns_reads_column_by_column():
    if not BUS_STRATEGY.exists():
        pytest.skip("../shared/corpus-council is not here")
    pages = extract_pages(BUS_STRATEGY, max_pages=6)
    chunks = chunk_document(describe(BUS_STRATEGY, "doc", pages, None), pages)
    texts = [_flat(c.text) for c in chunks if c.page_start <= 6 <= c.page_end]
    for sentence in ("Passenger satisfaction, which is measured independently by Transport Focus has varied year "
                     "to year.", "This means supporting our residents to have better skills, more job opportunities "
                     "and a better standard of living.", "Although not part of WECA, North Somerset Council is "
                     "recognised as a key partner in meeting the West of England’s transport and housing "
                     "challenges and is also included in this plan."):
        assert any(sentence in t for t in texts), (sentence, texts)


def test_issue_14_a_table_without_ruling_lines_keeps_its_rows_whole(tmp_path):
    rows = [f"{name}    {a:,}    {b:,}    {a - b:,}" for name, a, b in (
        ("Transport", 61605, 67887), ("Housing and regeneration", 20112, 19870), ("Skills", 9120, 9400),
        ("Business and innovation", 7301, 7002), ("Environment", 3110, 3300), ("Total", 101248, 107459))]
    pdf = write_pdf(tmp_path / "budget.pdf", ["Service    Outturn 2025/26    Budget    Variance\n" + "\n".join(rows)])
    pages, _ = _chunks(pdf)
    assert [b.text for b in pages[0].blocks][1] == "Transport 61,605 67,887 -6,282", "a row is read across"
