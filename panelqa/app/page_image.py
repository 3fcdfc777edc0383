"""A paper's page as a PNG with a passage's lines highlighted, and the paper's bytes for download.

Only documents in the index are reachable: the app passes a doc_id taken from a search result, the file
path comes from the index's own `files` table, and the file is served only if its SHA-256 still equals
that doc_id. Nothing typed or sent by the browser becomes a path.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pdfplumber

from panelqa.ingest.run import file_hash
from panelqa.search.index import SearchIndex

__all__ = ["indexed_pdf", "page_boxes", "render_page", "DEFAULT_RESOLUTION"]

DEFAULT_RESOLUTION = 110  # dpi: an A4 page is about 910 px wide, sharp on a laptop and quick to draw
HIGHLIGHT_FILL = (255, 214, 0, 90)
HIGHLIGHT_STROKE = (230, 150, 0, 255)
MARGIN_PT = 1.0


def indexed_pdf(index: SearchIndex, doc_id: str) -> Path | None:
    """The file of an indexed document, if it is still where it was ingested and unchanged; else None."""
    if doc_id not in index.documents:
        return None
    rows = index.execute("SELECT path FROM files WHERE doc_id = ? ORDER BY status DESC, path", (doc_id,))
    for (raw,) in rows:
        for path in (Path(raw), index.index_dir.parent / raw):
            if path.is_file() and file_hash(path) == doc_id:
                return path
    return None


def page_boxes(index: SearchIndex, chunk_id: str, page: int) -> tuple[tuple[float, float, float, float], ...]:
    """The boxes (x0, top, x1, bottom) of a chunk's lines on one page."""
    rows = index.execute("SELECT boxes FROM chunks WHERE chunk_id = ?", (chunk_id,))
    if not rows:
        return ()
    return tuple((b[1], b[2], b[3], b[4]) for b in json.loads(rows[0][0]) if b[0] == page)


def render_page(pdf: Path, page: int, boxes: tuple[tuple[float, float, float, float], ...],
                resolution: int = DEFAULT_RESOLUTION) -> bytes:
    """PNG bytes of one page (1-based) with the boxes drawn as translucent marks."""
    with pdfplumber.open(pdf) as doc:
        p = doc.pages[page - 1]
        image = p.to_image(resolution=resolution)
        if boxes:
            w, h = float(p.width), float(p.height)
            rects = [(max(0.0, x0 - MARGIN_PT), max(0.0, top - MARGIN_PT), min(w, x1 + MARGIN_PT),
                      min(h, bottom + MARGIN_PT)) for x0, top, x1, bottom in boxes]
            image.draw_rects(rects, fill=HIGHLIGHT_FILL, stroke=HIGHLIGHT_STROKE, stroke_width=1)
        buf = io.BytesIO()
        image.annotated.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
