"""The index on disk: SQLite is the source of truth, FAISS is derived from it, the manifest is written last.

    index/panelqa.db      documents, files, pages (text, word boxes, OCR confidence), chunks (text,
                          embedding and agenda item), FTS5, and the OCR cache (what Tesseract read, by page content hash)
    index/vectors.faiss   inner-product index over chunk embeddings, ids = chunks.id
    index/manifest.json   a cache of what the database says: model, backend, dimension, chunk count

The database records which model, backend and dimension embedded the index (table index_info) and which
versions of the extractor, chunker and ledger built each document (table builds); a missing or damaged
manifest is rewritten from it. Every embedding is stored with the key of the text it embeds, so a text
already embedded (in any paper) is never embedded again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from panelqa.errors import IndexDamaged, IndexMismatch, PanelqaError, index_damaged, index_not_writable
from panelqa.ingest.ledger import LedgerRow
from panelqa.ingest.publisher import SOURCE as PUBLISHER_SOURCE
from panelqa.ingest.publisher import publisher_url
from panelqa.ingest.records import Chunk, Document, Fact, Page
from panelqa.ingest.vectors import build_index

if TYPE_CHECKING:  # the commitment rules and the build versions (chunker, extractor) load only where used:
    # a query reads none of them, and importing them is a tenth of a cold "panelqa ask"
    from panelqa.ingest.commitments import CommitmentRow

__all__ = ["Store", "StoredDocument", "OcrCache", "IndexIdentity", "index_identity", "index_backend", "check_model",
           "vectors_problem", "read_faiss", "load_faiss", "damaged",
           "SCHEMA_VERSION", "DB_NAME", "FAISS_NAME", "MANIFEST_NAME"]

log = logging.getLogger(__name__)

DB_NAME = "panelqa.db"
FAISS_NAME = "vectors.faiss"
MANIFEST_NAME = "manifest.json"
BUSY_TIMEOUT_S = 30.0  # a reader or a short write waits this long for a writer's transaction before failing
INTEGRITY_CHECK_MAX_BYTES = 2 << 30  # ingest reads every page of databases up to 2 GB (0.6 s for corpus-dev's 80 MB)

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
    ("m003_alerts", """
        CREATE TABLE alerts (
            name TEXT PRIMARY KEY, query TEXT NOT NULL, doc_type TEXT, body TEXT,
            created_at REAL NOT NULL, last_run_at REAL);
    """),
    ("m004_builds_identity_embed_keys", """
        CREATE TABLE builds (
            doc_id TEXT PRIMARY KEY, extractor INTEGER NOT NULL, chunker INTEGER NOT NULL,
            ledger INTEGER NOT NULL, ledger_error TEXT);
        INSERT INTO builds SELECT doc_id, 0, 0, ledger_version, NULL FROM extracted;
        DROP TABLE extracted;
        CREATE TABLE index_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        ALTER TABLE chunks ADD COLUMN embed_key TEXT;
        CREATE INDEX chunks_embed_key ON chunks(embed_key);
        ALTER TABLE ledger ADD COLUMN embed_key TEXT;
        CREATE INDEX ledger_embed_key ON ledger(embed_key);
        ALTER TABLE commitments ADD COLUMN embed_key TEXT;
        CREATE INDEX commitments_embed_key ON commitments(embed_key);
    """),
    ("m005_ocr", """
        ALTER TABLE pages ADD COLUMN ocr_confidence REAL;
        ALTER TABLE builds ADD COLUMN ocr_pending INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE ocr_cache (
            page_key TEXT PRIMARY KEY, result TEXT NOT NULL, confidence REAL NOT NULL, seconds REAL NOT NULL,
            created_at REAL NOT NULL);
    """),
    ("m006_agenda_items", """
        ALTER TABLE chunks ADD COLUMN item_number TEXT;
        ALTER TABLE chunks ADD COLUMN item_title TEXT;
    """),
    ("m007_published_versions", """
        ALTER TABLE documents ADD COLUMN published_url TEXT;
        ALTER TABLE documents ADD COLUMN published_version INTEGER;
        CREATE INDEX documents_published ON documents (published_url, published_version);
    """),
]
# A fetched paper the publisher has since changed: a later version of the same URL is in the index. Its text is
# kept (docs lists it), but answers, the ledger and the commitments read only the newest version.
_SUPERSEDED = ("EXISTS (SELECT 1 FROM documents n WHERE n.published_url = {d}.published_url "
               "AND n.published_version > {d}.published_version)")
SCHEMA_VERSION = len(MIGRATIONS)
_LEDGER_COLUMNS = ("row_id", "doc_id", "page", "amount_pence", "amount_high_pence", "amount_text", "kind",
                   "recipient", "funder", "funder_source", "purpose", "section", "heading", "sentence",
                   "chunk_id", "meeting_date", "financial_year", "financial_year_source", "flag", "grant_id")
_COMMITMENT_COLUMNS = ("row_id", "doc_id", "page", "kind", "text", "owner", "speaker", "deadline", "marker",
                       "section", "chunk_id", "meeting_date", "financial_year")


@dataclass(frozen=True, slots=True)
class IndexIdentity:
    """The model that embedded an index: vectors of another model, backend or size cannot be mixed in."""

    model: str
    backend: str
    dim: int


@dataclass(frozen=True, slots=True)
class Vectors:
    """Embeddings of a list of texts, each with the key of the text, model and backend it embeds."""

    values: np.ndarray
    keys: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.keys)

    def part(self, start: int, end: int) -> Vectors:
        return Vectors(self.values[start:end], self.keys[start:end])


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document as the index holds it, with its counts."""

    document: Document
    chunk_count: int
    files: tuple[str, ...]
    ocr_pages: tuple[tuple[int, float], ...] = ()  # (page, mean word confidence) of the pages read by OCR
    superseded: bool = False  # the publisher has a later version of this paper, also in the index


class OcrCache:
    """What Tesseract read, keyed by page content hash, in the index database. Ingest workers read and add to
    it directly (each entry is one small transaction), so a page is read once even when a run is killed."""

    def __init__(self, db_path: str):
        self.conn = sqlite3.connect(db_path, timeout=30.0, check_same_thread=False)

    def get(self, page_key: str) -> dict | None:
        row = self.conn.execute("SELECT result FROM ocr_cache WHERE page_key = ?", (page_key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, page_key: str, result: dict) -> None:
        """Add a page's result; a cache that cannot be written (busy, read-only) costs a re-read later, no more."""
        try:
            with self.conn:
                self.conn.execute("INSERT OR REPLACE INTO ocr_cache VALUES (?,?,?,?,?)",
                                  (page_key, json.dumps(result, separators=(",", ":")), result["confidence"],
                                   result["seconds"], time.time()))
        except sqlite3.Error as exc:
            log.warning("OCR result of a page not cached (%s); it is read again on the next ingest", exc)

    def close(self) -> None:
        self.conn.close()


class Store:
    """One open index. Writers hold it for a batch; readers open it read-only."""

    def __init__(self, index_dir: Path, *, read_only: bool = False):
        self.index_dir = Path(index_dir)
        self.read_only = read_only
        self.db_path = self.index_dir / DB_NAME
        if read_only:
            if not self.db_path.exists():
                raise PanelqaError(f"No index at {self.index_dir}/; run \"panelqa ingest corpus/\" to build one.")
            self._open_read_only()
            if self._missing_migrations():
                self.conn.close()
                self._upgrade()
                self._open_read_only()
        else:
            try:
                self.index_dir.mkdir(parents=True, exist_ok=True)
                for path in (self.index_dir, self.db_path):  # SQLite would open it read-only and fail later
                    if path.exists() and not os.access(path, os.W_OK):
                        raise index_not_writable(self.index_dir, f"no write permission on {path.name}")
                self.conn = sqlite3.connect(self.db_path, check_same_thread=False, timeout=BUSY_TIMEOUT_S)
                self._probe()
                self.conn.execute("PRAGMA journal_mode=WAL")
            except PanelqaError as exc:
                if isinstance(exc, IndexDamaged) and _cannot_write(exc.__cause__):
                    raise index_not_writable(self.index_dir, exc.__cause__) from exc
                raise
            except (OSError, sqlite3.Error) as exc:
                raise index_not_writable(self.index_dir, exc) from exc
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
            self._adopt_manifest_identity()
        self.conn.row_factory = sqlite3.Row

    def _open_read_only(self) -> None:
        """Open for reading. A WAL database needs its -shm file, which a reader of a folder it cannot write
        (a shared index, a read-only mount) cannot create: with no writer at work (no -wal file) the database
        is then opened as immutable, so reading never needs the folder to be writable."""
        uri = f"file:{urllib.parse.quote(str(self.db_path))}?mode=ro"
        self.conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_S)
        try:
            self._probe()
        except IndexDamaged as exc:
            wal = self.db_path.with_name(self.db_path.name + "-wal")
            if not _cannot_write(exc.__cause__) or wal.exists():
                raise
            self.conn = sqlite3.connect(uri + "&immutable=1", uri=True, check_same_thread=False)
            self._probe()

    def _missing_migrations(self) -> list[str]:
        try:
            done = {r[0] for r in self.conn.execute("SELECT name FROM migrations")}
        except sqlite3.OperationalError:
            done = set()
        return [name for name, _ in MIGRATIONS if name not in done]

    def _upgrade(self) -> None:
        """An index written by an older panelqa gets the newer schema before it is read (the steps only add)."""
        try:
            Store(self.index_dir).close()
        except PanelqaError as exc:
            raise IndexMismatch(f"{self.index_dir}/ was built by an older panelqa and cannot be upgraded here "
                                f"({exc}); run \"panelqa ingest <your papers> --index {self.index_dir}\" where "
                                "the folder is writable.") from exc

    def _probe(self) -> None:
        """A file that is not a SQLite database at all is named as damaged here, not deep inside a query."""
        try:
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # bytes of a damaged text column
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise
            self.conn.close()
            raise damaged(self.index_dir, exc) from exc

    def check_integrity(self) -> None:
        """Read every page of the database (SQLite's quick_check) on indexes small enough to do it on each
        ingest, so a damaged one is never reported as "unchanged"."""
        if self.db_path.stat().st_size > INTEGRITY_CHECK_MAX_BYTES:
            return
        try:
            problems = [r[0] for r in self.conn.execute("PRAGMA quick_check(3)")]
            for table in ("chunks_fts", "ledger_fts", "commitments_fts"):  # FTS5 keeps its index inside blobs
                self.conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
            self.conn.commit()  # the check's INSERT opened a write transaction: holding it would lock out the
            #                     ingest workers' OCR cache for the whole run
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise damaged(self.index_dir, exc) from exc
        if problems != ["ok"]:
            raise damaged(self.index_dir, "; ".join(problems))

    def snapshot(self) -> None:
        """Pin what this read-only connection sees until it closes: every read then sees one committed
        state, whatever a writer commits meanwhile."""
        self.conn.execute("BEGIN")
        self.conn.execute("SELECT count(*) FROM documents").fetchone()

    def generation(self) -> int:
        """How many times the chunks have changed: the vector file records the generation it was built from."""
        rows = self._read("SELECT value FROM index_info WHERE key = 'generation'")
        return int(rows[0][0]) if rows else 0

    def _bump_generation(self) -> None:
        self.conn.execute("INSERT INTO index_info VALUES ('generation', '1') ON CONFLICT(key) DO UPDATE "
                          "SET value = CAST(value AS INTEGER) + 1")

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

    def _adopt_manifest_identity(self) -> None:
        """An index from before index_info keeps the model its manifest names."""
        if self.identity() is None and self.chunk_count() and (manifest := read_manifest(self.index_dir)):
            if manifest.get("model") and manifest.get("dim"):
                self.set_identity(IndexIdentity(manifest["model"], index_backend(manifest), int(manifest["dim"])))

    def identity(self) -> IndexIdentity | None:
        rows = dict(self._read("SELECT key, value FROM index_info"))
        if not rows.get("model"):
            return None
        return IndexIdentity(rows["model"], rows.get("backend") or "torch", int(rows.get("dim") or 0))

    def set_identity(self, identity: IndexIdentity) -> None:
        with self.conn:
            self.conn.executemany("INSERT OR REPLACE INTO index_info VALUES (?,?)",
                                  [("model", identity.model), ("backend", identity.backend),
                                   ("dim", str(identity.dim))])
    # -- saved searches (alerts) ------------------------------------------------------------------

    def add_alert(self, name: str, query: str, doc_type: str | None, body: str | None, created_at: float) -> None:
        with self.conn:
            self.conn.execute("INSERT INTO alerts VALUES (?,?,?,?,?,NULL)", (name, query, doc_type, body, created_at))

    def alert_row(self, name: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM alerts WHERE name = ?", (name,)).fetchone()

    def alerts(self) -> list[sqlite3.Row]:
        """The saved searches by name; none in an index read-only before migration m003 reached it."""
        if not self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alerts'").fetchone():
            return []
        return self.conn.execute("SELECT * FROM alerts ORDER BY name").fetchall()

    def remove_alert(self, name: str) -> bool:
        with self.conn:
            return self.conn.execute("DELETE FROM alerts WHERE name = ?", (name,)).rowcount > 0

    def mark_alert_run(self, name: str, at: float) -> None:
        with self.conn:
            self.conn.execute("UPDATE alerts SET last_run_at = ? WHERE name = ?", (at, name))

    def documents_ingested_since(self, since: float) -> list[str]:
        """Documents first indexed after `since` (unix time); re-processing a paper keeps its first time."""
        return [r[0] for r in self.conn.execute("SELECT doc_id FROM documents WHERE ingested_at > ?", (since,))]

    # -- writing --------------------------------------------------------------------------------

    def file_row(self, path: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM files WHERE path = ?", (path,)).fetchone()

    def has_document(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone() is not None

    def primary_file(self, doc_id: str) -> str | None:
        row = self.conn.execute("SELECT path FROM files WHERE doc_id = ? AND status = 'indexed'", (doc_id,)).fetchone()
        return row[0] if row else None

    def write_document(self, doc: Document, pages: list[Page], chunks: list[Chunk], vectors: Vectors,
                       size: int, replaces: str | None = None, *, ledger: Sequence[LedgerRow] = (),
                       commitments: Sequence[CommitmentRow] = (), ledger_vectors: Vectors | None = None,
                       commitment_vectors: Vectors | None = None, ledger_error: str | None = None) -> None:
        """Document, pages, chunks, vectors, ledger and commitment rows, build versions and file record commit
        together. ledger_error: the rows could not be extracted; the next ingest tries again."""
        assert len(chunks) == len(vectors), "one vector per chunk"
        title = doc.title.value if doc.title else doc.file_name
        with self.conn:
            first = self.conn.execute("SELECT ingested_at FROM documents WHERE doc_id = ?", (doc.doc_id,)).fetchone()
            if replaces:
                self._delete_document(replaces)
            self._delete_document(doc.doc_id)
            self.conn.execute(
                "INSERT INTO documents (doc_id, source, file_name, title, title_source, body, body_source, doc_type,"
                " doc_type_source, meeting_date, meeting_date_source, financial_years, agenda_item,"
                " agenda_item_source, page_count, pages_without_text, ingested_at, published_url, published_version)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc.doc_id, doc.source, doc.file_name, *_fact(doc.title), *_fact(doc.body), *_fact(doc.doc_type),
                 *_fact(doc.meeting_date), json.dumps([[f.value, f.source] for f in doc.financial_years]),
                 *_fact(doc.agenda_item), doc.page_count, json.dumps(list(doc.pages_without_text)),
                 first[0] if first else time.time(), publisher_url(doc), doc.published_version))
            self.conn.executemany(
                "INSERT INTO pages (doc_id, page, width, height, text, words, ocr_confidence) VALUES (?,?,?,?,?,?,?)",
                [(doc.doc_id, p.page, p.width, p.height, p.text, json.dumps(p.words, separators=(",", ":")),
                  p.ocr.confidence if p.ocr else None) for p in pages])
            for chunk, vector, key in zip(chunks, vectors.values, vectors.keys, strict=True):
                cur = self.conn.execute(
                    "INSERT INTO chunks (chunk_id, doc_id, ordinal, page_start, page_end, kind, heading_path, text,"
                    " boxes, embedding, embed_key, item_number, item_title) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (chunk.chunk_id, chunk.doc_id, chunk.ordinal, chunk.page_start, chunk.page_end, chunk.kind,
                     json.dumps(chunk.heading_path), chunk.text, json.dumps(chunk.boxes, separators=(",", ":")),
                     np.asarray(vector, dtype=np.float32).tobytes(), key, chunk.item_number, chunk.item_title))
                self.conn.execute("INSERT INTO chunks_fts (rowid, title, heading, text) VALUES (?,?,?,?)",
                                  (cur.lastrowid, title, chunk.heading, chunk.text))
            self._write_ledger(ledger, ledger_vectors)
            self._write_commitments(commitments, commitment_vectors)
            build = _current_build()
            pending = sum(1 for p in pages if p.ocr and p.ocr.status == "unavailable")
            self.conn.execute("INSERT OR REPLACE INTO builds VALUES (?,?,?,?,?,?)",
                              (doc.doc_id, build.extractor, build.chunker, build.ledger, ledger_error, pending))
            self.conn.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?,NULL)",
                              (doc.source, doc.doc_id, size, "indexed"))

    def _write_ledger(self, rows: Sequence[LedgerRow], vectors: Vectors | None) -> None:
        for i, r in enumerate(rows):
            values = [getattr(r, name) for name in _LEDGER_COLUMNS] + [*_blob(vectors, i)]
            cur = self.conn.execute(f"INSERT INTO ledger ({', '.join(_LEDGER_COLUMNS)}, embedding, embed_key) "
                                    f"VALUES ({','.join('?' * len(values))})", values)
            self.conn.execute("INSERT INTO ledger_fts (rowid, recipient, funder, section, sentence)"
                              " VALUES (?,?,?,?,?)",
                              (cur.lastrowid, r.recipient or "", r.funder or "", r.section or "", r.sentence))

    def _write_commitments(self, rows: Sequence[CommitmentRow], vectors: Vectors | None) -> None:
        for i, r in enumerate(rows):
            values = [getattr(r, name) for name in _COMMITMENT_COLUMNS] + [*_blob(vectors, i)]
            cur = self.conn.execute(f"INSERT INTO commitments ({', '.join(_COMMITMENT_COLUMNS)}, embedding, embed_key) "
                                    f"VALUES ({','.join('?' * len(values))})", values)
            self.conn.execute("INSERT INTO commitments_fts (rowid, owner, section, text) VALUES (?,?,?,?)",
                              (cur.lastrowid, r.owner or "", r.section or "", r.text))

    def stale_reason(self, doc_id: str, ocr_available: bool = False) -> str | None:
        """Why an indexed document must be read again, or None when the current code built all of it.
        ocr_available: Tesseract is installed now, so scanned pages left unread when it was not are read."""
        row = self.conn.execute("SELECT * FROM builds WHERE doc_id = ?", (doc_id,)).fetchone()
        from panelqa.ingest.versions import BuildVersions

        if row is None or BuildVersions(row["extractor"], row["chunker"], row["ledger"]) != _current_build():
            return "built by older panelqa"
        if row["ledger_error"]:
            return "ledger and commitments not extracted last time; trying again"
        doc = self.conn.execute("SELECT title_source, published_version FROM documents WHERE doc_id = ?",
                                (doc_id,)).fetchone()
        if doc and doc[1] is None and str(doc[0] or "").startswith(PUBLISHER_SOURCE):
            return "fetched before panelqa recorded the publisher's versions"
        if ocr_available and row["ocr_pending"]:
            return "scanned pages not read yet; Tesseract is installed now"
        return None

    def known_vectors(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """Embeddings already stored for these text keys, in any paper and any table."""
        found: dict[str, np.ndarray] = {}
        wanted = list(dict.fromkeys(keys))
        for start in range(0, len(wanted), 500):
            part = wanted[start:start + 500]
            marks = ",".join("?" * len(part))
            for table in ("chunks", "ledger", "commitments"):
                for key, blob in self.conn.execute(
                        f"SELECT embed_key, embedding FROM {table} WHERE embed_key IN ({marks}) "
                        "AND embedding IS NOT NULL", part):
                    found.setdefault(key, np.frombuffer(blob, dtype=np.float32))
        return found

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
        self._bump_generation()
        ids = [r[0] for r in self.conn.execute("SELECT id FROM chunks WHERE doc_id = ?", (doc_id,))]
        self.conn.executemany("DELETE FROM chunks_fts WHERE rowid = ?", [(i,) for i in ids])
        for table in ("ledger", "commitments"):
            ids = [r[0] for r in self.conn.execute(f"SELECT id FROM {table} WHERE doc_id = ?", (doc_id,))]
            self.conn.executemany(f"DELETE FROM {table}_fts WHERE rowid = ?", [(i,) for i in ids])
        for table in ("chunks", "pages", "documents", "ledger", "commitments", "builds"):
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
        """Record the model in the database, rebuild vectors.faiss from it, then the manifest; each file
        replaced atomically."""
        import faiss

        self.set_identity(IndexIdentity(model_name, backend, dim))
        generation = self.generation()
        index = self.build_faiss(dim)
        build = _current_build()
        data = faiss.serialize_index(index).tobytes()
        _atomic_write(self.index_dir / FAISS_NAME, data)
        manifest = {"generation": generation, "faiss_bytes": len(data), "faiss_sha256": hashlib.sha256(data).hexdigest(),
                    "schema_version": SCHEMA_VERSION, "model": model_name, "backend": backend, "dim": dim,
                    "build": {"extractor": build.extractor, "chunker": build.chunker,
                              "ledger": build.ledger}, "chunk_count": int(index.ntotal),
                    "written_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        _atomic_write(self.index_dir / MANIFEST_NAME, json.dumps(manifest, indent=2).encode())

    # -- reading -----------------------------------------------------------------------------

    def documents(self) -> list[StoredDocument]:
        counts = dict(self.conn.execute("SELECT doc_id, count(*) FROM chunks GROUP BY doc_id").fetchall())
        files: dict[str, list[str]] = {}
        for row in self.conn.execute("SELECT doc_id, path FROM files ORDER BY status DESC, path"):
            files.setdefault(row[0], []).append(row[1])
        ocr: dict[str, list[tuple[int, float]]] = {}
        for doc_id, page, confidence in self._read(
                "SELECT doc_id, page, ocr_confidence FROM pages WHERE ocr_confidence IS NOT NULL ORDER BY doc_id, page"):
            ocr.setdefault(doc_id, []).append((page, confidence))
        superseded = self.superseded_documents()
        rows = self.conn.execute("SELECT * FROM documents ORDER BY meeting_date IS NULL, meeting_date, file_name")
        return [StoredDocument(document_from_row(r), counts.get(r["doc_id"], 0), tuple(files.get(r["doc_id"], ())),
                               tuple(ocr.get(r["doc_id"], ())), r["doc_id"] in superseded) for r in rows]

    def iter_chunks(self, ids: Iterable[int] | None = None) -> Iterator[sqlite3.Row]:
        if ids is None:
            yield from self.conn.execute("SELECT * FROM chunks ORDER BY id")
            return
        ids = list(ids)
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            yield from self.conn.execute(
                f"SELECT * FROM chunks WHERE id IN ({','.join('?' * len(part))})", part)


    # -- read-only queries for search, reports and the app -------------------------------------
    # Kept together at the end of the class: every SELECT the read side needs, so no other module
    # writes SQL. Nothing here writes.

    def ledger_rows(self) -> list[tuple[LedgerRow, str]]:
        """Every funding ledger row with its paper's file name, in paper and page order; [] before the ledger."""
        columns = ", ".join("l." + f.name for f in fields(LedgerRow))
        sql = (f"SELECT {columns}, d.file_name FROM ledger l JOIN documents d USING (doc_id) "
               f"WHERE NOT {_SUPERSEDED.format(d='d')} ORDER BY d.meeting_date IS NULL, d.meeting_date, d.file_name, l.id")
        return [(LedgerRow(*row[:-1]), row[-1]) for row in self._read(sql)]

    def commitment_rows(self) -> list[tuple[CommitmentRow, str]]:
        """Every commitment with its paper's file name, in paper order; [] before the tracker."""
        from panelqa.ingest.commitments import CommitmentRow

        columns = ", ".join("c." + f.name for f in fields(CommitmentRow))
        sql = (f"SELECT {columns}, d.file_name FROM commitments c JOIN documents d USING (doc_id) "
               f"WHERE NOT {_SUPERSEDED.format(d='d')} ORDER BY d.meeting_date IS NULL, d.meeting_date, d.file_name, c.id")
        return [(CommitmentRow(*row[:-1]), row[-1]) for row in self._read(sql)]

    def superseded_documents(self) -> set[str]:
        """Fetched papers with a later version of the same publisher's URL in the index."""
        return {r[0] for r in self._read(f"SELECT doc_id FROM documents d WHERE {_SUPERSEDED.format(d='d')}")}

    def match_rows(self, table: str, match: str, limit: int | None = None) -> list[str]:
        """row_ids of a ledger or commitments table matching an FTS5 expression (already quoted), best first."""
        table = _row_table(table)
        sql = (f"SELECT t.row_id FROM {table}_fts f JOIN {table} t ON t.id = f.rowid "
               f"WHERE {table}_fts MATCH ? ORDER BY bm25({table}_fts)" + (" LIMIT ?" if limit else ""))
        return [r[0] for r in self._read(sql, (match, limit) if limit else (match,))]

    def row_vectors(self, table: str) -> tuple[list[str], np.ndarray]:
        """row_ids of a ledger or commitments table that have an embedding, and those embeddings."""
        table = _row_table(table)
        rows = self._read(f"SELECT row_id, embedding FROM {table} WHERE embedding IS NOT NULL")
        if not rows:
            return [], np.zeros((0, 1), dtype=np.float32)
        return [r[0] for r in rows], np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows])

    def document_dates(self) -> dict[str, tuple[str, str | None, list]]:
        """doc_id -> (file name, meeting date, financial years as stored [[value, source], ...])."""
        sql = "SELECT doc_id, file_name, meeting_date, financial_years FROM documents"
        return {r[0]: (r[1], r[2], json.loads(r[3])) for r in self._read(sql)}

    def chunk_passages(self, rowids: Sequence[int]) -> dict[int, tuple[str, int, str, np.ndarray]]:
        """chunks.id -> (doc_id, first page, text, embedding) of these chunks (never all: 1.5 KB each)."""
        out: dict[int, tuple[str, int, str, np.ndarray]] = {}
        for start in range(0, len(rowids), 500):
            part = list(rowids[start:start + 500])
            for r in self._read("SELECT id, doc_id, page_start, text, embedding FROM chunks "
                                f"WHERE id IN ({','.join('?' * len(part))})", part):
                out[r[0]] = (r[1], r[2], r[3], np.frombuffer(r[4], dtype=np.float32))
        return out

    def page_rows(self, doc_id: str) -> list[tuple[int, float, float, str, str]]:
        """(page, width, height, text, words as stored JSON) of a document's pages, in page order."""
        return [tuple(r) for r in self._read("SELECT page, width, height, text, words FROM pages WHERE doc_id = ? "
                                             "ORDER BY page", (doc_id,))]

    def chunk_texts(self, like: str | None = None) -> list[str]:
        """The text of every chunk (or of those matching a LIKE pattern), in id order."""
        if like is None:
            return [r[0] for r in self._read("SELECT text FROM chunks ORDER BY id")]
        return [r[0] for r in self._read("SELECT text FROM chunks WHERE text LIKE ? ORDER BY id", (like,))]

    def chunk_map(self) -> dict[int, str]:
        """chunks.id -> doc_id for every chunk."""
        return dict(self._read("SELECT id, doc_id FROM chunks"))

    def chunk_rowid(self, chunk_id: str) -> int | None:
        rows = self._read("SELECT id FROM chunks WHERE chunk_id = ?", (chunk_id,))
        return rows[0][0] if rows else None

    def chunk_boxes(self, chunk_id: str) -> list[list]:
        """A chunk's line boxes as stored: [page, x0, top, x1, bottom] each; [] for an unknown chunk."""
        rows = self._read("SELECT boxes FROM chunks WHERE chunk_id = ?", (chunk_id,))
        return json.loads(rows[0][0]) if rows else []

    def chunk_rows_by_id(self, rowids: Sequence[int]) -> list[sqlite3.Row]:
        """(id, chunk_id, doc_id, page_start, page_end, kind, heading_path, text, item_number, item_title) of
        these chunks."""
        out: list[sqlite3.Row] = []
        for start in range(0, len(rowids), 500):
            part = list(rowids[start:start + 500])
            out += self._read("SELECT id, chunk_id, doc_id, page_start, page_end, kind, heading_path, text, "
                              f"item_number, item_title FROM chunks WHERE id IN ({','.join('?' * len(part))})", part)
        return out

    def chunk_items(self) -> dict[int, tuple[str, str | None]]:
        """chunks.id -> (item number, item title) of every chunk that belongs to an agenda item."""
        return {r[0]: (r[1], r[2]) for r in self._read(
            "SELECT id, item_number, item_title FROM chunks WHERE item_number IS NOT NULL")}

    def vocabulary(self, min_length: int = 1) -> list[str]:
        """The stemmed terms of the chunk FTS index longer than min_length - 1 characters."""
        return [r[0] for r in self._read("SELECT term FROM chunks_vocab WHERE length(term) >= ?", (min_length,))]

    def term_document_counts(self, terms: Sequence[str]) -> dict[str, int]:
        """term -> number of chunks holding it, for the terms the chunk FTS index knows."""
        if not terms:
            return {}
        sql = f"SELECT term, doc FROM chunks_vocab WHERE term IN ({','.join('?' * len(terms))})"
        return {r[0]: r[1] for r in self._read(sql, list(terms))}

    def keyword_hits(self, match: str, weights: Sequence[float], limit: int) -> list[tuple[int, float]]:
        """(chunks.id, bm25 score, higher is better) of chunks matching an FTS5 expression (already quoted)."""
        sql = (f"SELECT rowid, -bm25(chunks_fts, {', '.join(str(float(w)) for w in weights)}) AS score "
               "FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY score DESC LIMIT ?")
        return [(r[0], r[1]) for r in self._read(sql, (match, limit))]

    def match_count(self, match: str, limit: int) -> int:
        """How many chunks match an FTS5 expression (already quoted), counting at most limit."""
        sql = "SELECT count(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)"
        return self._read(sql, (match, limit))[0][0]

    def ocr_confidences(self) -> dict[tuple[str, int], float]:
        """(doc_id, page) -> mean word confidence of every indexed page whose text was read by OCR."""
        try:
            rows = self._read("SELECT doc_id, page, ocr_confidence FROM pages WHERE ocr_confidence IS NOT NULL "
                              "AND text != ''")
        except sqlite3.OperationalError:  # an index read-only before migration m005 reached it
            return {}
        return {(r[0], r[1]): r[2] for r in rows}

    def page_text(self, doc_id: str, page: int) -> str:
        rows = self._read("SELECT text FROM pages WHERE doc_id = ? AND page = ?", (doc_id, page))
        return rows[0][0] if rows else ""

    def document_paths(self, doc_id: str) -> list[str]:
        """The paths recorded for a document, its primary file first."""
        return [r[0] for r in self._read("SELECT path FROM files WHERE doc_id = ? ORDER BY status DESC, path",
                                         (doc_id,))]

    def _read(self, sql: str, params: Sequence = ()) -> list[sqlite3.Row]:
        """Rows of a read, one read at a time (the app's sessions share a connection); [] when the table
        is missing (an index built before it was added)."""
        lock = self.__dict__.setdefault("_read_lock", threading.Lock())
        try:
            with lock:
                return self.conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return []
            raise


def damaged(index_dir: Path, detail) -> IndexDamaged:
    return index_damaged(Path(index_dir), detail)


def _cannot_write(exc: BaseException | None) -> bool:
    """SQLite could not open or write a file (permissions, a read-only folder), as against a damaged one."""
    return str(getattr(exc, "sqlite_errorname", "")).startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM"))


def vectors_problem(index_dir: Path, generation: int, chunk_count: int, *, read_bytes: bool = False) -> str | None:
    """Why vectors.faiss cannot be trusted for the database at this generation, or None when it can.
    read_bytes also checks the file's checksum (ingest does; a reader checks it as it loads the file)."""
    index_dir = Path(index_dir)
    manifest = read_manifest(index_dir)
    faiss_path = index_dir / FAISS_NAME
    if manifest is None:
        return f"{MANIFEST_NAME} is missing or damaged"
    if not faiss_path.exists():
        return f"{FAISS_NAME} is missing"
    if manifest.get("generation") != generation or manifest.get("chunk_count") != chunk_count:
        return f"{FAISS_NAME} was built from an older state of the database"
    if manifest.get("faiss_bytes") != faiss_path.stat().st_size:
        return f"{FAISS_NAME} is not the file that was written (size differs)"
    if read_bytes and _sha256_of(faiss_path) != manifest.get("faiss_sha256"):
        return f"{FAISS_NAME} is not the file that was written (checksum differs)"
    return None


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_faiss(store: Store, dim: int):
    """The FAISS index of a store's chunks: vectors.faiss when it matches the database, else rebuilt in memory
    from the stored embeddings (logged; the next panelqa ingest rewrites the file)."""
    size = store.chunk_count()
    problem = vectors_problem(store.index_dir, store.generation(), size)
    if problem is None:
        index = read_faiss(store.index_dir)
        if index is not None and index.ntotal == size:
            return index
        problem = f"{FAISS_NAME} is damaged"
    log.warning("%s/: %s; searching with vectors rebuilt in memory from the database until the next "
                "panelqa ingest rewrites the file", store.index_dir, problem)
    return store.build_faiss(dim)


def read_faiss(index_dir: Path):
    """vectors.faiss, if its bytes are the ones the manifest records; None when they are not."""
    import faiss

    manifest = read_manifest(index_dir) or {}
    try:
        data = (Path(index_dir) / FAISS_NAME).read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != manifest.get("faiss_sha256"):
        return None
    try:
        return faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
    except RuntimeError:
        return None


def read_manifest(index_dir: Path) -> dict | None:
    path = Path(index_dir) / MANIFEST_NAME
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def index_identity(index_dir: Path) -> IndexIdentity | None:
    """The model, backend and dimension the database records; for an index from before they were recorded,
    what its manifest says. None for a new or empty index."""
    index_dir = Path(index_dir)
    if (index_dir / DB_NAME).exists():
        with Store(index_dir, read_only=True) as store:
            identity = store.identity()
            empty = store.chunk_count() == 0
        if identity is not None or empty:
            return identity
    manifest = read_manifest(index_dir)
    if manifest and manifest.get("model"):
        return IndexIdentity(manifest["model"], index_backend(manifest), int(manifest.get("dim") or 0))
    return None


def check_model(index_dir: Path, model_name: str, backend: str | None = None) -> IndexIdentity | None:
    """The index's identity; raises when it was embedded by another model or backend."""
    identity = index_identity(index_dir)
    if identity and identity.model != model_name:
        raise IndexMismatch(
            f"{index_dir}/ was built with {identity.model}, not {model_name}; "
            f"use --model {identity.model} or ingest again into a new --index folder.")
    if identity and backend and identity.backend != backend:
        raise IndexMismatch(
            f"{index_dir}/ was embedded with the {identity.backend} backend, not {backend}; "
            f"set PANELQA_BACKEND={identity.backend} or ingest again into a new --index folder.")
    return identity


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
        pages_without_text=tuple(json.loads(row["pages_without_text"])), published_version=row["published_version"])


def _row_table(table: str) -> str:
    if table not in ("ledger", "commitments"):
        raise ValueError(f"not a row table: {table!r}")
    return table


def _blob(vectors: Vectors | None, i: int) -> tuple[bytes | None, str | None]:
    if vectors is None:
        return None, None
    return np.asarray(vectors.values[i], dtype=np.float32).tobytes(), vectors.keys[i]


def _fact(fact: Fact | None) -> tuple[str | None, str | None]:
    return (fact.value, fact.source) if fact else (None, None)


def _atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file and rename it over path, readable by whoever may read the folder."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600: another user of a shared index could not read it
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _current_build():
    from panelqa.ingest.versions import CURRENT_BUILD

    return CURRENT_BUILD
