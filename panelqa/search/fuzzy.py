"""Fuzzy retriever: question words the index does not know are matched to close index words with rapidfuzz,
so "Stansfield" finds "Stansfeld", "Budi tags" finds "Buddi-tags" and "practise" finds "practice"."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from panelqa.search import keyword
from panelqa.search.index import SearchIndex
from panelqa.search.records import Hit, Query
from panelqa.search.terms import content_terms

MIN_SIMILARITY = 80  # rapidfuzz ratio for a word to count as a spelling of another
MAX_VARIANTS = 3
MIN_WORD_LENGTH = 4


def corrections(index: SearchIndex, terms: list[str]) -> list[str]:
    """Index words close to question words that the index does not hold as written."""
    from panelqa.search.stem import stem

    vocab = index.vocab
    known = index.vocab_set
    found: list[str] = []
    for term in terms:
        if len(term) < MIN_WORD_LENGTH or term.isdigit() or stem(term) in known:
            continue
        for match, _score, _ in process.extract(stem(term), vocab, scorer=fuzz.ratio, limit=MAX_VARIANTS,
                                               score_cutoff=MIN_SIMILARITY):
            if match not in found:
                found.append(match)
    return found


def retrieve(index: SearchIndex, query: Query, k: int, allowed: set[int] | None = None) -> list[Hit]:
    terms = content_terms(query.search_text or query.text)
    variants = corrections(index, terms)
    if not variants:
        return []
    return keyword.retrieve(index, query, k, allowed, terms=variants)
