"""Reader processes: each file is read in a child process that the ingest watches, so one file never stops the run.

A reader over its time on a page or a file is stopped and its file reported "too slow"; one over its memory
fails to allocate (an address-space limit set in the reader itself); one that crashes or is killed by the kernel
becomes a "failed" report. Either way a fresh reader takes the next file. Readers die with the ingest
(PR_SET_PDEATHSIG on Linux), so a killed ingest leaves none behind.

The readers are driven by a thread of the ingest, not by the loop that consumes their results: while the ingest
embeds one batch, the readers go on with the next files (handed out up to LOOKAHEAD_FILES ahead) and a reader
over its time is stopped on time. Driven from the consumer, readers sat idle through every embedding call, and
reading and embedding ran one after the other (corpus-dev: 74 s of a 224 s ingest spent waiting for readers).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait

from panelqa.settings import LIMIT_SETTINGS, ReadLimits

__all__ = ["read_all", "ReaderFailed", "reader_setup", "LOOKAHEAD_FILES"]

log = logging.getLogger(__name__)

MP_CONTEXT = "spawn"  # a reader starts clean: not a copy of an ingest holding the model, its threads and memory
LOOKAHEAD_FILES = 12  # files read past the one the ingest waits for: more than one embedding batch (~9 files of
# corpus-dev), so readers stay busy through it; each waiting result is one file's pages and chunks in memory
# Readers run at the ingest's own priority: LOOKAHEAD_FILES already keeps them from crowding out embedding, and a
# lowered priority (nice 10, before) starved them whenever the machine was busy (corpus-pcp-dev at load 20, in one
# run beside each other: 179 s wall with 96 s waiting for readers at nice 10, 97 s with 5 s at the same priority).
STOP_GRACE_S = 5.0  # a reader asked to stop at the end is killed if it has not exited by then
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True, slots=True)
class ReaderFailed:
    """A file whose reader was stopped or died: the reason, in one sentence, names the limit and its setting."""

    reason: str


@dataclass(slots=True)
class _Reader:
    process: multiprocessing.Process
    pipe: Connection
    job: int | None = None  # index of the file it reads
    started: float = 0.0  # monotonic time the file was handed out (the reader's own clock: the same on Linux)
    page: int = 0  # page being read, 0 before the first and after the last
    page_started: float = 0.0
    pages: int = 0
    extras: list = field(default_factory=list)


def read_all(jobs: Sequence[tuple], read: Callable, workers: int, limits: ReadLimits
             ) -> Iterator[tuple[int, object, bool]]:
    """Yield (n, result, next_ready) for each job in order: read(*jobs[n], limits=limits, watch=...)'s result, or
    a ReaderFailed. next_ready says job n + 1's result is already here, so the caller can batch without waiting."""
    if not jobs:
        return
    feeder = _Feeder(jobs, read, workers, limits)
    try:
        for n in range(len(jobs)):
            result, next_ready = feeder.take(n)
            yield n, result, next_ready
    finally:
        feeder.stop()


class _Feeder:
    """A thread that hands files to the readers and collects their results, whatever the consumer is doing."""

    def __init__(self, jobs: Sequence[tuple], read: Callable, workers: int, limits: ReadLimits):
        self.jobs, self.read, self.workers, self.limits = jobs, read, workers, limits
        self.results: dict[int, object] = {}
        self.wanted = 0  # the job the consumer waits for: files are handed out up to LOOKAHEAD_FILES past it
        self.error: BaseException | None = None
        self.stopping = False
        self.done = threading.Condition()
        self._wake_r, self._wake_w = os.pipe()  # a byte here wakes the thread from waiting on the readers
        os.set_blocking(self._wake_w, False)
        self.thread = threading.Thread(target=self._run, name="panelqa-readers", daemon=True)
        self.thread.start()

    def take(self, n: int) -> tuple[object, bool]:
        with self.done:
            self.wanted = n
            self._wake()
            while n not in self.results and self.error is None and self.thread.is_alive():
                self.done.wait()
            if n not in self.results:
                raise self.error or RuntimeError("the reader thread stopped before its last file")
            return self.results.pop(n), (n + 1) in self.results

    def stop(self) -> None:
        with self.done:
            self.stopping = True
            self._wake()
        self.thread.join()
        os.close(self._wake_r)
        os.close(self._wake_w)

    def _wake(self) -> None:
        try:
            os.write(self._wake_w, b"x")
        except BlockingIOError:  # the pipe is full of wake-ups already
            pass

    def _run(self) -> None:
        # The readers are started here, so they die with this thread (PR_SET_PDEATHSIG follows the thread that
        # started a child), which lives until every reader is stopped.
        pool = None
        try:
            pool = _Pool(multiprocessing.get_context(MP_CONTEXT), self.read, self.limits,
                         min(self.workers, len(self.jobs)))
            handed = 0
            while True:
                with self.done:
                    if self.stopping or (handed == len(self.jobs) and not pool.busy()):
                        return
                    wanted = self.wanted
                while handed < len(self.jobs) and handed <= wanted + LOOKAHEAD_FILES and pool.idle():
                    pool.hand(handed, self.jobs[handed])
                    handed += 1
                finished = pool.collect(wake=self._wake_r)
                if finished:
                    with self.done:
                        self.results.update(finished)
                        self.done.notify_all()
        except BaseException as exc:  # a bug here: handed to the consumer, which raises it
            self.error = exc
        finally:
            if pool is not None:
                pool.close()
            with self.done:
                self.done.notify_all()


class _Pool:
    def __init__(self, ctx, read: Callable, limits: ReadLimits, size: int):
        self.ctx, self.read, self.limits = ctx, read, limits
        self.readers = [self._start() for _ in range(size)]

    def _start(self) -> _Reader:
        parent, child = self.ctx.Pipe()
        process = self.ctx.Process(target=_reader_main, args=(child, self.read, self.limits, os.getpid()),
                                   daemon=True, name="panelqa-reader")
        process.start()
        child.close()
        return _Reader(process, parent)

    def idle(self) -> bool:
        return any(r.job is None for r in self.readers)

    def busy(self) -> bool:
        return any(r.job is not None for r in self.readers)

    def hand(self, n: int, job: tuple) -> None:
        reader = next(r for r in self.readers if r.job is None)
        reader.job, reader.started, reader.page, reader.pages = n, time.monotonic(), 0, 0
        try:
            reader.pipe.send((n, job))
        except OSError:  # it died while idle (killed by a user or the kernel): a fresh one takes the file
            self._replace(reader, kill=True)
            self.hand(n, job)

    def collect(self, wake: int) -> dict[int, object]:
        """Wait for a result, an overrun or a byte on the wake pipe; return what finished, replacing readers
        that were lost."""
        done: dict[int, object] = {}
        busy = [r for r in self.readers if r.job is not None]
        ready = wait([r.pipe for r in busy] + [r.process.sentinel for r in busy] + [wake],
                     timeout=self._next_deadline(busy))
        if wake in ready:
            os.read(wake, 4096)
        for reader in busy:
            if reader.pipe in ready or reader.process.sentinel in ready:
                self._drain(reader, done)
        now = time.monotonic()
        for reader in busy:
            if reader.job is not None and (reason := self._overrun(reader, now)):
                done[reader.job] = ReaderFailed(reason)
                self._replace(reader, kill=True)
        return done

    def _drain(self, reader: _Reader, done: dict[int, object]) -> None:
        try:
            while reader.job is not None and reader.pipe.poll():
                message = reader.pipe.recv()
                if message[0] == "page":
                    _, reader.page, reader.pages, reader.page_started = message
                elif message[0] == "read":  # pages are read; describing and chunking remain
                    reader.page = 0
                elif message[0] == "done":
                    done[message[1]] = message[2]
                    reader.job = None
        except (EOFError, OSError):
            pass
        if reader.job is not None and not reader.process.is_alive():
            done[reader.job] = ReaderFailed(self._death(reader))
            self._replace(reader, kill=False)

    def _next_deadline(self, busy: list[_Reader]) -> float | None:
        if not busy:
            return None  # nothing to watch: wait for the consumer to make room
        now = time.monotonic()
        soonest = min(min(r.started + self.limits.max_file_s,
                          r.page_started + self.limits.max_page_s if r.page else float("inf")) for r in busy)
        return max(0.05, soonest - now + 0.01)

    def _overrun(self, reader: _Reader, now: float) -> str:
        on_page = f" on page {reader.page} of {reader.pages}" if reader.page else ""
        if reader.page and now - reader.page_started > self.limits.max_page_s:
            return (f"too slow: {now - reader.page_started:.0f} s on page {reader.page} of {reader.pages}, over the "
                    f"limit of {self.limits.max_page_s:g} s per page; raise {LIMIT_SETTINGS['max_page_s']} to "
                    "give it longer.")
        if now - reader.started > self.limits.max_file_s:
            return (f"too slow: {now - reader.started:.0f} s{on_page}, over the limit of {self.limits.max_file_s:g} s "
                    f"per file; raise {LIMIT_SETTINGS['max_file_s']} to give it longer.")
        return ""

    def _death(self, reader: _Reader) -> str:
        reader.process.join(1.0)
        code = reader.process.exitcode
        where = f" on page {reader.page} of {reader.pages}" if reader.page else ""
        if code is not None and code < 0:
            name = signal.Signals(-code).name
            if -code == signal.SIGKILL:  # not sent by panelqa: the kernel's out-of-memory killer, or a user
                return (f"its reader was killed (SIGKILL){where}, most likely out of memory; lower "
                        f"{LIMIT_SETTINGS['max_reader_mb']} (now {self.limits.max_reader_mb} MB) so the reader "
                        "fails alone, or free memory, and ingest again.")
            if -code == signal.SIGABRT:  # what PDFium does when an allocation fails under the memory limit
                return (f"its reader stopped (SIGABRT){where}: the file needs more than the {self.limits.max_reader_mb} "
                        f"MB a reader may take, or is damaged; raise {LIMIT_SETTINGS['max_reader_mb']} if it is "
                        "a good paper.")
            return f"its reader crashed ({name}){where}; the PDF is probably damaged: download or export it again."
        return f"its reader exited (code {code}){where}; the PDF is probably damaged: download or export it again."

    def _replace(self, reader: _Reader, *, kill: bool) -> None:
        if kill and reader.process.is_alive():
            reader.process.kill()
        reader.process.join(STOP_GRACE_S)
        reader.pipe.close()
        self.readers[self.readers.index(reader)] = self._start()

    def close(self) -> None:
        for reader in self.readers:
            try:
                reader.pipe.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + STOP_GRACE_S
        for reader in self.readers:
            if reader.job is not None:  # the caller stopped early: nothing waits for this file
                reader.process.kill()
            reader.process.join(max(0.0, deadline - time.monotonic()))
            if reader.process.is_alive():
                reader.process.kill()
                reader.process.join()
            reader.pipe.close()


def reader_setup(limits: ReadLimits, parent_pid: int | None = None) -> None:
    """Run first in a reader: die with the ingest, take no more memory than allowed."""
    _die_with_parent(parent_pid)
    _limit_memory(limits.max_reader_mb)


def _reader_main(conn: Connection, read: Callable, limits: ReadLimits, parent_pid: int) -> None:
    reader_setup(limits, parent_pid)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        n, job = message

        def watch(event: str, page: int, value: int) -> None:
            if event in ("page", "read"):
                conn.send((event, page, value, time.monotonic()))

        result = read(*job, limits=limits, watch=watch)
        conn.send(("done", n, result))


def _die_with_parent(parent_pid: int | None) -> None:
    if not sys.platform.startswith("linux"):
        return  # elsewhere a reader notices its parent is gone when the pipe closes, after its current file
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            log.warning("readers will not die with the ingest: prctl failed (errno %d)", ctypes.get_errno())
    except (OSError, AttributeError):
        return
    if parent_pid is not None and os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _limit_memory(max_mb: int) -> None:
    """An address-space limit of max_mb above what the reader holds now: an allocation past it fails (MemoryError),
    so a bomb costs its file, never the machine. Set relative to start-up, which differs between machines."""
    try:
        import resource

        with open("/proc/self/status") as fh:
            size_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmSize:"))
    except (ImportError, OSError, StopIteration, ValueError):
        return
    limit = size_kb * 1024 + max_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
