"""Reciprocal rank fusion: ranks from several retrievers become one order. Scores are never compared."""

from __future__ import annotations

from panelqa.search.records import Hit

RRF_K = 30  # smaller than the usual 60: top ranks of short candidate lists should count (measured, see README)
# Weights per retriever, measured with `panelqa eval` on the dev question sets (see README, "Tuning").
WEIGHTS = {"dense": 1.0, "keyword": 1.5, "fuzzy": 0.5, "phrase": 1.0, "kind": 0.5, "place": 0.5,
           "item": 1.0}  # item: the passages of an agenda item the question names ("the precept report"); not tuned


def fuse(ranked: dict[str, list[Hit]], weights: dict[str, float] | None = None, k: int | None = None) -> list[Hit]:
    weights = weights or WEIGHTS
    k = k or RRF_K
    scores: dict[int, float] = {}
    for name, hits in ranked.items():
        w = weights.get(name, 1.0)
        for hit in hits:
            scores[hit.chunk_rowid] = scores.get(hit.chunk_rowid, 0.0) + w / (k + hit.rank)
    order = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Hit(rowid, score, n + 1) for n, (rowid, score) in enumerate(order)]
