"""Read the commitments tracker: filter by owner and date, search by words and meaning, find follow-ups.

Follow-ups of a commitment are only ever "possible": similar text in a later paper, never a verdict.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from panelqa.ingest.commitments import CommitmentRow, find_owner
from panelqa.ingest.store import Store, load_faiss
from panelqa.reports.match import on_or_after, search_rows, start_of, topic_words

__all__ = ["CommitmentView", "FollowUp", "commitment_rows", "with_follow_ups"]

FOLLOW_UP_MIN_COSINE = 0.75  # a later paper's passage this close to a commitment is a possible follow-up
FOLLOW_UP_MIN_WORDS = 0.55  # ... and shares this share of its content words
FOLLOW_UP_CANDIDATES = 50  # closest passages looked at per commitment
MAX_FOLLOW_UPS = 3
FOLLOW_UP_TEXT_CHARS = 200
FOLLOW_UPS_PER_SEARCH = 256  # commitments searched in one FAISS call: bounds the candidate rows read at once
APPROX_MIN_COSINE = FOLLOW_UP_MIN_COSINE - 0.05  # IVF-SQ8 scores are within about 0.01 of the exact cosine


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A passage of a later paper that looks like it reports on the same matter. A guess, shown as one."""

    file_name: str
    page: int
    meeting_date: str | None
    text: str
    score: float


@dataclass(frozen=True, slots=True)
class CommitmentView:
    row: CommitmentRow
    file_name: str
    follow_ups: tuple[FollowUp, ...] = ()
    score: float = 0.0

    def to_dict(self) -> dict:
        out = asdict(self.row)
        out["file_name"] = self.file_name
        out["follow_ups"] = [asdict(f) for f in self.follow_ups]
        return out


def commitment_rows(index_dir: Path, owner: str | None = None, since: date | None = None,
                    search: str | None = None, model: str | None = None,
                    follow_ups: bool = True) -> list[CommitmentView]:
    """Commitments in date order (or best match first when searching), each with possible follow-ups."""
    with Store(index_dir, read_only=True) as store:
        rows = [CommitmentView(row, name) for row, name in store.commitment_rows()]
        if owner:
            wanted = {owner.lower(), (find_owner(owner) or owner).lower()}
            rows = [r for r in rows if {(r.row.owner or "").lower(), (r.row.speaker or "").lower()} & wanted]
        if since is not None:
            rows = [r for r in rows if on_or_after(r.row.meeting_date, r.row.financial_year, since)]
        if search:
            rows = search_rows(store, "commitments", rows, search, model)
        if follow_ups and rows:
            rows = with_follow_ups(store, rows)
    return rows


def with_follow_ups(store: Store, views: list[CommitmentView], vectors=None) -> list[CommitmentView]:
    """For each commitment, passages of later papers that are close in meaning and share its words.

    The closest passages come from the FAISS index of the chunks (vectors; loaded from the index when not
    given), never from a scan of every chunk embedding (1.5 GB at 1,000,000 chunks); only the candidates'
    rows are read, and their cosines are taken again from the stored embeddings, so an approximate index
    changes which passages are looked at, never a score."""
    docs = store.document_dates()
    ids, matrix = store.row_vectors("commitments")
    emb = dict(zip(ids, matrix, strict=True))
    starts = {v.row.row_id: start_of(v.row.meeting_date, docs.get(v.row.doc_id, (None, None, []))[2]) for v in views}
    asked = [v for v in views if v.row.row_id in emb and starts[v.row.row_id] is not None]
    if not asked:
        return views
    index = vectors if vectors is not None else load_faiss(store, matrix.shape[1])
    found = _follow_ups(store, index, docs, [(v.row, emb[v.row.row_id], starts[v.row.row_id]) for v in asked])
    return [CommitmentView(v.row, v.file_name, found.get(v.row.row_id, ()), v.score) if v.row.row_id in emb
            else v for v in views]


def _follow_ups(store: Store, index, docs: dict, asked: list) -> dict[str, tuple[FollowUp, ...]]:
    """row_id -> possible follow-ups, the commitments searched FOLLOW_UPS_PER_SEARCH at a time."""
    k = min(FOLLOW_UP_CANDIDATES, index.ntotal)
    out: dict[str, tuple[FollowUp, ...]] = {}
    if k <= 0:
        return out
    for first in range(0, len(asked), FOLLOW_UPS_PER_SEARCH):
        part = asked[first:first + FOLLOW_UPS_PER_SEARCH]
        scores, hits = index.search(np.ascontiguousarray(np.vstack([a[1] for a in part]), dtype=np.float32), k)
        wanted = sorted({int(i) for row_scores, row_hits in zip(scores, hits, strict=True)
                         for s, i in zip(row_scores, row_hits, strict=True) if i >= 0 and s >= APPROX_MIN_COSINE})
        chunks = store.chunk_passages(wanted)
        for (row, vector, start), row_hits in zip(part, hits, strict=True):
            candidates = [(float(chunks[i][3] @ vector), i) for i in map(int, row_hits) if i in chunks]
            found: list[FollowUp] = []
            for score, i in sorted(candidates, key=lambda c: -c[0]):
                doc_id, page, text, _ = chunks[i]
                later = start_of(docs[doc_id][1], docs[doc_id][2])
                if score < FOLLOW_UP_MIN_COSINE or later is None or later <= start:
                    continue
                shared = fuzz.token_set_ratio(" ".join(topic_words(row.text)), " ".join(topic_words(text))) / 100
                if shared < FOLLOW_UP_MIN_WORDS:
                    continue
                found.append(FollowUp(docs[doc_id][0], page, docs[doc_id][1], _clip(text, FOLLOW_UP_TEXT_CHARS),
                                      round(score, 3)))
                if len(found) >= MAX_FOLLOW_UPS:
                    break
            out[row.row_id] = tuple(found)
    return out


def _clip(text: str, n: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= n else text[:n - 1].rsplit(" ", 1)[0] + " …"
