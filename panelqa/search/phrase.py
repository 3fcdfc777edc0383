"""Phrase retriever: passages where two neighbouring words of the question stand close together
("home secretary", "senior sponsor", "court lists"), ranked by FTS5 bm25. Names and set phrases are
what a member remembers; a passage that keeps them together is more likely the one meant."""

from __future__ import annotations

from panelqa.search.index import SearchIndex
from panelqa.search.keyword import CANDIDATE_LIMIT, COLUMN_WEIGHTS
from panelqa.search.records import Hit, Query
from panelqa.search.terms import content_terms, fts_quote

NEAR_DISTANCE = 2  # tokens allowed between the two words
MAX_SHARE = 0.05  # a pair found in more than this share of passages is a common phrase, not a clue


def pairs(text: str) -> list[tuple[str, str]]:
    terms = content_terms(text)
    return [(a, b) for a, b in zip(terms, terms[1:], strict=False)]


def retrieve(index: SearchIndex, query: Query, k: int, allowed: set[int] | None = None) -> list[Hit]:
    limit = max(3, int(MAX_SHARE * index.size))
    clauses = []
    for a, b in pairs(query.search_text or query.text):
        clause = f"NEAR({fts_quote(a)} {fts_quote(b)}, {NEAR_DISTANCE})"
        if 0 < index.store.match_count(clause, limit + 1) <= limit:
            clauses.append(clause)
    if not clauses or k <= 0:
        return []
    expression = " OR ".join(clauses)
    hits = []
    for rowid, score in index.store.keyword_hits(expression, COLUMN_WEIGHTS, CANDIDATE_LIMIT):
        if allowed is not None and rowid not in allowed:
            continue
        hits.append(Hit(int(rowid), float(score), len(hits) + 1))
        if len(hits) >= k:
            break
    return hits
