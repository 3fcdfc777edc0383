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
from panelqa.ingest.store import Store
from panelqa.reports.match import on_or_after, search_rows, start_of, topic_words

__all__ = ["CommitmentView", "FollowUp", "commitment_rows", "with_follow_ups"]

FOLLOW_UP_MIN_COSINE = 0.75  # a later paper's passage this close to a commitment is a possible follow-up
FOLLOW_UP_MIN_WORDS = 0.55  # ... and shares this share of its content words
FOLLOW_UP_CANDIDATES = 50  # closest passages looked at per commitment
MAX_FOLLOW_UPS = 3
FOLLOW_UP_TEXT_CHARS = 200


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


def with_follow_ups(store: Store, views: list[CommitmentView]) -> list[CommitmentView]:
    """For each commitment, passages of later papers that are close in meaning and share its words."""
    docs = store.document_dates()
    ids, vectors = store.row_vectors("commitments")
    emb = dict(zip(ids, vectors, strict=True))
    chunks = store.chunk_passages()
    if not chunks or not emb:
        return views
    matrix = np.vstack([c[3] for c in chunks])
    chunk_start = [start_of(docs[c[0]][1], docs[c[0]][2]) for c in chunks]
    out = []
    for view in views:
        r = view.row
        start = start_of(r.meeting_date, docs.get(r.doc_id, (None, None, []))[2])
        if r.row_id not in emb or start is None:
            out.append(view)
            continue
        scores = matrix @ emb[r.row_id]
        found: list[FollowUp] = []
        for i in np.argsort(-scores)[:FOLLOW_UP_CANDIDATES]:
            later = chunk_start[i]
            if scores[i] < FOLLOW_UP_MIN_COSINE or later is None or later <= start:
                continue
            shared = fuzz.token_set_ratio(" ".join(topic_words(r.text)), " ".join(topic_words(chunks[i][2]))) / 100
            if shared < FOLLOW_UP_MIN_WORDS:
                continue
            doc = docs[chunks[i][0]]
            found.append(FollowUp(doc[0], chunks[i][1], doc[1], _clip(chunks[i][2], FOLLOW_UP_TEXT_CHARS),
                                  round(float(scores[i]), 3)))
            if len(found) >= MAX_FOLLOW_UPS:
                break
        out.append(CommitmentView(view.row, view.file_name, tuple(found), view.score))
    return out


def _clip(text: str, n: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= n else text[:n - 1].rsplit(" ", 1)[0] + " …"
