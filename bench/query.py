"""Query latency on an index: warm p50/p95/max over a question set, and the cold start of "panelqa ask".

Warm: the index is opened and one question asked first (model and FAISS loaded); then each question goes
through the whole pipeline (parse, embed, dense + keyword + fuzzy retrieval, fusion, answer), timed alone.
Cold: "python -m panelqa.cli ask QUESTION --index INDEX" in a new process, from start to exit, COLD_RUNS times.

Usage: python bench/query.py INDEX QUESTIONS.jsonl [--rounds N] [--cold-only]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

COLD_RUNS = 5


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def warm_latencies(index_dir: str, questions: list[str], rounds: int) -> list[float]:
    from panelqa.search.api import ask
    from panelqa.search.index import open_index
    from panelqa.settings import Settings

    settings = Settings.resolve(index_dir)
    index = open_index(settings.index_dir, settings.model)
    ask(index, questions[0])  # warm up: model, FAISS, vocabulary, glossary
    out = []
    for _ in range(rounds):
        for question in questions:
            start = time.perf_counter()
            ask(index, question)
            out.append(time.perf_counter() - start)
    return out


def cold_start(index_dir: str, question: str) -> tuple[list[float], list[float]]:
    """Wall seconds and CPU seconds (user + system) of each run: on a loaded machine the CPU is the steadier."""
    walls, cpus = [], []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(COLD_RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "panelqa.cli", "ask", question, "--index", index_dir], check=True,
                       stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index")
    parser.add_argument("questions")
    parser.add_argument("--rounds", type=int, default=3, help="Times each question is asked warm.")
    parser.add_argument("--cold-only", action="store_true", help="Only the cold start of panelqa ask.")
    args = parser.parse_args()
    from panelqa.search.evaluate import load_questions

    questions = [q["question"] for q in load_questions(args.questions)]
    one, five, fifteen = os.getloadavg()
    print(f"index {args.index}; {len(questions)} questions x {args.rounds}; {os.cpu_count()} CPUs; "
          f"load average {one:.2f} {five:.2f} {fifteen:.2f}")
    if not args.cold_only:
        warm = warm_latencies(args.index, questions, args.rounds)
        print(f"warm  p50 {1000 * statistics.median(warm):6.1f} ms   p95 {1000 * percentile(warm, 0.95):6.1f} ms   "
              f"max {1000 * max(warm):6.1f} ms   (n={len(warm)})")
    cold, cpu = cold_start(args.index, questions[0])
    print(f"cold  panelqa ask, process start to exit: median {statistics.median(cold):.2f} s   "
          f"min {min(cold):.2f} s   max {max(cold):.2f} s   (n={len(cold)}); CPU median {statistics.median(cpu):.2f} s")


if __name__ == "__main__":
    main()
