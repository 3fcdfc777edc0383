"""Finding ledger and commitments rows by words (FTS5) and by meaning (row embeddings), fused by rank.

Shared by the funding ledger and the commitments tracker. The query is embedded as the index was:
same model, same backend.
"""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import date

from panelqa.ingest.store import Store, index_identity
from panelqa.search.fuse import fuse
from panelqa.search.records import Hit
from panelqa.search.terms import fts_quote
from panelqa.text.stopwords import MONEY_WORDS, STOP_WORDS

__all__ = ["search_rows", "dense_scores", "topic_words", "with_score", "in_year", "on_or_after", "start_of",
           "DENSE_MIN_SCORE"]

DENSE_MIN_SCORE = 0.45  # cosine a row needs to match a search by meaning alone
_STOP = STOP_WORDS | MONEY_WORDS  # words that say "money" or "a question" but not which money narrow nothing


def search_rows(store: Store, table: str, rows: list, text: str, model: str | None = None,
                min_score: float = DENSE_MIN_SCORE) -> list:
    """Rows holding every topic word of text, or close to it in meaning, fused by rank (best first)."""
    position = {r.row.row_id: n for n, r in enumerate(rows)}
    words = topic_words(text)
    ranked: dict[str, list[Hit]] = {"keyword": [], "dense": []}
    if words:
        found = [i for i in store.match_rows(table, " AND ".join(fts_quote(w) for w in words)) if i in position]
        ranked["keyword"] = [Hit(position[i], 0.0, rank) for rank, i in enumerate(found, start=1)]
    dense = dense_scores(store, table, text, model)
    close = sorted(((s, i) for i, s in dense.items() if i in position and s >= min_score), reverse=True)
    ranked["dense"] = [Hit(position[i], s, rank) for rank, (s, i) in enumerate(close, start=1)]
    return [with_score(rows[hit.chunk_rowid], hit.score) for hit in fuse(ranked)]


def dense_scores(store: Store, table: str, text: str, model: str | None = None) -> dict[str, float]:
    """row_id -> cosine of the row's embedding with the text's, embedded with the index's model and backend."""
    ids, matrix = store.row_vectors(table)
    if not ids:
        return {}
    from panelqa.ingest.embed import load_embedder
    from panelqa.settings import Settings

    identity = index_identity(store.index_dir)
    name = model or (identity.model if identity else Settings.resolve(store.index_dir).model)
    query = load_embedder(name, identity.backend if identity else None).embed_query(text)
    return dict(zip(ids, (matrix @ query).tolist(), strict=True))


def topic_words(text: str) -> list[str]:
    """The words of a search or money question that say what it is about."""
    words = re.findall(r"[A-Za-z][A-Za-z'-]+|\d{4}(?:/\d{2})?", text.lower())
    return [w for w in words if w not in _STOP and len(w) > 1]


def with_score(view, score: float):
    """A copy of a row view with its match score."""
    return type(view)(**{**{f.name: getattr(view, f.name) for f in fields(view)}, "score": round(score, 5)})


def _fy_span(fy: str | None) -> tuple[date, date] | None:
    if not fy or not fy[:4].isdigit():
        return None
    start = int(fy[:4])
    return date(start, 4, 1), date(start + 1, 3, 31)


def in_year(meeting_date: str | None, fy: str | None, year: int) -> bool:
    """The paper's date is in the year; with no date, its financial year overlaps the calendar year."""
    if meeting_date:
        return meeting_date[:4] == str(year)
    span = _fy_span(fy)
    return span is not None and span[0].year <= year <= span[1].year


def on_or_after(meeting_date: str | None, fy: str | None, since: date) -> bool:
    if meeting_date:
        return date.fromisoformat(meeting_date) >= since
    span = _fy_span(fy)
    return span is not None and span[1] >= since


def start_of(meeting_date: str | None, financial_years) -> date | None:
    """A paper's date, or the first day of its latest financial year when it has no date."""
    if meeting_date:
        return date.fromisoformat(meeting_date)
    years = [fy[0] if isinstance(fy, list | tuple) else fy for fy in financial_years or []]
    starts = [int(y[:4]) for y in years if y and y[:4].isdigit()]
    return date(max(starts), 4, 1) if starts else None
