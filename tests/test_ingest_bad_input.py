"""Each kind of bad input is a real file: it fails with a reason, and the good file beside it is indexed."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from panelqa.cli.main import cli
from panelqa.ingest.store import DB_NAME, Store

SAMPLE = "2018-04-20 PCC progress report - Strategic Priority 3 Reducing Reoffending.pdf"
GOOD_PAGES = [
    "Thames Valley Police and Crime Panel, 20 April 2018.",
    "Item 7. The Panel noted funding for the marmalade mentoring scheme in 2018/19.",
]


def zero_bytes(folder: Path, make_pdf, corpus: Path) -> Path:
    path = folder / "empty.pdf"
    path.write_bytes(b"")
    return path


def half_a_pdf(folder: Path, make_pdf, corpus: Path) -> Path:
    data = (corpus / SAMPLE).read_bytes()
    path = folder / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    return path


def text_file(folder: Path, make_pdf, corpus: Path) -> Path:
    path = folder / "notes.pdf"
    path.write_text("Notes from the meeting: see the minutes for the actions.\n")
    return path


def html_page(folder: Path, make_pdf, corpus: Path) -> Path:
    path = folder / "download.pdf"
    path.write_text("<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Sign in</body></html>\n")
    return path


def renamed_docx(folder: Path, make_pdf, corpus: Path) -> Path:
    path = folder / "report.pdf"
    with zipfile.ZipFile(path, "w") as docx:
        docx.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        docx.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return path


def encrypted_pdf(folder: Path, make_pdf, corpus: Path) -> Path:
    return make_pdf(folder / "locked.pdf", pages=["Restricted: the 2018/19 budget."], user_password="s3cret")


BAD_INPUTS = [
    (zero_bytes, "empty file (0 bytes)"),
    (half_a_pdf, "damaged or truncated PDF"),
    (text_file, "not a PDF (it is text or another format)"),
    (html_page, "not a PDF (it is an HTML page)"),
    (renamed_docx, "not a PDF (it is a ZIP/Office file)"),
    (encrypted_pdf, "the PDF is password-protected"),
]


@pytest.fixture
def batch_folder(tmp_path: Path, make_pdf) -> Path:
    """A folder holding one good paper; each test adds a bad file beside it."""
    folder = tmp_path / "papers"
    folder.mkdir()
    make_pdf(folder / "good minutes.pdf", pages=GOOD_PAGES)
    return folder


def chunks_with(index_dir: Path, word: str) -> int:
    with sqlite3.connect(index_dir / DB_NAME) as conn:
        return conn.execute("SELECT count(*) FROM chunks WHERE text LIKE ?", (f"%{word}%",)).fetchone()[0]


@pytest.mark.parametrize(("build", "problem"), BAD_INPUTS, ids=[b.__name__ for b, _ in BAD_INPUTS])
def test_bad_file_fails_with_a_reason_and_the_good_file_is_indexed(build, problem, batch_folder, make_pdf,
                                                                   sample_corpus, ingest, panelqa_index):
    bad = build(batch_folder, make_pdf, sample_corpus)

    batch = ingest([batch_folder])

    reports = {Path(f.path).name: f for f in batch.files}
    assert reports[bad.name].status == "failed"
    reason = reports[bad.name].reason
    assert problem in reason
    one_sentence = "\n" not in reason and reason.endswith(".") and ". " not in reason
    assert one_sentence, reason
    assert reports["good minutes.pdf"].status == "added"
    assert chunks_with(panelqa_index, "marmalade") >= 1
    with Store(panelqa_index, read_only=True) as store:
        assert [d.document.file_name for d in store.documents()] == ["good minutes.pdf"]


def test_page_without_text_is_reported_and_the_rest_indexed(tmp_path, make_pdf, ingest, panelqa_index):
    pdf = make_pdf(tmp_path / "scan in the middle.pdf", pages=[
        "Thames Valley Police and Crime Panel, 20 April 2018.",
        "",
        "Item 9. The Panel noted the marmalade mentoring scheme.",
    ])

    batch = ingest([pdf])

    (report,) = batch.files
    assert (report.status, report.pages, report.pages_without_text) == ("added", 3, (2,))
    assert chunks_with(panelqa_index, "marmalade") >= 1


def test_large_pdf_ingests(tmp_path, make_pdf, ingest, panelqa_index):
    # The first line sits in the top margin on every page, so it is dropped as a running header.
    pages = [f"Thames Valley Police and Crime Panel - performance report\n"
             f"Section {n}. Quarterly figure {n * 7} for reducing reoffending in Thames Valley."
             for n in range(1, 301)]
    pdf = make_pdf(tmp_path / "large report.pdf", pages=pages)

    batch = ingest([pdf])

    (report,) = batch.files
    assert (report.status, report.pages, report.pages_without_text) == ("added", 300, ())
    with Store(panelqa_index, read_only=True) as store:
        assert store.documents()[0].document.page_count == 300
    assert chunks_with(panelqa_index, "Quarterly figure 2100") == 1, "page 300 carries figure 2100"


def test_cli_batch_with_a_bad_file_exits_0_and_prints_the_failed_line(batch_folder, tmp_path, embedder):
    (batch_folder / "empty.pdf").write_bytes(b"")

    result = CliRunner().invoke(cli, ["ingest", str(batch_folder), "--index", str(tmp_path / "cli-index"),
                                      "--workers", "1"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    empty = batch_folder / "empty.pdf"
    assert f"failed    {empty}   empty file (0 bytes); replace it with the real PDF." in lines
    assert any(line.startswith(f"added     {batch_folder / 'good minutes.pdf'}") for line in lines)


def test_cli_missing_path_exits_1_with_one_error_line(tmp_path):
    missing = tmp_path / "no such folder"

    result = CliRunner().invoke(cli, ["ingest", str(missing), "--index", str(tmp_path / "cli-index")])

    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: {missing} does not exist; give a PDF file or a folder of PDFs."]
    assert "Traceback" not in result.output
