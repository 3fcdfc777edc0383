"""The hostile folder of issue 16, built for a test or the benchmark: every kind of input that once stopped,
hung or exhausted an ingest, beside good papers. Each entry says what its report line must hold."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from pdfwriter import damaged_copy, deflate_bomb, one_line, text_operators, write_pdf, write_raw_pdf

__all__ = ["Hostile", "build_hostile_folder", "DAMAGED_SEED"]

DAMAGED_SEED = 16  # damaged copies are seeded, so each run damages the same bytes
ONE_GB = 1 << 30


@dataclass(frozen=True, slots=True)
class Hostile:
    """What the folder holds: the good papers, and for each bad entry the statuses and words its line may show."""

    folder: Path
    good: tuple[str, ...]  # names that must be indexed whole
    expected: dict  # name -> (allowed statuses, words the reason must hold, or "" for any reason)


def build_hostile_folder(folder: Path, corpus: Path, *, damaged: int = 40, pages: int = 2000,
                         bomb_bytes: int = ONE_GB, operators: int = 3_000_000, line_bytes: int = 5_000_000) -> Hostile:
    """Good papers, then each hostile input of the issue; sizes can be lowered for a quick test."""
    folder.mkdir(parents=True)
    good = []
    for pdf in sorted(corpus.glob("*.pdf")):
        shutil.copy(pdf, folder / pdf.name)
        good.append(pdf.name)
    expected: dict[str, tuple[tuple[str, ...], str]] = {}
    real = (corpus / good[0]).read_bytes()
    for n in range(damaged):
        name = f"damaged {n:02d}.pdf"
        (folder / name).write_bytes(damaged_copy(real, DAMAGED_SEED * 1000 + n))
        expected[name] = (("added", "failed", "duplicate"), "")  # some damage leaves a readable file
    write_raw_pdf(folder / "zero pages.pdf", [])
    expected["zero pages.pdf"] = (("failed",), "the PDF has no pages")
    write_pdf(folder / "long.pdf", [f"Police and Crime Panel, page {n}. Item {n} was noted." for n in range(1, pages + 1)])
    expected["long.pdf"] = (("added",), f"of {pages:,} pages read")
    write_raw_pdf(folder / "one line.pdf", [one_line(line_bytes)])
    expected["one line.pdf"] = (("added",), "")  # PDFium reads the first 32,767 characters of a line
    write_raw_pdf(folder / "bomb.pdf", [[b"BT /F1 11 Tf 72 770 Td (Police and Crime Panel, item 3 was agreed.) Tj ET"],
                                        deflate_bomb(bomb_bytes)], compress=True)
    expected["bomb.pdf"] = (("added",), "page 2 not read: its content decompresses")  # page 1 is kept
    write_raw_pdf(folder / "operators.pdf", [text_operators(operators // 20) for _ in range(20)], compress=True)
    expected["operators.pdf"] = (("added", "failed"), "")
    write_pdf(folder / "locked.pdf", ["Restricted: the 2018/19 budget."], user_password="s3cret")
    expected["locked.pdf"] = (("failed",), "password-protected")
    for n, name in enumerate(("-rf.pdf", "--index.pdf", "Café réunion – 2019 ✓.pdf", "tab\there.pdf",
                              " spaces  in name .pdf"), start=1):
        write_pdf(folder / name, [f"Police and Crime Panel, paper {n}. The Panel noted item {n * 7}."])
        good.append(name)
    (folder / "x.pdf").mkdir()
    expected["x.pdf"] = (("skipped",), "not a regular file (a folder)")
    os.symlink(folder / "gone.pdf", folder / "dangling.pdf")
    expected["dangling.pdf"] = (("skipped",), "link to a missing file")
    os.symlink(folder / "loop-b.pdf", folder / "loop-a.pdf")
    os.symlink(folder / "loop-a.pdf", folder / "loop-b.pdf")
    expected["loop-a.pdf"] = expected["loop-b.pdf"] = (("skipped",), "link loop")
    os.mkfifo(folder / "fifo.pdf")
    expected["fifo.pdf"] = (("skipped",), "not a regular file (a named pipe)")
    os.symlink("/dev/zero", folder / "zero.pdf")
    expected["zero.pdf"] = (("skipped",), "not a regular file (a device behind a link)")
    return Hostile(folder, tuple(good), expected)
