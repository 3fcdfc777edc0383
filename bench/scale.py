"""The whole query path of a panelqa index grown to N chunks: every retriever and the full `ask` timed.

Build: a real panelqa index (SQLite + FTS5 + FAISS, written by ingest.store.Store.write_document and
write_vectors) of the papers of INDEX, then of copies of them until it holds N chunks. A copy of a paper
keeps its pages, chunk kinds, headings and funding and commitments rows (so those come in proportion),
moves its dates by a few whole years, and changes its words: REPLACE_SHARE of them are swapped for words
drawn from the papers' own word stream (so word frequencies stay those of real papers), and new words
(one-letter variants of real ones, as names and misspellings are) are added at the rate Heaps' law, fitted
on INDEX, says a corpus of N chunks has. Each vector is its real chunk's vector plus noise drawn from the
real vectors' own covariance (top principal components), made unit length: the clusters and spread of real
embeddings, not copies. Recall@10 of the FAISS index as written (exact up to ingest.vectors.EXACT_LIMIT,
IVF-SQ8 above) is measured there against exact search over the stored vectors.

Serve, in a fresh process (its resident memory is what serving costs): open the index as the CLI and the
app do, then for every question of QUESTIONS.jsonl time each stage on its own (parse, window filter,
embed, dense, keyword, fuzzy, phrase, the ledger answer of money questions) and the full `ask`; then
commitments' follow-ups and timelines, which search the FAISS index per commitment.

Usage: python bench/scale.py INDEX QUESTIONS.jsonl... [--size N] [--work DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

DEFAULT_SIZE = 100_000
NOISE = 0.6  # norm of the added noise relative to the unit real vector: mean cosine to the source about 0.85
COMPONENTS = 64  # principal components the noise is drawn from
REPLACE_SHARE = 0.15  # share of a copy's words swapped for words drawn from the papers' word stream
MAX_YEAR_SHIFT = 4  # a copy's dates move by up to this many whole years either way
EXTRA_QUERIES = 200  # perturbed chunk vectors asked besides the questions, for recall@10
FOLLOW_UP_SAMPLE = 400  # commitments whose follow-ups are timed (spread over the index)
TIMELINE_MATTERS = ("knife crime", "Buddi tags", "police precept", "victims services", "rural crime",
                    "body worn video", "domestic abuse", "mental health", "road safety", "custody")  # matters a
# member follows over time; `panelqa timeline` takes a matter, not a question
K = 10
SEED = 7
WORD = re.compile(r"[A-Za-z][a-z]{3,}")  # the words a copy may change: lower-case words of 4+ letters
TOKEN = re.compile(r"[a-z0-9]+")
GOALS = {"ask_p50_ms": 150, "ask_p95_ms": 400, "rss_mb": 4096, "recall10": 0.95}


# -- build ----------------------------------------------------------------------------------------

def heaps(texts: list[str], rng: random.Random) -> tuple[int, float]:
    """(vocabulary size, Heaps' exponent beta) of the texts, beta from the vocabulary of half of them."""
    order = texts[:]
    rng.shuffle(order)
    seen: set[str] = set()
    half = 0
    for n, text in enumerate(order):
        seen.update(TOKEN.findall(text.lower()))
        if n + 1 == len(order) // 2:
            half = len(seen)
    return len(seen), math.log(len(seen) / max(half, 1)) / math.log(2)


def mutate(text: str, rng: random.Random, pool: list[str], novel_rate: float) -> str:
    """The text with some words swapped for drawn ones and, at novel_rate a word, one-letter variants."""
    def swap(m: re.Match) -> str:
        roll = rng.random()
        if roll < novel_rate:
            word = m.group(0)
            at = rng.randrange(1, len(word))
            return word[:at] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[at + 1:]
        if roll < novel_rate + REPLACE_SHARE:
            return pool[rng.randrange(len(pool))]
        return m.group(0)
    return WORD.sub(swap, text)


def shift_year(value: str | None, years: int) -> str | None:
    """An ISO date or a financial year ("2017/18") moved by whole years."""
    if not value or not value[:4].isdigit():
        return value
    year = int(value[:4]) + years
    if len(value) == 7 and value[4] == "/":
        return f"{year}/{(year + 1) % 100:02d}"
    rest = value[4:]
    return f"{year}{'-02-28' if rest == '-02-29' else rest}"


def synthetic(real: np.ndarray, rng: np.random.Generator, basis: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """A unit vector near each real one, the noise along the real vectors' principal components."""
    noise = (rng.standard_normal((len(real), len(scale))).astype(np.float32) * scale) @ basis
    noise *= NOISE / np.maximum(np.linalg.norm(noise, axis=1, keepdims=True), 1e-12)
    out = real + noise
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


@dataclass(frozen=True)
class Shared:
    """What every copy of a paper draws on: random sources, the noise, the word stream, the real rows."""

    rng: random.Random
    vrng: np.random.Generator
    basis: np.ndarray
    scale: np.ndarray
    pool: list
    novel_rate: float
    pages: dict
    ledger: dict
    commitments: dict
    row_vectors: dict


def _copy_id(doc_id: str, copy: int, *parts) -> str:
    return hashlib.sha256("/".join([doc_id, str(copy), *map(str, parts)]).encode()).hexdigest()[:32]


def paper_copy(doc, rows: list, copy: int, years: int, shared: Shared) -> tuple:
    """(document, pages, chunks, vectors) of copy number `copy` of a paper (0: the paper itself)."""
    from panelqa.ingest.records import Chunk, Fact
    from panelqa.ingest.store import Vectors

    doc_id = doc.doc_id if copy == 0 else hashlib.sha256(f"{doc.doc_id}/{copy}".encode()).hexdigest()
    made = []
    for r in rows:
        text = r["text"] if copy == 0 else mutate(r["text"], shared.rng, shared.pool, shared.novel_rate)
        made.append(Chunk(r["chunk_id"] if copy == 0 else _copy_id(doc.doc_id, copy, r["chunk_id"]), doc_id,
                          r["ordinal"], r["page_start"], r["page_end"], r["kind"],
                          tuple(json.loads(r["heading_path"])), text, tuple(tuple(b) for b in json.loads(r["boxes"]))))
    vectors = np.vstack([np.frombuffer(r["embedding"], dtype=np.float32) for r in rows])
    if copy:
        vectors = synthetic(vectors, shared.vrng, shared.basis, shared.scale)
    keys = tuple(r["embed_key"] if copy == 0 else c.chunk_id for r, c in zip(rows, made, strict=True))
    new_doc = replace(
        doc, doc_id=doc_id, source=doc.source if copy == 0 else f"synthetic/{copy}/{doc.file_name}",
        meeting_date=Fact(shift_year(doc.meeting_date.value, years), doc.meeting_date.source)
        if doc.meeting_date else None,
        financial_years=tuple(Fact(shift_year(f.value, years), f.source) for f in doc.financial_years))
    return new_doc, shared.pages[doc.doc_id], made, Vectors(vectors, keys)


def rows_copy(doc, rows: list, copy: int, years: int, shared: Shared) -> dict:
    """The funding and commitment rows of the copied chunks, moved to the copy, as write_document takes them."""
    from panelqa.ingest.store import Vectors

    doc_id = doc.doc_id if copy == 0 else hashlib.sha256(f"{doc.doc_id}/{copy}".encode()).hexdigest()
    chunk_ids = {r["chunk_id"] for r in rows}
    out = {}
    for table, found, vectors_name in (("ledger", shared.ledger, "ledger_vectors"),
                                       ("commitments", shared.commitments, "commitment_vectors")):
        kept = [r for r in found.get(doc.doc_id, []) if r.chunk_id in chunk_ids and r.row_id in shared.row_vectors[table]]
        if not kept:
            continue
        moved = [r if copy == 0 else replace(
            r, row_id=_copy_id(doc.doc_id, copy, r.row_id), doc_id=doc_id,
            chunk_id=_copy_id(doc.doc_id, copy, r.chunk_id), meeting_date=shift_year(r.meeting_date, years),
            financial_year=shift_year(r.financial_year, years),
            **({"grant_id": f"{r.grant_id}/{copy}"} if table == "ledger" else {})) for r in kept]
        values = np.vstack([shared.row_vectors[table][r.row_id] for r in kept])
        if copy:
            values = synthetic(values, shared.vrng, shared.basis, shared.scale)
        out[table] = moved
        out[vectors_name] = Vectors(values, tuple(r.row_id for r in moved))
    return out


def build(source: Path, work: Path, size: int) -> dict:
    import faiss

    from panelqa.ingest.records import Block, Page
    from panelqa.ingest.store import Store, read_faiss

    rng, vrng = random.Random(SEED), np.random.default_rng(SEED)
    with Store(source, read_only=True) as src:
        identity = src.identity()
        docs = [s for s in src.documents() if s.chunk_count]
        chunks: dict[str, list] = {}
        for row in src.iter_chunks():
            chunks.setdefault(row["doc_id"], []).append(row)
        pages = {d.document.doc_id: src.page_rows(d.document.doc_id) for d in docs}
        ledger: dict[str, list] = {}
        for row, _ in src.ledger_rows():
            ledger.setdefault(row.doc_id, []).append(row)
        commitments: dict[str, list] = {}
        for row, _ in src.commitment_rows():
            commitments.setdefault(row.doc_id, []).append(row)
        row_vectors = {t: dict(zip(*src.row_vectors(t), strict=True)) for t in ("ledger", "commitments")}
    texts = [r["text"] for rows in chunks.values() for r in rows]
    real = np.vstack([np.frombuffer(r["embedding"], dtype=np.float32) for rows in chunks.values() for r in rows])
    centred = real - real.mean(axis=0)
    variances, axes = np.linalg.eigh(centred.T @ centred / len(centred))  # ascending
    basis = axes[:, ::-1][:, :COMPONENTS].T.astype(np.float32)
    scale = np.sqrt(np.maximum(variances[::-1][:COMPONENTS], 0)).astype(np.float32)
    vocab, beta = heaps(texts, rng)
    target_vocab = int(vocab * (size / len(texts)) ** beta)
    pool = [w for t in texts for w in WORD.findall(t)]
    words_per_chunk = len(pool) / len(texts)
    novel_rate = max(0, target_vocab - vocab) / max(1, (size - len(texts)) * words_per_chunk)

    page_records = {doc_id: [Page(p[0], p[1], p[2], (Block("line", p[3], (0.0, 0.0, p[1] or 0.0, p[2] or 0.0)),),
                                  tuple(tuple(w) for w in json.loads(p[4]))) for p in found]
                    for doc_id, found in pages.items()}
    shared = Shared(rng, vrng, basis, scale, pool, novel_rate, page_records, ledger, commitments, row_vectors)
    work.mkdir(parents=True, exist_ok=True)
    for name in ("panelqa.db", "panelqa.db-wal", "panelqa.db-shm", "vectors.faiss", "manifest.json"):
        (work / name).unlink(missing_ok=True)
    start = time.perf_counter()
    written = copies = 0
    with Store(work) as out:
        out.set_identity(identity)
        while written < size:
            for stored in docs:
                if written >= size:
                    break
                rows = chunks[stored.document.doc_id][: size - written]
                copy = copies // len(docs)  # 0: the papers as they are
                years = 0 if copy == 0 else rng.randint(-MAX_YEAR_SHIFT, MAX_YEAR_SHIFT)
                out.write_document(*paper_copy(stored.document, rows, copy, years, shared), 0,
                                   **rows_copy(stored.document, rows, copy, years, shared))
                written += len(rows)
                copies += 1
        write_s = time.perf_counter() - start
        start = time.perf_counter()
        out.write_vectors(identity.model, identity.dim, identity.backend)
        faiss_s = time.perf_counter() - start
        counts = {t: out.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("documents", "chunks", "pages", "ledger", "commitments")}
        vocab_now = out.conn.execute("SELECT count(*) FROM chunks_vocab").fetchone()[0]
        ids, stored_vectors = out.embeddings()
    recall = _recall(read_faiss(work), ids, stored_vectors, vrng, basis, scale, faiss)
    return {"chunks": int(len(ids)), "counts": counts, "write_s": write_s, "faiss_s": faiss_s,
            "source_vocab": vocab, "beta": beta, "target_vocab": target_vocab, "fts_terms": vocab_now, **recall}


def _recall(index, ids, vectors, rng, basis, scale, faiss) -> dict:
    """recall@10 of the written index against exact search over the stored vectors, and how far its scores
    are from the exact cosines (IVF-SQ8 stores 8 bits a dimension)."""
    queries = synthetic(vectors[rng.integers(0, len(vectors), size=EXTRA_QUERIES)], rng, basis, scale)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    _, truth = exact.search(queries, K)
    del exact
    scores, found = index.search(queries, K)
    truth_ids = ids[truth]
    recall = float(np.mean([len(set(f) & set(t)) / K for f, t in zip(found, truth_ids, strict=True)]))
    position = {int(i): n for n, i in enumerate(ids)}
    errors = [abs(float(s) - float(vectors[position[int(i)]] @ q))
              for q, row_s, row_i in zip(queries, scores, found, strict=True)
              for s, i in zip(row_s, row_i, strict=True) if i >= 0]
    return {"index_type": type(index).__name__, "nprobe": getattr(index, "nprobe", None),
            "recall10": recall, "score_error_max": max(errors), "queries_recall": len(queries)}


# -- serve ----------------------------------------------------------------------------------------

def serve(work: Path, questions: list[str]) -> dict:
    """A fresh process: open the index as `panelqa ask` does, then time each stage and the whole ask."""
    from panelqa.reports.commitments import CommitmentView, with_follow_ups
    from panelqa.reports.timeline import build_timeline
    from panelqa.search import dense, fuzzy, keyword, phrase
    from panelqa.search.api import CANDIDATES, ask, retrieve_passages
    from panelqa.search.index import open_index
    from panelqa.search.money import ledger_answer
    from panelqa.search.query import parse_query
    from panelqa.settings import Settings

    out: dict = {"rss_start_mb": _status("VmRSS")}
    print(f"serving {work}", file=sys.stderr)
    start = time.perf_counter()
    index = open_index(work, Settings.resolve(work).model)
    _ = index.embedder, index.faiss
    out["open_s"] = time.perf_counter() - start
    out["chunks"] = index.size
    start = time.perf_counter()
    ask(index, questions[0])  # first question: loads the vocabulary, glossary and ledger
    out["first_ask_s"] = time.perf_counter() - start
    stages: dict[str, list[float]] = {}

    def timed(stage: str, call, *args, **kwargs):
        start = time.perf_counter()
        value = call(*args, **kwargs)
        stages.setdefault(stage, []).append(time.perf_counter() - start)
        return value

    for question in questions:
        query = timed("parse", parse_query, question, None, index.bodies)
        allowed = timed("window filter", index.allowed_chunks, query)
        vector = timed("embed", index.embedder.embed_query, query.search_text or query.text)
        timed("dense (FAISS)", dense.retrieve, index, query, CANDIDATES, allowed, vector=vector)
        timed("keyword (FTS5)", keyword.retrieve, index, query, CANDIDATES, allowed)
        timed("fuzzy", fuzzy.retrieve, index, query, CANDIDATES, allowed)
        timed("phrase", phrase.retrieve, index, query, CANDIDATES, allowed)
        if query.kind == "money":
            passages = retrieve_passages(index, query, 5, vector)
            timed("ledger (money questions)", ledger_answer, index, query, vector, passages)
        timed("full ask", ask, index, question)
    out["stages"] = {name: {"n": len(v), "p50_ms": 1000 * statistics.median(v), "p95_ms": 1000 * _pct(v, 0.95)}
                     for name, v in stages.items()}
    out["rss_after_asks_mb"] = _status("VmRSS")

    views = [CommitmentView(r, n) for r, n in index.store.commitment_rows()]
    sample = views[:: max(1, len(views) // FOLLOW_UP_SAMPLE)][:FOLLOW_UP_SAMPLE]
    start = time.perf_counter()
    found = with_follow_ups(index.store, sample, index.faiss)
    elapsed = time.perf_counter() - start
    out["follow_ups"] = {"commitments": len(views), "timed": len(sample), "ms_each": 1000 * elapsed / len(sample),
                         "with_follow_ups": sum(1 for v in found if v.follow_ups),
                         "all_projected_s": elapsed / len(sample) * len(views)}
    spent = []
    for matter in TIMELINE_MATTERS:
        start = time.perf_counter()
        build_timeline(index, matter)
        spent.append(time.perf_counter() - start)
    out["timeline"] = {"n": len(spent), "p50_ms": 1000 * statistics.median(spent), "p95_ms": 1000 * _pct(spent, 0.95)}
    out["rss_mb"] = _status("VmRSS")
    out["peak_rss_mb"] = _status("VmHWM")
    return out


def _pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _status(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _disk_mb(work: Path) -> dict[str, float]:
    return {p.name: p.stat().st_size / 2**20 for p in sorted(work.iterdir()) if p.is_file() and p.stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", help="an ingested index: its papers seed the synthetic ones")
    parser.add_argument("questions", nargs="+", help="question sets (JSON Lines with a \"question\" field)")
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="chunks in the grown index")
    parser.add_argument("--work", default="/tmp/perf-scale", help="where the grown index is written")
    parser.add_argument("--reuse", action="store_true", help="time the index a run of the same --size left in --work")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = Path(args.work)
    questions = [json.loads(line)["question"] for path in args.questions
                 for line in open(path, encoding="utf-8") if line.strip()]
    if args.serve:
        print(json.dumps(serve(work, questions)))
        return
    one, five, fifteen = os.getloadavg()
    print(f"{os.cpu_count()} CPUs; load average {one:.2f} {five:.2f} {fifteen:.2f} (a loaded machine makes "
          "every time longer: compare sizes within one machine state)")
    done = work / "build.json"
    if args.reuse and done.exists() and json.loads(done.read_text())["chunks"] == args.size:
        b = json.loads(done.read_text())
    else:
        b = build(Path(args.index), work, args.size)
        done.write_text(json.dumps(b))
    c = b["counts"]
    print(f"built {b['chunks']:,} chunks ({c['documents']:,} papers, {c['pages']:,} pages, {c['ledger']:,} ledger "
          f"and {c['commitments']:,} commitment rows) in {b['write_s']:.0f} s of writes + {b['faiss_s']:.0f} s "
          f"for {b['index_type']}; words: Heaps beta {b['beta']:.2f}, vocabulary {b['source_vocab']:,} -> target "
          f"{b['target_vocab']:,}; FTS5 terms {b['fts_terms']:,}")
    disk = _disk_mb(work)
    print("on disk: " + ", ".join(f"{n} {mb:,.0f} MB" for n, mb in disk.items()) + f"; total {sum(disk.values()):,.0f} MB")
    print(f"recall@{K} of {b['index_type']} (nprobe {b['nprobe']}) against exact search: {b['recall10']:.3f} "
          f"over {b['queries_recall']} queries; largest score error {b['score_error_max']:.4f}")
    runs = {}
    for name, folder in (("grown", work), ("source", Path(args.index))):  # the source in the same machine state
        out = subprocess.run([sys.executable, __file__, args.index, *args.questions, "--work", str(folder),
                              "--serve"], check=True, stdout=subprocess.PIPE, text=True)
        runs[name] = json.loads(out.stdout.strip().splitlines()[-1])
    r, base = runs["grown"], runs["source"]
    print(f"serving {b['chunks']:,} chunks: open {r['open_s']:.1f} s, first ask {r['first_ask_s']:.1f} s; "
          f"{len(questions)} questions (beside: the source index of {base['chunks']:,} chunks, same questions)")
    for name, s in r["stages"].items():
        was = base["stages"].get(name, {"p50_ms": float("nan"), "p95_ms": float("nan")})
        print(f"  {name:<26} p50 {s['p50_ms']:7.1f} ms   p95 {s['p95_ms']:7.1f} ms   (n={s['n']}; source "
              f"p50 {was['p50_ms']:.1f}, p95 {was['p95_ms']:.1f})")
    f = r["follow_ups"]
    print(f"  follow-ups: {f['ms_each']:.1f} ms a commitment over {f['timed']} of {f['commitments']:,} "
          f"({f['with_follow_ups']} with one); all of them about {f['all_projected_s']:.0f} s (source: "
          f"{base['follow_ups']['ms_each']:.1f} ms a commitment)")
    t, tb = r["timeline"], base["timeline"]
    print(f"  timeline                   p50 {t['p50_ms']:7.1f} ms   p95 {t['p95_ms']:7.1f} ms   (n={t['n']}; source "
          f"p50 {tb['p50_ms']:.1f}, p95 {tb['p95_ms']:.1f})")
    print(f"resident memory: {r['rss_after_asks_mb']:.0f} MB after the questions, {r['rss_mb']:.0f} MB after "
          f"follow-ups and timelines, peak {r['peak_rss_mb']:.0f} MB (source: peak {base['peak_rss_mb']:.0f} MB)")
    ask_s = r["stages"]["full ask"]
    got = {"ask_p50_ms": ask_s["p50_ms"], "ask_p95_ms": ask_s["p95_ms"], "rss_mb": r["peak_rss_mb"],
           "recall10": b["recall10"]}
    print("goals: " + "; ".join(
        f"{name} {got[name]:.3g} ({'met' if (got[name] >= goal if name == 'recall10' else got[name] < goal) else 'NOT met'}"
        f", goal {'>=' if name == 'recall10' else '<'} {goal})" for name, goal in GOALS.items()))


if __name__ == "__main__":
    main()
