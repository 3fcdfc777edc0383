"""Which paths an ingest reads: regular PDF files only, each once; everything else is reported, never opened.

A named pipe would block the reader forever, /dev/zero would feed it without end, and a folder named x.pdf or
a link to nowhere cannot be read at all, so each of them becomes one line with its reason instead. A link to a
regular file is followed (once: links to folders are not walked, so a loop of folders cannot recurse).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from panelqa.errors import PanelqaError, UnreadableFile
from panelqa.settings import LIMIT_SETTINGS

__all__ = ["FoundFiles", "Rejected", "find_files", "find_pdfs", "file_hash", "HASH_BLOCK_BYTES"]

HASH_BLOCK_BYTES = 1 << 20  # files are hashed 1 MB at a time, never read whole into memory
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


@dataclass(frozen=True, slots=True)
class Rejected:
    """A path that is not read, and why, in one sentence."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class FoundFiles:
    """Regular files to read, in a stable order, and the entries that will not be read."""

    files: tuple[Path, ...]
    rejected: tuple[Rejected, ...]

    def __len__(self) -> int:
        return len(self.files) + len(self.rejected)


def find_files(paths: Iterable[str | Path]) -> FoundFiles:
    """Files as given, and entries named *.pdf found recursively in folders, each once."""
    found: list[Path] = []
    rejected: list[Rejected] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():  # a folder given by name is walked, even through a link
            candidates = _walk(path)
        elif os.path.lexists(path):
            candidates = [path]
        else:
            raise PanelqaError(f"{path} does not exist; give a PDF file or a folder of PDFs.")
        for candidate in candidates:
            reason = _unnamable(candidate) or not_regular(candidate)
            if reason:
                rejected.append(Rejected(_printable(candidate), reason))
            else:
                found.append(candidate)
    seen: set[str] = set()
    files = tuple(p for p in found if not (str(p) in seen or seen.add(str(p))))
    rejected = [r for r in rejected if not (r.path in seen or seen.add(r.path))]
    return FoundFiles(files, tuple(rejected))


def find_pdfs(paths: Iterable[str | Path]) -> list[Path]:
    """The regular files find_files would read."""
    return list(find_files(paths).files)


def not_regular(path: Path) -> str:
    """Why path cannot be read as a file ("" when it is a regular file or a link to one)."""
    try:
        mode = os.stat(path).st_mode  # follows links
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "link loop; point the link at the PDF itself or remove it."
        if os.path.islink(path):
            return f"link to a missing file ({os.readlink(path)}); point it at the PDF or remove it."
        return f"cannot be read ({exc.strerror}); check its permissions."
    if stat.S_ISREG(mode):
        return ""
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    via = " behind a link" if os.path.islink(path) else ""
    return f"not a regular file ({kind}{via}); only regular PDF files are read."


def _unnamable(path: Path) -> str:
    """Why a name cannot be stored in the index and printed: bytes that are not UTF-8 ("" when it can)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return "its name is not valid UTF-8; rename it (for example with convmv) and ingest again."
    return ""


def _printable(path: Path) -> str:
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def file_hash(path: Path, max_bytes: int | None = None) -> str:
    """sha256 of the file's bytes, read a block at a time; the file is opened without blocking and checked to be
    a regular file after opening, so a path swapped for a pipe or a device since discovery never hangs the run."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnreadableFile(f"{path}: link loop; point the link at the PDF itself or remove it.") from exc
        raise UnreadableFile(f"{path}: cannot be read ({exc.strerror}); check its permissions.") from exc
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(f"{path}: not a regular file; only regular PDF files are read.")
        if max_bytes is not None and info.st_size > max_bytes:
            raise FileTooLarge(path, info.st_size, max_bytes)
        digest = hashlib.sha256()
        for block in iter(lambda: fh.read(HASH_BLOCK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()


class FileTooLarge(UnreadableFile):
    """A file over the byte limit; the message names the limit and the setting that raises it."""

    def __init__(self, path: Path, size: int, limit: int):
        super().__init__(f"{path}: {size / 1e6:,.1f} MB, over the limit of {limit / 1e6:,.0f} MB per file; "
                         f"raise {LIMIT_SETTINGS['max_file_mb']} to read it.")


def _walk(folder: Path) -> list[Path]:
    """Entries named *.pdf under folder, sorted; links to folders are listed (and rejected), never walked."""
    out: list[Path] = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        base = Path(root)
        for name in (*names, *dirs):
            if name.lower().endswith(".pdf"):
                out.append(base / name)
        dirs[:] = [d for d in dirs if not (base / d).is_symlink()]
    return sorted(out)
