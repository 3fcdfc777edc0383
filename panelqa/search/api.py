"""The search pipeline, top to bottom: parse query -> retrieve -> fuse -> collapse -> answer."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from panelqa.ingest.publisher import publisher_url
from panelqa.search import dense, fuzzy, keyword, phrase
from panelqa.search.answer import build_answer
from panelqa.search.fuse import fuse
from panelqa.search.index import SearchIndex, open_index
from panelqa.search.places import place_documents
from panelqa.search.query import kind_signal, parse_query
from panelqa.search.records import Answer, Citation, Filters, Hit, Passage, Query
from panelqa.settings import Settings

__all__ = ["search", "answer", "ask", "retrieve_passages"]

DEFAULT_TOP_K = 5
CANDIDATES = 100  # taken from each retriever before fusion
DUPLICATE_SIMILARITY = 90  # rapidfuzz ratio above which two passages are the same text
MAX_PER_DOCUMENT = 3  # diversity: at most this many passages of one paper in the top results


def _index(index_dir: str | Path | None, model: str | None) -> SearchIndex:
    settings = Settings.resolve(index_dir, model)
    return open_index(settings.index_dir, settings.model)


def search(question: str, index_dir: str | Path | None = None, *, top_k: int = DEFAULT_TOP_K,
           filters: Filters | None = None, model: str | None = None) -> list[Passage]:
    """Ranked passages for a question, each with document, date and pages."""
    index = _index(index_dir, model)
    query = parse_query(question, filters, index.bodies)
    return list(retrieve_passages(index, query, top_k))


def answer(question: str, index_dir: str | Path | None = None, *, top_k: int = DEFAULT_TOP_K,
           filters: Filters | None = None, model: str | None = None, question_id: str | None = None) -> Answer:
    """A short extractive answer quoting the passages it cites, and the passages."""
    index = _index(index_dir, model)
    return ask(index, question, top_k=top_k, filters=filters, question_id=question_id)


def ask(index: SearchIndex, question: str, *, top_k: int = DEFAULT_TOP_K, filters: Filters | None = None,
        question_id: str | None = None) -> Answer:
    query = parse_query(question, filters, index.bodies)
    vector = index.embedder.embed_query(query.search_text or query.text)
    passages = retrieve_passages(index, query, top_k, vector)
    result = build_answer(index, query, passages, vector)
    return replace(result, id=question_id)


def retrieve_passages(index: SearchIndex, query: Query, top_k: int,
                      vector: np.ndarray | None = None) -> tuple[Passage, ...]:
    allowed = index.allowed_chunks(query)
    outside = False
    if allowed is not None and not allowed:
        allowed, outside = None, True
    if vector is None:
        vector = index.embedder.embed_query(query.search_text or query.text)
    ranked = {
        "dense": dense.retrieve(index, query, CANDIDATES, allowed, vector=vector),
        "keyword": keyword.retrieve(index, query, CANDIDATES, allowed),
        "fuzzy": fuzzy.retrieve(index, query, CANDIDATES, allowed),
        "phrase": phrase.retrieve(index, query, CANDIDATES, allowed),
    }
    if allowed is not None and not any(ranked.values()):
        outside = True
        ranked = {
            "dense": dense.retrieve(index, query, CANDIDATES, None, vector=vector),
            "keyword": keyword.retrieve(index, query, CANDIDATES, None),
            "fuzzy": fuzzy.retrieve(index, query, CANDIDATES, None),
            "phrase": phrase.retrieve(index, query, CANDIDATES, None),
        }
    fused = fuse(ranked)
    head = fused[: max(4 * top_k, 40)]
    rows = index.chunk_rows([h.chunk_rowid for h in head])
    signal = kind_signal(query)
    if signal is not None:
        ranked["kind"] = [Hit(h.chunk_rowid, 1.0, n) for n, h in enumerate(
            (h for h in head if h.chunk_rowid in rows and signal.search(rows[h.chunk_rowid].text)), start=1)]
        head = fuse(ranked)[: len(head)]
    places = place_documents(query.text, index.name_words, len(index.documents))
    if places:
        ranked["place"] = [Hit(h.chunk_rowid, 1.0, n) for n, h in enumerate(
            (h for h in head if h.chunk_rowid in rows and rows[h.chunk_rowid].doc_id in places), start=1)]
        head = fuse(ranked)[: len(head)]
    named_items = index.item_chunks(query.named_item) if query.named_item else set()
    if named_items:  # "the precept report": that item's passages first, in the order found
        ranked["item"] = [Hit(h.chunk_rowid, 1.0, n) for n, h in enumerate(
            (h for h in fused if h.chunk_rowid in named_items), start=1)]
        head = fuse(ranked)[: len(head)]
        rows = index.chunk_rows([h.chunk_rowid for h in head])
    dense_score = {h.chunk_rowid: h.score for h in ranked["dense"]}
    named_docs = _named_documents(index, query)
    kept: list[tuple[object, float, list[Citation]]] = []
    per_doc: dict[str, int] = {}
    for hit in head:
        row = rows.get(hit.chunk_rowid)
        if row is None or row.doc_id in index.superseded:
            continue
        same = next((k for k in kept if _same_text(k[0].text, row.text)), None)
        if same is not None:
            if same[0].doc_id != row.doc_id or same[0].page_start != row.page_start:
                same[2].append(_citation(index, row))
            continue
        if per_doc.get(row.doc_id, 0) >= MAX_PER_DOCUMENT and row.doc_id not in named_docs \
                and row.rowid not in named_items:
            continue
        per_doc[row.doc_id] = per_doc.get(row.doc_id, 0) + 1
        kept.append((row, hit.score, []))
        if len(kept) >= top_k:
            break
    passages = []
    for rank, (row, _score, also) in enumerate(kept, start=1):
        doc = index.documents[row.doc_id]
        passages.append(Passage(
            rank=rank, chunk_id=row.chunk_id, doc_id=row.doc_id, source=doc.source, file_name=doc.file_name,
            title=doc.title.value if doc.title else doc.file_name,
            date=doc.meeting_date.value if doc.meeting_date else None,
            doc_type=doc.doc_type.value if doc.doc_type else None, body=doc.body.value if doc.body else None,
            page=row.page_start, page_end=row.page_end, heading=row.heading, text=row.text,
            score=dense_score.get(row.rowid, 0.0), kind=row.kind, outside_filter=outside, also_in=tuple(also),
            source_url=publisher_url(doc), ocr_confidence=index.ocr_confidence(row.doc_id, row.page_start, row.page_end),
            item_number=row.item_number, item_title=row.item_title))
    return tuple(passages)


def _same_text(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 0.2 * max(len(a), len(b)):
        return False
    return fuzz.ratio(a, b) >= DUPLICATE_SIMILARITY


def _citation(index: SearchIndex, row) -> Citation:
    doc = index.documents[row.doc_id]
    return Citation(source=doc.source, page=row.page_start, page_end=row.page_end,
                    title=doc.title.value if doc.title else doc.file_name,
                    date=doc.meeting_date.value if doc.meeting_date else None,
                    ocr_confidence=index.ocr_confidence(row.doc_id, row.page_start, row.page_end),
                    item_number=row.item_number, item_title=row.item_title)


def _named_documents(index: SearchIndex, query: Query) -> set[str]:
    """Documents whose title the question quotes: diversity does not apply to them."""
    text = query.text.lower()
    return {d for d, doc in index.documents.items()
            if doc.title and len(doc.title.value) > 12 and doc.title.value.lower() in text}


def default_index_dir() -> Path:
    return Path(os.environ.get("PANELQA_INDEX") or "index")
