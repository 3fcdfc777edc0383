"""Fixtures for the app's tests: the sample corpus indexed once per run, and a tiny text-PDF writer.

Loaded with `pytest_plugins = ["app_fixtures"]`, so the session fixture is built once for both app test files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.run import ingest_paths
from ingest.settings import Settings

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PAGE_W, PAGE_H = 595, 842  # A4 in points
FONT_SIZE = 11
LEADING = 16


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def write_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A minimal PDF with one Helvetica text line per string; enough for pdfplumber to read words and boxes."""
    objects: list[bytes] = []

    def add(body: str | bytes) -> int:
        objects.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objects)

    add("<< /Type /Catalog /Pages 2 0 R >>")
    add("")  # the page tree, filled in once the pages are known
    font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for lines in pages:
        ops = ["BT", f"/F1 {FONT_SIZE} Tf", f"{LEADING} TL", f"56 {PAGE_H - 72} Td"]
        ops += [f"{_pdf_string(line)} Tj T*" for line in lines]
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
                        f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>"))
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def build_index(index_dir: Path, paths: list[Path]) -> Path:
    """Ingest PDFs into index_dir with the real pipeline and model; fail loudly if any file is refused."""
    batch = ingest_paths([str(p) for p in paths], Settings.resolve(index_dir), workers=1)
    failed = [f"{f.path}: {f.reason}" for f in batch.files if f.status == "failed"]
    assert not failed, f"fixture papers must ingest: {failed}"
    return index_dir


@pytest.fixture
def make_pdf():
    """write_pdf(path, pages): a text PDF, one string per line."""
    return write_pdf


@pytest.fixture
def make_index():
    """build_index(index_dir, paths): PDFs ingested with the real pipeline."""
    return build_index


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """The sample corpus (corpus/, three papers) indexed once per test run, with absolute file paths."""
    return build_index(tmp_path_factory.mktemp("sample-index"), sorted(CORPUS.glob("*.pdf")))


@pytest.fixture(scope="session")
def script_index(tmp_path_factory) -> Path:
    """An index of one paper whose text carries a <script> tag, to show it is displayed as text."""
    folder = tmp_path_factory.mktemp("script-paper")
    pdf = write_pdf(folder / "2019-03-01 Panel minutes - hostile markup.pdf", [[
        "Thames Valley Police and Crime Panel, minutes of 1 March 2019.",
        "Item 4. Knife crime funding.",
        "The Panel noted <script>alert(1)</script> in the knife crime funding report.",
        "Members asked for <b>bold</b> claims to be checked against the budget of 25,000 pounds.",
    ]])
    return build_index(folder / "index", [pdf])
