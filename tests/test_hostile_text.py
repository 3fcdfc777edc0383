"""Input a user or a paper can give that once produced a traceback or a runaway chunk."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from panelqa.cli.main import cli
from panelqa.ingest.store import DB_NAME


def _one_line_pdf(path, text: str):
    """A one-page PDF whose page is a single text line (one Tj), as some exports write a whole report."""
    stream = f"BT /F1 1 Tf 10 400 Td ({text}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
               b"/Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
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


def test_a_five_megabyte_line_becomes_chunks_of_bounded_size(tmp_path, ingest):
    line = " ".join(f"word{n}" for n in range(900_000))[:5_000_000]
    pdf = _one_line_pdf(tmp_path / "2019-01-01 one line.pdf", "Knife crime report. " + line)
    index = tmp_path / "index"
    report = ingest([pdf], index)
    assert [f.status for f in report.files] == ["added"]
    with sqlite3.connect(index / DB_NAME) as conn:
        longest = conn.execute("SELECT max(length(text)) FROM chunks").fetchone()[0]
    assert longest <= 5000, longest
    result = CliRunner().invoke(cli, ["ask", "word12345", "--index", str(index)])
    assert result.exit_code == 0 and len(result.output) < 200_000  # was 15.4 MB before chunks had a limit


def test_an_impossible_year_is_a_usage_error(sample_index):
    result = CliRunner().invoke(cli, ["ask", "knife crime", "--year", "99999", "--index", str(sample_index)])
    assert result.exit_code == 2 and "99999 is not in the range 1900<=x<=2100" in result.output
    assert "Traceback" not in result.output


def test_a_batch_line_whose_question_is_not_text_is_named(sample_index, tmp_path):
    batch = tmp_path / "questions.jsonl"
    batch.write_text('{"id": "q1", "question": "knife crime"}\n{"id": "q2", "question": 42}\n')
    result = CliRunner().invoke(cli, ["ask", "--batch", str(batch), "--index", str(sample_index)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {batch}, line 2: expected") and "Traceback" not in result.output
