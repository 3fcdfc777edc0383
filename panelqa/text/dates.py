"""Dates and financial years as panel papers, file names and questions write them.

A UK public body's financial year runs from 1 April to 31 March; "2017/18", "2020-21", "2017/2018" and
"17/18" all name the year that starts on 1 April 2017, and it is always written "2017/18" here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["MONTHS", "MONTH_NAMES", "display_date", "find_dates", "with_year", "date_from_file_name", "FinancialYear",
           "find_financial_years", "financial_year_of", "financial_year_range", "financial_year_overlaps"]

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
MONTH_NAMES = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH},?\s+(\d{{4}})\b", re.I)
_MONTH_FIRST = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
# "2017/18", "2020-21", "2020 – 21", "2017/2018", "17/18"; never part of a longer number or a date "1/4/2017"
_FY = re.compile(r"(?<![\d/])(?:(20\d\d|19\d\d)\s*[/\-–]\s*(\d{2}|\d{4})|(\d{2})/(\d{2}))(?![\d/])")
_FIRST_YEAR, _LAST_YEAR = 1990, 2100


_MONTH_NO_YEAR = re.compile(rf"\b(?P<month>{MONTH_NAMES})\b(?!,?\s+\d{{4}})(?!\s*/)", re.I)


def with_year(text: str, paper_date: date | None) -> str:
    """A month named without its year gets the year of the first such month on or after the paper's date:
    "by March" in a paper of January 2019 -> "by March 2019"; in one of November 2018 -> "by March 2019"."""
    if paper_date is None:
        return text

    def year_of(m: re.Match) -> str:
        month = MONTHS[m.group("month").lower()]
        year = paper_date.year + (1 if month < paper_date.month else 0)
        return f"{m.group(0)} {year}"

    return _MONTH_NO_YEAR.sub(year_of, text, count=1)


def find_dates(text: str) -> list[date]:
    """Full dates in text, in order: "Friday, 20th April, 2018", "11 April 2018", "April 20, 2018", "20/04/2018"."""
    found: list[tuple[int, date]] = []
    for m in _DAY_FIRST.finditer(text):
        found += _valid(m.start(), int(m.group(3)), MONTHS[m.group(2).lower().rstrip(".")], int(m.group(1)))
    for m in _MONTH_FIRST.finditer(text):
        found += _valid(m.start(), int(m.group(3)), MONTHS[m.group(1).lower().rstrip(".")], int(m.group(2)))
    for m in _NUMERIC.finditer(text):
        found += _valid(m.start(), int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return [d for _, d in sorted(found)]


def _valid(pos: int, year: int, month: int, day: int) -> list[tuple[int, date]]:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return []
    try:
        return [(pos, date(year, month, day))]
    except ValueError:
        return []


def date_from_file_name(stem: str) -> date | None:
    """File names such as "2018-04-20 ...", "20130909 ...", "101025_..." and "130501 ..."."""
    patterns = [
        (r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)", 0),
        (r"(?<!\d)(20\d{2}|19\d{2})(\d{2})(\d{2})(?!\d)", 0),
        (r"^(\d{2})(\d{2})(\d{2})(?!\d)", 2000),
    ]
    for pattern, century in patterns:
        match = re.search(pattern, stem)
        if not match:
            continue
        hit = _valid(0, int(match.group(1)) + century, int(match.group(2)), int(match.group(3)))
        if hit:
            return hit[0][1]
    found = find_dates(stem.replace("_", " "))
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class FinancialYear:
    """One financial year named in a text, and where."""

    value: str  # "2017/18"
    start: int  # character offsets of the words that name it
    end: int

    @property
    def first_year(self) -> int:
        return int(self.value[:4])


def find_financial_years(text: str, short: bool = True) -> list[FinancialYear]:
    """Every financial year written as a period, in order; "2017/19" or "2018/17" is no financial year.

    short=False leaves out "17/18", which in a sentence is as often a score or a count as a year.
    """
    found = []
    for m in _FY.finditer(text):
        if not short and not m.group(1):
            continue
        if m.group(1):
            start = int(m.group(1))
            end = m.group(2)
            end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        else:
            start, end_year = 2000 + int(m.group(3)), 2000 + int(m.group(4))
        if end_year == start + 1 and _FIRST_YEAR <= start <= _LAST_YEAR:
            found.append(FinancialYear(f"{start}/{str(end_year)[-2:]}", m.start(), m.end()))
    return found


def financial_year_of(day: date) -> str:
    """The financial year a day falls in: 20 April 2018 -> "2018/19", 10 March 2018 -> "2017/18"."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def financial_year_range(value: str | int) -> tuple[date, date]:
    """Financial year "2017/18" (or its first year, 2017) runs from 1 April 2017 to 31 March 2018."""
    start = value if isinstance(value, int) else int(value[:4])
    return date(start, 4, 1), date(start + 1, 3, 31)


def financial_year_overlaps(value: str, lo: date, hi: date) -> bool:
    """Whether a financial year shares a day with the window lo..hi."""
    first, last = financial_year_range(value)
    return first <= hi and lo <= last


def display_date(iso: str | None, *, short: bool = False) -> str:
    """How a citation writes a paper's date: '2018-04-20' -> '20 April 2018' (short: '20 Apr 2018');
    None -> 'undated'; a value that is not an ISO date is shown as it is."""
    if not iso:
        return "undated"
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%b %Y}" if short else f"{day.day} {day:%B %Y}"
