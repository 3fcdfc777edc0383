"""Question -> Query: its kind, and the date, type and body window it implies."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from rapidfuzz import fuzz

from panelqa.search.records import Filters, Query
from panelqa.text.dates import MONTH_NAMES, MONTHS, financial_year_range, find_financial_years
from panelqa.text.money import MENTIONS_MONEY

__all__ = ["parse_query"]

_MONTH = rf"({MONTH_NAMES})"
_SINCE = re.compile(rf"\b(?:since|after)\s+(?:{_MONTH}\s+)?((?:19|20)\d\d)\b", re.I)
_BEFORE = re.compile(rf"\b(?:before|until|prior to|up to)\s+(?:{_MONTH}\s+)?((?:19|20)\d\d)\b", re.I)
_YEAR = re.compile(r"(?<!\bfrom )(?<![\d/£$.,-])((?:19|20)\d\d)(?![\d/]|-\d)")  # "meet from 2014" is no filter
_TYPE_PHRASES = [
    ("minutes", re.compile(r"\b(?:in|from|of|according to) the minutes\b|\bminuted\b", re.I)),
    ("action_log", re.compile(r"\baction (?:log|report|tracker)s?\b", re.I)),
    ("agenda", re.compile(r"\b(?:in|on|from) the agendas?\b", re.I)),
    ("report", re.compile(r"\b(?:in|from) the (?:progress |performance )?reports?\b|\bPCC(?:'s)? reports?\b", re.I)),
    ("letter", re.compile(r"\b(?:in|from) the letters?\b", re.I)),
    ("terms_of_reference", re.compile(r"\b(?:in|from) the terms of reference\b", re.I)),
]
_ITEM_NUMBER = re.compile(r"\b(?:agenda\s+)?item\s+(?:no\.?\s*)?(\d{1,3}[A-Za-z]?)\b", re.I)  # "under item 7"
_NAMED_ITEM = re.compile(r"\bthe\s+((?:[\w'’-]+\s+){0,3}?[\w'’-]+)\s+(?:report|paper|item)s?\b", re.I)
_KINDS = [
    ("money", re.compile(r"\bhow much (?:money|did \w+(?: \w+){0,3} (?:get|receive|spend|invest|put|pay))\b|"
                         r"\bfund(?:s|ed|ing)?\b|\binvest(?:ed|ment)?\b|\bgrants?\b|\bspen[dt]\b|"
                         r"\bbudget\b|\bcost\b|£|\bpounds\b|\bawarded\b|\ballocated\b", re.I)),
    ("commitment", re.compile(r"\bwho (?:agreed|was to|was going|would|will)\b|\bagree[ds]?\b|\baction(?:s|ed)?\b|"
                              r"\bpromis\w*|\bcommit\w*|\bundert\w*|\bwould send\b|\bwho was\b|\bresolved\b",
                              re.I)),
    ("when", re.compile(r"^\s*when\b|\bby when\b|\bwhat date\b|\bdeadline\b|\bexpected to be in place\b", re.I)),
    ("number", re.compile(r"\bhow (?:many|much|big|large|long)\b|\b(?:above|below|over|under) what\b|"
                          r"\bwhat (?:value|amount|size|level|share|percentage|proportion|number)\b|\bhow often\b",
                          re.I)),
]


def parse_query(text: str, filters: Filters | None = None, bodies: tuple[str, ...] = ()) -> Query:
    """Read the date window, document type and body a question implies; explicit filters win."""
    filters = filters or Filters()
    since = until = None
    notes: list[str] = []
    search_text = text
    if years := find_financial_years(text, short=False):
        since, until = financial_year_range(years[0].value)
        notes.append(f"papers dated in or covering {years[0].value}")
    if since is None and (m := _SINCE.search(text)):
        month = MONTHS[m.group(1).lower()] if m.group(1) else 1
        since = date(int(m.group(2)), month, 1)
        notes.append(f"papers dated from {since:%B %Y}")
    if until is None and (m := _BEFORE.search(text)):
        month = MONTHS[m.group(1).lower()] if m.group(1) else 1
        until = date(int(m.group(2)), month, 1).replace(day=1)
        until = date.fromordinal(until.toordinal() - 1)
        notes.append(f"papers dated before {until.toordinal() and date.fromordinal(until.toordinal() + 1):%B %Y}")
    if since is None and until is None:
        years = [int(y) for y in _YEAR.findall(_without_financial_years(text))]
        if years:
            year = years[0]
            since, until = date(year, 1, 1), date(year, 12, 31)
            notes.append(f"papers dated {year} or covering {year - 1}/{str(year)[-2:]}-{year}/{str(year + 1)[-2:]}")
    if filters.year:
        since, until = date(filters.year, 1, 1), date(filters.year, 12, 31)
        notes = [f"papers dated {filters.year} or covering {filters.year - 1}/{str(filters.year)[-2:]}-"
                 f"{filters.year}/{str(filters.year + 1)[-2:]}"]
    if filters.since or filters.until:
        since, until = filters.since or (since if not filters.year else None), filters.until or until
        notes = [f"papers dated {_span(since, until)}"]
    doc_types = filters.doc_types or tuple(kind for kind, pattern in _TYPE_PHRASES if pattern.search(text))
    if doc_types:
        notes.append("type " + " or ".join(t.replace("_", " ") for t in doc_types))
    named = filters.bodies or tuple(b for b in bodies if _names_body(text, b))
    if named:
        notes.append("body " + " or ".join(named))
    if filters.doc_ids:
        notes.append(f"{len(filters.doc_ids)} chosen document(s)")
    item = filters.item
    if item is None and (m := _ITEM_NUMBER.search(text)):
        item = m.group(1)
        search_text = (text[:m.start()] + " " + text[m.end():]).strip()
    if item:
        notes.append(f"agenda item {item}")
    named_item = m.group(1) if (m := _NAMED_ITEM.search(text)) else None
    query = Query(text=text, kind=_kind(text), since=since, until=until, doc_types=doc_types, bodies=named,
                  doc_ids=filters.doc_ids, search_text=search_text, item=item, named_item=named_item)
    note = "Filtered to " + "; ".join(notes) + "." if notes else ""
    return replace(query, filter_note=note)


def _without_financial_years(text: str) -> str:
    for fy in reversed(find_financial_years(text, short=False)):
        text = text[:fy.start] + " " + text[fy.end:]
    return text


def _span(since: date | None, until: date | None) -> str:
    if since and until:
        return f"{since.isoformat()} to {until.isoformat()}"
    return f"from {since.isoformat()}" if since else f"up to {until.isoformat()}"


def _names_body(text: str, body: str) -> bool:
    """A body is named when its full name (ignoring case and 'the') stands in the question."""
    if len(body.split()) < 3:
        return False
    return fuzz.partial_ratio(body.lower(), text.lower()) >= 95


def _kind(text: str) -> str:
    for kind, pattern in _KINDS:
        if pattern.search(text):
            return kind
    return "fact"


_SIGNALS = {
    "money": MENTIONS_MONEY,
    "commitment": re.compile(r"\bAction\s*:|\bRESOLVED\b|\bagreed\b|\bto (?:draft|circulate|write|produce|"
                             r"co-ordinate|coordinate|provide|send|bring|prepare)\b|\bwould (?:send|provide)\b", re.I),
    "when": re.compile(rf"\b{MONTH_NAMES}\b|\bby the end of\b|\b\d{{1,2}}(?:st|nd|rd|th)\b", re.I),
}
_PERCENT_QUESTION = re.compile(r"\bpercent|\bshare\b|\bproportion\b|%", re.I)
_PERCENT = re.compile(r"\d\s?%|\bper ?cent\b", re.I)
_NUMBER = re.compile(r"\d")


def kind_signal(query: Query) -> re.Pattern | None:
    """What a passage that answers this kind of question holds: an amount, an action, a date, a figure."""
    if query.kind == "number":
        return _PERCENT if _PERCENT_QUESTION.search(query.text) else _NUMBER
    return _SIGNALS.get(query.kind)
