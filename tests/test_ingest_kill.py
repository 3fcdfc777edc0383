"""A run killed mid-batch leaves a readable index, and the next run finishes it exactly."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import faiss

from panelqa.ingest.store import DB_NAME, FAISS_NAME, Store

ROOT = Path(__file__).parent.parent
WAIT_S = 120.0  # model load plus the first paper, on a slow machine
GENERATED_PAGES = 40  # enough pages that the run is still busy when the first paper is stored


def make_batch(folder: Path, sample_corpus: Path, make_pdf) -> Path:
    """The three sample papers and three generated ones that sort after them."""
    folder.mkdir()
    for pdf in sorted(sample_corpus.glob("*.pdf")):
        shutil.copy(pdf, folder / pdf.name)
    for n in range(1, 4):
        make_pdf(folder / f"2021-0{n} generated report {n}.pdf", pages=[
            f"Thames Valley Police and Crime Panel, report {n}, page {page}.\n"
            f"Item {page}. The Panel noted that re-offending by group {n * page} fell by {page % 9} per cent."
            for page in range(1, GENERATED_PAGES + 1)])
    return folder


def documents_stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not there yet, or the file is being created
        return 0


def start_ingest(folder: Path, index: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "panelqa.cli", "ingest", str(folder), "--index", str(index),
               "--workers", "1"]
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def kill_after_first_document(proc: subprocess.Popen, db: Path, log: Path) -> None:
    deadline = time.monotonic() + WAIT_S
    while documents_stored(db) < 1:
        if proc.poll() is not None:
            raise AssertionError(f"ingest exited {proc.returncode} too early:\n{log.read_text()}")
        if time.monotonic() > deadline:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            raise AssertionError(f"no paper stored within {WAIT_S} s:\n{log.read_text()}")
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def chunk_texts(index: Path) -> set[tuple[str, str]]:
    with Store(index, read_only=True) as store:
        return {(row["chunk_id"], row["text"]) for row in store.iter_chunks()}


def test_killed_run_leaves_a_readable_index_and_the_rerun_completes_it(tmp_path, sample_corpus, make_pdf,
                                                                       ingest):
    folder = make_batch(tmp_path / "papers", sample_corpus, make_pdf)
    killed = tmp_path / "killed-index"
    log = tmp_path / "ingest.log"

    proc = start_ingest(folder, killed, log)
    kill_after_first_document(proc, killed / DB_NAME, log)

    assert proc.returncode == -signal.SIGKILL
    with Store(killed, read_only=True) as store:
        stored = store.documents()
        assert 1 <= len(stored) < 6, "killed before the run finished"
        assert all(d.chunk_count > 0 for d in stored), "a document commits with its chunks"
        hits = store.conn.execute(
            "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH 'offending'").fetchall()
        assert hits, "every paper in the batch mentions re-offending"

    rerun = ingest([folder], killed)
    assert rerun.count("failed") == 0, [(f.path, f.reason) for f in rerun.files]
    assert rerun.count("unchanged") == len(stored)
    assert rerun.count("added") == 6 - len(stored)

    fresh = tmp_path / "fresh-index"
    ingest([folder], fresh)
    assert chunk_texts(killed) == chunk_texts(fresh)

    with Store(killed, read_only=True) as store:
        chunk_count = store.chunk_count()
    assert faiss.read_index(str(killed / FAISS_NAME)).ntotal == chunk_count
