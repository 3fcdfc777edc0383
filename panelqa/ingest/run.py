"""The batch: find PDFs, skip what is unchanged, ingest the rest file by file, report each.

This is the only place that catches per-file errors: a bad file becomes a "failed" report
with its reason and the batch goes on. Files are read in parallel worker processes while the
main process embeds the chunks of several files at once; each document then commits in its
own transaction, so a killed run loses at most the files of one embedding batch, and the next
run picks up from there.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from panelqa.errors import IndexMismatch, PanelqaError, UnreadableFile
from panelqa.ingest.chunk import chunk_document
from panelqa.ingest.commitments import CommitmentRow, commitment_embedding_text, extract_commitments
from panelqa.ingest.describe import describe
from panelqa.ingest.embed import Embedder, chunk_embedding_text, default_backend, load_embedder
from panelqa.ingest.extract import extract_pages, pdf_title
from panelqa.ingest.ledger import LedgerRow, extract_ledger, ledger_embedding_text
from panelqa.ingest.records import Chunk, Document, Page
from panelqa.ingest.store import Store, check_model, index_backend, read_manifest
from panelqa.settings import Settings
from panelqa.vocab import CHANGED_STATUSES, FileStatus

__all__ = ["FileReport", "BatchReport", "ingest_paths", "find_pdfs", "prepare_file", "file_hash"]

log = logging.getLogger(__name__)

DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))
EMBED_BATCH_TEXTS = 256  # texts of several files are embedded together, up to this many, so batches stay full
WORKER_NICENESS = 10  # readers yield the CPU to embedding, which is the longer stage; they use what it leaves


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


@dataclass(frozen=True, slots=True)
class BatchReport:
    index_dir: str
    files: tuple[FileReport, ...]
    elapsed_s: float
    stage_s: dict = field(default_factory=dict)  # seconds per stage: extract, chunk (and describe), embed, store

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def pages(self) -> int:
        return sum(f.pages for f in self.files if f.status in ("added", "updated"))

    @property
    def chunks(self) -> int:
        return sum(f.chunks for f in self.files if f.status in ("added", "updated"))


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
    extract_s: float = 0.0  # of seconds, the part spent reading the PDF (the rest: describe and chunk)


def find_pdfs(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and PDFs found recursively in folders, each once, in a stable order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"))
        elif path.exists():
            found.append(path)
        else:
            raise PanelqaError(f"{path} does not exist; give a PDF file or a folder of PDFs.")
    seen: set[str] = set()
    return [p for p in found if not (str(p) in seen or seen.add(str(p)))]


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def prepare_file(path: str, doc_id: str) -> Prepared:
    """Extract, describe and chunk one file; runs in a worker process."""
    start = time.perf_counter()
    try:
        pages = extract_pages(Path(path))
        extract_s = time.perf_counter() - start
        doc = describe(Path(path), doc_id, pages, pdf_title(Path(path)))
        chunks = chunk_document(doc, pages)
    except UnreadableFile as exc:
        return Prepared(path, None, (), (), error=str(exc).removeprefix(f"{path}: "))
    except Exception as exc:  # a parser bug on one odd file must not stop the batch
        log.exception("failed to read %s", path)
        return Prepared(path, None, (), (), error=f"could not be read ({type(exc).__name__}: {exc})")
    ledger, commitments = _extract_rows(path, doc, pages, chunks)
    return Prepared(path, doc, tuple(pages), tuple(chunks), seconds=time.perf_counter() - start,
                    ledger=ledger, commitments=commitments, extract_s=extract_s)


def _extract_rows(path: str, doc: Document, pages: list[Page], chunks: list[Chunk]):
    """Ledger and commitment rows; a bug here loses the rows, not the paper's chunks."""
    try:
        return extract_ledger(doc, pages, chunks), extract_commitments(doc, pages, chunks)
    except Exception:
        log.exception("ledger and commitments not extracted from %s", path)
        return (), ()


def ingest_paths(paths: Iterable[str | Path], settings: Settings, *, prune: bool = False,
                 embedder: Embedder | None = None, workers: int = DEFAULT_WORKERS,
                 on_file: Callable[[FileReport], None] | None = None) -> BatchReport:
    """Bring the index up to date with these files; return one report per file."""
    start = time.perf_counter()
    files = find_pdfs(paths)
    manifest = read_manifest(settings.index_dir)
    backend = (settings.backend or (index_backend(manifest) if manifest else None)
               or getattr(embedder, "backend", None) or default_backend())
    check_model(settings.index_dir, settings.model, backend)
    if getattr(embedder, "backend", backend) != backend:
        raise IndexMismatch(f"{settings.index_dir}/ is embedded with the {backend} backend, not "
                            f"{embedder.backend}; ingest into a new --index folder to change backends.")
    reports: list[FileReport] = []
    stage = {"extract": 0.0, "chunk": 0.0, "embed": 0.0, "store": 0.0, "hash": 0.0}

    def report(r: FileReport) -> None:
        reports.append(r)
        if on_file:
            on_file(r)

    with Store(settings.index_dir) as store:
        todo: list[tuple[str, str, int, str | None]] = []  # path, doc_id, size, replaces
        t = time.perf_counter()
        for path in files:
            key = str(path)
            try:
                size = path.stat().st_size
                doc_id = file_hash(path)
            except OSError as exc:
                report(FileReport(key, "failed", reason=f"cannot be read ({exc.strerror}); check its permissions"))
                continue
            row = store.file_row(key)
            if row is not None and row["doc_id"] == doc_id and store.has_current_extracts(doc_id):
                report(FileReport(key, "unchanged"))
                continue
            owner = store.primary_file(doc_id)
            if owner is not None and owner != key:
                store.record_duplicate(key, doc_id, size, owner)
                report(FileReport(key, "duplicate", reason=f"same bytes as {owner}"))
                continue
            if any(doc_id == d for _, d, _, _ in todo):
                first = next(p for p, d, _, _ in todo if d == doc_id)
                todo.append((key, doc_id, size, f"duplicate:{first}"))
                continue
            todo.append((key, doc_id, size, row["doc_id"] if row is not None else None))
        stage["hash"] = time.perf_counter() - t

        embedder = embedder or (load_embedder(settings.model, backend) if todo else None)
        pending: list[tuple[Prepared, str, int, str | None]] = []

        def flush() -> None:
            """Embed the pending files' chunks in one call, then store each file in its own transaction."""
            t = time.perf_counter()
            texts = []
            for prepared, _, _, _ in pending:  # per file: chunks, then ledger rows, then commitments
                texts += [chunk_embedding_text(c, prepared.doc) for c in prepared.chunks]
                texts += [ledger_embedding_text(r) for r in prepared.ledger]
                texts += [commitment_embedding_text(r) for r in prepared.commitments]
            vectors = embedder.embed(texts)
            t2 = time.perf_counter()
            stage["embed"] += t2 - t
            offset = 0
            for prepared, key, size, replaces in pending:
                n, m, c = len(prepared.chunks), len(prepared.ledger), len(prepared.commitments)
                mine = vectors[offset:offset + n + m + c]
                offset += n + m + c
                t3 = time.perf_counter()
                store.write_document(prepared.doc, list(prepared.pages), list(prepared.chunks), mine[:n], size,
                                     replaces=replaces, ledger=prepared.ledger, commitments=prepared.commitments,
                                     ledger_vectors=mine[n:n + m], commitment_vectors=mine[n + m:])
                stage["store"] += time.perf_counter() - t3
                share = (t2 - t) * len(prepared.chunks) / max(1, len(texts))
                report(FileReport(key, "updated" if replaces else "added", pages=len(prepared.pages),
                                  chunks=len(prepared.chunks), seconds=prepared.seconds + share,
                                  pages_without_text=prepared.doc.pages_without_text))
            pending.clear()

        for prepared, (key, doc_id, size, replaces), next_ready in _prepare_all(todo, workers):
            if replaces and replaces.startswith("duplicate:"):
                owner = replaces.removeprefix("duplicate:")
                if any(p.doc is not None and p.doc.doc_id == doc_id for p, _, _, _ in pending):
                    flush()  # the first copy must be stored before this one can point to it
                if store.primary_file(doc_id):
                    store.record_duplicate(key, doc_id, size, owner)
                    report(FileReport(key, "duplicate", reason=f"same bytes as {owner}"))
                continue
            if prepared.error:
                report(FileReport(key, "failed", reason=prepared.error))
                continue
            stage["extract"] += prepared.extract_s
            stage["chunk"] += prepared.seconds - prepared.extract_s
            pending.append((prepared, key, size, replaces))
            if not next_ready or sum(len(p.chunks) for p, _, _, _ in pending) >= EMBED_BATCH_TEXTS:
                flush()
        if pending:
            flush()

        if prune:
            wanted = {str(p) for p in files}
            roots = [Path(p) for p in paths]
            for known in store.file_paths():
                if known in wanted or Path(known).exists() and not _under(Path(known), roots):
                    continue
                if not Path(known).exists() and store.forget_file(known):
                    report(FileReport(known, "pruned", reason="file is gone"))

        t = time.perf_counter()
        manifest = read_manifest(settings.index_dir)
        changed = any(r.status in CHANGED_STATUSES for r in reports)
        if changed or manifest is None or manifest.get("chunk_count") != store.chunk_count():
            dim = embedder.dim if embedder else (manifest or {}).get("dim") or load_embedder(settings.model, backend).dim
            store.write_vectors(settings.model, dim, backend)
        stage["store"] += time.perf_counter() - t
    return BatchReport(str(settings.index_dir), tuple(reports), time.perf_counter() - start, stage)


def _under(path: Path, roots: list[Path]) -> bool:
    return any(root == path or root in path.parents for root in roots)


def _prepare_all(todo, workers: int):
    """Parse files in worker processes while the main process embeds and stores.

    Yields (prepared, item, next_ready): next_ready says the next file is already parsed, so the caller
    can gather several files into one embedding batch without waiting for a reader.
    """
    if not todo:
        return
    if workers <= 1 or len(todo) == 1:
        for item in todo:
            yield prepare_file(item[0], item[1]), item, False
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_lower_priority) as pool:
        futures = [pool.submit(prepare_file, item[0], item[1]) for item in todo]
        for n, (future, item) in enumerate(zip(futures, todo, strict=True)):
            prepared = future.result()
            yield prepared, item, n + 1 < len(futures) and futures[n + 1].done()


def _lower_priority() -> None:
    try:
        os.nice(WORKER_NICENESS)
    except OSError:  # not permitted here: readers then share the CPU evenly, which is only slower
        pass
