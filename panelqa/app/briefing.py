"""The briefing: answers and passages a user collects, in order, each with full references, as Markdown."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from panelqa.app.cards import citation_text, pages_label
from panelqa.search.records import Answer, Passage

__all__ = ["Reference", "BriefingItem", "item_from_answer", "item_from_passage", "briefing_markdown"]


@dataclass(frozen=True, slots=True)
class Reference:
    """Where a quotation comes from: the paper's title, body, date and page(s), and its file."""

    number: int  # the citation number shown with the quotation
    title: str
    body: str | None
    date: str | None  # ISO date, or None when the paper is undated
    page: int
    page_end: int
    file_name: str

    @property
    def text(self) -> str:
        return citation_text(self.title, self.body, self.date, self.page, self.page_end) + f" ({self.file_name})"


@dataclass(frozen=True, slots=True)
class BriefingItem:
    """One answer or passage, quoted as the app showed it, with its references."""

    key: str  # what was added, so the same thing is not added twice
    question: str
    kind: str  # "answer" | "passage"
    heading: str  # the passage's heading path, or "" for an answer
    quotes: tuple[tuple[str, int], ...]  # (text, citation number)
    references: tuple[Reference, ...]
    total_pounds: float | None = None


def _reference(p: Passage, number: int) -> Reference:
    return Reference(number, p.title, p.body, p.date, p.page, p.page_end, p.file_name)


def item_from_answer(answer: Answer) -> BriefingItem:
    by_rank = {p.rank: p for p in answer.passages}
    refs = tuple(_reference(by_rank[n], n) for n in answer.citations if n in by_rank)
    total = answer.total_pounds if len(answer.lines) > 1 else None
    return BriefingItem(key=f"answer:{answer.question}", question=answer.question, kind="answer", heading="",
                        quotes=tuple((line.text, line.citation) for line in answer.lines), references=refs,
                        total_pounds=total)


def item_from_passage(p: Passage, question: str) -> BriefingItem:
    return BriefingItem(key=f"passage:{p.chunk_id}", question=question, kind="passage", heading=p.heading,
                        quotes=((" ".join(p.text.split()), 1),), references=(_reference(p, 1),))


def _md(text: str) -> str:
    """Text that Markdown shows as written: no links, emphasis or HTML from a paper."""
    return re.sub(r"([\\`*_{}\[\]<>#|!])", r"\\\1", text)


def briefing_markdown(items: list[BriefingItem] | tuple[BriefingItem, ...], today: date | None = None) -> str:
    """The whole briefing as Markdown: each item quoted, its citation numbers, its references under it."""
    today = today or date.today()
    out = ["# Briefing", "", f"Quoted from Police and Crime Panel papers with panelqa on {today.day} {today:%B %Y}. "
           "Each quotation is followed by its citation number; the references give title, body, date and page.", ""]
    for n, item in enumerate(items, start=1):
        what = "Answer to" if item.kind == "answer" else "Passage found for"
        out += [f"## {n}. {what}: {_md(item.question)}", ""]
        if item.heading:
            out += [f"*{_md(item.heading)}*", ""]
        for text, number in item.quotes:
            out.append(f"> {_md(text)} [{number}]")
            out.append(">")
        if item.total_pounds is not None:
            out.append(f"> Total of the amounts listed: £{item.total_pounds:,.0f}.")
        elif out[-1] == ">":
            out.pop()
        out.append("")
        for ref in item.references:
            out.append(f"[{ref.number}] {_md(ref.text)}  ")
        out.append("")
    if not items:
        out.append("(Nothing added yet.)")
    return "\n".join(out).rstrip() + "\n"


def short_ref(ref: Reference) -> str:
    return f"{ref.title}, {pages_label(ref.page, ref.page_end)}"
