"""Money questions answered from the funding ledger built at ingest: each row quoted with its citation,
and a total that counts a grant stated twice once and never adds budgets, thresholds or salaries."""

from __future__ import annotations

import numpy as np

from panelqa.reports.funding import funding_total, money_rows
from panelqa.search.index import SearchIndex, doc_matches
from panelqa.search.records import AnswerLine, Passage, Query

__all__ = ["ledger_answer"]


def ledger_answer(index: SearchIndex, query: Query, vector: np.ndarray,
                  passages: tuple[Passage, ...]) -> tuple[tuple[AnswerLine, ...], tuple[Passage, ...], float, str]:
    """(lines, passages with any extra cited ones appended, total in pounds, note); no lines when no row fits."""
    rows = [r for r in index.ledger if doc_matches(index.documents[r.row.doc_id], query)]
    if not rows:
        return (), passages, 0.0, ""
    ids, matrix = index.ledger_vectors
    scores = dict(zip(ids, (matrix @ vector).tolist(), strict=True)) if len(ids) else {}
    found = money_rows(index.store, rows, query.search_text or query.text, scores)
    if not found:
        return (), passages, 0.0, ""
    order = {r.row.row_id: n for n, r in enumerate(rows)}
    found.sort(key=lambda r: order[r.row.row_id])  # as the papers list them
    cited = list(passages)
    by_chunk = {p.chunk_id: p.rank for p in cited}
    lines = []
    for r in found:
        if r.row.chunk_id not in by_chunk:
            extra = index.passage_for_chunk(r.row.chunk_id, rank=len(cited) + 1)
            if extra is None:
                continue
            cited.append(extra)
            by_chunk[r.row.chunk_id] = extra.rank
        lines.append(AnswerLine(r.row.sentence, by_chunk[r.row.chunk_id],
                                r.row.amount_pounds if r.row.summed else None))
    total = funding_total(found)
    not_summed = ", ".join(f"{n} {kind}" for kind, n in total.not_summed)
    note = (f"{len(found)} funding statement(s) from the papers' ledger that match the question"
            f"{'; ' + query.filter_note.rstrip('.').lower() if query.filter_note else ''}. The total counts "
            f"{total.grants} grant(s), each once" + (f"; listed but not added: {not_summed}" if not_summed else "")
            + ".")
    return tuple(lines), tuple(cited), total.total_pence / 100, note
