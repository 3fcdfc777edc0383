"""Cut a paper into citable passages along its own structure.

Lines become units (paragraphs, bullets, numbered items, headings, tables, minute items);
headings make a path; units under one heading are packed into chunks of a readable size.
A minute question stays with its bracketed answer, and an "Action:" or "RESOLVED" line
stays with the item it closes, so a citation names one item.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from statistics import median

from panelqa.ingest.extract import table_row_text
from panelqa.ingest.items import AgendaItem, find_items, is_item_number, is_stamp, item_at
from panelqa.ingest.records import Block, Chunk, Document, Page

__all__ = ["chunk_document", "CHUNKER_VERSION"]

CHUNKER_VERSION = 6  # 3: no chunk past the limits however long a line (a 5 MB one-line page); 4: page widths;
#                    5: a long table is cut under all its header rows;
#                    6: agenda items (items.py): each chunk's item, no chunk across two items, stamps left out
TARGET_MAX_WORDS = 220  # above this a chunk is closed at the next unit boundary
HARD_MAX_WORDS = 320  # a single unit longer than this is split at sentence ends
LONG_TOKEN_CHARS = 12  # twice an average English word with its space: only text without spaces reaches it
MAX_BLOCK_CHARS = 2000  # a longer line is cut at a space (or anywhere) before it is packed into chunks
MIN_WORDS = 40  # a chunk shorter than this takes the next unit under the same heading
HEADING_MAX_WORDS = 18
TABLE_ROWS_PER_CHUNK = 25
SHORT_LINE_SHARE = 0.6  # a line ending before this share of its page's width is short: it may end a paragraph
DEFAULT_PAGE_WIDTH = 595.0  # points (A4 portrait), only for a page whose width is unknown

BULLET = re.compile(r"^\s*(?:[•·▪◦●■□►❖➢\uf0b7\uf0a7\uf0d8-]|o\s)\s*")
NUMBERED = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*[.)]|[a-h][.)]|\(?[ivx]{1,4}\))\s+")
MINUTE_ITEM = re.compile(r"^\s*\((\d{1,2}|[a-z])\)\s+")
CLOSING_LINE = re.compile(r"^\s*\[?\s*(Action\s*[:\-]|RESOLVED\b|Resolved\s*[:\-–]|AGREED\b|Decision\s*:)")
PERIOD_LABEL = re.compile(r"^\s*(?:Qtr\.?|Quarter|Q)\s*\d\b|^\s*Year\s+\d\b", re.I)


@dataclass
class Unit:
    """A paragraph, bullet, heading or table made of consecutive blocks."""

    kind: str  # "heading" | "paragraph" | "bullet" | "numbered" | "table" | "minute_item" | "closing"
    lines: list[tuple[int, Block]] = field(default_factory=list)
    style: tuple = ()
    heading_path: tuple[str, ...] = ()
    item: AgendaItem | None = None

    @property
    def text(self) -> str:
        if self.kind == "table":
            return "\n".join(b.text for _, b in self.lines)
        return _join_lines([b.text for _, b in self.lines])

    @property
    def words(self) -> int:
        return _word_size(self.text)


def _word_size(text: str) -> int:
    """Words, where a run of characters without spaces (a 5 MB one-line page) counts as one per
    LONG_TOKEN_CHARS characters, so no chunk grows past the limits however its text is written."""
    return max(len(text.split()), len(text) // LONG_TOKEN_CHARS)


def chunk_document(doc: Document, pages: list[Page]) -> list[Chunk]:
    """Chunks in reading order, each with its pages, heading path, line boxes and agenda item."""
    blocks = [(p.page, b) for p in pages for b in p.blocks if b.text.strip() and not is_stamp(b)]
    if not blocks:
        return []
    body_size = median(b.size for _, b in blocks if b.kind == "line") if any(
        b.kind == "line" for _, b in blocks) else 0.0
    items = find_items(doc, pages)
    starts = {(item.page, item.top) for item in items}
    units = _units(blocks, body_size, {p.page: p.width for p in pages}, starts)
    for unit in units:
        page, block = unit.lines[0]
        unit.item = item_at(items, page, block.box[1])
    units = _mark_headings(units, body_size)
    units = _attach_items(units)
    _assign_paths(units)
    return _pack(doc, units)


def _units(blocks: list[tuple[int, Block]], body_size: float, widths: dict[int, float],
           item_starts: set[tuple[int, float]] = frozenset()) -> list[Unit]:
    """Lines joined into units; a unit ends at a gap, a style change, a list marker, an agenda item's start, or a
    short line that ends a sentence (shorter than SHORT_LINE_SHARE of its own page's width, so landscape and A5
    pages read alike)."""
    units: list[Unit] = []
    prev: Block | None = None
    prev_page = 0
    for page, block in blocks:
        if block.kind == "table":
            units.append(Unit("table", [(page, block)]))
            prev = None
            continue
        text = block.text
        starts_new = (
            prev is None or not units or units[-1].kind == "table"
            or (page, block.box[1]) in item_starts or page != prev_page and (page, 0.0) in item_starts
            or page != prev_page and _ends_sentence(prev.text) and not _is_continuation_line(block, prev)
            or BULLET.match(text) is not None
            or (NUMBERED.match(text) is not None and block.box[0] <= prev.box[0] + 2
                and not NUMBERED.sub("", text, count=1)[:1].islower())
            or MINUTE_ITEM.match(text) is not None
            or CLOSING_LINE.match(text) is not None
            or text.startswith("[")
            or (page == prev_page and block.box[1] - prev.box[3] > 0.9 * max(prev.box[3] - prev.box[1], 6))
            or _style(block, body_size) != _style(prev, body_size)
            or (prev.box[2] < SHORT_LINE_SHARE * widths.get(prev_page, DEFAULT_PAGE_WIDTH)
                and _ends_sentence(prev.text) and block.box[0] < prev.box[0] - 5)
        )
        if starts_new:
            kind = "paragraph"
            if BULLET.match(text):
                kind = "bullet"
            elif MINUTE_ITEM.match(text):
                kind = "minute_item"
            elif NUMBERED.match(text):
                kind = "numbered"
            elif CLOSING_LINE.match(text):
                kind = "closing"
            units.append(Unit(kind, [(page, block)], style=_style(block, body_size)))
        else:
            units[-1].lines.append((page, block))
        prev, prev_page = block, page
    return units


def _is_continuation_line(block: Block, prev: Block) -> bool:
    return block.text[:1].islower()


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", ":", "?", "!", "]", ";"))


def _style(block: Block, body_size: float) -> tuple:
    bigger = block.size >= body_size + 0.5
    letters = [c for c in block.text if c.isalpha()]
    caps = bool(letters) and sum(c.isupper() for c in letters) > 0.8 * len(letters) and len(letters) > 3
    return (bigger, block.bold, caps)


def _mark_headings(units: list[Unit], body_size: float) -> list[Unit]:
    for i, unit in enumerate(units):
        if unit.kind == "table":
            continue
        text = unit.text
        if unit.kind == "bullet" and re.match(r"^•\s*\d{1,2}[.)]\s", text):
            unit.kind = "numbered"  # "• 1. A review ..." is a numbered aim behind a bullet glyph
        prev = units[i - 1] if i else None
        words = len(text.split())
        bigger, bold, caps = unit.style or (False, False, False)
        nxt = units[i + 1] if i + 1 < len(units) else None
        if unit.kind == "numbered":
            # "2. Improved data sharing ..." followed by content is a section; followed by "3." it is a list item.
            in_run = prev is not None and prev.kind == "numbered" and _next_number(prev, unit)
            opens_items = nxt is not None and _sub_number(unit, nxt)
            if words <= 45 and nxt is not None and not _next_number(unit, nxt) \
                    and (nxt.kind != "numbered" or opens_items) and not in_run \
                    and not text.rstrip().endswith((",", ";")) and _first_number_is_top(text):
                unit.kind = "heading"
                unit.style = ("numbered",)
            continue
        if unit.kind in ("bullet", "minute_item", "closing") or words > HEADING_MAX_WORDS or words == 0:
            continue
        ends_clause = text.rstrip().endswith((".", ";", ",")) and not PERIOD_LABEL.match(text)
        label = text.rstrip().endswith(":") and words <= HEADING_MAX_WORDS
        if (bigger or bold or caps) and not ends_clause or label and nxt is not None:
            unit.kind = "heading"
            unit.style = ("period",) if PERIOD_LABEL.match(text) else (bigger, bold, caps, label)
    return units


def _first_number_is_top(text: str) -> bool:
    return re.match(r"^\s*(?:•\s*)?\d{1,2}[.)]\s", text) is not None


def _sub_number(unit: Unit, nxt: Unit) -> bool:
    """ "4.1 Nick Rossiter explained ..." under "4. Registry Trust": the first is a section heading."""
    a = re.match(r"^\s*(\d{1,2})[.)]\s", unit.text)
    return bool(a and re.match(rf"^\s*{a.group(1)}\.\d", nxt.text))


def _next_number(unit: Unit, nxt: Unit) -> bool:
    a = re.match(r"^\s*(?:•\s*)?(\d{1,2})[.)]", unit.text)
    b = re.match(r"^\s*(?:•\s*)?(\d{1,2})[.)]", nxt.text)
    return bool(a and b and int(b.group(1)) == int(a.group(1)) + 1)


def _attach_items(units: list[Unit]) -> list[Unit]:
    """Join a minute question with its bracketed answer, and closing lines with their item."""
    out: list[Unit] = []
    open_answer = False
    for unit in units:
        text = unit.text
        if out and out[-1].item is not unit.item:
            out.append(unit)  # nothing is attached across two agenda items
            open_answer = unit.kind == "minute_item" and _brackets_open(text)
            continue
        if out and out[-1].kind == "minute_item" and unit.kind not in ("heading", "minute_item") and (
                open_answer or text.startswith("[")):
            out[-1].lines.extend(unit.lines)
            open_answer = _brackets_open(out[-1].text)
            continue
        if unit.kind == "closing" and out and out[-1].kind not in ("heading", "table") and len(text.split()) <= 12:
            out[-1].lines.extend(unit.lines)
            continue
        out.append(unit)
        open_answer = unit.kind == "minute_item" and _brackets_open(text)
    return out


def _brackets_open(text: str) -> bool:
    return text.count("[") > text.count("]")


def _assign_paths(units: list[Unit]) -> None:
    """Headings nest when they follow each other; after content a heading replaces its like."""
    stack: list[Unit] = []
    prev_heading = False
    item = None
    for unit in units:
        if unit.item is not item:  # a report of a pack starts its own headings; a minute item keeps the page's
            if unit.item is not None and unit.item.top == 0.0:
                stack.clear()
            item = unit.item
        if unit.kind != "heading":
            unit.heading_path = tuple(_heading_text(h) for h in stack)
            prev_heading = False
            continue
        if not prev_heading:
            while stack and stack[-1].style == ("period",) and unit.style != ("period",):
                stack.pop()
            same = [i for i, h in enumerate(stack) if h.style == unit.style]
            if same:
                del stack[same[-1] if unit.style != ("numbered",) else same[0]:]
            elif unit.style == ("numbered",):
                stack.clear()
            elif stack:
                stack.pop()
        stack.append(unit)
        unit.heading_path = tuple(_heading_text(h) for h in stack[:-1])
        prev_heading = True


def _heading_text(unit: Unit) -> str:
    text = re.sub(r"\*+$", "", unit.text).rstrip(":").strip()
    text = re.sub(r"^•\s*", "", text)
    words = text.split()
    return " ".join(words[:14]) + (" ..." if len(words) > 14 else "")


def _pack(doc: Document, units: list[Unit]) -> list[Chunk]:
    chunks: list[Chunk] = []
    group: list[Unit] = []

    def close() -> None:
        if group:
            chunks.append(_make_chunk(doc, len(chunks), group))
            group.clear()

    opening = fresh = False  # opening: the group holds only an item's first short line (its number and title): it joins the
    #                  item's text, across a "Minutes:" label
    item = None
    for unit in units:
        if unit.item is not item:
            item = unit.item
            close()
            opening, fresh = False, unit.item is not None  # fresh: nothing of the item is in a chunk yet
        if unit.kind == "heading":
            # a heading with nothing under it yet still belongs to the text that follows
            if not opening:
                close()
            continue
        if unit.item is not None and is_item_number(unit.text):
            continue  # "358." over its title: the number is the chunk's item, not a passage
        if unit.kind == "table":
            close()
            for part in _split_table(unit):
                chunks.append(_make_chunk(doc, len(chunks), [part]))
            continue
        pieces = _split_long(unit) if unit.words > HARD_MAX_WORDS else [unit]
        for piece in pieces:
            size = sum(u.words for u in group)
            if group and piece.kind in ("bullet", "numbered") and _introduces_list(group):
                keep_list = size + piece.words <= HARD_MAX_WORDS  # "... and included:" stays with its items
            else:
                keep_list = False
            if group and not opening and (
                    piece.heading_path != group[0].heading_path
                    or size + piece.words > TARGET_MAX_WORDS and size >= MIN_WORDS and not keep_list
                    or piece.kind == "minute_item" and size >= MIN_WORDS
                    or group[-1].kind == "minute_item" and size >= MIN_WORDS):
                close()
            group.append(piece)
            opening = fresh and len(group) == 1 and piece.words < MIN_WORDS
            fresh = False
    close()
    return chunks


def _introduces_list(group: list[Unit]) -> bool:
    """The group ends with a lead-in ending in a colon, followed only by the list items so far."""
    for unit in reversed(group):
        if unit.kind in ("bullet", "numbered"):
            continue
        return unit.text.rstrip().endswith(":")
    return False


def _split_table(unit: Unit) -> list[Unit]:
    page, block = unit.lines[0]
    rows = block.rows
    head, body = rows[:block.header_rows], rows[block.header_rows:]
    if len(body) <= TABLE_ROWS_PER_CHUNK and len(block.text.split()) <= HARD_MAX_WORDS:
        return [unit]
    names = block.header or (rows[0] if block.header_rows else ())
    parts = []
    for i in range(0, len(body), TABLE_ROWS_PER_CHUNK):
        part_rows = (*head, *body[i:i + TABLE_ROWS_PER_CHUNK])
        part = replace(block, text=table_row_text(body[i:i + TABLE_ROWS_PER_CHUNK], names), rows=part_rows)
        parts.append(Unit("table", [(page, part)], heading_path=unit.heading_path, item=unit.item))
    return parts


def _split_long(unit: Unit) -> list[Unit]:
    """Split an over-long unit at sentence ends, keeping each piece's own lines for its boxes."""
    pieces: list[Unit] = []
    current: list[tuple[int, Block]] = []
    words = 0
    for page, whole in unit.lines:
        parts = _cut_block(whole)
        for block in parts:
            current.append((page, block))
            words += _word_size(block.text)
            # a line cut for length ends no sentence: its pieces close a chunk as soon as it is full
            if words >= TARGET_MAX_WORDS and (_ends_sentence(block.text) or len(parts) > 1):
                pieces.append(Unit(unit.kind, current, unit.style, unit.heading_path, unit.item))
                current, words = [], 0
    if current:
        pieces.append(Unit(unit.kind, current, unit.style, unit.heading_path, unit.item))
    return pieces


def _cut_block(block: Block) -> list[Block]:
    """A line longer than MAX_BLOCK_CHARS as several, each cut at the last space before the limit."""
    if len(block.text) <= MAX_BLOCK_CHARS:
        return [block]
    parts, text = [], block.text
    while text:
        cut = len(text) if len(text) <= MAX_BLOCK_CHARS else (text.rfind(" ", 0, MAX_BLOCK_CHARS) + 1 or MAX_BLOCK_CHARS)
        parts.append(replace(block, text=text[:cut].strip()))
        text = text[cut:].lstrip()
    return [p for p in parts if p.text]


def _make_chunk(doc: Document, ordinal: int, group: list[Unit]) -> Chunk:
    text = "\n".join(u.text for u in group)
    pages = [p for u in group for p, _ in u.lines]
    kinds = {u.kind for u in group}
    kind = ("minute_item" if "minute_item" in kinds else "table" if kinds == {"table"}
            else "bullets" if kinds <= {"bullet"} else "list" if kinds <= {"numbered"} else "paragraph")
    boxes = tuple((p, *b.box) for u in group for p, b in u.lines)
    chunk_id = hashlib.sha256(f"{doc.doc_id}|{ordinal}|{text}".encode()).hexdigest()[:32]
    item = group[0].item
    return Chunk(chunk_id=chunk_id, doc_id=doc.doc_id, ordinal=ordinal, page_start=min(pages),
                 page_end=max(pages), kind=kind, heading_path=group[0].heading_path, text=text, boxes=boxes,
                 item_number=item.number if item else None, item_title=(item.title or None) if item else None)


def _join_lines(lines: list[str]) -> str:
    out = ""
    for line in lines:
        line = line.strip()
        if not out:
            out = line
        elif out.endswith("-") and not out.endswith(" -") and line[:1].islower():
            out = out[:-1] + line
        else:
            out = f"{out} {line}"
    return BULLET.sub("• ", out, count=1) if BULLET.match(out) else out
