"""Issue 14, reading order: running headers and page numbers stay out of chunks; any page size chunks alike."""

from __future__ import annotations

import json

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
