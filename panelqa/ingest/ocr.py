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
from dataclasses import dataclass, replace

from panelqa.errors import PanelqaError

__all__ = ["OcrSetup", "OcrLine", "OcrResult", "find_tesseract", "read_image", "INSTALL_HINT",
           "MIN_OCR_CONFIDENCE", "OCR_DPI"]

log = logging.getLogger(__name__)

OCR_DPI = 300  # Tesseract's own recommendation; at 200 dpi the council scans lose about 4 points of confidence
OCR_LANGUAGE = "eng"
MIN_OCR_CONFIDENCE = 60.0  # mean word confidence (0-100) below which a page is noise: maps, photos, faint scans
MIN_WORD_CONFIDENCE = 20.0  # single words below this are specks and rulings Tesseract guessed at
MIN_LINE_CONFIDENCE = 45.0  # on the council scans, lines below this are logos, signatures and stamps ("ac aie Bae",
#                             31); above it, real text of a faint line ("Maypole/ Weathercock", 46)
BLANK_LEVEL = 245  # a rendered page whose darkest pixel is lighter than this has nothing to read
OCR_TIMEOUT_S = 120.0
BULLET_MISREADS = frozenset({"¢", "«", "¢«", "©", "»", "*", "e«"})  # how Tesseract reads a "•" opening a line
MIN_ORIENTATION_CONFIDENCE = 2.0  # a less sure orientation guess is not acted on (the upside-down council scan: 9.9)
OCR_METHOD_VERSION = 3  # part of the cache key: 2 turns pages scanned upside down or sideways; 3 drops noise lines
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-eng"


@dataclass(frozen=True, slots=True)
class OcrSetup:
    """How the ingest workers read scanned pages; picklable, so it crosses into worker processes."""

    tesseract: str | None  # the command's path; None: not installed, scanned pages wait for it
    engine: str = ""  # "tesseract 5.3.0 eng 300dpi": part of the cache key, so an upgrade reads pages again
    cache_db: str | None = None  # the index database holding the ocr_cache table
    min_confidence: float = MIN_OCR_CONFIDENCE
    osd: bool = False  # Tesseract's orientation data is installed: pages scanned upside down or sideways are turned


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
    confidence: float  # mean confidence of the page's words (0-100), noise lines included; 0 when none was read
    seconds: float  # Tesseract's time for the page (the first time it was read)
    rotation: int = 0  # degrees clockwise the scan was turned to read it upright; boxes are on the page as it is


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
    engine = f"{first[0].strip() if first else 'tesseract'} {OCR_LANGUAGE} {OCR_DPI}dpi v{OCR_METHOD_VERSION}"
    return OcrSetup(path, engine=engine, osd="osd" in langs)


def image_key(image, engine: str) -> str:
    """The page's content hash: its rendered pixels and the engine that reads them."""
    digest = hashlib.sha256(f"{engine}|{image.mode}|{image.size}".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def is_blank(image) -> bool:
    return image.getextrema()[0] >= BLANK_LEVEL


def read_image(image, setup: OcrSetup) -> OcrResult:
    """Run Tesseract on a page rendered at OCR_DPI (grayscale PIL image); boxes come back in PDF points.

    A page read with too little confidence may be a scan upside down or sideways: Tesseract's orientation
    detection names the turn, and the turned page's reading is kept when it is the more confident one."""
    start = time.perf_counter()
    result = _parse_tsv(_run(setup, image, "tsv"), image.size, 0)
    if result.confidence < setup.min_confidence and setup.osd:
        turn = _orientation(setup, image)
        if turn:
            turned = _parse_tsv(_run(setup, image.rotate(-turn, expand=True), "tsv"), image.size, turn)
            if turned.confidence > result.confidence:
                result = turned
    return replace(result, seconds=round(time.perf_counter() - start, 3))


def _run(setup: OcrSetup, image, *args: str) -> str:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="PPM")  # uncompressed: Tesseract reads it from stdin without a temporary file
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # the child's own environment: one thread per page
    command = [setup.tesseract, "stdin", "stdout", "--dpi", str(OCR_DPI)]
    command += ["--psm", "0"] if args == ("osd",) else ["-l", OCR_LANGUAGE, *args]
    try:
        done = subprocess.run(command, input=buffer.getvalue(), capture_output=True, env=env, timeout=OCR_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise PanelqaError(f"Tesseract took over {OCR_TIMEOUT_S:.0f} s on one page; the page was not read.") from exc
    if done.returncode != 0:
        if args == ("osd",):
            return ""  # too little text to tell the orientation: the page is read as it stands
        raise PanelqaError(f"Tesseract failed ({done.stderr.decode(errors='replace').strip()[:200]}); "
                           "check the install with: tesseract --list-langs")
    return done.stdout.decode("utf-8", errors="replace")


def _orientation(setup: OcrSetup, image) -> int:
    """Degrees clockwise (90, 180, 270) that turn the page upright, when Tesseract is sure enough; else 0."""
    found = dict(line.split(":", 1) for line in _run(setup, image, "osd").splitlines() if ":" in line)
    try:
        turn, sure = int(found.get("Rotate", "0")), float(found.get("Orientation confidence", "0"))
    except ValueError:
        return 0
    return turn if turn in (90, 180, 270) and sure >= MIN_ORIENTATION_CONFIDENCE else 0


def _unturn(x: float, y: float, size: tuple[int, int], turn: int) -> tuple[float, float]:
    """A point of the page turned `turn` degrees clockwise, back on the page as it is (width, height = size)."""
    width, height = size
    if turn == 90:
        return y, height - x
    if turn == 180:
        return width - x, height - y
    if turn == 270:
        return width - y, x
    return x, y


def _parse_tsv(tsv: str, size: tuple[int, int], turn: int) -> OcrResult:
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
        (ax, ay), (bx, by) = _unturn(left, top, size, turn), _unturn(left + width, top + height, size, turn)
        word = (text, round(min(ax, bx) * scale, 1), round(min(ay, by) * scale, 1), round(max(ax, bx) * scale, 1),
                round(max(ay, by) * scale, 1), round(conf, 1))
        lines.setdefault((cols[2], cols[3], cols[4]), []).append(word)
    out = []
    for words in lines.values():
        if sum(w[5] for w in words) / len(words) < MIN_LINE_CONFIDENCE or not any(c.isalnum() for w in words
                                                                                    for c in w[0]):
            continue  # a logo, a signature, a stamp or a ruling read as letters
        if len(words) > 1 and words[0][0] in BULLET_MISREADS:
            words[0] = ("•", *words[0][1:])
        box = (min(w[1] for w in words), min(w[2] for w in words), max(w[3] for w in words), max(w[4] for w in words))
        out.append(OcrLine(" ".join(w[0] for w in words), box, tuple(words)))
    if not turn:
        out.sort(key=lambda line: (line.box[1], line.box[0]))  # a turned page keeps the order it was read in
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return OcrResult(tuple(out), round(mean, 1), 0.0, turn)


def result_to_json(result: OcrResult) -> dict:
    return {"confidence": result.confidence, "seconds": result.seconds, "rotation": result.rotation,
            "lines": [[line.text, list(line.box), [list(w) for w in line.words]] for line in result.lines]}


def result_from_json(data: dict) -> OcrResult:
    lines = tuple(OcrLine(text, tuple(box), tuple(tuple(w) for w in words)) for text, box, words in data["lines"])
    return OcrResult(lines, float(data["confidence"]), float(data["seconds"]), int(data.get("rotation", 0)))
