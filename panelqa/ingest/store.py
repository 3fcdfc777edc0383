"""The index on disk: SQLite is the source of truth, FAISS is derived from it, the manifest is written last.

    index/panelqa.db      documents, files, pages (text and word boxes), chunks (text and embedding), FTS5
    index/vectors.faiss   inner-product index over chunk embeddings, ids = chunks.id
    index/manifest.json   schema version, model, dimension, chunker version, chunk count
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from panelqa.errors import IndexMismatch, PanelqaError
from panelqa.ingest.chunk import CHUNKER_VERSION
from panelqa.ingest.commitments import CommitmentRow
from panelqa.ingest.ledger import LEDGER_VERSION, LedgerRow
from panelqa.ingest.records import Chunk, Document, Fact, Page
from panelqa.ingest.vectors import build_index

__all__ = ["Store", "StoredDocument", "index_backend", "SCHEMA_VERSION", "DB_NAME", "FAISS_NAME", "MANIFEST_NAME"]

log = logging.getLogger(__name__)

DB_NAME = "panelqa.db"
FAISS_NAME = "vectors.faiss"
MANIFEST_NAME = "manifest.json"

MIGRATIONS: list[tuple[str, str]] = [
    ("m001_initial", """
        CREATE TABLE documents (
            doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, file_name TEXT NOT NULL,
            title TEXT, title_source TEXT, body TEXT, body_source TEXT,
            doc_type TEXT, doc_type_source TEXT, meeting_date TEXT, meeting_date_source TEXT,
            financial_years TEXT NOT NULL DEFAULT '[]', agenda_item TEXT, agenda_item_source TEXT,
            page_count INTEGER NOT NULL, pages_without_text TEXT NOT NULL DEFAULT '[]',
            ingested_at REAL NOT NULL);
        CREATE TABLE files (
            path TEXT PRIMARY KEY, doc_id TEXT NOT NULL, size INTEGER NOT NULL,
            status TEXT NOT NULL, duplicate_of TEXT);
        CREATE INDEX files_doc ON files(doc_id);
        CREATE TABLE pages (
            doc_id TEXT NOT NULL, page INTEGER NOT NULL, width REAL, height REAL,
            text TEXT NOT NULL, words TEXT NOT NULL, PRIMARY KEY (doc_id, page));
        CREATE TABLE chunks (
            id INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL,
            ordinal INTEGER NOT NULL, page_start INTEGER NOT NULL, page_end INTEGER NOT NULL,
            kind TEXT NOT NULL, heading_path TEXT NOT NULL, text TEXT NOT NULL, boxes TEXT NOT NULL,
            embedding BLOB NOT NULL);
        CREATE INDEX chunks_doc ON chunks(doc_id);
        CREATE VIRTUAL TABLE chunks_fts USING fts5(
            title, heading, text, tokenize = 'porter unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE chunks_vocab USING fts5vocab(chunks_fts, 'row');
    """),
    ("m002_ledger_commitments", """
        CREATE TABLE ledger (
            id INTEGER PRIMARY KEY, row_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL, page INTEGER NOT NULL,
            amount_pence INTEGER NOT NULL, amount_high_pence INTEGER, amount_text TEXT NOT NULL,
            kind TEXT NOT NULL, recipient TEXT, funder TEXT, funder_source TEXT, purpose TEXT NOT NULL,
            section TEXT, heading TEXT NOT NULL, sentence TEXT NOT NULL, chunk_id TEXT NOT NULL,
            meeting_date TEXT, financial_year TEXT, financial_year_source TEXT, flag TEXT NOT NULL,
            grant_id TEXT NOT NULL, embedding BLOB);
        CREATE INDEX ledger_doc ON ledger(doc_id);
        CREATE VIRTUAL TABLE ledger_fts USING fts5(
            recipient, funder, section, sentence, tokenize = 'porter unicode61 remove_diacritics 2');
        CREATE TABLE commitments (
            id INTEGER PRIMARY KEY, row_id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL, page INTEGER NOT NULL,
            kind TEXT NOT NULL, text TEXT NOT NULL, owner TEXT, speaker TEXT, deadline TEXT, marker TEXT,
            section TEXT, chunk_id TEXT NOT NULL, meeting_date TEXT, financial_year TEXT, embedding BLOB);
        CREATE INDEX commitments_doc ON commitments(doc_id);
        CREATE VIRTUAL TABLE commitments_fts USING fts5(
            owner, section, text, tokenize = 'porter unicode61 remove_diacritics 2');
        CREATE TABLE extracted (doc_id TEXT PRIMARY KEY, ledger_version INTEGER NOT NULL);
    """),
]
SCHEMA_VERSION = len(MIGRATIONS)
_LEDGER_COLUMNS = ("row_id", "doc_id", "page", "amount_pence", "amount_high_pence", "amount_text", "kind",
                   "recipient", "funder", "funder_source", "purpose", "section", "heading", "sentence",
                   "chunk_id", "meeting_date", "financial_year", "financial_year_source", "flag", "grant_id")
_COMMITMENT_COLUMNS = ("row_id", "doc_id", "page", "kind", "text", "owner", "speaker", "deadline", "marker",
                       "section", "chunk_id", "meeting_date", "financial_year")


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document as the index holds it, with its counts."""

    document: Document
    chunk_count: int
    files: tuple[str, ...]


class Store:
    """One open index. Writers hold it for a batch; readers open it read-only."""

    def __init__(self, index_dir: Path, *, read_only: bool = False):
        self.index_dir = Path(index_dir)
        self.read_only = read_only
        self.db_path = self.index_dir / DB_NAME
        if read_only:
            if not self.db_path.exists():
                raise PanelqaError(f"No index at {self.index_dir}/; run \"panelqa ingest corpus/\" to build one.")
            self.conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, check_same_thread=False)
        else:
            try:
                self.index_dir.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(self.db_path, check_same_thread=False)
                self.conn.execute("PRAGMA journal_mode=WAL")
            except (OSError, sqlite3.Error) as exc:
                raise PanelqaError(f"The index folder {self.index_dir}/ is not writable ({exc}); "
                                   "choose another with --index.") from exc
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA busy_timeout=30000")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------------

    def _migrate(self) -> None:
        self.conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL)")
        done = {r[0] for r in self.conn.execute("SELECT name FROM migrations")}
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self.conn:
                self.conn.executescript(f"BEGIN; {sql}; INSERT INTO migrations VALUES ('{name}', {time.time()}); COMMIT;")

    # -- writing --------------------------------------------------------------------------------

    def file_row(self, path: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM files WHERE path = ?", (path,)).fetchone()

    def has_document(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone() is not None

    def primary_file(self, doc_id: str) -> str | None:
        row = self.conn.execute("SELECT path FROM files WHERE doc_id = ? AND status = 'indexed'", (doc_id,)).fetchone()
        return row[0] if row else None

    def write_document(self, doc: Document, pages: list[Page], chunks: list[Chunk], vectors: np.ndarray,
                       size: int, replaces: str | None = None, *, ledger: Sequence[LedgerRow] = (),
                       commitments: Sequence[CommitmentRow] = (), ledger_vectors: np.ndarray | None = None,
                       commitment_vectors: np.ndarray | None = None) -> None:
        """Document, pages, chunks, vectors, ledger and commitment rows and file record commit together."""
        assert len(chunks) == len(vectors), "one vector per chunk"
        title = doc.title.value if doc.title else doc.file_name
        with self.conn:
            if replaces:
                self._delete_document(replaces)
            self._delete_document(doc.doc_id)
            self.conn.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc.doc_id, doc.source, doc.file_name, *_fact(doc.title), *_fact(doc.body), *_fact(doc.doc_type),
                 *_fact(doc.meeting_date), json.dumps([[f.value, f.source] for f in doc.financial_years]),
                 *_fact(doc.agenda_item), doc.page_count, json.dumps(list(doc.pages_without_text)), time.time()))
            self.conn.executemany(
                "INSERT INTO pages VALUES (?,?,?,?,?,?)",
                [(doc.doc_id, p.page, p.width, p.height, p.text, json.dumps(p.words, separators=(",", ":")))
                 for p in pages])
            for chunk, vector in zip(chunks, vectors, strict=True):
                cur = self.conn.execute(
                    "INSERT INTO chunks (chunk_id, doc_id, ordinal, page_start, page_end, kind, heading_path, text,"
                    " boxes, embedding) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (chunk.chunk_id, chunk.doc_id, chunk.ordinal, chunk.page_start, chunk.page_end, chunk.kind,
                     json.dumps(chunk.heading_path), chunk.text, json.dumps(chunk.boxes, separators=(",", ":")),
                     np.asarray(vector, dtype=np.float32).tobytes()))
                self.conn.execute("INSERT INTO chunks_fts (rowid, title, heading, text) VALUES (?,?,?,?)",
                                  (cur.lastrowid, title, chunk.heading, chunk.text))
            self._write_ledger(ledger, ledger_vectors)
            self._write_commitments(commitments, commitment_vectors)
            self.conn.execute("INSERT OR REPLACE INTO extracted VALUES (?,?)", (doc.doc_id, LEDGER_VERSION))
            self.conn.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?,NULL)",
                              (doc.source, doc.doc_id, size, "indexed"))

    def _write_ledger(self, rows: Sequence[LedgerRow], vectors: np.ndarray | None) -> None:
        for i, r in enumerate(rows):
            values = [getattr(r, name) for name in _LEDGER_COLUMNS] + [_blob(vectors, i)]
            cur = self.conn.execute(f"INSERT INTO ledger ({', '.join(_LEDGER_COLUMNS)}, embedding) "
                                    f"VALUES ({','.join('?' * len(values))})", values)
            self.conn.execute("INSERT INTO ledger_fts (rowid, recipient, funder, section, sentence)"
                              " VALUES (?,?,?,?,?)",
                              (cur.lastrowid, r.recipient or "", r.funder or "", r.section or "", r.sentence))

    def _write_commitments(self, rows: Sequence[CommitmentRow], vectors: np.ndarray | None) -> None:
        for i, r in enumerate(rows):
            values = [getattr(r, name) for name in _COMMITMENT_COLUMNS] + [_blob(vectors, i)]
            cur = self.conn.execute(f"INSERT INTO commitments ({', '.join(_COMMITMENT_COLUMNS)}, embedding) "
                                    f"VALUES ({','.join('?' * len(values))})", values)
            self.conn.execute("INSERT INTO commitments_fts (rowid, owner, section, text) VALUES (?,?,?,?)",
                              (cur.lastrowid, r.owner or "", r.section or "", r.text))

    def has_current_extracts(self, doc_id: str) -> bool:
        """False for a document indexed before the ledger existed, or by an older ledger extractor."""
        row = self.conn.execute("SELECT ledger_version FROM extracted WHERE doc_id = ?", (doc_id,)).fetchone()
        return row is not None and row[0] == LEDGER_VERSION

    def record_duplicate(self, path: str, doc_id: str, size: int, duplicate_of: str) -> None:
        with self.conn:
            old = self.file_row(path)
            self.conn.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?)",
                              (path, doc_id, size, "duplicate", duplicate_of))
            if old is not None and old["doc_id"] != doc_id:
                self._delete_if_orphan(old["doc_id"])

    def forget_file(self, path: str) -> bool:
        """Drop a file's record; its document goes too when no other file holds the same bytes."""
        with self.conn:
            row = self.file_row(path)
            if row is None:
                return False
            self.conn.execute("DELETE FROM files WHERE path = ?", (path,))
            others = self.conn.execute("SELECT path FROM files WHERE doc_id = ? ORDER BY path",
                                       (row["doc_id"],)).fetchall()
            if not others:
                self._delete_document(row["doc_id"])
            elif row["status"] == "indexed":
                heir = others[0]["path"]
                self.conn.execute("UPDATE files SET status = 'indexed', duplicate_of = NULL WHERE path = ?", (heir,))
                self.conn.execute("UPDATE files SET duplicate_of = ? WHERE doc_id = ? AND status = 'duplicate'",
                                  (heir, row["doc_id"]))
                self.conn.execute("UPDATE documents SET source = ?, file_name = ? WHERE doc_id = ?",
                                  (heir, Path(heir).name, row["doc_id"]))
            return True

    def file_paths(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT path FROM files ORDER BY path")]

    def _delete_if_orphan(self, doc_id: str) -> None:
        if not self.conn.execute("SELECT 1 FROM files WHERE doc_id = ?", (doc_id,)).fetchone():
            self._delete_document(doc_id)

    def _delete_document(self, doc_id: str) -> None:
        ids = [r[0] for r in self.conn.execute("SELECT id FROM chunks WHERE doc_id = ?", (doc_id,))]
        self.conn.executemany("DELETE FROM chunks_fts WHERE rowid = ?", [(i,) for i in ids])
        for table in ("ledger", "commitments"):
            ids = [r[0] for r in self.conn.execute(f"SELECT id FROM {table} WHERE doc_id = ?", (doc_id,))]
            self.conn.executemany(f"DELETE FROM {table}_fts WHERE rowid = ?", [(i,) for i in ids])
        for table in ("chunks", "pages", "documents", "ledger", "commitments", "extracted"):
            self.conn.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))

    # -- vectors and manifest ----------------------------------------------------------------

    def chunk_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM chunks").fetchone()[0]

    def embeddings(self) -> tuple[np.ndarray, np.ndarray]:
        """All chunk ids and their vectors, in id order."""
        rows = self.conn.execute("SELECT id, embedding FROM chunks ORDER BY id").fetchall()
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        vectors = np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
        return ids, vectors

    def build_faiss(self, dim: int):
        ids, vectors = self.embeddings()
        return build_index(dim, ids, vectors)

    def write_vectors(self, model_name: str, dim: int, backend: str = "torch") -> None:
        """Rebuild vectors.faiss from the database, then the manifest; each file replaced atomically."""
        import faiss

        index = self.build_faiss(dim)
        _atomic_write(self.index_dir / FAISS_NAME, faiss.serialize_index(index).tobytes())
        manifest = {"schema_version": SCHEMA_VERSION, "model": model_name, "backend": backend, "dim": dim,
                    "chunker_version": CHUNKER_VERSION, "chunk_count": int(index.ntotal),
                    "written_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        _atomic_write(self.index_dir / MANIFEST_NAME, json.dumps(manifest, indent=2).encode())

    # -- reading -----------------------------------------------------------------------------

    def documents(self) -> list[StoredDocument]:
        counts = dict(self.conn.execute("SELECT doc_id, count(*) FROM chunks GROUP BY doc_id").fetchall())
        files: dict[str, list[str]] = {}
        for row in self.conn.execute("SELECT doc_id, path FROM files ORDER BY status DESC, path"):
            files.setdefault(row[0], []).append(row[1])
        rows = self.conn.execute("SELECT * FROM documents ORDER BY meeting_date IS NULL, meeting_date, file_name")
        return [StoredDocument(document_from_row(r), counts.get(r["doc_id"], 0), tuple(files.get(r["doc_id"], ())))
                for r in rows]

    def iter_chunks(self, ids: Iterable[int] | None = None) -> Iterator[sqlite3.Row]:
        if ids is None:
            yield from self.conn.execute("SELECT * FROM chunks ORDER BY id")
            return
        ids = list(ids)
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            yield from self.conn.execute(
                f"SELECT * FROM chunks WHERE id IN ({','.join('?' * len(part))})", part)


def read_manifest(index_dir: Path) -> dict | None:
    path = Path(index_dir) / MANIFEST_NAME
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def check_model(index_dir: Path, model_name: str, backend: str | None = None) -> None:
    manifest = read_manifest(index_dir)
    if manifest and manifest.get("model") != model_name:
        raise IndexMismatch(
            f"{index_dir}/ was built with {manifest.get('model')}, not {model_name}; "
            f"use --model {manifest.get('model')} or ingest again into a new --index folder.")
    if manifest and backend and index_backend(manifest) != backend:
        raise IndexMismatch(
            f"{index_dir}/ was embedded with the {index_backend(manifest)} backend, not {backend}; "
            f"set PANELQA_BACKEND={index_backend(manifest)} or ingest again into a new --index folder.")


def index_backend(manifest: dict) -> str:
    """The embedding backend that built an index; indexes from before backends were recorded used torch."""
    return manifest.get("backend") or "torch"


def document_from_row(row: sqlite3.Row) -> Document:
    def fact(name: str) -> Fact | None:
        return Fact(row[name], row[f"{name}_source"]) if row[name] is not None else None

    return Document(
        doc_id=row["doc_id"], source=row["source"], file_name=row["file_name"], title=fact("title"),
        body=fact("body"), doc_type=fact("doc_type"), meeting_date=fact("meeting_date"),
        financial_years=tuple(Fact(v, s) for v, s in json.loads(row["financial_years"])),
        agenda_item=fact("agenda_item"), page_count=row["page_count"],
        pages_without_text=tuple(json.loads(row["pages_without_text"])))


def _blob(vectors: np.ndarray | None, i: int) -> bytes | None:
    return None if vectors is None else np.asarray(vectors[i], dtype=np.float32).tobytes()


def _fact(fact: Fact | None) -> tuple[str | None, str | None]:
    return (fact.value, fact.source) if fact else (None, None)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
