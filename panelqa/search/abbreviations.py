"""Abbreviations the papers define themselves ("Terms of Reference (ToR)", "Community Safety Partnership (CSP)"),
so a question that uses one form also finds text that uses the other.

The pairs are found with the Schwartz-Hearst method: a short form in brackets, matched letter by letter,
right to left, against the words just before it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_SHORT_IN_BRACKETS = re.compile(r"\(([A-Z][A-Za-z&]{1,9})\)")
MAX_EXTRA_WORDS = 5
MIN_COUNT = 1


def find_pairs(text: str) -> Iterable[tuple[str, str]]:
    """(long form, short form) pairs defined in text."""
    for match in _SHORT_IN_BRACKETS.finditer(text):
        short = match.group(1)
        if sum(c.isupper() for c in short) < 2:
            continue
        before = text[max(0, match.start() - 200):match.start()].split()
        window = before[-(len(short) + MAX_EXTRA_WORDS):] if before else []
        long = _match_long_form(short, window)
        if long:
            yield long, short


def _match_long_form(short: str, words: list[str]) -> str | None:
    candidate = " ".join(words).strip(" ,;:–-")
    if not candidate:
        return None
    s = len(short) - 1
    i = len(candidate) - 1
    letters = short.lower()
    text = candidate.lower()
    while s >= 0:
        c = letters[s]
        if not c.isalnum():
            s -= 1
            continue
        while i >= 0 and (text[i] != c or (s == 0 and i > 0 and text[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    start = text.rfind(" ", 0, i + 1) + 1
    words = candidate[start:].strip(" ,;:–-'\"").split()
    if words and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    if not 2 <= len(words) <= len(short) + MAX_EXTRA_WORDS:
        return None
    return " ".join(words)


def build_glossary(texts: Iterable[str]) -> dict[str, str]:
    """Short form -> its most frequent long form."""
    counts: Counter[tuple[str, str]] = Counter()
    for text in texts:
        for long, short in find_pairs(text):
            counts[(long.lower(), short)] += 1
    best: dict[str, tuple[int, str]] = {}
    for (long, short), n in counts.items():
        if n >= MIN_COUNT and (short not in best or n > best[short][0]):
            best[short] = (n, long)
    return {short: long for short, (_, long) in best.items()}


def expand(question: str, glossary: dict[str, str]) -> list[str]:
    """Extra words for a question: the short form of a long form it uses, and the long form of a short one."""
    extra: list[str] = []
    lowered = question.lower()
    tokens = set(re.findall(r"[A-Za-z&]+", question))
    for short, long in glossary.items():
        if short in tokens:
            extra.extend(long.split())
        elif len(long) > 6 and long in lowered:
            extra.append(short)
    return extra
