"""Keyword retriever: SQLite FTS5 bm25 with the Porter stemmer, so "fund" finds "funded" and "funding"."""

from __future__ import annotations

from panelqa.search.abbreviations import expand
from panelqa.search.index import SearchIndex
from panelqa.search.records import Hit, Query
from panelqa.search.terms import content_terms, fts_quote

COLUMN_WEIGHTS = (2.0, 1.5, 1.0)  # title, heading, text (bm25 weights)
CANDIDATE_LIMIT = 400
RELATIVE_CUTOFF = 0.5  # hits scoring below this share of the best bm25 are left out (measured: see README)


def match_expression(terms: list[str]) -> str:
    return " OR ".join(fts_quote(t) for t in terms)


def retrieve(index: SearchIndex, query: Query, k: int, allowed: set[int] | None = None,
             terms: list[str] | None = None) -> list[Hit]:
    if terms is None:
        text = query.search_text or query.text
        terms = content_terms(text)
        terms += [t for t in content_terms(" ".join(expand(text, index.glossary))) if t not in terms]
    if not terms or k <= 0:
        return []
    limit = CANDIDATE_LIMIT if allowed is None else max(CANDIDATE_LIMIT, 4 * CANDIDATE_LIMIT)
    hits = []
    best = None
    for rowid, score in index.store.keyword_hits(match_expression(terms), COLUMN_WEIGHTS, limit):
        if allowed is not None and rowid not in allowed:
            continue
        best = float(score) if best is None else best
        if float(score) < RELATIVE_CUTOFF * best:
            break
        hits.append(Hit(int(rowid), float(score), len(hits) + 1))
        if len(hits) >= k:
            break
    return hits
