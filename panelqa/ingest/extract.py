"""PDF -> pages of blocks (lines and tables) and word boxes. The only module that opens PDFs."""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from panelqa.errors import PanelqaError, UnreadableFile
from panelqa.ingest.columns import reading_order
from panelqa.ingest.ocr import OCR_DPI, OcrSetup
from panelqa.ingest.records import Block, OcrPage, Page
from panelqa.text.figures import is_figure

__all__ = ["extract_pages", "sniff_pdf", "table_row_text", "render_page", "find_text_boxes"]

log = logging.getLogger(__name__)

DEFAULT_MARGIN_SHARE = 0.1  # top and bottom tenth of a page hold running headers and footers
DEFAULT_REPEAT_SHARE = 0.5  # a margin line on at least half the pages is a running header/footer
MIN_TABLE_ROWS = 2
MIN_TEXT_LETTERS = 20  # a page with fewer letters in its text layer is a scan (or a stamp on one): OCR reads it
OCR_HEADING_RATIO = 1.25  # an OCR line this much taller than the page's median line is set bigger; any less is
#                          glyph-height noise (ascenders, descenders), and the line gets the body size
MIN_TABLE_COLS = 2
EXTRACTOR_VERSION = 6  # bump when extraction or description changes what a page or document holds; 2: OCR;
#                       3: OCR turns scans that lie upside down or sideways and drops noise lines;
#                       4: a page OCR cannot read is recorded with its confidence; 5: pages set in columns
#                       are read column by column (columns.py); 6: table rows under two-row headers, and
#                       grids that go on a table before them, read with their columns' names
X_TOLERANCE = 3.0  # pdfplumber's default: a wider gap between characters starts a new word
Y_TOLERANCE = 3.0  # pdfplumber's default: characters whose tops differ less share a line
MIN_GRID_EDGES = 4  # a grid of two cells has at least four ruling lines
GRID_TOLERANCE = 3.0  # pdfplumber's default snap, join and intersection tolerances, in points
MIN_GRID_CELLS = 2  # cells a ruled grid needs before pdfplumber looks for tables on its page
EDGE_SLANT = 0.5  # a segment that drifts less than this across its length is horizontal or vertical
MAX_PATH_SEGMENTS = 5000
LIGATURES = {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st"}
PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?-?\s*\d{1,4}\s*-?(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.I)


def sniff_pdf(path: Path) -> None:
    """Raise UnreadableFile with a reason when the bytes are not a PDF at all."""
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile(f"{path}: empty file (0 bytes); replace it with the real PDF.")
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" in head:
        return
    lowered = head.lower()
    if head.startswith(b"PK"):
        kind = "a ZIP/Office file"
        fix = "save it as PDF first"
    elif b"<html" in lowered or b"<!doctype" in lowered:
        kind = "an HTML page"
        fix = "save or print it as PDF first"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        kind = "an old Office document"
        fix = "save it as PDF first"
    else:
        kind = "text or another format"
        fix = "convert it to PDF first"
    raise UnreadableFile(f"{path}: not a PDF (it is {kind}); {fix}.")


# watch(event, page, value) follows a reader: ("page", page, pages in the file) before each page is read, and
# ("clipped", page, characters on it) when a page holds more characters than are read
Watch = Callable[[str, int, int], None]


def extract_pages(path: Path, ocr: OcrSetup | None = None, *, max_pages: int | None = None,
                  max_page_chars: int | None = None, watch: Watch | None = None) -> list[Page]:
    """Read every page: text lines in reading order, tables as whole blocks, word boxes.

    Text, fonts, word boxes and ruling lines come from PDFium (fast); pdfplumber's grid finder turns the
    ruling lines into table cells. Only rotated pages are parsed by pdfplumber, which reads them whole.
    With an OCR setup, a page without a usable text layer is read by Tesseract (see ocr.py).
    Pages past max_pages are not read, nor characters past max_page_chars on a page: watch hears of both.
    """
    sniff_pdf(path)
    try:
        pages = _read_document(path, ocr, max_pages, max_page_chars, watch)
    except UnreadableFile:
        raise
    except Exception as exc:  # PDFium and pdfminer raise many kinds; each means the same to a user
        raise UnreadableFile(_explain(path, exc)) from exc
    if not pages:
        raise UnreadableFile(f"{path}: the PDF has no pages; check that the file is complete.")
    pages = _drop_running_lines(pages)
    return _join_split_tables(pages)


def _read_document(path: Path, ocr: OcrSetup | None, max_pages: int | None = None, max_chars: int | None = None,
                   watch: Watch | None = None) -> list[Page]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    plumber = None
    reader = _OcrReader(ocr) if ocr is not None else None
    try:
        pages = []
        total = len(pdf)
        for number in range(1, min(total, max_pages or total) + 1):
            if watch is not None:
                watch("page", number, total)
            page = pdf[number - 1]
            try:
                if page.get_rotation():
                    import pdfplumber  # imported here: search and the app use this module without it

                    plumber = plumber or pdfplumber.open(path)
                    read = _read_page(plumber.pages[number - 1])
                else:
                    read = _read_pdfium_page(page, number, grids=_ruling_grids(page), max_chars=max_chars,
                                             watch=watch)
                if reader is not None and _letters(read.text) < MIN_TEXT_LETTERS:
                    read = reader.read(page, read)
                pages.append(read)
            finally:
                page.close()
        return pages
    finally:
        if plumber is not None:
            plumber.close()
        if reader is not None:
            reader.close()
        pdf.close()


def _letters(text: str) -> int:
    return sum(1 for c in text if c.isalpha())


class _OcrReader:
    """Reads pages without a usable text layer with Tesseract, through the index's cache of page hashes."""

    def __init__(self, setup: OcrSetup):
        self.setup = setup
        self._cache = None

    def read(self, pdfium_page, read: Page) -> Page:
        from panelqa.ingest.ocr import image_key, is_blank, read_image, result_from_json, result_to_json

        image = pdfium_page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
        if is_blank(image):
            return replace(read, ocr=OcrPage("blank"))
        if self.setup.tesseract is None:
            return replace(read, ocr=OcrPage("unavailable"))
        key = image_key(image, self.setup.engine)
        stored = self.cache.get(key) if self.cache is not None else None
        if stored is not None:
            result, seconds = result_from_json(stored), 0.0
        else:
            try:
                result = read_image(image, self.setup)
            except PanelqaError as exc:
                log.warning("page %d not read by OCR: %s", read.page, exc)
                return replace(read, ocr=OcrPage("failed"))
            seconds = result.seconds
            if self.cache is not None:
                self.cache.put(key, result_to_json(result))
        text = " ".join(line.text for line in result.lines)
        if result.confidence < self.setup.min_confidence and _letters(read.text) == 0:
            return replace(read, ocr=OcrPage("too_faint", result.confidence, seconds, cached=stored is not None))
        if _letters(text) <= _letters(read.text) or result.confidence < self.setup.min_confidence:
            return read  # nothing more on the image than in the text layer
        sizes = [_glyph_height(line) for line in result.lines]
        body = sorted(sizes)[len(sizes) // 2]
        blocks = tuple(Block(kind="line", text=_clean(line.text), box=line.box,
                             size=round(size, 1) if size >= OCR_HEADING_RATIO * body else round(body, 1))
                       for line, size in zip(result.lines, sizes, strict=True))
        words = tuple(w[:5] for line in result.lines for w in line.words)
        return replace(read, blocks=blocks, words=words,
                       ocr=OcrPage("read", result.confidence, seconds, cached=stored is not None))

    @property
    def cache(self):
        if self._cache is None and self.setup.cache_db:
            from panelqa.ingest.store import OcrCache

            self._cache = OcrCache(self.setup.cache_db)
        return self._cache

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()


def _glyph_height(line) -> float:
    """The median height of a line's words: Tesseract's boxes hug the glyphs, so this stands in for font size."""
    heights = sorted(w[4] - w[2] for w in line.words)
    return heights[len(heights) // 2]


def _explain(path: Path, exc: Exception) -> str:
    # pdfplumber wraps pdfminer's error (PDFPasswordIncorrect, PSEOF) in PdfminerException; read the inner one
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    name = type(inner).__name__
    text = f"{name}: {inner}".lower()
    # PDFium's last error outlives the document it was set for, so a reader that just met a locked file would call
    # the next unreadable one locked too: only a file with an /Encrypt entry is
    if ("password" in text or "encrypt" in text) and _has_encrypt_entry(path):
        return f"{path}: the PDF is password-protected; save an unprotected copy and ingest that."
    # PDFium opens no page-less PDF, and its error code may be left from an earlier file: pdfminer counts the pages
    if "failed to load document" in text and _has_no_pages(path):
        return f"{path}: the PDF has no pages; check that the file is complete."
    return f"{path}: damaged or truncated PDF ({name}); download or export it again."


def _has_no_pages(path: Path) -> bool:
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages) == 0
    except Exception:  # pdfminer cannot read it either: it is damaged
        return False


def _has_encrypt_entry(path: Path) -> bool:
    """Whether the bytes hold an /Encrypt key, read a block at a time."""
    tail = b""
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            if b"/Encrypt" in tail + block:
                return True
            tail = block[-16:]
    return False


def _read_page(page) -> Page:
    """A rotated page, read whole by pdfplumber: its tables and its lines."""
    tables = _find_tables(page)
    blocks: list[Block] = []
    words: list[tuple[str, float, float, float, float]] = []
    for line in page.extract_text_lines(return_chars=True, strip=True):
        chars = line["chars"]
        words.extend(_words_of(chars))
        box = (line["x0"], line["top"], line["x1"], line["bottom"])
        if any(_inside(box, t.bbox) for t in tables):
            continue
        first = next((c for c in chars if c["text"].strip()), chars[0])
        blocks.append(Block(
            kind="line",
            text=_clean(line["text"]),
            box=tuple(round(v, 1) for v in box),
            size=round(float(first.get("size", 0.0)), 1),
            bold=_is_bold(chars),
        ))
    return _page_of(page.page_number, float(page.width), float(page.height), blocks, _table_blocks(tables), words)


def _table_blocks(tables: list) -> list[Block]:
    blocks = []
    for table in tables:
        cells = [[None if c is None else _clean(" ".join(c.split())) for c in row] for row in table.extract()]
        cells = [r for r in cells if any(r)]  # None marks a cell another one spans (merged)
        if len(cells) < MIN_TABLE_ROWS:
            continue
        header_rows = _header_rows(cells)
        header = _column_names(cells[:header_rows])
        rows = tuple(tuple(c or "" for c in row) for row in cells)
        blocks.append(Block(kind="table", text=table_row_text(rows[header_rows:], header),
                            box=tuple(round(v, 1) for v in table.bbox), rows=rows, header_rows=header_rows,
                            header=header))
    return blocks


def _header_rows(cells: list[list[str | None]]) -> int:
    """0 when the first row holds figures (the table goes on from one before it), 2 when a row of names over
    merged cells ("2025/26" over "Budget" and "Outturn") is followed by another row of names, else 1."""
    if not _names_columns(cells[0]):
        return 0
    if len(cells) > 2 and _names_columns(cells[1]) and None in cells[0][1:]:
        return 2
    return 1


def _names_columns(row: list[str | None]) -> bool:
    """A header row names the columns after the first one and holds no figure."""
    names = [c for c in row[1:] if c]
    return bool(names) and not any(is_figure(c) for c in names)


def _column_names(header_rows: list[list[str | None]]) -> tuple[str, ...]:
    """Each column's name: its header cells top to bottom, a merged cell naming every column it spans."""
    width = max((len(r) for r in header_rows), default=0)
    names = []
    for j in range(width):
        parts: list[str] = []
        for row in header_rows:
            k = min(j, len(row) - 1)
            while k > 0 and row[k] is None:
                k -= 1
            if row[k] and row[k] not in parts:
                parts.append(row[k])
        names.append(", ".join(parts))
    return tuple(names)


def _page_of(number: int, width: float, height: float, lines: list[Block], tables: list[Block], words) -> Page:
    blocks = [*lines, *tables]
    blocks.sort(key=lambda b: (round(b.box[1]), b.box[0]))
    return Page(page=number, width=width, height=height, blocks=tuple(blocks), words=tuple(words))


def _read_pdfium_page(page, number: int, grids: list, max_chars: int | None = None, watch: Watch | None = None) -> Page:
    """Lines as pdfplumber's extract_text_lines reads them: chars whose tops lie within Y_TOLERANCE, left to right,
    split into words at spaces and at gaps wider than X_TOLERANCE. Tables are the ruled grids' cells, filled with
    the chars whose centres lie inside them."""
    height = page.get_height()
    chars = _pdfium_chars(page, height, max_chars, lambda count: watch and watch("clipped", number, count))
    tables = [t for t in (_GridTable(cells, chars) for cells in grids) if t.is_table()]
    words: list[tuple[str, float, float, float, float]] = []
    lines = []
    for line in _cluster_lines([c for c in chars if not c[8]]):
        line_words = _split_words(line)
        if not line_words:
            continue
        words.extend((w[0], round(w[1], 1), round(w[2], 1), round(w[3], 1), round(w[4], 1)) for w, _ in line_words)
        if not any(_inside(_box_of(line_words), t.bbox) for t in tables):
            lines.append(line_words)
    table_blocks = _table_blocks(tables)
    order = reading_order([[w for w, _ in line] for line in lines])
    if order is None:
        return _page_of(number, float(page.get_width()), float(height), [_line_block(line) for line in lines],
                        table_blocks, words)
    blocks = _with_tables([_line_block(lines[i][a:b]) for i, a, b in order], table_blocks)
    return Page(page=number, width=float(page.get_width()), height=float(height), blocks=tuple(blocks),
                words=tuple(words))


def _box_of(line_words) -> tuple[float, float, float, float]:
    return (min(w[1] for w, _ in line_words), min(w[2] for w, _ in line_words),
            max(w[3] for w, _ in line_words), max(w[4] for w, _ in line_words))


def _line_block(line_words) -> Block:
    """A line (or the part of it in one column) as a block: its words, box, first letter's size, boldness."""
    letters = [c for _, cs in line_words for c in cs]
    return Block(
        kind="line",
        text=_clean(" ".join(w[0] for w, _ in line_words)),
        box=tuple(round(v, 1) for v in _box_of(line_words)),
        size=round(letters[0][5], 1),
        bold=sum(1 for c in letters if c[6]) >= 0.6 * len(letters),
    )


def _with_tables(lines: list[Block], tables: list[Block]) -> list[Block]:
    """Lines in column order with each table before the first line below its top that it stands over."""
    out = list(lines)
    for table in sorted(tables, key=lambda t: t.box[1], reverse=True):
        at = next((k for k, b in enumerate(out) if b.kind == "line" and b.box[1] >= table.box[1]
                   and b.box[0] < table.box[2] and b.box[2] > table.box[0]), len(out))
        out.insert(at, table)
    return out


def _pdfium_chars(page, height: float, max_chars: int | None = None,
                  on_clip: Callable[[int], object] | None = None) -> list[tuple]:
    """(text, x0, top, x1, bottom, size, bold, space_before, soft, middle) per character but spaces, tops from the
    page top. middle is the char's vertical centre as pdfminer boxes it (from the font's descent below the baseline up
    by the font size), which decides the table cell holding it.

    soft marks the hyphen PDFium reports as 0x02 where a word breaks at a line's end: lines drop it, table cells keep
    it as "-" (as pdfplumber reads it)."""
    import ctypes

    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        handle = textpage.raw
        count = raw.FPDFText_CountChars(handle)
        if max_chars is not None and count > max_chars:
            if on_clip is not None:
                on_clip(count)
            count = max_chars
        rect = raw.FS_RECTF()
        fonts: dict[int, bool] = {}
        descents: dict[int, float] = {}
        ox, oy = ctypes.c_double(), ctypes.c_double()
        chars = []
        get_unicode, get_box, get_size = raw.FPDFText_GetUnicode, raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetFontSize
        get_object, is_generated = _text_object_address(), raw.FPDFText_IsGenerated
        get_origin = raw.FPDFText_GetCharOrigin
        space_before = False
        for i in range(count):
            code = get_unicode(handle, i)
            if code in (0x0D, 0x0A, 0xFFFE):
                continue
            soft = code == 0x02
            text = "-" if soft else LIGATURES.get(code) or chr(code)
            if not text.strip():
                space_before = True  # spaces, written or generated by PDFium for wide gaps, only separate words
                continue
            if is_generated(handle, i) == 1 or not get_box(handle, i, rect):
                continue
            size = get_size(handle, i)
            key = get_object(handle, i) or 0
            bold = fonts.get(key)
            if bold is None:
                bold = fonts[key] = _object_is_bold(ctypes.cast(key, raw.FPDF_PAGEOBJECT) if key else None)
            descent = descents.get(key)
            if descent is None:
                descent = descents[key] = _object_descent(ctypes.cast(key, raw.FPDF_PAGEOBJECT) if key else None)
            top = height - rect.top
            chars.append((text, rect.left, top, rect.right, top + size, size, bold, space_before and not soft, soft,
                          height - oy.value - (descent + 0.5) * size if get_origin(handle, i, ox, oy)
                          else height - rect.bottom - size / 2))
            space_before = space_before and soft  # a soft hyphen leaves a pending space to the next char
        return chars
    finally:
        textpage.close()


@functools.cache
def _text_object_address():
    """FPDFText_GetTextObject returning the object's address as an int: casting each char's pointer is slow."""
    import ctypes

    import pypdfium2.raw as raw

    fn = raw.FPDFText_GetTextObject
    prototype = ctypes.CFUNCTYPE(ctypes.c_void_p, *fn.argtypes)
    return prototype(ctypes.cast(fn, ctypes.c_void_p).value)


def _object_descent(obj) -> float:
    """The text object's font descent (negative, below the baseline) per point of font size."""
    import ctypes

    import pypdfium2.raw as raw
    from pdfminer.fontmetrics import FONT_METRICS

    font = raw.FPDFTextObj_GetFont(obj) if obj else None
    if not font:
        return 0.0
    buffer = ctypes.create_string_buffer(256)
    length = raw.FPDFFont_GetBaseFontName(font, buffer, 256)
    name = buffer.value.decode("latin-1", "ignore") if length else ""
    standard = FONT_METRICS.get(name, ({},))[0]  # pdfminer reads a standard font's metrics from its own tables
    if "Descent" in standard:
        return standard["Descent"] / 1000.0
    descent = ctypes.c_float()
    if not raw.FPDFFont_GetDescent(font, 1000.0, descent):
        return 0.0
    return descent.value / 1000.0


def _object_is_bold(obj) -> bool:
    import ctypes

    import pypdfium2.raw as raw

    if not obj:
        return False
    font = raw.FPDFTextObj_GetFont(obj)
    if not font:
        return False
    buffer = ctypes.create_string_buffer(256)
    length = raw.FPDFFont_GetBaseFontName(font, buffer, 256)
    name = buffer.value.decode("latin-1", "ignore") if length else ""
    return bool(re.search(r"bold|black|heavy|semibold", name, re.I))


def _cluster_lines(chars: list[tuple]) -> list[list[tuple]]:
    """Group characters whose tops are within Y_TOLERANCE of the previous one (sorted by top), as pdfplumber does."""
    lines: list[list[tuple]] = []
    last_top = None
    for c in sorted(chars, key=lambda c: c[2]):
        if last_top is None or c[2] - last_top > Y_TOLERANCE:
            lines.append([])
        lines[-1].append(c)
        last_top = c[2]
    return [sorted(line, key=lambda c: c[1]) for line in lines]


def _split_words(line: list[tuple]) -> list[tuple[tuple, list[tuple]]]:
    """Words of one line: (text, x0, top, x1, bottom) and their characters."""
    out = []
    word: list[tuple] = []
    for c in [*line, None]:
        gap = c is not None and word and (c[1] > word[-1][3] + X_TOLERANCE or c[1] < word[-1][1] - X_TOLERANCE
                                          or len(c) > 7 and c[7])
        if c is None or not c[0].strip() or gap:
            if word:
                out.append((("".join(ch[0] for ch in word), word[0][1], min(ch[2] for ch in word),
                             max(ch[3] for ch in word), max(ch[4] for ch in word)), word))
            word = [c] if c is not None and c[0].strip() else []
        else:
            word.append(c)
    return out


def _ruling_grids(page) -> list[list[tuple]]:
    """pdfplumber's own table finder, run on the page's ruling lines as PDFium draws them: its groups of cells.

    Borders, underlines and boxes around a heading form no grid; a group of fewer than MIN_GRID_CELLS is dropped.
    """
    import pypdfium2.raw as raw
    from pdfplumber import table as plumber_table
    from pdfplumber.utils import filter_edges

    edges: list[dict] = []
    objects = [raw.FPDFPage_GetObject(page.raw, i) for i in range(raw.FPDFPage_CountObjects(page.raw))]
    _collect_edges(raw, objects, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), page.get_height(), edges, depth=0)
    if len(edges) < MIN_GRID_EDGES:
        return []
    edges = plumber_table.merge_edges(filter_edges(edges, min_length=1), GRID_TOLERANCE, GRID_TOLERANCE,
                                      GRID_TOLERANCE, GRID_TOLERANCE)
    edges = filter_edges(edges, min_length=GRID_TOLERANCE)
    cells = plumber_table.intersections_to_cells(
        plumber_table.edges_to_intersections(edges, GRID_TOLERANCE, GRID_TOLERANCE))
    return [group for group in plumber_table.cells_to_tables(cells) if len(group) >= MIN_GRID_CELLS]


class _GridTable:
    """A table as pdfplumber's Table reads it (rows of cells, None where a merged cell leaves a gap), with each cell
    holding the PDFium chars whose centres lie inside it, as words in reading order."""

    def __init__(self, cells: list[tuple], chars: list[tuple]):
        from pdfplumber.table import Table

        self.cells = cells
        self.bbox = Table(None, cells).bbox
        self._rows = [row.cells for row in Table(None, cells).rows]
        x0, top, x1, bottom = self.bbox
        self._chars = [c for c in chars if x0 <= (c[1] + c[3]) / 2 < x1 and top <= c[9] < bottom]
        self._extracted = None

    def extract(self) -> list[list[str | None]]:
        if self._extracted is None:
            self._extracted = [[None if cell is None else self._text(cell) for cell in row] for row in self._rows]
        return self._extracted

    def is_table(self) -> bool:
        rows = self.extract()
        return len(rows) >= MIN_TABLE_ROWS and max(len(r) for r in rows) >= MIN_TABLE_COLS

    def _text(self, cell: tuple) -> str:
        x0, top, x1, bottom = cell
        inside = [c for c in self._chars if x0 <= (c[1] + c[3]) / 2 < x1 and top <= c[9] < bottom]
        return "\n".join(" ".join(w[0] for w, _ in _split_words(line)) for line in _cluster_lines(inside))


def _collect_edges(raw, objects, matrix, height: float, edges: list[dict], depth: int) -> None:
    """Axis-parallel straight segments of every path, in page space with tops from the page top."""
    import ctypes

    fs = raw.FS_MATRIX()
    for obj in objects:
        kind = raw.FPDFPageObj_GetType(obj)
        if kind not in (raw.FPDF_PAGEOBJ_FORM, raw.FPDF_PAGEOBJ_PATH) or len(edges) > MAX_PATH_SEGMENTS:
            continue
        own = (fs.a, fs.b, fs.c, fs.d, fs.e, fs.f) if raw.FPDFPageObj_GetMatrix(obj, fs) else (1, 0, 0, 1, 0, 0)
        full = _compose(own, matrix)
        if kind == raw.FPDF_PAGEOBJ_FORM:
            if depth < 4:
                _collect_edges(raw, [raw.FPDFFormObj_GetObject(obj, i) for i in range(raw.FPDFFormObj_CountObjects(obj))],
                               full, height, edges, depth + 1)
            continue
        x, y = ctypes.c_float(), ctypes.c_float()
        prev = start = None
        for i in range(min(raw.FPDFPath_CountSegments(obj), MAX_PATH_SEGMENTS)):
            segment = raw.FPDFPath_GetPathSegment(obj, i)
            raw.FPDFPathSegment_GetPoint(segment, x, y)
            a, b, c, d, e, f = full
            point = (a * x.value + c * y.value + e, height - (b * x.value + d * y.value + f))
            kind = raw.FPDFPathSegment_GetType(segment)
            if kind == raw.FPDF_SEGMENT_LINETO and prev is not None:
                _add_edge(prev, point, edges)
            elif kind == raw.FPDF_SEGMENT_MOVETO:
                start = point
            if raw.FPDFPathSegment_GetClose(segment) and start is not None:
                _add_edge(point, start, edges)
            prev = point


def _compose(inner, outer) -> tuple:
    """The matrix that applies inner, then outer (PDF's row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _add_edge(p, q, edges: list[dict]) -> None:
    x0, x1 = sorted((p[0], q[0]))
    top, bottom = sorted((p[1], q[1]))
    if bottom - top < EDGE_SLANT and x1 - x0 >= EDGE_SLANT:
        mid = (top + bottom) / 2
        edges.append({"x0": x0, "x1": x1, "top": mid, "bottom": mid, "width": x1 - x0, "height": 0,
                      "orientation": "h", "object_type": "line"})
    elif x1 - x0 < EDGE_SLANT and bottom - top >= EDGE_SLANT:
        mid = (x0 + x1) / 2
        edges.append({"x0": mid, "x1": mid, "top": top, "bottom": bottom, "width": 0, "height": bottom - top,
                      "orientation": "v", "object_type": "line"})


def _find_tables(page) -> list:
    """Only pages with ruling lines can hold the bordered tables pdfplumber finds reliably."""
    from pdfplumber.table import Table

    if not (page.lines or page.rects):
        return []
    found = []
    for table in page.find_tables():  # the "lines" strategy reads ruling lines only, never chars
        x0, top, x1, bottom = table.bbox  # a cell reads only the chars inside it: hand it no others
        near = page.filter(lambda o, x0=x0, top=top, x1=x1, bottom=bottom: o.get("object_type") != "char" or (
            x0 - 1 <= (o["x0"] + o["x1"]) / 2 <= x1 + 1 and top - 1 <= (o["top"] + o["bottom"]) / 2 <= bottom + 1))
        table = Table(near, table.cells)
        cells = table.extract()
        if len(cells) >= MIN_TABLE_ROWS and max(len(r) for r in cells) >= MIN_TABLE_COLS:
            found.append(table)
    return found


def table_row_text(rows: tuple[tuple[str, ...], ...], header: tuple[str, ...] | None = None) -> str:
    """Each row reads with its column headers: "Transport; Outturn 2025/26: 61,605; Budget: 67,887".

    Without header, rows[0] is the header; with one, every row is read. A cell is named by the header of its own
    column, so a figure stays with its column however many cells before it are empty; an unnamed one (the row's
    label, under an empty corner cell) is read bare."""
    if header is None:
        header, rows = rows[0], rows[1:]
    lines = []
    for row in rows:
        cells = []
        for j, value in enumerate(row):
            if not value:
                continue
            name = header[j] if j < len(header) else ""
            cells.append(f"{name}: {value}" if name else value)
        if cells:
            lines.append("; ".join(cells) + ".")
    return "\n".join(lines)


def _join_split_tables(pages: list[Page]) -> list[Page]:
    """A table whose first row holds figures carries on the header of the table before it, on its page or ending
    the page before (a table broken by a page break or split into grids by a gap); on a new page, so does one
    whose first row is not the header of the last."""
    out: list[Page] = []
    for page in pages:
        blocks = list(page.blocks)
        before = _last_table(out[-1]) if out else None
        for k, block in enumerate(blocks):
            if block.kind != "table":
                continue
            first_on_page = k == 0
            if before is not None and before.header_rows and _same_columns(block, before) and (
                    block.header_rows == 0 or first_on_page and block.rows[0] != before.rows[0]):
                header = _names_of(before)  # every row of this one is data, its first row too
                blocks[k] = block = replace(block, text=table_row_text(block.rows, header), header=header,
                                            rows=(*before.rows[:before.header_rows], *block.rows),
                                            header_rows=before.header_rows, header_repeated=False)
            before = block
        out.append(replace(page, blocks=tuple(blocks)))
    return out


def _names_of(table: Block) -> tuple[str, ...]:
    return table.header or table.rows[0]


def _same_columns(table: Block, before: Block) -> bool:
    return len(table.rows[0]) == len(before.rows[0]) and all(
        abs(a - b) < 6 for a, b in ((table.box[0], before.box[0]), (table.box[2], before.box[2])))


def _last_table(page: Page) -> Block | None:
    """The table that ends the page, if the page ends with one."""
    if page.blocks and page.blocks[-1].kind == "table":
        return page.blocks[-1]
    return None


def _drop_running_lines(pages: list[Page]) -> list[Page]:
    """Remove page numbers and lines repeated in the margins of many pages."""
    def key(text: str) -> str:
        return re.sub(r"\d+", "#", text.lower()).strip()

    margin_keys: Counter[str] = Counter()
    for page in pages:
        seen = {key(b.text) for b in page.blocks if b.kind == "line" and _in_margin(b, page)}
        margin_keys.update(seen)
    repeated = {k for k, n in margin_keys.items()
                if len(pages) >= 2 and n >= max(2, DEFAULT_REPEAT_SHARE * len(pages))}
    out = []
    for page in pages:
        kept = tuple(b for b in page.blocks
                     if not (b.kind == "line" and _in_margin(b, page)
                             and (key(b.text) in repeated or PAGE_NUMBER.match(b.text))))
        if not kept and any(b.kind == "line" and not PAGE_NUMBER.match(b.text) for b in page.blocks):
            kept = page.blocks  # a page is never emptied: what repeats there is its content
        out.append(replace(page, blocks=kept))
    return out


def _in_margin(block: Block, page: Page) -> bool:
    margin = page.height * DEFAULT_MARGIN_SHARE
    return block.box[3] <= margin or block.box[1] >= page.height - margin


def _inside(box, bbox) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return bbox[0] - 1 <= cx <= bbox[2] + 1 and bbox[1] - 1 <= cy <= bbox[3] + 1


def _is_bold(chars: list[dict]) -> bool:
    letters = [c for c in chars if c["text"].strip()]
    if not letters:
        return False
    bold = sum(1 for c in letters if re.search(r"bold|black|heavy|semibold", c.get("fontname", ""), re.I))
    return bold >= 0.6 * len(letters)


def _words_of(chars: list[dict]):
    """pdfplumber's line chars hold no spaces: words are split at gaps wider than X_TOLERANCE too."""
    line = [(c["text"], c["x0"], c["top"], c["x1"], c["bottom"]) for c in chars]
    for word, _ in _split_words(line):
        yield (word[0], *(round(v, 1) for v in word[1:]))


def _clean(text: str) -> str:
    text = text.replace("\u00ad", "").replace("\x00", "")
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def pdf_title(path: Path) -> str | None:
    """The Title field of the PDF's metadata, when it has one."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
        try:
            title = pdf.get_metadata_value("Title")
        finally:
            pdf.close()
    except Exception:  # metadata is optional: a paper without it is still read
        return None
    return str(title).strip() if title else None


# -- page images for the app ------------------------------------------------------------------------

PAGE_IMAGE_DPI = 110  # an A4 page is about 910 px wide: sharp on a laptop and quick to draw
HIGHLIGHT_FILL = (255, 214, 0, 90)
HIGHLIGHT_STROKE = (230, 150, 0, 255)
HIGHLIGHT_MARGIN_PT = 1.0
STRONG_FILL = (255, 80, 60, 60)  # an amount inside the marked passage
STRONG_STROKE = (210, 20, 20, 255)


def render_page(path: Path, page: int, boxes: tuple[tuple[float, float, float, float], ...] = (),
                resolution: int = PAGE_IMAGE_DPI,
                strong: tuple[tuple[float, float, float, float], ...] = ()) -> bytes:
    """PNG bytes of one page (1-based) with the boxes (x0, top, x1, bottom) drawn as translucent marks,
    and the strong boxes (an amount inside them) framed in red on top."""
    import io

    import pdfplumber

    with pdfplumber.open(path) as doc:
        p = doc.pages[page - 1]
        image = p.to_image(resolution=resolution)
        w, h = float(p.width), float(p.height)
        m = HIGHLIGHT_MARGIN_PT
        for marks, fill, stroke, width in ((boxes, HIGHLIGHT_FILL, HIGHLIGHT_STROKE, 1),
                                           (strong, STRONG_FILL, STRONG_STROKE, 3)):
            if marks:
                rects = [(max(0.0, x0 - m), max(0.0, top - m), min(w, x1 + m), min(h, bottom + m))
                         for x0, top, x1, bottom in marks]
                image.draw_rects(rects, fill=fill, stroke=stroke, stroke_width=width)
        buf = io.BytesIO()
        image.annotated.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def find_text_boxes(path: Path, page: int, text: str) -> tuple[tuple[float, float, float, float], ...]:
    """Where a short text ("£88,338") is written on one page of the text layer; () when it is not found
    (a scanned page, or the figure split across lines). Without its "£" sign when the sign stands apart."""
    import pdfplumber

    wanted = [t for t in dict.fromkeys((text.strip(), text.strip().lstrip("£").strip())) if t]
    with pdfplumber.open(path) as doc:
        if not 1 <= page <= len(doc.pages):
            return ()
        p = doc.pages[page - 1]
        for t in wanted:
            found = p.search(t, regex=False, case=False, return_chars=False)
            if found:
                return tuple((f["x0"], f["top"], f["x1"], f["bottom"]) for f in found)
    return ()
