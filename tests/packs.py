"""Build a modern.gov-style "Public reports pack" from real item PDFs, for the tests of agenda items.

A pack as modern.gov publishes it: an agenda frontsheet listing each item with its pages in the pack's own
numbering ("5. Police and Crime Plan progress (Pages 4 - 9)"), then every item's report as published on its own,
its first page stamped "Agenda Item 5" at the top right and every report page "Page N" at the foot.
Test-only: panelqa itself never writes PDFs.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfwriter import write_pdf  # pytest puts tests/ on sys.path

__all__ = ["PackItem", "build_pack"]


@dataclass(frozen=True)
class PackItem:
    number: str
    title: str
    report: Path | None = None  # None: an item with no paper (apologies, declarations)


def build_pack(path: Path, items: list[PackItem], *, committee: str = "Thames Valley Police and Crime Panel",
               meeting: str = "Friday, 20th April, 2018 at 11.00 am", number_frontsheet: bool = False,
               stamp_items: bool = True, stamp_pages: bool = True) -> Path:
    """Write the pack to path. number_frontsheet: the pack's numbering starts on the frontsheet (as Sussex's
    packs do) instead of on the first report (as Gwent's do); stamp_items, stamp_pages: whether pages carry the
    "Agenda Item N" and "Page N" stamps (older packs lack one or both)."""
    lengths = {i.number: len(pdfium.PdfDocument(i.report)) for i in items if i.report}
    front_pages = 1
    first = 1 + (front_pages if number_frontsheet else 0)
    lines = ["Public Document Pack", committee, f"A meeting of the {committee} will be held on {meeting}.", "",
             "AGENDA", ""]
    for item in items:
        if item.report:
            end = first + lengths[item.number] - 1
            lines.append(f"{item.number}. {item.title} (Pages {first} - {end})")
            first = end + 1
        else:
            lines.append(f"{item.number}. {item.title}")
    front = write_pdf(path.with_suffix(".front.pdf"), ["\n".join(lines)])

    pack = pdfium.PdfDocument.new()
    pack.import_pages(pdfium.PdfDocument(front))
    starts = {}
    for item in items:
        if item.report:
            starts[len(pack)] = item.number
            pack.import_pages(pdfium.PdfDocument(item.report))
    for index in range(len(pack)):
        page = pack[index]
        width, height = page.get_size()
        if stamp_pages and (index >= front_pages or number_frontsheet):
            _stamp(pack, page, f"Page {index + 1 - (0 if number_frontsheet else front_pages)}", width / 2 - 20, 20)
        if stamp_items and index in starts:
            _stamp(pack, page, f"Agenda Item {starts[index]}", width - 130, height - 22)
        pdfium_c.FPDFPage_GenerateContent(page.raw)
    pack.save(path)
    path.with_suffix(".front.pdf").unlink()
    return path


def _stamp(pdf: pdfium.PdfDocument, page: pdfium.PdfPage, text: str, x: float, y: float) -> None:
    """Text in Helvetica 10 pt at (x, y) from the page's bottom left, as modern.gov stamps its packs."""
    obj = pdfium_c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(10))
    wide = (text + "\0").encode("utf-16-le")
    pdfium_c.FPDFText_SetText(obj, ctypes.cast(ctypes.create_string_buffer(wide), ctypes.POINTER(ctypes.c_ushort)))
    pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
    pdfium_c.FPDFPage_InsertObject(page.raw, obj)
