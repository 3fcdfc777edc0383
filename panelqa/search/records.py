"""Records the search layer hands to the CLI, the app and the Python API."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from panelqa.text.dates import display_date


@dataclass(frozen=True, slots=True)
class Filters:
    """Explicit options from the user; they override what is parsed from the question."""

    year: int | None = None
    since: date | None = None
    until: date | None = None
    doc_types: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    item: str | None = None  # an agenda item: its number ("7", "item 7") or words of its title ("precept")


@dataclass(frozen=True, slots=True)
class Query:
    """A question with what it implies: terms, kind, and the date/type/body window."""

    text: str
    kind: str  # "money" | "commitment" | "when" | "number" | "fact"
    since: date | None = None
    until: date | None = None
    doc_types: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    search_text: str = ""  # the question without the words that only set filters
    filter_note: str = ""  # "Filtered to papers dated 2018 or covering 2017/18-2018/19"
    item: str | None = None  # only chunks of this agenda item (number or title words): --item or "item 7"
    named_item: str | None = None  # words of an item the question names ("the precept report"): favoured, not required

    @property
    def filtered(self) -> bool:
        return bool(self.since or self.until or self.doc_types or self.bodies or self.doc_ids or self.item)


@dataclass(frozen=True, slots=True)
class Hit:
    """One chunk found by a retriever, or by the fusion of several."""

    chunk_rowid: int
    score: float  # higher is better; only comparable within one retriever
    rank: int  # 1 is best


def page_label(page: int, page_end: int, ocr_confidence: float | None = None) -> str:
    """"p. 3", "pp. 3-4"; text read by OCR says so, with its mean word confidence: "p. 3, OCR 94%"."""
    label = f"p. {page}" if page == page_end else f"pp. {page}-{page_end}"
    return label if ocr_confidence is None else f"{label}, OCR {ocr_confidence:.0f}%"


def item_label(number: str | None, title: str | None, doc_title: str = "") -> str:
    """"item 7 Police and Crime Plan progress"; only "item 7" when the paper's own title already says it; "" for
    a passage outside any agenda item."""
    if not number:
        return ""
    if title and title.lower() not in doc_title.lower():
        return f"item {number} {title}"
    if re.search(rf"\bitem {re.escape(number)}\b", doc_title, re.IGNORECASE):
        return ""  # "Minutes ..., item 161": the paper's title names the item already
    return f"item {number}"


def citation_reference(title: str, iso_date: str | None, item_number: str | None, item_title: str | None, pages: str) -> str:
    """A citation in one line: "Public reports pack, 10 Feb 2026, item 7 Police and Crime Plan progress, p. 47"."""
    parts = [title]
    when = display_date(iso_date, short=True)
    if when not in title and display_date(iso_date) not in title:  # "..., 20 April 2018" says it already
        parts.append(when)
    if label := item_label(item_number, item_title, title):
        parts.append(label)
    parts.append(pages)
    return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Citation:
    source: str
    page: int
    page_end: int
    title: str = ""
    date: str | None = None
    ocr_confidence: float | None = None  # the text was read by OCR, with this mean word confidence (0-100)
    item_number: str | None = None  # the agenda item the passage is part of, in this paper
    item_title: str | None = None

    @property
    def pages(self) -> str:
        return page_label(self.page, self.page_end, self.ocr_confidence)

    @property
    def reference(self) -> str:
        return citation_reference(self.title or self.source, self.date, self.item_number, self.item_title, self.pages)

    def to_json(self) -> dict:
        return {"source": self.source, "title": self.title, "date": self.date, "page": self.page,
                "page_end": self.page_end, "ocr_confidence": self.ocr_confidence, "item_number": self.item_number,
                "item_title": self.item_title, "reference": self.reference}


@dataclass(frozen=True, slots=True)
class Passage:
    """A ranked passage with everything needed to cite it."""

    rank: int
    chunk_id: str
    doc_id: str
    source: str
    file_name: str
    title: str
    date: str | None
    doc_type: str | None
    body: str | None
    page: int
    page_end: int
    heading: str
    text: str
    score: float
    kind: str = "paragraph"
    outside_filter: bool = False
    also_in: tuple[Citation, ...] = ()
    source_url: str | None = None  # where the publisher's site serves the paper, when it was fetched from there
    ocr_confidence: float | None = None  # the text was read by OCR, with this mean word confidence (0-100)
    item_number: str | None = None  # the agenda item the passage is part of ("7"); None outside any item
    item_title: str | None = None  # that item's title ("Police and Crime Plan progress")

    @property
    def reference(self) -> str:
        """The citation in one line: "Public reports pack, 10 Feb 2026, item 7 Police and Crime Plan progress, p. 47"."""
        return citation_reference(self.title, self.date, self.item_number, self.item_title, self.pages)

    @property
    def pages(self) -> str:
        """The page label of the citation: "p. 3", "pp. 3-4", "p. 3, OCR 94%"."""
        return page_label(self.page, self.page_end, self.ocr_confidence)

    @property
    def link(self) -> str:
        """What a citation links to: the publisher's URL, else the file as ingested."""
        return self.source_url or self.source

    def to_json(self) -> dict:
        return {"rank": self.rank, "source": self.source, "source_url": self.source_url, "title": self.title,
                "date": self.date,
                "doc_type": self.doc_type, "page": self.page, "page_end": self.page_end,
                "ocr_confidence": self.ocr_confidence, "item_number": self.item_number, "item_title": self.item_title,
                "reference": self.reference, "heading": self.heading,
                "text": self.text, "score": round(self.score, 6), "outside_filter": self.outside_filter,
                "also_in": [c.to_json() for c in self.also_in]}


@dataclass(frozen=True, slots=True)
class AnswerLine:
    """One sentence or item of an answer, quoted from a passage, with its citation number."""

    text: str
    citation: int  # 1-based, into Answer.passages
    amount_pounds: float | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    query: Query
    found: bool
    lines: tuple[AnswerLine, ...]
    passages: tuple[Passage, ...]
    note: str = ""  # what was included, or why nothing answers
    id: str | None = None
    total_pounds: float | None = None

    @property
    def text(self) -> str:
        parts = [f"{line.text} [{line.citation}]" for line in self.lines]
        if self.total_pounds is not None and len(self.lines) > 1:
            parts.append(f"Total of the amounts listed: £{self.total_pounds:,.0f}.")
        return "\n".join(parts)

    @property
    def citations(self) -> tuple[int, ...]:
        return tuple(sorted({line.citation for line in self.lines}))

    def to_json(self) -> dict:
        q = self.query
        filters = {"since": q.since.isoformat() if q.since else None, "until": q.until.isoformat() if q.until else None,
                   "doc_types": list(q.doc_types), "bodies": list(q.bodies), "note": q.filter_note}
        return {"id": self.id, "question": self.question, "filters": filters,
                "answer": {"text": self.text if self.found else self.note, "citations": list(self.citations),
                           "found": self.found, "note": self.note},
                "passages": [p.to_json() for p in self.passages]}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False)



@dataclass(frozen=True, slots=True)
class PageImage:
    """One page of an indexed paper as a PNG, with a passage's lines marked when they are on it."""

    doc_id: str
    page: int  # 1-based
    page_count: int
    png: bytes
    marked: bool  # the passage has lines on this page, and they are drawn
    mark_found: bool = False  # the text asked to be framed (an amount) was found on this page and framed


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Scores of a question set (`panelqa eval`), with what each question was answered."""

    table: dict  # "overall" and per kind: metric -> value, as ../shared/eval/METRICS.md defines them
    per_question: dict  # question id -> metric -> value
    passages: dict  # question id -> passages as scored
    answers: dict  # question id -> answer text
    metrics: tuple[str, ...]  # the metric columns, in the order METRICS.md lists them
