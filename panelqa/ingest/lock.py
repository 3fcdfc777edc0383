"""One writer per index: a second ingest waits for the first instead of failing half-way on a locked database;
and a damaged index set aside, whole, before it is built again."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from panelqa.errors import index_not_writable

__all__ = ["writer_lock", "set_index_aside", "LOCK_NAME"]

LOCK_NAME = ".ingest.lock"
INDEX_FILES = ("panelqa.db", "panelqa.db-wal", "panelqa.db-shm", "vectors.faiss", "manifest.json")


@contextlib.contextmanager
def writer_lock(index_dir: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the index's writer lock; if another ingest holds it, say so once and wait for it.

    The lock is an flock on a file in the index folder: the kernel drops it when its holder dies, so a killed
    ingest never leaves the index locked.
    """
    index_dir = Path(index_dir)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(index_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise index_not_writable(index_dir, exc.strerror) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait(f"Another ingest is writing to {index_dir}/; waiting for it to finish.")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock


def set_index_aside(index_dir: Path) -> Path | None:
    """Move the index's files into index_dir/set-aside-<time>/ (kept for inspection); None if there were none."""
    index_dir = Path(index_dir)
    present = [index_dir / name for name in INDEX_FILES if (index_dir / name).exists()]
    if not present:
        return None
    target = index_dir / time.strftime("set-aside-%Y%m%d-%H%M%S")
    target.mkdir()
    for path in present:
        path.rename(target / path.name)
    return target
