"""Records that cross module boundaries in the ingest pipeline.

extract -> Page (with Block), describe -> Document, chunk -> Chunk. All frozen, so they
can be cached and compared; sequences are tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from panelqa.vocab import OcrStatus

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, origin top-left


@dataclass(frozen=True, slots=True)
class Block:
    """A line of text, or a whole table, as it stands on one page."""

    kind: str  # "line" | "table"
    text: str  # the line's text; for a table, its rows read with their column headers
    box: Box
    size: float = 0.0  # font size of the first character (0 for tables)
    bold: bool = False
    rows: tuple[tuple[str, ...], ...] = ()  # table cells, the header rows first
    header_repeated: bool = True  # False: the table continues one before it, whose header rows lead rows
    header_rows: int = 1  # how many of rows are the header: 0 none, 2 a header in two rows
    header: tuple[str, ...] = ()  # each column's name from the header rows ("2025/26, Budget"); () for rows[0]


@dataclass(frozen=True, slots=True)
class OcrPage:
    """How a page without a usable text layer was read by OCR, for the index, citations and the ingest report."""

    status: OcrStatus
    confidence: float | None = None  # mean word confidence, 0-100
    seconds: float = 0.0  # Tesseract's time in this run: 0 when the cache held the page
    cached: bool = False


@dataclass(frozen=True, slots=True)
class Page:
    """One PDF page: blocks in reading order and word boxes for highlighting."""

    page: int  # 1-based
    width: float
    height: float
    blocks: tuple[Block, ...]
    words: tuple[tuple[str, float, float, float, float], ...] = ()  # text, x0, top, x1, bottom
    ocr: OcrPage | None = None  # None: the text layer was read

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)

    @property
    def has_text(self) -> bool:
        return any(b.text.strip() for b in self.blocks)


@dataclass(frozen=True, slots=True)
class Fact:
    """A described value with where it came from, e.g. ("2018-04-20", "text, p. 1")."""

    value: str
    source: str


@dataclass(frozen=True, slots=True)
class Document:
    """What a paper is: who issued it, what kind it is, when, and which financial years."""

    doc_id: str  # sha256 of the PDF bytes
    source: str  # path as ingested
    file_name: str
    title: Fact | None = None
    body: Fact | None = None
    doc_type: Fact | None = None  # report | minutes | agenda | action_log | letter | terms_of_reference | other
    meeting_date: Fact | None = None  # ISO date
    financial_years: tuple[Fact, ...] = ()  # "2017/18", each with its evidence
    agenda_item: Fact | None = None
    page_count: int = 0
    pages_without_text: tuple[int, ...] = ()
    published_version: int | None = None  # a fetched paper's version on the publisher's site (2: changed once)

    @property
    def date(self) -> date | None:
        return date.fromisoformat(self.meeting_date.value) if self.meeting_date else None


@dataclass(frozen=True, slots=True)
class Chunk:
    """One citable passage: a section's text, a minute item, a run of bullets or a table."""

    chunk_id: str  # hash of (doc_id, ordinal, text): an unchanged paper keeps its ids
    doc_id: str
    ordinal: int
    page_start: int  # 1-based
    page_end: int
    kind: str  # "paragraph" | "bullets" | "minute_item" | "table" | "list"
    heading_path: tuple[str, ...]
    text: str
    boxes: tuple[tuple[int, float, float, float, float], ...] = field(default=())  # page, x0, top, x1, bottom
    item_number: str | None = None  # the agenda item it is part of ("7", "PCP 1/21"); None outside any item
    item_title: str | None = None  # that item's title as the agenda or the minutes give it

    @property
    def heading(self) -> str:
        return " > ".join(self.heading_path)
