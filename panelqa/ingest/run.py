"""The batch: find PDFs, skip what is unchanged, ingest the rest file by file, report each.

This is the only place that catches per-file errors: a bad file becomes a "failed" report
with its reason and the batch goes on. Files are read in parallel worker processes while the
main process embeds the chunks of several files at once; each document then commits in its
own transaction, so a killed run loses at most the files of one embedding batch, and the next
run picks up from there.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from panelqa.errors import IndexMismatch, UnreadableFile
from panelqa.ingest.chunk import chunk_document
from panelqa.ingest.commitments import CommitmentRow, commitment_embedding_text, extract_commitments
from panelqa.ingest.describe import describe
from panelqa.ingest.embed import (
    Embedder,
    chunk_embedding_text,
    default_backend,
    embed_key,
    load_embedder,
    load_embedder_soon,
)
from panelqa.ingest.extract import Watch, extract_pages, pdf_title
from panelqa.ingest.files import FoundFiles, file_hash, find_files, find_pdfs
from panelqa.ingest.ledger import LedgerRow, extract_ledger, ledger_embedding_text
from panelqa.ingest.lock import set_index_aside, writer_lock
from panelqa.ingest.ocr import INSTALL_HINT, OcrSetup, find_tesseract
from panelqa.ingest.readers import ReaderFailed, read_all
from panelqa.ingest.records import Chunk, Document, OcrPage, Page
from panelqa.ingest.store import Store, Vectors, check_model, vectors_problem
from panelqa.settings import LIMIT_SETTINGS, ReadLimits, Settings
from panelqa.vocab import CHANGED_STATUSES, FileStatus

__all__ = ["FileReport", "BatchReport", "ingest_paths", "find_pdfs", "prepare_file", "file_hash"]

log = logging.getLogger(__name__)

DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))
EMBED_BATCH_TEXTS = 256  # texts of several files are embedded together, up to this many, so batches stay full
IN_PROCESS = 0  # workers=0: files are read in the ingest's own process (tests), never in reader processes


@dataclass(frozen=True, slots=True)
class FileReport:
    """What happened to one file."""

    path: str
    status: FileStatus
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0
    reason: str = ""  # why it failed, or what it duplicates
    pages_without_text: tuple[int, ...] = ()
    ocr: tuple[tuple[int, OcrPage], ...] = ()  # (page, how OCR read it) for each page without a usable text layer


@dataclass(frozen=True, slots=True)
class BatchReport:
    index_dir: str
    files: tuple[FileReport, ...]
    elapsed_s: float
    # seconds per stage: extract, ocr, chunk (and describe) summed over the readers; embed, store, hash in the
    # ingest; wait: the ingest waiting for a reader's next file (reading not overlapped with embedding)
    stage_s: dict = field(default_factory=dict)
    embedded: int = 0  # texts embedded in this run
    reused: int = 0  # texts whose embedding the index already held
    repaired: str = ""  # why vectors.faiss and the manifest were rewritten although no paper changed
    set_aside: str = ""  # where --rebuild moved the old index's files

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def pages(self) -> int:
        return sum(f.pages for f in self.files if f.status in ("added", "updated"))

    @property
    def chunks(self) -> int:
        return sum(f.chunks for f in self.files if f.status in ("added", "updated"))

    @property
    def ocr_missing_note(self) -> str:
        """One sentence when scanned pages waited for Tesseract, which is not installed; "" otherwise."""
        missing = sum(1 for f in self.files for _, o in f.ocr if o.status == "unavailable")
        if not missing:
            return ""
        return (f"Tesseract OCR is not installed, so {missing} scanned page{'s' if missing > 1 else ''} "
                f"{'were' if missing > 1 else 'was'} not read; install it with \"{INSTALL_HINT}\" and ingest again.")


@dataclass(frozen=True, slots=True)
class Planned:
    """A file that needs reading, and what it replaces."""

    path: str
    doc_id: str  # sha256 of the bytes
    size: int
    replaces: str | None = None  # doc_id of what this path held before
    copy_of: str | None = None  # an earlier file of this batch with the same bytes
    why: str = ""  # why a known file is read again: "built by older panelqa"


@dataclass(frozen=True, slots=True)
class Prepared:
    """A file read and cut into chunks, ready to embed."""

    path: str
    doc: Document | None
    pages: tuple[Page, ...]
    chunks: tuple[Chunk, ...]
    error: str = ""
    seconds: float = 0.0
    ledger: tuple[LedgerRow, ...] = ()
    commitments: tuple[CommitmentRow, ...] = ()
    rows_error: str = ""  # why the ledger and commitments could not be extracted
    extract_s: float = 0.0  # of seconds, the part spent reading the PDF, OCR included (the rest: describe, chunk)
    ocr_s: float = 0.0  # of extract_s, the part Tesseract took
    notes: str = ""  # what of the file was not read (over a limit), and the setting that reads it


def prepare_file(path: str, doc_id: str, ocr: OcrSetup | None = None, *, limits: ReadLimits | None = None,
                 watch: Watch | None = None) -> Prepared:
    """Extract (OCR included), describe and chunk one file, within the limits; runs in a reader process."""
    start = time.perf_counter()
    limits = limits or ReadLimits()
    seen = _Seen(watch)
    try:
        pages = extract_pages(Path(path), ocr, max_pages=limits.max_pages, max_page_chars=limits.max_page_chars,
                              watch=seen)
        seen("read", 0, 0)
        extract_s = time.perf_counter() - start
        doc = describe(Path(path), doc_id, pages, pdf_title(Path(path)))
        chunks = chunk_document(doc, pages)
    except UnreadableFile as exc:
        return Prepared(path, None, (), (), error=str(exc).removeprefix(f"{path}: "))
    except MemoryError:
        where = f" on page {seen.page} of {seen.pages}" if seen.page else ""
        return Prepared(path, None, (), (), error=(
            f"needs more memory{where} than the {limits.max_reader_mb} MB a reader may take; raise "
            f"{LIMIT_SETTINGS['max_reader_mb']} to read it."))
    except Exception as exc:  # a parser bug on one odd file must not stop the batch
        log.exception("failed to read %s", path)
        return Prepared(path, None, (), (), error=f"could not be read ({type(exc).__name__}: {exc})")
    ledger, commitments, rows_error = _extract_rows(path, doc, pages, chunks)
    return Prepared(path, doc, tuple(pages), tuple(chunks), seconds=time.perf_counter() - start,
                    ledger=ledger, commitments=commitments, rows_error=rows_error, extract_s=extract_s,
                    ocr_s=sum(p.ocr.seconds for p in pages if p.ocr), notes=seen.notes(limits))


class _Seen:
    """Follows a reader through a file (the page it is on, pages cut at the character limit) and passes each
    event on to the reader's watcher."""

    def __init__(self, watch: Watch | None):
        self.watch, self.page, self.pages, self.clipped = watch, 0, 0, []

    def __call__(self, event: str, page: int, value: int) -> None:
        if event == "page":
            self.page, self.pages = page, value
        elif event == "read":
            self.page = 0
        elif event == "clipped":
            self.clipped.append(page)
        if self.watch is not None:
            self.watch(event, page, value)

    def notes(self, limits: ReadLimits) -> str:
        """What of the file was not read, and the setting that would read it."""
        notes = []
        if self.pages > limits.max_pages:
            notes.append(f"only the first {limits.max_pages:,} of {self.pages:,} pages read, the limit per document; "
                         f"raise {LIMIT_SETTINGS['max_pages']} to read them all")
        if self.clipped:
            listed = ", ".join(str(p) for p in self.clipped[:8]) + (" ..." if len(self.clipped) > 8 else "")
            notes.append(f"page{'s' if len(self.clipped) > 1 else ''} {listed} cut at {limits.max_page_chars:,} "
                         f"characters, the limit per page; raise {LIMIT_SETTINGS['max_page_chars']} to read "
                         f"{'them' if len(self.clipped) > 1 else 'it'} whole")
        return "; ".join(notes)


def _extract_rows(path: str, doc: Document, pages: list[Page], chunks: list[Chunk]):
    """Ledger and commitment rows; a bug here loses the rows (reported, retried next run), not the chunks."""
    try:
        return tuple(extract_ledger(doc, pages, chunks)), tuple(extract_commitments(doc, pages, chunks)), ""
    except Exception as exc:
        log.exception("ledger and commitments not extracted from %s", path)
        return (), (), f"{type(exc).__name__}: {exc}"


def ingest_paths(paths: Iterable[str | Path], settings: Settings, *, prune: bool = False,
                 embedder: Embedder | None = None, workers: int = DEFAULT_WORKERS,
                 on_file: Callable[[FileReport], None] | None = None, rebuild: bool = False,
                 on_wait: Callable[[str], None] | None = None) -> BatchReport:
    """Bring the index up to date with these files; return one report per file.

    One writer at a time: a second ingest into the same index waits for the first (on_wait says so).
    rebuild: set the index's files aside (a damaged database) and build it again from the papers.
    """
    start = time.perf_counter()
    found = find_files(paths)
    with writer_lock(settings.index_dir, on_wait):
        set_aside = set_index_aside(settings.index_dir) if rebuild else None
        backend = _backend(settings, embedder)
        with Store(settings.index_dir) as store:
            store.check_integrity()
            batch = _Batch(store, settings, backend, embedder, on_file)
            _run_batch(batch, found, paths, prune, workers)
    return BatchReport(str(settings.index_dir), tuple(batch.reports), time.perf_counter() - start, batch.stage,
                       embedded=batch.embedded, reused=batch.reused, repaired=batch.repaired,
                       set_aside=str(set_aside) if set_aside else "")


def _run_batch(batch: _Batch, found: FoundFiles, paths, prune: bool, workers: int) -> None:
    """Plan, read in worker processes (OCR included), embed and store, prune, then write the vectors."""
    batch.skip(found)
    files = list(found.files)
    ocr = replace(find_tesseract(), cache_db=str(batch.store.db_path))
    plan = batch.plan(files, ocr_available=ocr.tesseract is not None)
    if plan:
        batch.load_model_soon()  # beside the readers' start and first files, not after them
    waited = time.perf_counter()
    for prepared, item, next_ready in _prepare_all(plan, workers, batch.settings.limits, ocr):
        batch.stage["wait"] += time.perf_counter() - waited
        batch.add(prepared, item, next_ready)
        waited = time.perf_counter()
    batch.flush()
    if prune:
        batch.prune(files, [Path(p) for p in paths])
    batch.write_vectors()


def _backend(settings: Settings, embedder: Embedder | None) -> str:
    """The backend the index was embedded with; a new index takes the setting, the embedder's or the default."""
    identity = check_model(settings.index_dir, settings.model, settings.backend)
    backend = settings.backend or (identity.backend if identity else None) or getattr(embedder, "backend", None) \
        or default_backend()
    check_model(settings.index_dir, settings.model, backend)
    if getattr(embedder, "backend", backend) != backend:
        raise IndexMismatch(f"{settings.index_dir}/ is embedded with the {backend} backend, not "
                            f"{embedder.backend}; ingest into a new --index folder to change backends.")
    return backend


class _Batch:
    """One ingest run against an open index: what to read, then embed and store in batches, in order."""

    def __init__(self, store: Store, settings: Settings, backend: str, embedder: Embedder | None,
                 on_file: Callable[[FileReport], None] | None):
        self.store, self.settings, self.backend = store, settings, backend
        self._embedder = embedder
        self.on_file = on_file
        self.reports: list[FileReport] = []
        self.pending: list[tuple[Prepared, Planned]] = []
        self.stage = {"extract": 0.0, "ocr": 0.0, "chunk": 0.0, "embed": 0.0, "store": 0.0, "hash": 0.0,
                      "wait": 0.0}
        self.embedded = self.reused = 0
        self.repaired = ""

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = load_embedder(self.settings.model, self.backend)
        return self._embedder

    def load_model_soon(self) -> None:
        if self._embedder is None:
            load_embedder_soon(self.settings.model, self.backend)

    def report(self, r: FileReport) -> None:
        self.reports.append(r)
        if self.on_file:
            self.on_file(r)

    def skip(self, found: FoundFiles) -> None:
        """One line for each entry that is not a regular file: it is never opened."""
        for rejected in found.rejected:
            self.report(FileReport(rejected.path, "skipped", reason=rejected.reason))

    def plan(self, files: list[Path], ocr_available: bool = False) -> list[Planned]:
        """Hash every file and keep those the index does not hold as the current code would build them."""
        t = time.perf_counter()
        plan: list[Planned] = []
        first_of: dict[str, str] = {}  # doc_id -> first path of this batch
        for path in files:
            key = str(path)
            try:
                size = path.stat().st_size
                doc_id = file_hash(path, max_bytes=self.settings.limits.max_file_mb * 1_000_000)
            except UnreadableFile as exc:  # swapped for a pipe or a device since it was found, or unreadable
                self.report(FileReport(key, "failed", reason=str(exc).removeprefix(f"{key}: ")))
                continue
            except OSError as exc:
                self.report(FileReport(key, "failed", reason=f"cannot be read ({exc.strerror}); check its permissions"))
                continue
            row = self.store.file_row(key)
            why = self.store.stale_reason(doc_id, ocr_available) if row is not None and row["doc_id"] == doc_id else ""
            if why is None:
                self.report(FileReport(key, "unchanged"))
                continue
            owner = self.store.primary_file(doc_id)
            if owner is not None and owner != key:
                self.store.record_duplicate(key, doc_id, size, owner)
                self.report(FileReport(key, "duplicate", reason=f"same bytes as {owner}"))
                continue
            replaces = row["doc_id"] if row is not None else None
            plan.append(Planned(key, doc_id, size, replaces, copy_of=first_of.get(doc_id), why=why))
            first_of.setdefault(doc_id, key)
        self.stage["hash"] = time.perf_counter() - t
        return plan

    def add(self, prepared: Prepared, item: Planned, next_ready: bool) -> None:
        if item.copy_of is not None:
            if any(p.doc is not None and p.doc.doc_id == item.doc_id for p, _ in self.pending):
                self.flush()  # the first copy must be stored before this one can point to it
            if self.store.primary_file(item.doc_id):
                self.store.record_duplicate(item.path, item.doc_id, item.size, item.copy_of)
                self.report(FileReport(item.path, "duplicate", reason=f"same bytes as {item.copy_of}"))
            return
        if prepared.error:
            self.report(FileReport(item.path, "failed", reason=prepared.error))
            return
        self.stage["extract"] += prepared.extract_s - prepared.ocr_s
        self.stage["ocr"] += prepared.ocr_s
        self.stage["chunk"] += prepared.seconds - prepared.extract_s
        self.pending.append((prepared, item))
        if not next_ready or sum(len(p.chunks) for p, _ in self.pending) >= EMBED_BATCH_TEXTS:
            self.flush()

    def flush(self) -> None:
        """Embed the pending files' new texts in one call, then store each file in its own transaction."""
        if not self.pending:
            return
        t = time.perf_counter()
        texts = []
        for prepared, _ in self.pending:  # per file: chunks, then ledger rows, then commitments
            texts += [chunk_embedding_text(c, prepared.doc) for c in prepared.chunks]
            texts += [ledger_embedding_text(r) for r in prepared.ledger]
            texts += [commitment_embedding_text(r) for r in prepared.commitments]
        vectors = self._vectors(texts)
        t2 = time.perf_counter()
        self.stage["embed"] += t2 - t
        offset = 0
        for prepared, item in self.pending:
            n, m, c = len(prepared.chunks), len(prepared.ledger), len(prepared.commitments)
            mine = vectors.part(offset, offset + n + m + c)
            offset += n + m + c
            t3 = time.perf_counter()
            self.store.write_document(prepared.doc, list(prepared.pages), list(prepared.chunks), mine.part(0, n),
                                      item.size, replaces=item.replaces, ledger=prepared.ledger,
                                      commitments=prepared.commitments, ledger_vectors=mine.part(n, n + m),
                                      commitment_vectors=mine.part(n + m, n + m + c),
                                      ledger_error=prepared.rows_error or None)
            self.stage["store"] += time.perf_counter() - t3
            share = (t2 - t) * n / max(1, len(texts))
            reason = "; ".join(r for r in (f"({item.why})" if item.why else "", prepared.notes) if r)
            if prepared.rows_error:
                reason = (reason + " " if reason else "") + (
                    f"ledger and commitments not extracted ({prepared.rows_error}); the next ingest tries again")
            self.report(FileReport(item.path, "updated" if item.replaces else "added", pages=len(prepared.pages),
                                   chunks=n, seconds=prepared.seconds + share,
                                   pages_without_text=prepared.doc.pages_without_text, reason=reason,
                                   ocr=tuple((p.page, p.ocr) for p in prepared.pages if p.ocr)))
        self.pending.clear()

    def _vectors(self, texts: list[str]) -> Vectors:
        """Embeddings of the texts: those the index already holds are reused, the rest embedded now."""
        keys = tuple(embed_key(self.settings.model, self.backend, t) for t in texts)
        known = self.store.known_vectors(keys)
        missing = list(dict.fromkeys(k for k in keys if k not in known))
        if missing:
            text_of = dict(zip(keys, texts, strict=True))
            fresh = self.embedder.embed([text_of[k] for k in missing])
            known.update(zip(missing, fresh, strict=True))
        self.embedded += len(missing)
        self.reused += len(keys) - len(missing)
        dim = next(iter(known.values())).shape[0] if known else 0
        values = np.vstack([known[k] for k in keys]) if keys else np.zeros((0, dim), dtype=np.float32)
        return Vectors(values.astype(np.float32, copy=False), keys)

    def prune(self, files: list[Path], roots: list[Path]) -> None:
        """Forget indexed files that are gone from under the folders given."""
        wanted = {str(p) for p in files}
        for known in self.store.file_paths():
            if known in wanted or Path(known).exists() and not _under(Path(known), roots):
                continue
            if not Path(known).exists() and self.store.forget_file(known):
                self.report(FileReport(known, "pruned", reason="file is gone"))

    def write_vectors(self) -> None:
        """Rewrite vectors.faiss and the manifest when the index changed or they do not match the database."""
        t = time.perf_counter()
        changed = any(r.status in CHANGED_STATUSES for r in self.reports)
        problem = vectors_problem(self.settings.index_dir, self.store.generation(), self.store.chunk_count(),
                                  read_bytes=True)
        if problem and not changed:
            self.repaired = problem
        if changed or problem:
            identity = self.store.identity()
            dim = self._embedder.dim if self._embedder else (identity.dim if identity else self.embedder.dim)
            self.store.write_vectors(self.settings.model, dim, self.backend)
        self.stage["store"] += time.perf_counter() - t


def _under(path: Path, roots: list[Path]) -> bool:
    return any(root == path or root in path.parents for root in roots)


def _prepare_all(todo: list[Planned], workers: int, limits: ReadLimits, ocr: OcrSetup | None = None):
    """Parse files in reader processes (readers.py), OCR included, while the main process embeds and stores.

    Yields (prepared, item, next_ready): next_ready says the next file is already parsed, so the caller
    can gather several files into one embedding batch without waiting for a reader. workers=0 reads in this
    process, without the time and memory limits: for tests that share the loaded model and patched functions.
    """
    if workers <= IN_PROCESS:
        for item in todo:
            yield prepare_file(item.path, item.doc_id, ocr, limits=limits), item, False
        return
    jobs = [(item.path, item.doc_id, ocr) for item in todo]
    for n, result, next_ready in read_all(jobs, prepare_file, workers, limits):
        item = todo[n]
        if isinstance(result, ReaderFailed):
            result = Prepared(item.path, None, (), (), error=result.reason)
        yield result, item, next_ready
