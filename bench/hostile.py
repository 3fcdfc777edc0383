"""Issue 16's hostile folder, ingested as a new user would: wall time, peak memory of the process tree, the reports.

Builds the folder (the three sample papers; 40 damaged copies of one; a zero-page, a 2,000-page and a 5 MB
single-line PDF; a page that inflates to 1 GB of whitespace; 3 million text operators on 20 pages; a
password-protected PDF; names with unicode, tabs, spaces and leading dashes; a folder named x.pdf; a dangling
link, a link loop, a named pipe and a link to /dev/zero), runs `python -m panelqa.cli ingest` on it into a new
index with the default settings, samples the resident memory of the ingest and every reader it starts (from
/proc, every 50 ms), and prints the figures, then the ingest's own output.

Usage: python bench/hostile.py [--keep DIR] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hostile_inputs import build_hostile_folder  # noqa: E402  (tests/ is put on the path above)

SAMPLE_S = 0.05
LIMIT_S = 600  # the run was stopped after 900 s; this one is stopped here


def tree_rss_bytes(root: int) -> tuple[int, int, int]:
    """(resident bytes of root and all its descendants, of the largest one, number of processes)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, largest, count, todo = 0, 0, 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        largest = max(largest, rss.get(pid, 0))
        count += 1
        todo += children.get(pid, [])
    return total, largest, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the folder and the index here and keep them")
    parser.add_argument("--workers", type=int, help="reader processes (default: the CLI's)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="panelqa-hostile-"))
    t = time.perf_counter()
    hostile = build_hostile_folder(work / "downloads", ROOT / "corpus")
    print(f"built {len(os.listdir(hostile.folder))} entries in {hostile.folder} in {time.perf_counter() - t:.1f} s")

    command = [sys.executable, "-m", "panelqa.cli", "ingest", str(hostile.folder), "--index", str(work / "index")]
    if args.workers:
        command += ["--workers", str(args.workers)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    out_path = work / "ingest.out"
    with out_path.open("wb") as out, open(work / "ingest.err", "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
        peak = peak_one = most = 0
        while proc.poll() is None:
            total, largest, count = tree_rss_bytes(proc.pid)
            peak, peak_one, most = max(peak, total), max(peak_one, largest), max(most, count)
            if time.perf_counter() - start > LIMIT_S:
                proc.kill()
                print(f"STOPPED after {LIMIT_S} s")
                break
            time.sleep(SAMPLE_S)
        wall = time.perf_counter() - start
    print(f"ingest exit code {proc.returncode}, wall {wall:.1f} s")
    print(f"peak resident memory of the process tree {peak / 1e6:,.0f} MB (largest single process "
          f"{peak_one / 1e6:,.0f} MB; up to {most} processes)")
    print(out_path.read_text(errors="replace"))


if __name__ == "__main__":
    main()
