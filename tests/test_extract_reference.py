"""PDFium extraction checked against pdfplumber, the reference reader it replaced for speed: the same words
on every page and the same table cells, on the sample papers and on PDFs written by the tests."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pdfplumber
import pytest

from panelqa.ingest.extract import extract_pages


def _cells(rows) -> list[list[str]]:
    return [[" ".join((c or "").split()) for c in row] for row in rows]


def _compare(pdf: Path) -> tuple[int, int, int, int]:
    """(words both read, words either read, tables with the same cells, tables pdfplumber finds)."""
    pages = extract_pages(pdf)
    common = total = same_tables = tables = 0
    with pdfplumber.open(pdf) as doc:
        assert len(pages) == len(doc.pages)
        for page, ref in zip(pages, doc.pages, strict=True):
            ours, theirs = Counter(w[0] for w in page.words), Counter(w["text"] for w in ref.extract_words())
            common += sum((ours & theirs).values())
            total += max(sum(ours.values()), sum(theirs.values()))
            found = [b for b in page.blocks if b.kind == "table"]
            # a table continued from the page before carries that page's header row first
            ours_tables = [_cells(b.rows if b.header_repeated else b.rows[b.header_rows:]) for b in found]
            for table in ref.find_tables():
                tables += 1
                same_tables += _cells(table.extract()) in ours_tables
    return common, total, same_tables, tables


@pytest.mark.parametrize("name", sorted(p.name for p in (Path(__file__).parent.parent / "corpus").glob("*.pdf")))
def test_sample_papers_read_as_pdfplumber_reads_them(sample_corpus, name):
    common, total, same_tables, tables = _compare(sample_corpus / name)
    assert total > 500 and common / total >= 0.995, f"{common} of {total} words the same"
    assert same_tables == tables, f"{same_tables} of {tables} tables have the same cells"


def test_generated_pdf_reads_as_pdfplumber_reads_it(tmp_path, make_pdf):
    pdf = make_pdf(tmp_path / "generated.pdf", [
        "Thames Valley Police and Crime Panel\nItem 5. Knife crime: £25,000 awarded to Reading CSP (2019/20).",
        "A second page, with a long line that the writer wraps across the width of the page so that the reader "
        "has to join words from two lines, and figures: 1,234; 56.7%; 8/10.",
    ])
    common, total, _, _ = _compare(pdf)
    assert total > 30 and common == total
