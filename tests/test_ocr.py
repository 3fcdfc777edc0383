"""Issue 14: scanned pages are read by Tesseract, cited as OCR with their confidence, and read only once.

The scans are real pages of the sample corpus rendered to images and saved as image-only PDFs (no text layer),
as a scanner or a "print to image" would make them.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from sample_papers import CORPUS

from panelqa import api
from panelqa.ingest.extract import extract_pages
from panelqa.ingest.store import Store

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None,
                                reason="Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng)")

PROGRESS_REPORT = CORPUS / "2018-04-20 PCC progress report - Strategic Priority 3 Reducing Reoffending.pdf"
SCAN_DPI = 200  # a typical office scanner setting


def scan(source: Path, pages: list[int], target: Path, *, dpi: int = SCAN_DPI) -> Path:
    """An image-only PDF of these pages (1-based) of a real paper: each rendered to a grey bitmap, no text layer."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(source)
    try:
        images = [pdf[p - 1].render(scale=dpi / 72, grayscale=True).to_pil() for p in pages]
    finally:
        pdf.close()
    images[0].save(target, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return target


def test_scan_fixture_has_no_text_layer(tmp_path):
    pages = extract_pages(scan(PROGRESS_REPORT, [2], tmp_path / "scan.pdf"))
    assert len(pages) == 1 and not pages[0].has_text, "an image-only page: nothing for the text layer to read"


def test_issue_14_scanned_page_is_found_and_cited_as_ocr(tmp_path, ingest, panelqa_index):
    pdf = scan(PROGRESS_REPORT, [2], tmp_path / "2018-04-20 PCC progress report (scanned).pdf")
    batch = ingest([pdf])
    [report] = batch.files
    assert report.status == "added"
    assert [(page, o.status) for page, o in report.ocr] == [(1, "read")]
    assert report.ocr[0][1].confidence > 80, "a clean 200 dpi render reads with high confidence"
    assert report.pages_without_text == (), "the page OCR read is not reported as without text"
    assert batch.stage_s["ocr"] > 0, "OCR time is reported apart from extraction"

    answer = api.ask("How much did Oxfordshire CSP invest in Refresh Cafe?", panelqa_index)
    top = answer.passages[0]
    assert "24,500" in top.text and "Refresh" in top.text
    assert top.pages.startswith("p. 1, OCR ") and top.pages.endswith("%"), top.pages
    assert top.to_json()["ocr_confidence"] == top.ocr_confidence > 80

    with Store(panelqa_index, read_only=True) as store:
        boxes = store.chunk_boxes(top.chunk_id)
        [stored] = store.documents()
    assert boxes and all(b[0] == 1 for b in boxes), "the passage is marked on the page it was read from"
    assert all(0 <= b[1] < b[3] <= 596 and 0 <= b[2] < b[4] <= 843 for b in boxes), \
        "boxes are in PDF points, inside the A4 page the scan keeps"
    marked = api.page_image(top.doc_id, 1, top.chunk_id, panelqa_index)
    plain = api.page_image(top.doc_id, 1, None, panelqa_index)
    assert marked != plain, "the page image carries the passage's marks"
    assert [p for p, _ in stored.ocr_pages] == [1]


def test_issue_14_reingest_never_reads_a_page_twice(tmp_path, ingest):
    pdf = scan(PROGRESS_REPORT, [2], tmp_path / "report.pdf")
    first = ingest([pdf]).files[0]
    assert [(o.status, o.cached) for _, o in first.ocr] == [("read", False)]

    scan(PROGRESS_REPORT, [2, 3], pdf)  # the publisher adds a page: a new file, its first page unchanged
    second = ingest([pdf]).files[0]
    assert second.status == "updated"
    assert [(page, o.status, o.cached) for page, o in second.ocr] == [(1, "read", True), (2, "read", False)]
    assert second.ocr[0][1].seconds == 0.0, "the cached page cost Tesseract nothing"
    assert second.ocr[0][1].confidence == first.ocr[0][1].confidence


def test_issue_14_without_tesseract_ingest_says_so_once_and_indexes_the_rest(tmp_path, ingest, make_pdf,
                                                                             monkeypatch, panelqa_index):
    scans = [scan(PROGRESS_REPORT, [2], tmp_path / "scan-a.pdf"), scan(PROGRESS_REPORT, [3], tmp_path / "scan-b.pdf")]
    text = make_pdf(tmp_path / "minutes.pdf", ["Item 7. The Panel noted 25,000 pounds for knife crime education."])
    path = os.environ["PATH"]
    monkeypatch.setenv("PATH", str(tmp_path / "no-tesseract-here"))
    batch = ingest([*scans, text])
    assert [f.status for f in batch.files] == ["added", "added", "added"]
    assert batch.ocr_missing_note == (
        "Tesseract OCR is not installed, so 2 scanned pages were not read; install it with "
        "\"apt-get install tesseract-ocr tesseract-ocr-eng\" and ingest again.")
    from panelqa.cli.ingest_format import format_summary

    assert format_summary(batch).count("Tesseract OCR is not installed") == 1
    assert api.ask("knife crime education funding", panelqa_index).passages[0].file_name == "minutes.pdf"

    monkeypatch.setenv("PATH", path)  # Tesseract installed again
    again = ingest([*scans, text])
    status = {Path(f.path).name: (f.status, f.reason, [o.status for _, o in f.ocr]) for f in again.files}
    assert status == {
        "scan-a.pdf": ("updated", "(scanned pages not read yet; Tesseract is installed now)", ["read"]),
        "scan-b.pdf": ("updated", "(scanned pages not read yet; Tesseract is installed now)", ["read"]),
        "minutes.pdf": ("unchanged", "", [])}
    assert again.ocr_missing_note == ""


def test_issue_14_unreadable_scan_is_reported_not_indexed(tmp_path, ingest, panelqa_index):
    """A page scanned far too coarsely: Tesseract guesses at blurred words; they are reported, not indexed."""
    from PIL import Image

    fine = tmp_path / "fine.pdf"
    scan(PROGRESS_REPORT, [2], fine, dpi=30)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(fine)
    image = pdf[0].render(scale=1.0, grayscale=True).to_pil().resize((1654, 2339), Image.Resampling.BICUBIC)
    pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=200.0)
    blurred = tmp_path / "blurred.pdf"
    blurred.write_bytes(buffer.getvalue())

    [report] = ingest([blurred]).files
    [(page, ocr)] = report.ocr
    assert (page, ocr.status) == (1, "too_faint"), ocr
    assert report.chunks == 0 and report.pages_without_text == (1,)
    from panelqa.cli.ingest_format import format_file_line

    assert "OCR confidence too low on pages 1" in format_file_line(report)


def test_issue_14_upside_down_scan_is_turned_and_marked_where_it_stands(tmp_path, ingest, panelqa_index):
    """A page fed into the scanner upside down: read upright, its word boxes on the page as it lies."""
    from PIL import Image

    upright = scan(PROGRESS_REPORT, [2], tmp_path / "upright.pdf")
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(upright)
    image = pdf[0].render(scale=SCAN_DPI / 72, grayscale=True).to_pil()
    pdf.close()
    image.transpose(Image.Transpose.ROTATE_180).save(tmp_path / "upside-down.pdf", "PDF", resolution=float(SCAN_DPI))
    [report] = ingest([tmp_path / "upside-down.pdf"]).files
    assert [(page, o.status) for page, o in report.ocr] == [(1, "read")]
    assert report.ocr[0][1].confidence > 80

    top = api.ask("How much did Oxfordshire CSP invest in Refresh Cafe?", panelqa_index).passages[0]
    assert "24,500" in top.text and top.pages.startswith("p. 1, OCR")
    [turned] = extract_pages(tmp_path / "upside-down.pdf", _setup())
    [straight] = extract_pages(upright, _setup())
    a = next(w for w in straight.words if w[0] == "Refresh")
    b = next(w for w in turned.words if w[0] == "Refresh")
    assert abs(b[1] - (straight.width - a[3])) < 3 and abs(b[2] - (straight.height - a[4])) < 3, \
        "the word is marked where it lies on the upside-down page"


def _setup():
    from panelqa.ingest.ocr import find_tesseract

    return find_tesseract()


def test_issue_14_blank_page_is_called_blank_not_scanned(tmp_path, ingest, make_pdf):
    pdf = make_pdf(tmp_path / "report.pdf", ["Item 3. The Panel noted the annual report of the Commissioner.", ""])
    [report] = ingest([pdf]).files
    assert [(page, o.status) for page, o in report.ocr] == [(2, "blank")]
    from panelqa.cli.ingest_format import format_file_line

    line = format_file_line(report)
    assert "blank pages 2" in line and "scanned?" not in line, line
