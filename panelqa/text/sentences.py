"""Where a sentence of a panel paper ends.

A sentence ends at ".", "?" or "!" before a capital, a digit, "£", a bracket or a quote, and at "]" before a
capital (the "[Action: ...]" lines of minutes). It does not end after an abbreviation ("Cllr.", "approx.",
"No."), an initial ("J. Smith"), a list number ("1. Introduction") or the "!" of a name ("SAFE! Support").
Lines are never joined: a paper's paragraphs, bullets and table rows stand on lines of their own. Within a
line, a table's cells (" | ") and bullets run into the text (" • ") are parts of their own too.
"""

from __future__ import annotations

import re

__all__ = ["split_sentences", "sentences_of"]

_END = re.compile(r"(?<=[.?]|(?<![A-Z]{2})!)\s+(?=[\[(“\"'‘£A-Z0-9•])|(?<=\])\s+(?=[\[A-Z])")
_END_OR_SEMICOLON = re.compile(_END.pattern + r"|(?<=;)\s+(?=[A-Z])")
_NOT_AN_END = re.compile(
    r"(?:\b(?:Cllr|Mr|Mrs|Ms|Dr|Prof|Rev|Supt|Insp|Sgt|No|Nos|inc|incl|approx|est|St|e\.g|i\.e|etc|vs|cf|Co|Ltd|"
    r"para|paras|ref|fig|vol|p|pp)\.|(?<![\w.])[A-Z]\.|(?<![\w.])\d{1,2}\.)$", re.I)
_BULLET = re.compile(r"^[•\s]+")
# a quoted question or sentence ends where its closing quote follows the stop: ...in the local area?” The PCC said
_QUOTE_END = re.compile(r"(?<=[.?!][”\"’])\s+(?=[A-Z])")
# a table rendered as text: cells between " | ", and the "--|---|" rule under its header row
_CELL = re.compile(r"\s*(?:\|\s*)*(?:-{2,}\|)+[-|]*\s*|\s+\|(?:\s*\|)*\s*|\s+•\s+")


def split_sentences(unit: str, at_semicolons: bool = False) -> list[str]:
    """The sentences of one line or paragraph, in order. at_semicolons also ends one at "; " before a capital,
    where a list of grants or actions is one sentence of several statements."""
    pattern = _END_OR_SEMICOLON if at_semicolons else _END
    out: list[str] = []
    last = 0
    for m in pattern.finditer(unit):
        if _NOT_AN_END.search(unit[last:m.start()]):
            continue
        out.append(unit[last:m.start()].strip())
        last = m.end()
    out.append(unit[last:].strip())
    return [s for s in out if s]


def sentences_of(text: str, min_words: int = 1) -> list[str]:
    """The sentences of a text of several lines, bullets stripped, each of at least min_words words."""
    out = []
    for line in text.split("\n"):
        for sentence in (q for part in _CELL.split(line) for s in split_sentences(part) for q in _QUOTE_END.split(s)):
            sentence = _BULLET.sub("", sentence).strip()
            if len(sentence.split()) >= min_words:
                out.append(sentence)
    return out
