"""An opened index for searching: SQLite read-only, FAISS (rebuilt in memory if stale), document facts."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from panelqa.errors import NoIndex
from panelqa.ingest.embed import Embedder, load_embedder, load_embedder_soon
from panelqa.ingest.items import names_item
from panelqa.ingest.records import Document
from panelqa.ingest.store import (
    DB_NAME,
    FAISS_NAME,
    MANIFEST_NAME,
    Store,
    check_model,
    index_identity,
    load_faiss,
)
from panelqa.search.records import Query
from panelqa.text.dates import financial_year_overlaps

__all__ = ["SearchIndex", "open_index", "ChunkRow"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ChunkRow:
    rowid: int
    chunk_id: str
    doc_id: str
    page_start: int
    page_end: int
    kind: str
    heading_path: tuple[str, ...]
    text: str
    item_number: str | None = None
    item_title: str | None = None

    @property
    def heading(self) -> str:
        return " > ".join(self.heading_path)


class SearchIndex:
    """Everything a query needs, loaded once: documents, chunk-to-document map, FAISS, vocabulary."""

    def __init__(self, index_dir: Path, model_name: str, embedder: Embedder | None = None):
        self.index_dir = Path(index_dir)
        self.model_name = model_name
        identity = index_identity(self.index_dir)
        self.backend = identity.backend if identity else "torch"
        self.dim = identity.dim if identity else 0
        check_model(self.index_dir, model_name, self.backend)
        self.store = Store(self.index_dir, read_only=True)
        self.store.snapshot()  # one committed state for every read of this index, whatever a writer does
        self.lock = threading.Lock()
        stored = self.store.documents()
        self.documents: dict[str, Document] = {s.document.doc_id: s.document for s in stored}
        self.superseded: set[str] = {s.document.doc_id for s in stored if s.superseded}  # answers cite the newest
        by_doc: dict[str, list[int]] = {}
        for rowid, doc_id in self.store.chunk_map().items():
            by_doc.setdefault(doc_id, []).append(rowid)
        self.doc_chunks: dict[str, tuple[int, ...]] = {d: tuple(ids) for d, ids in by_doc.items()}  # a window is
        # a set of papers: its chunks are gathered paper by paper, not by a pass over every chunk (1M at scale)
        self._size = sum(len(ids) for ids in self.doc_chunks.values())
        self.ocr_pages: dict[tuple[str, int], float] = self.store.ocr_confidences()
        self.bodies = tuple(sorted({d.body.value for d in self.documents.values() if d.body}))
        self._embedder = embedder
        self._faiss = None
        self._vocab: list[str] | None = None
        self._vocab_set: set[str] | None = None
        self._glossary: dict[str, str] | None = None
        self._name_words: dict[str, frozenset[str]] | None = None
        self._ledger = None
        self._ledger_vectors = None
        self._chunk_items: dict[int, tuple[str, str | None]] | None = None
        self.stamp = _stamp(self.index_dir)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None or getattr(self._embedder, "backend", self.backend) != self.backend:
            self._embedder = load_embedder(self.model_name, self.backend)  # queries as the index was embedded
        return self._embedder

    def load_model_soon(self) -> None:
        """Load the query model on a thread while the caller goes on, for a caller about to ask (a cold
        `panelqa ask`: the model loads beside the imports and reads before the first embedding)."""
        if self._embedder is None:
            load_embedder_soon(self.model_name, self.backend)

    @property
    def size(self) -> int:
        return self._size

    @property
    def faiss(self):
        if self._faiss is None:
            self._faiss = self._load_faiss()
        return self._faiss

    def _load_faiss(self):
        return load_faiss(self.store, self.dim or self.embedder.dim)

    @property
    def vocab(self) -> list[str]:
        if self._vocab is None:
            self._vocab = [t for t in self.store.vocabulary(min_length=4) if not t.isdigit()]
            self._vocab_set = set(self._vocab)
        return self._vocab

    @property
    def vocab_set(self) -> set[str]:
        _ = self.vocab
        return self._vocab_set or set()

    @property
    def name_words(self) -> dict[str, frozenset[str]]:
        """Words of the papers' bodies, titles and file names -> the papers holding them (see search/places.py)."""
        if self._name_words is None:
            from panelqa.search.places import name_words

            self._name_words = name_words(self.documents)
        return self._name_words

    @property
    def glossary(self) -> dict[str, str]:
        """Abbreviations the papers define, short form -> long form."""
        if self._glossary is None:
            from panelqa.search.abbreviations import build_glossary

            self._glossary = build_glossary(self.store.chunk_texts(like="%(%)%"))
        return self._glossary

    @property
    def ledger(self) -> list:
        """The funding ledger's rows (reports.funding.FundingRow), loaded once."""
        if self._ledger is None:
            from panelqa.reports.funding import ledger_rows

            with self.lock:
                self._ledger = ledger_rows(self.store)
        return self._ledger

    @property
    def ledger_vectors(self) -> tuple[list[str], np.ndarray]:
        if self._ledger_vectors is None:
            self._ledger_vectors = self.store.row_vectors("ledger") if self.ledger else ([], np.zeros((0, 1)))
        return self._ledger_vectors

    def passage_for_chunk(self, chunk_id: str, rank: int):
        """A Passage for one chunk, to cite evidence that retrieval did not rank."""
        from panelqa.ingest.publisher import publisher_url
        from panelqa.search.records import Passage

        rowid = self.store.chunk_rowid(chunk_id)
        if rowid is None:
            return None
        row = self.chunk_rows([rowid])[rowid]
        doc = self.documents[row.doc_id]
        return Passage(rank=rank, chunk_id=row.chunk_id, doc_id=row.doc_id, source=doc.source,
                       file_name=doc.file_name, title=doc.title.value if doc.title else doc.file_name,
                       date=doc.meeting_date.value if doc.meeting_date else None,
                       doc_type=doc.doc_type.value if doc.doc_type else None,
                       body=doc.body.value if doc.body else None, page=row.page_start, page_end=row.page_end,
                       heading=row.heading, text=row.text, score=0.0, kind=row.kind,
                       source_url=publisher_url(doc), item_number=row.item_number, item_title=row.item_title,
                       ocr_confidence=self.ocr_confidence(row.doc_id, row.page_start, row.page_end))

    def ocr_confidence(self, doc_id: str, page: int, page_end: int) -> float | None:
        """The mean word confidence of the OCR-read pages in a page span; None when all have a text layer."""
        found = [self.ocr_pages[(doc_id, p)] for p in range(page, page_end + 1) if (doc_id, p) in self.ocr_pages]
        return round(sum(found) / len(found), 1) if found else None

    def allowed_chunks(self, query: Query) -> set[int] | None:
        """Chunk ids inside the query's window, or None when nothing narrows it."""
        if not query.filtered:
            return None
        allowed = {rowid for d, doc in self.documents.items() if doc_matches(doc, query)
                   for rowid in self.doc_chunks.get(d, ())}
        return allowed & self.item_chunks(query.item) if query.item else allowed

    def chunk_rows(self, rowids: list[int]) -> dict[int, ChunkRow]:
        if not rowids:
            return {}
        return {r[0]: ChunkRow(r[0], r[1], r[2], r[3], r[4], r[5], tuple(json.loads(r[6])), r[7], r[8], r[9])
                for r in self.store.chunk_rows_by_id(rowids)}

    @property
    def chunk_items(self) -> dict[int, tuple[str, str | None]]:
        """chunks.id -> (item number, item title) of the chunks inside an agenda item, loaded once."""
        if self._chunk_items is None:
            with self.lock:
                self._chunk_items = self.store.chunk_items()
        return self._chunk_items

    def item_chunks(self, wanted: str) -> set[int]:
        """Chunk ids of the agenda items a number ("7") or words of a title ("precept") name."""
        return {rowid for rowid, (number, title) in self.chunk_items.items() if names_item(wanted, number, title)}

    def page_text(self, doc_id: str, page: int) -> str:
        return self.store.page_text(doc_id, page)

    def chunk_boxes(self, chunk_id: str, page: int) -> tuple[tuple[float, float, float, float], ...]:
        """The boxes (x0, top, x1, bottom) of a chunk's lines on one page."""
        return tuple((b[1], b[2], b[3], b[4]) for b in self.store.chunk_boxes(chunk_id) if b[0] == page)

    def pdf_path(self, doc_id: str) -> Path | None:
        """The file of an indexed document, if it is still where it was ingested and unchanged; else None.

        Only documents in the index are reachable: the path comes from the index's own `files` table,
        and is returned only if the file's SHA-256 still equals the doc_id.
        """
        from panelqa.ingest.run import file_hash

        if doc_id not in self.documents:
            return None
        for raw in self.store.document_paths(doc_id):
            for path in (Path(raw), self.index_dir.parent / raw):
                if path.is_file() and file_hash(path) == doc_id:
                    return path
        return None

    def close(self) -> None:
        self.store.close()


def doc_matches(doc: Document, query: Query) -> bool:
    """Inside the query's date, type, body and document window; an unknown date is not outside it."""
    if query.doc_ids and doc.doc_id not in query.doc_ids:
        return False
    if query.doc_types and (doc.doc_type is None or doc.doc_type.value not in query.doc_types):
        return False
    if query.bodies and doc.body is not None and doc.body.value not in query.bodies:
        return False
    if query.since or query.until:
        lo, hi = query.since or date.min, query.until or date.max
        if doc.date is None and not doc.financial_years:
            return True  # unknown date: not known to be outside the window
        dated_inside = doc.date is not None and lo <= doc.date <= hi
        return dated_inside or any(financial_year_overlaps(f.value, lo, hi) for f in doc.financial_years)
    return True


def _stamp(index_dir: Path) -> tuple:
    """What says an ingest has finished: it rewrites the manifest last (and a rebuild replaces the database).
    Writes in between are not seen by an open index, which reads one snapshot, so queries during an ingest
    neither fail nor reload."""
    def of(name: str) -> tuple[int, int] | None:
        try:
            st = (index_dir / name).stat()
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns

    db = of(DB_NAME)
    return (db[0] if db else None, of(FAISS_NAME), of(MANIFEST_NAME))


_OPEN: dict[tuple[str, str], SearchIndex] = {}
_OPEN_LOCK = threading.Lock()


def open_index(index_dir: str | Path, model_name: str, embedder: Embedder | None = None) -> SearchIndex:
    """One SearchIndex per folder and model, reopened when the index on disk has changed."""
    index_dir = Path(index_dir)
    if not (index_dir / DB_NAME).exists():
        raise NoIndex(f"No index at {index_dir}/; run \"panelqa ingest corpus/ --index {index_dir}\" first.")
    key = (str(index_dir.resolve()), model_name)
    with _OPEN_LOCK:
        current = _OPEN.get(key)
        if current is not None and current.stamp == _stamp(index_dir):
            return current
        opened = SearchIndex(index_dir, model_name, embedder or (current._embedder if current else None))
        _OPEN[key] = opened
        return opened


def unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector
