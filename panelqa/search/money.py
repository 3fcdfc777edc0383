"""Money questions answered from the funding ledger built at ingest: each row quoted with its citation,
and a total that counts a grant stated twice once and never adds budgets, thresholds or salaries."""

from __future__ import annotations

import re

import numpy as np

from panelqa.ingest.ledger import statement_key
from panelqa.reports.funding import funding_total, money_rows
from panelqa.reports.match import topic_words
from panelqa.search.index import SearchIndex, doc_matches
from panelqa.search.records import AnswerLine, Passage, Query
from panelqa.search.stem import stems_of

__all__ = ["ledger_answer"]


def ledger_answer(index: SearchIndex, query: Query, vector: np.ndarray,
                  passages: tuple[Passage, ...]) -> tuple[tuple[AnswerLine, ...], tuple[Passage, ...], float, str]:
    """(lines, passages with any extra cited ones appended, total in pounds, note); no lines when no row fits."""
    rows = [r for r in index.ledger if doc_matches(index.documents[r.row.doc_id], query)]
    if query.item:  # an agenda item filter holds for the ledger's lines as for the passages
        in_item = index.item_chunks(query.item)
        rows = [r for r in rows if index.store.chunk_rowid(r.row.chunk_id) in in_item]
    if not rows:
        return (), passages, 0.0, ""
    ids, matrix = index.ledger_vectors
    scores = dict(zip(ids, (matrix @ vector).tolist(), strict=True)) if len(ids) else {}
    found = money_rows(index.store, rows, query.search_text or query.text, scores)
    if not found:
        return (), passages, 0.0, ""
    found = _for_one_purpose(query.text, found)
    found = _once_per_statement(found, {p.chunk_id for p in passages})
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


def _once_per_statement(found: list, shown: set[str]) -> list:
    """A report and its copy in a reports pack state each grant in the same words: the statement is listed and
    added once, from the copy whose passage is already shown when one is."""
    groups: dict[tuple[int, str], list] = {}
    for r in found:
        groups.setdefault(statement_key(r.row), []).append(r)
    keep = set()
    for rows in groups.values():
        papers = {r.row.doc_id for r in rows}
        if len(papers) == 1:
            keep.update(r.row.row_id for r in rows)  # one paper: its own grant links already count it once
            continue
        best = next((r for r in rows if r.row.chunk_id in shown), rows[0])
        keep.update(r.row.row_id for r in rows if r.row.doc_id == best.row.doc_id)
    return [r for r in found if r.row.row_id in keep]


_ONE_AMOUNT = re.compile(r"\bhow much (?:did|does|has|had|will|was|is)\b", re.I)
_ALL_AMOUNTS = re.compile(r"\b(?:in total|total|altogether|overall|in all|all)\b", re.I)
_MONEY_VERBS = frozenset(stems_of("put into invest spend spent fund funding give gave get got receive received "
                                  "allocate allocated award awarded pay paid money grant grants pounds"))


def _for_one_purpose(question: str, found: list) -> list:
    """ "How much did Reading CSP put into its drug treatment programme?" asks for one grant: the rows whose
    sentence holds every word of the purpose the question names, when some rows do and others do not.
    Totals stay for "how much did X get in total" and "what was funded for Y"."""
    if len(found) < 2 or not _ONE_AMOUNT.search(question) or _ALL_AMOUNTS.search(question):
        return found
    named = " ".join(r.row.recipient or "" for r in found).lower()
    purpose = {s for w in topic_words(question) if w not in named and not w[0].isdigit()
               for s in stems_of(w)} - _MONEY_VERBS
    if not purpose:
        return found
    holding = [r for r in found if purpose <= set(stems_of(r.row.sentence))]
    return holding if 0 < len(holding) < len(found) else found
