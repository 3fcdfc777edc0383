"""Amounts of money in running text: "£1,234", "£1.2m", "£400k", "400,000 pounds", "£10,000-£15,000".

Pure functions over strings. Only sterling amounts are money here: a bare "23,178" (a crime count)
or "42.4%" is not, so it never reaches the ledger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Money", "find_money", "parse_amount", "format_pounds", "MENTIONS_MONEY"]

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MULT = r"(?:\s?(?:bn|billion|m|mn|million|k|thousand)\b)"
_MULTIPLIERS = {"bn": 10**9, "billion": 10**9, "m": 10**6, "mn": 10**6, "million": 10**6,
                "k": 10**3, "thousand": 10**3}
_POUND = r"(?:£|GBP\s?)"
# "£1.2m", "£ 400k", "£1,234.56", optionally followed by "-£1.5m", "– 15k", " to £2m"
_AMOUNT = re.compile(
    rf"(?P<between>\bbetween\s+)?{_POUND}\s?(?P<num>{_NUM})(?P<mult>{_MULT})?(?!\d)"
    rf"(?:(?P<sep>\s?[-–—]\s?{_POUND}?|\s+to\s+{_POUND}|(?(between)\s+and\s+{_POUND}?|(?!)))\s?"
    rf"(?P<num2>{_NUM})(?P<mult2>{_MULT})?(?!\d))?"
    rf"(?:\s+pounds\b)?", re.I)
# a passage that talks in amounts: "£5", "2 million", "400k", "10 pounds" (wider than find_money: a hint, not a value)
MENTIONS_MONEY = re.compile(r"£\s?\d|\b\d[\d,.]*\s?(?:pounds|million|m\b|k\b)", re.I)
# "increased from £147.93m to £168.23m", "up from £35": a change between two figures, not a range
_CHANGE_FROM = re.compile(r"\b(?:increas|decreas|rais|ris|rose|fell|fall|reduc|grew|grow|went|gone|cut|lower|chang|"
                          r"mov|revis|up|down)\w*\s+(?:\w+\s+){0,3}from\s*$", re.I)  # "increasing its allocation from"
# "400,000 pounds", "2 million pounds"
_WORDS = re.compile(rf"(?<![\d£.,])(?P<num>{_NUM})(?P<mult>{_MULT})?\s+pounds\b", re.I)


@dataclass(frozen=True, slots=True)
class Money:
    """One stated amount, where it stands in the text, and its value in pence."""

    text: str  # as written: "£1.2m", "£10,000-£15,000"
    start: int  # character offsets in the text searched
    end: int
    pence: int  # the amount, or the low end of a range
    high_pence: int | None = None  # the high end of a range; None for a single amount

    @property
    def pounds(self) -> float:
        return self.pence / 100

    @property
    def is_range(self) -> bool:
        return self.high_pence is not None


def parse_amount(number: str, multiplier: str | None = None) -> int:
    """Pence for a number as written with an optional multiplier: ("1.2", "m") -> 120_000_000."""
    value = float(number.replace(",", ""))
    factor = _MULTIPLIERS[multiplier.strip().lower()] if multiplier and multiplier.strip() else 1
    return round(value * factor * 100)


def find_money(text: str) -> tuple[Money, ...]:
    """Every sterling amount in the text, in order; ranges come back as one Money with a high end."""
    found: list[Money] = []
    for m in _AMOUNT.finditer(text):
        if re.fullmatch(r"0{3,}", m.group("num")) and not m.group("mult"):
            continue  # "(£000's)", "£000": a table's unit, not an amount
        start = m.start("between") if m.group("between") else m.start()
        low_mult, high_mult = m.group("mult"), m.group("mult2")
        if m.group("num2") is not None and not low_mult and high_mult:
            low_mult = high_mult  # "£10-15k": the multiplier belongs to both ends
        low = parse_amount(m.group("num"), low_mult)
        high = parse_amount(m.group("num2"), high_mult) if m.group("num2") is not None else None
        year_after_dash = (high_mult is None and "£" not in (m.group("sep") or "")
                           and re.fullmatch(r"(?:19|20)\d\d", m.group("num2") or "") is not None)
        if high is not None and _CHANGE_FROM.search(text, 0, start):
            # "increased from £147.93m to £168.23m": two figures, the later one what it is now
            found.append(_single(text, m.start(), m.group("num"), m.group("mult")))
            found.append(_single(text, m.start("num2") - 1, m.group("num2"), m.group("mult2")))
            continue
        if high is not None and (high <= low or year_after_dash):
            # "£5,000 - 10 sessions" or a date after a dash: not a range, keep the first amount alone
            found.append(_single(text, m.start(), m.group("num"), m.group("mult")))
            continue
        found.append(Money(text[start:m.end()].strip(), start, m.end(), low, high))
    for m in _WORDS.finditer(text):
        if any(f.start <= m.start() < f.end for f in found):
            continue
        found.append(Money(m.group(0), m.start(), m.end(), parse_amount(m.group("num"), m.group("mult"))))
    return tuple(sorted(found, key=lambda f: f.start))


def _single(text: str, start: int, number: str, mult: str | None) -> Money:
    m = re.compile(rf"{_POUND}\s?{re.escape(number)}{re.escape(mult or '')}", re.I).search(text, start)
    start, end = (m.start(), m.end()) if m else (start, start + len(number) + 1)
    return Money(text[start:end], start, end, parse_amount(number, mult))


def format_pounds(pence: int) -> str:
    """£88,338 or £1,234.50: whole pounds without pence."""
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if rest == 0 else f"£{pounds:,}.{rest:02d}"
