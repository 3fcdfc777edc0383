"""Adversarial trials of an index, printed as figures (issue 17): kills between commit and vector write,
queries during ingests, two writers at once.

    python bench/index_trials.py [--papers ../shared/corpus-dev] [--files 15] [--trials 6]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import faiss
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ENV = dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1")


def _ingest(papers: Path, index: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "panelqa.cli", "ingest", str(papers), "--index", str(index),
                             "--workers", "1"], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, **popen)


def _consistent(index: Path) -> bool:
    vectors = faiss.read_index(str(index / "vectors.faiss"))
    with sqlite3.connect(index / "panelqa.db") as conn:
        rows = conn.execute("SELECT id, embedding FROM chunks ORDER BY id").fetchall()
    if vectors.ntotal != len(rows):
        return False
    ids = faiss.vector_to_array(vectors.id_map)
    inner = vectors.index
    stored = {int(i): inner.reconstruct(n) for n, i in enumerate(ids)}
    return all(np.allclose(stored[i], np.frombuffer(b, dtype=np.float32), atol=1e-5) for i, b in rows)


def kill_trials(source: list[Path], work: Path, trials: int) -> None:
    stale_after_kill = repaired = 0
    for trial in range(trials):
        papers, index = work / f"k{trial}" / "papers", work / f"k{trial}" / "index"
        papers.mkdir(parents=True)
        for p in source:
            shutil.copy(p, papers)
        _ingest(papers, index).communicate()
        changed = sorted(papers.glob("*.pdf"))[trial % len(source)]
        changed.write_bytes(source[(trial + 1) % len(source)].read_bytes())  # new bytes under an old name
        with sqlite3.connect(index / "panelqa.db") as conn:
            before = conn.execute("SELECT doc_id FROM files WHERE path = ?", (str(changed),)).fetchone()[0]
        proc = _ingest(papers, index)
        with sqlite3.connect(index / "panelqa.db", timeout=30) as conn:
            while proc.poll() is None:
                row = conn.execute("SELECT doc_id FROM files WHERE path = ?", (str(changed),)).fetchone()
                if row and row[0] != before:
                    break
                time.sleep(0.001)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        stale_after_kill += not _consistent(index)
        _ingest(papers, index).communicate()
        repaired += _consistent(index)
    print(f"kills right after a changed paper's commit: {trials} trials, vector file stale after the kill in "
          f"{stale_after_kill}, consistent after the next ingest in {repaired}/{trials}")


def query_trials(source: list[Path], work: Path, rounds: int) -> None:
    from panelqa.search.api import search

    papers, index = work / "q" / "papers", work / "q" / "index"
    papers.mkdir(parents=True)
    half = len(source) // 2
    for p in source[:half]:
        shutil.copy(p, papers)
    _ingest(papers, index).communicate()
    failures: list[str] = []
    times: list[float] = []
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            t = time.perf_counter()
            try:
                search("funding for community safety partnerships", index, top_k=5)
            except Exception as exc:  # the figure this trial reports
                failures.append(type(exc).__name__)
            times.append(time.perf_counter() - t)

    reader = threading.Thread(target=loop)
    reader.start()
    for r in range(rounds):
        for p in source[half:] if r == 0 else sorted(papers.glob("*.pdf"))[r::rounds]:
            if r == 0:
                shutil.copy(p, papers)
            else:
                p.write_bytes(source[(r * 7) % len(source)].read_bytes())
        _ingest(papers, index).communicate()
    stop.set()
    reader.join()
    ms = np.array(times) * 1000
    print(f"queries during {rounds} ingests into the same index: {len(times)} queries, {len(failures)} failed, "
          f"p50 {np.percentile(ms, 50):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms")


def writer_trials(source: list[Path], work: Path, trials: int) -> None:
    complete = refused = 0
    for trial in range(trials):
        base = work / f"w{trial}"
        folders = [base / "a", base / "b"]
        for n, folder in enumerate(folders):
            folder.mkdir(parents=True)
            for p in source[n::2]:
                shutil.copy(p, folder)
        index = base / "index"
        procs = [_ingest(folder, index) for folder in folders]
        outs = [p.communicate()[0] for p in procs]
        with sqlite3.connect(index / "panelqa.db") as conn:
            indexed = conn.execute("SELECT count(*) FROM files").fetchone()[0]
        complete += all(p.returncode == 0 for p in procs) and indexed == len(source)
        refused += any(o.startswith("Error:") for o in outs)
    print(f"two ingests into one index at once: {trials} trials, every file indexed in {complete}, "
          f"refused in one sentence in {refused}, tracebacks 0 expected")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--papers", default=str(ROOT.parent / "shared" / "corpus-dev"))
    ap.add_argument("--files", type=int, default=15)
    ap.add_argument("--trials", type=int, default=6)
    a = ap.parse_args()
    source = sorted(Path(a.papers).glob("*.pdf"))[: a.files]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        kill_trials(source, work, a.trials)
        query_trials(source, work, 3)
        writer_trials(source, work, a.trials)


if __name__ == "__main__":
    main()
