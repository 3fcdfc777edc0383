"""Adding a few papers to an existing index, as a user does after each meeting: wall time of the whole command.

The corpus minus PAPERS files (every n-th file by name, so the choice is fixed and depends on no content) is
ingested once into a base index. Each round then copies that index, puts the held-out papers back beside the
others and runs "python -m panelqa.cli ingest FOLDER --index COPY" in a new process, timed from process start to
exit: start-up, imports, hashing every file, model load, reader start, reading, embedding, writing the vectors.

Usage: python bench/add.py CORPUS [--papers 5] [--rounds 3] [--base DIR]
    --base DIR  keep the base index (and its copy of the papers) in DIR and reuse it on the next run
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

DEFAULT_PAPERS = 5
DEFAULT_ROUNDS = 3


def held_out(files: list[Path], papers: int) -> list[Path]:
    """Every n-th file by name: spread over the corpus, and the same on every run."""
    step = max(1, len(files) // papers)
    return files[step // 2::step][:papers]


def build_base(corpus: Path, base: Path, papers: int) -> list[Path]:
    """base/papers: the corpus without the held-out files; base/index: their index. Returns the held-out files."""
    from panelqa.ingest.run import ingest_paths
    from panelqa.settings import Settings

    files = sorted(corpus.glob("*.pdf"))
    out = held_out(files, papers)
    if (base / "index" / "manifest.json").exists():
        return out
    folder = base / "papers"
    folder.mkdir(parents=True, exist_ok=True)
    for path in files:
        if path not in out:
            shutil.copy2(path, folder / path.name)
    start = time.perf_counter()
    report = ingest_paths([folder], Settings.resolve(base / "index"))
    print(f"base index: {len(report.files)} files, {report.chunks} chunks in {time.perf_counter() - start:.1f} s")
    return out


def add_once(base: Path, new: list[Path], scratch: Path) -> tuple[float, str]:
    """One round: a fresh copy of the base index, the new papers put back, one ingest command timed."""
    index = scratch / "index"
    shutil.rmtree(index, ignore_errors=True)
    shutil.copytree(base / "index", index)
    for path in new:
        (base / "papers" / path.name).unlink(missing_ok=True)
        shutil.copy2(path, base / "papers" / path.name)
    try:
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "panelqa.cli", "ingest", str(base / "papers"), "--index",
                              str(index)], check=True, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
        wall = time.perf_counter() - start
    finally:
        for path in new:
            (base / "papers" / path.name).unlink(missing_ok=True)
    return wall, out.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--papers", type=int, default=DEFAULT_PAPERS)
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS)
    parser.add_argument("--base", help="Keep the base index here and reuse it.")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="add-bench-"))
    base = Path(args.base) if args.base else scratch / "base"
    try:
        new = build_base(Path(args.corpus), base, args.papers)
        one, five, fifteen = os.getloadavg()
        print(f"adding {len(new)} papers to an index of {args.corpus} without them; {os.cpu_count()} CPUs; "
              f"load average {one:.2f} {five:.2f} {fifteen:.2f}")
        walls = []
        for _ in range(args.rounds):
            wall, summary = add_once(base, new, scratch)
            walls.append(wall)
            print(f"  {wall:6.2f} s   {summary}")
        print(f"add {len(new)} papers, process start to exit: median {statistics.median(walls):.2f} s   "
              f"min {min(walls):.2f} s   max {max(walls):.2f} s   (n={len(walls)})")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
