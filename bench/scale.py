"""The FAISS index grown to 1,000,000 chunks: query p50/p95, recall@10 against exact search, resident memory.

Vectors: each synthetic chunk is a real chunk vector of INDEX plus noise drawn from the real vectors' own
covariance (top principal components), made unit length, so the million keep the clusters and spread of real
embeddings without being copies. Queries: the question set embedded by the index's backend, and real chunk
vectors perturbed the same way. The index is built by ingest.vectors.build_index (the type ingest picks for
this size), saved, and then searched in a fresh process, whose resident memory is what serving it costs.
A query's time is its embedding (the real model) plus the FAISS search; keyword and fuzzy retrieval are not
part of this bench.

Usage: python bench/scale.py INDEX QUESTIONS.jsonl [--size N] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

DEFAULT_SIZE = 1_000_000
NOISE = 0.6  # norm of the added noise relative to the unit real vector: mean cosine to the source about 0.85
COMPONENTS = 64  # principal components the noise is drawn from
EXTRA_QUERIES = 166  # perturbed chunk vectors asked besides the questions
K = 10
SEED = 7
BLOCK = 100_000


def synthetic(real: np.ndarray, n: int, rng: np.random.Generator, basis: np.ndarray, scale: np.ndarray):
    """n unit vectors near randomly chosen real ones, noise along the real vectors' principal components."""
    base = real[rng.integers(0, len(real), size=n)]
    noise = (rng.standard_normal((n, len(scale))).astype(np.float32) * scale) @ basis
    noise *= NOISE / np.maximum(np.linalg.norm(noise, axis=1, keepdims=True), 1e-12)
    out = base + noise
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def build(index_dir: str, questions: str, size: int, work: Path) -> None:
    import faiss

    from panelqa.ingest.embed import load_embedder
    from panelqa.ingest.store import Store, index_backend, read_manifest
    from panelqa.ingest.vectors import build_index

    manifest = read_manifest(Path(index_dir)) or {}
    with Store(Path(index_dir), read_only=True) as store:
        _, real = store.embeddings()
    centred = real - real.mean(axis=0)
    _, singular, vt = np.linalg.svd(centred[:20000], full_matrices=False)
    basis, scale = vt[:COMPONENTS].astype(np.float32), (singular[:COMPONENTS] / np.sqrt(len(centred))).astype(np.float32)
    rng = np.random.default_rng(SEED)
    embedder = load_embedder(manifest.get("model"), index_backend(manifest))
    texts = [json.loads(line)["question"] for line in open(questions, encoding="utf-8") if line.strip()]
    queries = np.vstack([embedder.embed(texts), synthetic(real, EXTRA_QUERIES, rng, basis, scale)])

    start = time.perf_counter()
    vectors = np.vstack([synthetic(real, min(BLOCK, size - s), rng, basis, scale) for s in range(0, size, BLOCK)])
    made_s = time.perf_counter() - start
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    _, truth = exact.search(queries, K)
    del exact
    start = time.perf_counter()
    index = build_index(vectors.shape[1], np.arange(size, dtype=np.int64), vectors)
    build_s = time.perf_counter() - start
    faiss.write_index(index, str(work / "vectors.faiss"))
    np.save(work / "truth.npy", truth)
    (work / "questions.json").write_text(json.dumps(texts))
    np.save(work / "synthetic_queries.npy", queries[len(texts):])
    print(f"built {size:,} vectors ({made_s:.0f} s to draw) into {type(index).__name__} in {build_s:.0f} s; "
          f"file {os.path.getsize(work / 'vectors.faiss') / 2**20:.0f} MB")


def serve(index_dir: str, work: Path) -> dict:
    """A fresh process: load the saved index and the model, then time queries as a server would run them."""
    import faiss

    from panelqa.ingest.embed import load_embedder
    from panelqa.ingest.store import index_backend, read_manifest

    manifest = read_manifest(Path(index_dir)) or {}
    index = faiss.read_index(str(work / "vectors.faiss"))
    embedder = load_embedder(manifest.get("model"), index_backend(manifest))
    texts = json.loads((work / "questions.json").read_text())
    extra = np.load(work / "synthetic_queries.npy")
    truth = np.load(work / "truth.npy")
    embedder.embed_query(texts[0])
    index.search(extra[:1], K)  # warm up
    latencies, found = [], []
    for n in range(len(truth)):
        start = time.perf_counter()
        vector = embedder.embed_query(texts[n]) if n < len(texts) else extra[n - len(texts)]
        _, ids = index.search(np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32), K)
        elapsed = time.perf_counter() - start
        if n < len(texts):
            latencies.append(elapsed)  # questions: embedding + search, as a user's query
        found.append(ids[0])
    searches = []
    for vector in extra:
        start = time.perf_counter()
        index.search(vector.reshape(1, -1), K)
        searches.append(time.perf_counter() - start)
    recall = float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth, strict=True)]))
    return {"type": type(index).__name__, "ntotal": int(index.ntotal), "nprobe": getattr(index, "nprobe", None),
            "p50_ms": 1000 * statistics.median(latencies), "p95_ms": 1000 * _pct(latencies, 0.95),
            "search_p50_ms": 1000 * statistics.median(searches), "search_p95_ms": 1000 * _pct(searches, 0.95),
            "recall10": recall, "queries": len(truth), "rss_mb": _rss_mb()}


def _pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", help="an ingested index: its vectors seed the synthetic ones")
    parser.add_argument("questions")
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--work", default="/tmp/perf-scale", help="where the grown index is written")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = Path(args.work)
    if args.serve:
        print(json.dumps(serve(args.index, work)))
        return
    work.mkdir(parents=True, exist_ok=True)
    one, five, fifteen = os.getloadavg()
    print(f"{os.cpu_count()} CPUs; load average {one:.2f} {five:.2f} {fifteen:.2f}")
    build(args.index, args.questions, args.size, work)
    out = subprocess.run([sys.executable, __file__, args.index, args.questions, "--work", str(work), "--serve"],
                         check=True, stdout=subprocess.PIPE, text=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{r['type']} of {r['ntotal']:,} vectors, nprobe {r['nprobe']}; {r['queries']} queries")
    print(f"  query (embed + search)  p50 {r['p50_ms']:.1f} ms   p95 {r['p95_ms']:.1f} ms")
    print(f"  search alone            p50 {r['search_p50_ms']:.1f} ms   p95 {r['search_p95_ms']:.1f} ms")
    print(f"  recall@{K} against exact search {r['recall10']:.3f}")
    print(f"  resident memory of the serving process (index + model) {r['rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
