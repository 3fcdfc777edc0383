"""Scanned pages read by Tesseract: lines and word boxes in PDF points, each word with its confidence.

Tesseract runs as Debian's `tesseract` command with TSV output (words, their boxes and confidences, and the
block/paragraph/line they belong to), one process per page and one thread each, so parallel ingest workers
share the CPU evenly. A page is read from its rendered bitmap; the bitmap's hash keys a cache in the index,
so a page is never read twice, whichever file it comes in.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import time
from dataclasses import dataclass

from panelqa.errors import PanelqaError

__all__ = ["OcrSetup", "OcrLine", "OcrResult", "find_tesseract", "read_image", "INSTALL_HINT",
           "MIN_OCR_CONFIDENCE", "OCR_DPI"]

log = logging.getLogger(__name__)

OCR_DPI = 300  # Tesseract's own recommendation; at 200 dpi the council scans lose about 4 points of confidence
OCR_LANGUAGE = "eng"
MIN_OCR_CONFIDENCE = 60.0  # mean word confidence (0-100) below which a page is noise: maps, photos, faint scans
MIN_WORD_CONFIDENCE = 20.0  # single words below this are specks and rulings Tesseract guessed at
BLANK_LEVEL = 245  # a rendered page whose darkest pixel is lighter than this has nothing to read
OCR_TIMEOUT_S = 120.0
BULLET_MISREADS = frozenset({"¢", "«", "¢«", "©", "»", "*", "e«"})  # how Tesseract reads a "•" opening a line
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-eng"


@dataclass(frozen=True, slots=True)
class OcrSetup:
    """How the ingest workers read scanned pages; picklable, so it crosses into worker processes."""

    tesseract: str | None  # the command's path; None: not installed, scanned pages wait for it
    engine: str = ""  # "tesseract 5.3.0 eng 300dpi": part of the cache key, so an upgrade reads pages again
    cache_db: str | None = None  # the index database holding the ocr_cache table
    min_confidence: float = MIN_OCR_CONFIDENCE


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One line as Tesseract grouped it, with its words: (text, x0, top, x1, bottom, confidence) in points."""

    text: str
    box: tuple[float, float, float, float]
    words: tuple[tuple[str, float, float, float, float, float], ...]


@dataclass(frozen=True, slots=True)
class OcrResult:
    """What Tesseract read on one page image."""

    lines: tuple[OcrLine, ...]
    confidence: float  # mean confidence of the words kept (0-100); 0 when no word was read
    seconds: float  # Tesseract's time for the page (the first time it was read)


def find_tesseract() -> OcrSetup:
    """The installed Tesseract with English data, or a setup without it; asked once per ingest run."""
    path = shutil.which("tesseract")
    if path is None:
        return OcrSetup(None)
    try:
        langs = subprocess.run([path, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
        version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return OcrSetup(None)
    if OCR_LANGUAGE not in langs:
        return OcrSetup(None)
    first = (version.stdout or version.stderr).splitlines()
    return OcrSetup(path, engine=f"{first[0].strip() if first else 'tesseract'} {OCR_LANGUAGE} {OCR_DPI}dpi")


def image_key(image, engine: str) -> str:
    """The page's content hash: its rendered pixels and the engine that reads them."""
    digest = hashlib.sha256(f"{engine}|{image.mode}|{image.size}".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def is_blank(image) -> bool:
    return image.getextrema()[0] >= BLANK_LEVEL


def read_image(image, setup: OcrSetup) -> OcrResult:
    """Run Tesseract on a page rendered at OCR_DPI (grayscale PIL image); boxes come back in PDF points."""
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="PPM")  # uncompressed: Tesseract reads it from stdin without a temporary file
    start = time.perf_counter()
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # the child's own environment: one thread per page
    try:
        done = subprocess.run([setup.tesseract, "stdin", "stdout", "-l", OCR_LANGUAGE, "--dpi", str(OCR_DPI), "tsv"],
                              input=buffer.getvalue(), capture_output=True, env=env, timeout=OCR_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise PanelqaError(f"Tesseract took over {OCR_TIMEOUT_S:.0f} s on one page; the page was not read.") from exc
    if done.returncode != 0:
        raise PanelqaError(f"Tesseract failed ({done.stderr.decode(errors='replace').strip()[:200]}); "
                           "check the install with: tesseract --list-langs")
    return _parse_tsv(done.stdout.decode("utf-8", errors="replace"), time.perf_counter() - start)


def _parse_tsv(tsv: str, seconds: float) -> OcrResult:
    scale = 72.0 / OCR_DPI
    lines: dict[tuple[str, str, str], list[tuple[str, float, float, float, float, float]]] = {}
    confidences: list[float] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        conf = float(cols[10])
        if not text or conf < 0:
            continue
        if conf < MIN_WORD_CONFIDENCE:
            continue
        confidences.append(conf)
        left, top, width, height = (int(v) for v in cols[6:10])
        word = (text, round(left * scale, 1), round(top * scale, 1), round((left + width) * scale, 1),
                round((top + height) * scale, 1), round(conf, 1))
        lines.setdefault((cols[2], cols[3], cols[4]), []).append(word)
    out = []
    for words in lines.values():
        if len(words) > 1 and words[0][0] in BULLET_MISREADS:
            words[0] = ("•", *words[0][1:])
        box = (min(w[1] for w in words), min(w[2] for w in words), max(w[3] for w in words), max(w[4] for w in words))
        out.append(OcrLine(" ".join(w[0] for w in words), box, tuple(words)))
    out.sort(key=lambda line: (line.box[1], line.box[0]))
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrResult(tuple(out), round(mean, 1), round(seconds, 3))


def result_to_json(result: OcrResult) -> dict:
    return {"confidence": result.confidence, "seconds": result.seconds,
            "lines": [[line.text, list(line.box), [list(w) for w in line.words]] for line in result.lines]}


def result_from_json(data: dict) -> OcrResult:
    lines = tuple(OcrLine(text, tuple(box), tuple(tuple(w) for w in words)) for text, box, words in data["lines"])
    return OcrResult(lines, float(data["confidence"]), float(data["seconds"]))
