"""HTML for answers and passage cards. Every piece of paper text is escaped before any markup is added,
so a paper cannot put tags or script into the page."""

from __future__ import annotations

import re
from datetime import date
from html import escape

from panelqa import content_terms, stem
from panelqa.search.records import Answer, Citation, Passage, Query, item_label, page_label
from panelqa.text.dates import display_date

__all__ = ["plain", "query_stems", "highlight", "pages_label", "citation_text", "answer_html", "passage_html",
           "filters_text", "CARD_CSS", "nice_date", "follow_ups_html"]

_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?|\d[\d,]*(?:\.\d+)?")

CARD_CSS = """
<style>
.pq-card {line-height: 1.5; overflow-wrap: anywhere;}
.pq-card .pq-meta {color: #555; font-size: 0.85rem; margin: 0.1rem 0 0.3rem 0;}
.pq-card .pq-heading {color: #333; font-size: 0.85rem; font-style: italic; margin-bottom: 0.35rem;}
.pq-card .pq-text {white-space: pre-wrap; font-size: 0.95rem;}
.pq-card mark {background: #ffe066; padding: 0 0.1em; border-radius: 2px;}
.pq-card .pq-num {display: inline-block; min-width: 1.8em; font-weight: 700; color: #1a4d8f;}
.pq-card .pq-also {color: #555; font-size: 0.8rem; margin-top: 0.35rem;}
.pq-answer p {margin: 0 0 0.45rem 0; overflow-wrap: anywhere;}
.pq-answer .pq-cite {font-weight: 700; color: #1a4d8f; white-space: nowrap;}
.pq-answer .pq-sources {color: #444; font-size: 0.85rem; margin-top: 0.6rem;}
</style>
"""


SUGGESTION = "Possible follow-ups: similar text in later papers, offered as suggestions, not a verdict."

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-!|<>~$])")


def plain(text: str) -> str:
    """Text from a paper or a file name, made literal for Streamlit's Markdown widgets (st.warning, st.error):
    "![x](y)" or "<img>" in a file name is shown as written, never loaded or linked."""
    return _MARKDOWN.sub(r"\\\1", text)


def query_stems(query: Query) -> frozenset[str]:
    """Stems of the words the question searches for (filter words such as the year are left out)."""
    return frozenset(stem(t) for t in content_terms(query.search_text or query.text) if not t.isdigit())


def highlight(text: str, stems: frozenset[str]) -> str:
    """Escaped text with the question's words in <mark>."""
    out, last = [], 0
    for m in _WORD.finditer(text):
        word = m.group(0)
        if word[0].isalpha() and stem(word.lower()) in stems:
            out.append(escape(text[last:m.start()]))
            out.append(f"<mark>{escape(word)}</mark>")
            last = m.end()
    out.append(escape(text[last:]))
    return "".join(out)


def nice_date(iso: str | None) -> str:
    """'2018-04-20' -> '20 April 2018'; None -> 'undated' (the rule is in panelqa/text/dates.py)."""
    return display_date(iso)


def pages_label(page: int, page_end: int, ocr_confidence: float | None = None) -> str:
    return page_label(page, page_end, ocr_confidence)


def citation_text(title: str, body: str | None, iso_date: str | None, page: int, page_end: int,
                  ocr_confidence: float | None = None, item_number: str | None = None,
                  item_title: str | None = None) -> str:
    """A full reference: title, body, date, agenda item, page."""
    parts = [title]
    if body and body.lower() not in title.lower():
        parts.append(body)
    when = nice_date(iso_date)
    if when not in title:
        parts.append(when)
    if label := item_label(item_number, item_title, title):
        parts.append(label)
    parts.append(pages_label(page, page_end, ocr_confidence))
    return ", ".join(parts)


def passage_reference(p: Passage) -> str:
    return citation_text(p.title, p.body, p.date, p.page, p.page_end, p.ocr_confidence, p.item_number, p.item_title)


def _also(c: Citation) -> str:
    label = item_label(c.item_number, c.item_title, c.title)
    return ", ".join(x for x in (c.title or c.source, nice_date(c.date), label, c.pages) if x)


def passage_html(p: Passage, stems: frozenset[str]) -> str:
    """One card: number, title, date, type, pages, heading path, highlighted text, 'also in'."""
    kind = (p.doc_type or "paper").replace("_", " ")
    item = item_label(p.item_number, p.item_title, p.title)
    meta = " · ".join([nice_date(p.date), kind] + ([item] if item else []) + [p.pages] + ([p.body] if p.body else []))
    parts = [
        '<div class="pq-card">',
        f'<div><span class="pq-num">[{p.rank}]</span><strong>{escape(p.title)}</strong></div>',
        f'<div class="pq-meta">{escape(meta)}</div>',
    ]
    if p.heading:
        parts.append(f'<div class="pq-heading">{escape(p.heading)}</div>')
    parts.append(f'<div class="pq-text">{highlight(p.text, stems)}</div>')
    if p.also_in:
        parts.append('<div class="pq-also">Also in: ' + "; ".join(escape(_also(c)) for c in p.also_in) + "</div>")
    if p.outside_filter:
        parts.append('<div class="pq-also">Outside the filters: nothing inside them matched.</div>')
    parts.append("</div>")
    return "".join(parts)


def answer_html(answer: Answer) -> str:
    """The answer's lines, each with its citation number and page, then the cited sources."""
    by_rank = {p.rank: p for p in answer.passages}
    lines = []
    for line in answer.lines:
        p = by_rank.get(line.citation)
        page = f", {p.pages}" if p else ""
        lines.append(f'<p>{escape(line.text)} <span class="pq-cite">[{line.citation}{page}]</span></p>')
    if answer.total_pounds is not None and len(answer.lines) > 1:
        lines.append(f"<p><strong>Total of the amounts listed: £{answer.total_pounds:,.0f}.</strong></p>")
    sources = [f"[{n}] {escape(passage_reference(by_rank[n]))}" for n in answer.citations if n in by_rank]
    if sources:
        lines.append('<div class="pq-sources">' + "<br>".join(sources) + "</div>")
    return '<div class="pq-answer">' + "".join(lines) + "</div>"


def filters_text(since: date | None, until: date | None, doc_types: tuple[str, ...], bodies: tuple[str, ...],
                 doc_titles: tuple[str, ...], item: str | None = None) -> str:
    """The active filters in one line, shown above the results."""
    if since and until and since.year == until.year and (since.month, since.day, until.month, until.day) == (1, 1, 12, 31):
        when = f"{since.year} (or a financial year overlapping it)"
    elif since or until:
        when = f"{since.isoformat() if since else 'any date'} to {until.isoformat() if until else 'now'}"
    else:
        when = "any date"
    kinds = ", ".join(t.replace("_", " ") for t in doc_types) or "any type"
    who = ", ".join(bodies) or "any body"
    docs = "; ".join(doc_titles) if doc_titles else "all papers"
    return f"Filters: {when} · {kinds} · {who} · {docs}" + (f" · agenda item {item}" if item else "")


def follow_ups_html(view) -> str:
    """The possible follow-ups of one commitment, each with its paper, page and date, all paper text escaped."""
    if not view.follow_ups:
        return ('<div class="pq-card"><div class="pq-meta">No later paper has text close enough to suggest a '
                "follow-up.</div></div>")
    items = "".join(
        f'<li>{escape(f.text)} <span class="pq-cite">{escape(f.file_name)}, p. {f.page}</span> '
        f'<small>({escape(nice_date(f.meeting_date))})</small></li>' for f in view.follow_ups)
    return f'<div class="pq-card"><div class="pq-meta">{escape(SUGGESTION)}</div><ul>{items}</ul></div>'
