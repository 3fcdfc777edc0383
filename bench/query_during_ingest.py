"""Query latency while an ingest writes to the same index (issue 16): p50/p95/max before and during the ingest.

The index is first built from the three sample papers; one process opens it and asks the questions once
(warm), then `python -m panelqa.cli ingest CORPUS` starts into the same index and the questions are asked
round and round, each timed alone, until that ingest exits. On a small machine the ingest takes the CPUs the
query needs, so the figure includes that contention; what it must not include is a rebuild of the vectors per
query (the issue's "vectors.faiss holds 1311 vectors but the database 2091 chunks; rebuilding in memory").

Usage: python bench/query_during_ingest.py CORPUS QUESTIONS.jsonl [--keep DIR] [--pause S]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def figures(name: str, seconds: list[float]) -> str:
    return (f"{name:7} p50 {1000 * statistics.median(seconds):7.1f} ms   p95 {1000 * percentile(seconds, 0.95):7.1f} ms"
            f"   max {1000 * max(seconds):7.1f} ms   (n={len(seconds)})")


class CountWarnings(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("questions")
    parser.add_argument("--keep", type=Path, help="build the index here and keep it")
    parser.add_argument("--pause", type=float, default=0.5,
                        help="seconds between two questions, as a user asks them (0: back to back, which on a "
                             "small machine starves the ingest)")
    args = parser.parse_args()
    from panelqa.search.api import ask
    from panelqa.search.evaluate import load_questions
    from panelqa.search.index import open_index
    from panelqa.settings import Settings

    index_dir = args.keep or Path(tempfile.mkdtemp(prefix="panelqa-busy-")) / "index"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "panelqa.cli", "ingest"]
    subprocess.run([*cli, str(ROOT / "corpus"), "--index", str(index_dir)], check=True, env=env, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    questions = [q["question"] for q in load_questions(args.questions)]
    warnings = CountWarnings()
    logging.getLogger("panelqa").addHandler(warnings)
    settings = Settings.resolve(index_dir)
    index = open_index(settings.index_dir, settings.model)
    ask(index, questions[0])  # warm up: model, FAISS, vocabulary

    before = []
    for question in questions:
        start = time.perf_counter()
        ask(index, question)
        before.append(time.perf_counter() - start)

    one, five, fifteen = os.getloadavg()
    print(f"index {index_dir}; {len(questions)} questions; {os.cpu_count()} CPUs; load {one:.2f} {five:.2f} "
          f"{fifteen:.2f}")
    print(figures("before", before))
    started = time.perf_counter()
    ingest = subprocess.Popen([*cli, args.corpus, "--index", str(index_dir)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    during, n = [], 0
    while ingest.poll() is None:
        index = open_index(settings.index_dir, settings.model)  # as the app does per query: cached until it changes
        start = time.perf_counter()
        ask(index, questions[n % len(questions)])
        during.append(time.perf_counter() - start)
        n += 1
        time.sleep(args.pause)
    print(f"ingest of {args.corpus} into the same index: exit {ingest.returncode}, "
          f"{time.perf_counter() - started:.1f} s")
    print(figures("during", during))
    rebuilt = [m for m in warnings.messages if "rebuilding" in m]
    print(f"warnings during queries: {len(warnings.messages)} ({len(rebuilt)} about rebuilding vectors)")
    one, five, fifteen = os.getloadavg()
    print(f"load at the end {one:.2f} {five:.2f} {fifteen:.2f}")


if __name__ == "__main__":
    main()
