"""Words of a question that are worth matching: no stop words, no filter words."""

from __future__ import annotations

import re

from panelqa.text.stopwords import STOP_WORDS

QUESTION_WORDS = frozenset("what which who whom whose when where why how was were did does do is are".split())
_TOKEN = re.compile(r"[A-Za-z0-9£%][A-Za-z0-9'’£%.,-]*[A-Za-z0-9%]|[A-Za-z0-9]")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; hyphenated words are split as FTS5's unicode61 tokenizer splits them."""
    out = []
    for raw in _TOKEN.findall(text):
        for part in re.split(r"[-'’.,/]", raw.lower()):
            part = part.strip("£%")
            if part:
                out.append(part)
    return out


def content_terms(text: str) -> list[str]:
    """Tokens worth searching for, in order, each once."""
    seen: list[str] = []
    for tok in tokens(text):
        if tok in STOP_WORDS or len(tok) < 2 or tok in seen:
            continue
        seen.append(tok)
    return seen


def fts_quote(term: str) -> str:
    """Quote a term for FTS5 MATCH so AND, NOT, quotes and hyphens are read as words."""
    return '"' + term.replace('"', '""') + '"'
