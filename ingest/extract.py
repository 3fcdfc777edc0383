"""PDF -> pages of blocks (lines and tables) and word boxes. The only module that opens PDFs."""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path

import pdfplumber

from .errors import UnreadableFile
from .records import Block, Page

__all__ = ["extract_pages", "sniff_pdf", "table_row_text"]

log = logging.getLogger(__name__)

DEFAULT_MARGIN_SHARE = 0.1  # top and bottom tenth of a page hold running headers and footers
DEFAULT_REPEAT_SHARE = 0.5  # a margin line on at least half the pages is a running header/footer
MIN_TABLE_ROWS = 2
MIN_TABLE_COLS = 2
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


def extract_pages(path: Path) -> list[Page]:
    """Read every page: text lines in reading order, tables as whole blocks, word boxes."""
    sniff_pdf(path)
    try:
        with pdfplumber.open(path) as pdf:
            pages = [_read_page(p) for p in pdf.pages]
    except UnreadableFile:
        raise
    except Exception as exc:  # pdfminer raises many kinds; each means the same to a user
        raise UnreadableFile(_explain(path, exc)) from exc
    if not pages:
        raise UnreadableFile(f"{path}: the PDF has no pages; check that the file is complete.")
    pages = _drop_running_lines(pages)
    return _join_split_tables(pages)


def _explain(path: Path, exc: Exception) -> str:
    # pdfplumber wraps pdfminer's error (PDFPasswordIncorrect, PSEOF) in PdfminerException; read the inner one
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    name = type(inner).__name__
    text = f"{name}: {inner}".lower()
    if "password" in text or "encrypt" in text:
        return f"{path}: the PDF is password-protected; save an unprotected copy and ingest that."
    return f"{path}: damaged or truncated PDF ({name}); download or export it again."


def _read_page(page: pdfplumber.page.Page) -> Page:
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
    for table in tables:
        rows = tuple(tuple(_clean(" ".join((c or "").split())) for c in row) for row in table.extract())
        rows = tuple(r for r in rows if any(r))
        if len(rows) < MIN_TABLE_ROWS:
            continue
        blocks.append(Block(kind="table", text=table_row_text(rows), box=tuple(round(v, 1) for v in table.bbox),
                            rows=rows))
    blocks.sort(key=lambda b: (round(b.box[1]), b.box[0]))
    return Page(page=page.page_number, width=float(page.width), height=float(page.height),
                blocks=tuple(blocks), words=tuple(words))


def _find_tables(page: pdfplumber.page.Page) -> list:
    """Only pages with ruling lines can hold the bordered tables pdfplumber finds reliably."""
    if not (page.lines or page.rects):
        return []
    found = []
    for table in page.find_tables():
        cells = table.extract()
        if len(cells) >= MIN_TABLE_ROWS and max(len(r) for r in cells) >= MIN_TABLE_COLS:
            found.append(table)
    return found


def table_row_text(rows: tuple[tuple[str, ...], ...], header: tuple[str, ...] | None = None) -> str:
    """Each row reads with its column headers: "Measure: All Violent Crime; 2016/17: 23,178"."""
    header = header if header is not None else rows[0]
    body = rows if header is not rows[0] else rows[1:]
    lines = []
    for row in body:
        cells = []
        for name, value in zip(header, row, strict=False):
            if not value:
                continue
            cells.append(f"{name}: {value}" if name else value)
        if cells:
            lines.append("; ".join(cells) + ".")
    return "\n".join(lines)


def _join_split_tables(pages: list[Page]) -> list[Page]:
    """A table whose first row on a page is not its header continues the last table of the page before."""
    out: list[Page] = []
    for page in pages:
        blocks = list(page.blocks)
        prev_table = _last_table(out[-1]) if out else None
        if blocks and blocks[0].kind == "table" and prev_table is not None:
            first = blocks[0]
            header = prev_table.rows[0]
            same_columns = len(first.rows[0]) == len(header) and all(
                abs(a - b) < 6 for a, b in ((first.box[0], prev_table.box[0]), (first.box[2], prev_table.box[2])))
            if same_columns and first.rows[0] != header:
                blocks[0] = Block(kind="table", text=table_row_text(first.rows, header=header), box=first.box,
                                  rows=(header, *first.rows), header_repeated=False)
        out.append(Page(page=page.page, width=page.width, height=page.height, blocks=tuple(blocks),
                        words=page.words))
    return out


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
        out.append(Page(page=page.page, width=page.width, height=page.height, blocks=kept, words=page.words))
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
    word: list[dict] = []
    for c in [*chars, None]:
        if c is None or not c["text"].strip():
            if word:
                yield ("".join(ch["text"] for ch in word), round(word[0]["x0"], 1), round(min(ch["top"] for ch in word), 1),
                       round(word[-1]["x1"], 1), round(max(ch["bottom"] for ch in word), 1))
            word = []
        else:
            word.append(c)


def _clean(text: str) -> str:
    text = text.replace("\u00ad", "").replace("\x00", "")
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def pdf_title(path: Path) -> str | None:
    """The Title field of the PDF's metadata, when it has one."""
    try:
        with pdfplumber.open(path) as pdf:
            title = pdf.metadata.get("Title")
    except Exception:  # metadata is optional: a paper without it is still read
        return None
    if isinstance(title, bytes):
        title = title.decode("utf-8", "ignore")
    return str(title).strip() if title else None
