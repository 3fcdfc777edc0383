"""Work out what a paper is: title, issuing body, type, date, financial years, agenda item.

Every value carries where it came from; a value that cannot be found stays None.
"""

from __future__ import annotations

import re
from pathlib import Path

from panelqa.ingest.publisher import with_publisher_facts
from panelqa.ingest.records import Document, Fact, Page
from panelqa.text.dates import date_from_file_name, find_dates, find_financial_years

__all__ = ["describe", "financial_years_of"]

HEAD_LINES = 30  # dates, bodies and titles are looked for in the first lines of page 1
_BODY_PATTERNS = [
    re.compile(r"Office of the Police (?:&|and) Crime Commissioner for (?:the )?[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)?"),
    re.compile(r"(?:[A-Z][A-Za-z&'-]+ ){1,4}Police and Crime Panel"),
    # capitalised words, joined by "and", "of", "for" or "&" as names are: "Crime and Justice Transparency Sector Panel"
    re.compile(r"(?:[A-Z][A-Za-z&'-]+ (?:(?:and|of|for|&) (?=[A-Z]))?){0,6}"
               r"(?:Panel|Board|Committee|Council|Commission|Forum|Group|Authority)\b"),
]
_BODY_STOP = {"The", "A", "An", "Of", "Meeting", "Minutes", "Agenda", "Report", "To", "For", "And", "Paper", "Item"}
_TYPE_RULES = [
    ("terms_of_reference", re.compile(r"\bterms of reference\b|\bToR\b|\bTOR\b")),
    ("action_log", re.compile(r"\baction (?:log|report|points|tracker|sheet)s?\b", re.I)),
    ("minutes", re.compile(r"\bminutes?\b", re.I)),
    ("agenda", re.compile(r"\bagenda\b(?!\s+item)", re.I)),
    ("letter", re.compile(r"^\s*dear\b|\bletter\b|\byours sincerely\b", re.I | re.M)),
    ("report", re.compile(r"\breport\b|\bpaper\b|\bstrategy\b|\bupdate\b|\bguidance\b|\bproposal\b|\bplan\b", re.I)),
]
_ITEM = re.compile(r"\bItem\s+(\d{1,4}[A-Za-z]?)\b")


def describe(path: Path, doc_id: str, pages: list[Page], pdf_title: str | None = None) -> Document:
    """Describe a paper from its first page, its file name and its PDF metadata."""
    first = next((p for p in pages if p.has_text), None)
    head_lines = [b for b in first.blocks if b.kind == "line"][:HEAD_LINES] if first else []
    head_text = "\n".join(b.text for b in head_lines)
    head_source = f"text, p. {first.page}" if first else "text"
    all_text = "\n".join(p.text for p in pages)
    title = _title(path, head_lines, pdf_title, head_source)
    return with_publisher_facts(Document(
        doc_id=doc_id,
        source=str(path),
        file_name=path.name,
        title=title,
        body=_body(head_text, pdf_title, head_source) or panel_of_minutes(all_text),
        doc_type=_doc_type(path, title, head_text, head_source),
        meeting_date=_meeting_date(path, head_text, pdf_title, head_source),
        financial_years=financial_years_of(path.stem, all_text, pdf_title),
        agenda_item=_agenda_item(path, head_text, pdf_title, head_source),
        page_count=len(pages),
        pages_without_text=tuple(p.page for p in pages if not p.has_text),
    ), path)  # a fetched paper's manifest facts come first


def _title(path: Path, head_lines, pdf_title: str | None, head_source: str) -> Fact:
    if pdf_title and _useful_title(pdf_title):
        return Fact(pdf_title.strip(), "PDF metadata")
    if head_lines:
        biggest = max(b.size for b in head_lines)
        for b in head_lines:
            if b.size >= biggest and len(b.text.split()) >= 2:
                return Fact(b.text.strip(), head_source)
    return Fact(re.sub(r"[_]+", " ", path.stem).strip(), "file name")


def _useful_title(title: str) -> bool:
    t = title.strip()
    if len(t) < 4 or re.search(r"\.(docx?|pdf|rtf|xlsx?)$", t, re.I) or t.lower().startswith("microsoft"):
        return False
    return not re.fullmatch(r"(untitled|document\d*|title|slide \d+)", t, re.I)


def _body(head_text: str, pdf_title: str | None, head_source: str) -> Fact | None:
    for source, text in ((head_source, head_text), ("PDF metadata", pdf_title or "")):
        for pattern in _BODY_PATTERNS:
            for match in pattern.finditer(_titlecase_caps(text)):
                name = _trim_body(match.group(0))
                if name:
                    return Fact(name, source)
    return None


_PANEL_MINUTES = re.compile(r"\b[Tt]he Panel (?:was|were|received|noted|agreed|asked|considered)\b")
_PCC = re.compile(r"\bPolice and Crime Commissioner\b|\b(?:Deputy )?PCC\b")
_AREA = re.compile(r"\b(?:across the|for the|for|in the)\s+((?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+)\b(?! (?:Police|Crime|Court))")
_NOT_AREAS = {"Panel", "Plan", "Police", "Home Office", "Members", "Ministry", "Justice", "Government", "Office"}
MIN_AREA_MENTIONS = 2


def panel_of_minutes(text: str) -> Fact | None:
    """A Police and Crime Panel's minutes often never name the panel: "the Panel" hears the PCC's report.
    The name is then the panel type and the one area the text keeps naming, and the Fact says so."""
    if not (_PANEL_MINUTES.search(text) and _PCC.search(text)):
        return None
    areas: dict[str, int] = {}
    for match in _AREA.finditer(text):
        area = match.group(1)
        if area not in _NOT_AREAS and not any(w in _NOT_AREAS for w in area.split()):
            areas[area] = areas.get(area, 0) + 1
    named = sorted(areas.items(), key=lambda kv: -kv[1])
    if not named or named[0][1] < MIN_AREA_MENTIONS or len(named) > 1 and named[1][1] == named[0][1]:
        return None
    area, count = named[0]
    return Fact(f"{area} Police and Crime Panel",
                f"inferred: minutes of 'the Panel' on the PCC's report; '{area}' named {count} times")


def _titlecase_caps(text: str) -> str:
    """Turn ALL-CAPS lines into Title Case so the body patterns also find them."""
    small = {"and", "of", "the", "for", "&", "to", "in"}
    out = []
    for line in text.splitlines():
        letters = [c for c in line if c.isalpha()]
        if letters and sum(c.isupper() for c in letters) > 0.8 * len(letters):
            words = line.lower().split()
            line = " ".join(w if w in small and i else w.capitalize() for i, w in enumerate(words))
            line = line.replace("Pcc", "PCC")
        out.append(line)
    return "\n".join(out)


def _trim_body(name: str) -> str | None:
    words = name.split()
    while words and words[0] in _BODY_STOP:
        words.pop(0)
    if len(words) < 2:
        return None
    name = " ".join(words)
    return name.replace("Police & Crime", "Police & Crime")


def _doc_type(path: Path, title: Fact, head_text: str, head_source: str) -> Fact:
    for source, text in (("file name", path.stem.replace("_", " ")), (title.source, title.value),
                         (head_source, head_text)):
        for kind, pattern in _TYPE_RULES:
            if pattern.search(text):
                return Fact(kind, source)
    return Fact("other", "no type words found")


def _meeting_date(path: Path, head_text: str, pdf_title: str | None, head_source: str) -> Fact | None:
    dates = find_dates(head_text)
    if dates:
        return Fact(dates[0].isoformat(), head_source)
    from_name = date_from_file_name(path.stem)
    if from_name:
        return Fact(from_name.isoformat(), "file name")
    if pdf_title:
        dates = find_dates(pdf_title)
        if dates:
            return Fact(dates[0].isoformat(), "PDF metadata")
    return None


def financial_years_of(stem: str, text: str, pdf_title: str | None = None) -> tuple[Fact, ...]:
    """The financial years a paper names, each with where it was first seen (file name, metadata, text)."""
    found: dict[str, str] = {}
    for source, value in (("file name", stem), ("PDF metadata", pdf_title or ""), ("text", text)):
        for fy in find_financial_years(value):
            found.setdefault(fy.value, source)
    return tuple(Fact(fy, src) for fy, src in sorted(found.items()))


def _agenda_item(path: Path, head_text: str, pdf_title: str | None, head_source: str) -> Fact | None:
    sources = (("file name", path.stem), ("PDF metadata", pdf_title or ""), (head_source, head_text))
    for source, text in sources:
        match = _ITEM.search(text)
        if match:
            return Fact(match.group(1), source)
    return None
