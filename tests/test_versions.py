"""An index knows which code and which model built it: older builds are read again, unchanged texts keep
their embeddings, and a lost manifest or another model never goes unnoticed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from panelqa.cli.main import cli
from panelqa.errors import IndexMismatch
from panelqa.ingest.run import ingest_paths
from panelqa.ingest.store import DB_NAME, MANIFEST_NAME, Store
from panelqa.search.api import answer
from panelqa.settings import Settings

TOPICS = ["knife crime", "rural crime", "road safety", "victim support"]


def _page(topic: str, words: str = "") -> str:
    """One page of a report on a topic, long enough to be chunks of its own."""
    lines = [f"{topic.title()} update."]
    for n in range(1, 9):
        lines.append(f"Paragraph {n}. The Panel heard how the {topic} programme worked with partners in area {n}, "
                     f"what the officers had learned about {topic} this quarter {words}and what comes next.")
    return "\n".join(lines)


def _chunk_texts(index: Path) -> list[str]:
    with sqlite3.connect(index / DB_NAME) as conn:
        return [r[0] for r in conn.execute("SELECT text FROM chunks")]


def test_editing_one_page_re_embeds_only_the_chunks_that_changed(tmp_path, make_pdf, ingest):
    pdf = tmp_path / "papers" / "2019-05-01 Panel report - four topics.pdf"
    pdf.parent.mkdir()
    make_pdf(pdf, [_page(t) for t in TOPICS])
    index = tmp_path / "index"
    first = ingest([pdf.parent], index)
    before = _chunk_texts(index)
    assert first.embedded == len(before) and first.reused == 0

    make_pdf(pdf, [_page(t, "in Slough " if t == "road safety" else "") for t in TOPICS])
    second = ingest([pdf.parent], index)
    after = _chunk_texts(index)
    changed = len(set(after) - set(before))
    assert [f.status for f in second.files] == ["updated"]
    assert 0 < changed < len(after)
    assert second.embedded == changed, "only the chunks whose text changed are embedded again"
    assert second.reused == len(after) - changed


def test_a_document_built_by_older_code_is_read_again_and_only_it(tmp_path, sample_corpus, ingest):
    index = tmp_path / "index"
    ingest([sample_corpus], index)
    older = sorted(sample_corpus.glob("*.pdf"))[0]
    with sqlite3.connect(index / DB_NAME) as conn:  # as an older panelqa's chunker would have left it
        conn.execute("UPDATE builds SET chunker = chunker - 1 WHERE doc_id = "
                     "(SELECT doc_id FROM files WHERE path = ?)", (str(older),))
    again = ingest([sample_corpus], index)
    by_path = {Path(f.path).name: f for f in again.files}
    assert by_path[older.name].status == "updated"
    assert by_path[older.name].reason == "(built by older panelqa)"
    assert sorted(f.status for f in again.files) == ["unchanged", "unchanged", "updated"]
    assert again.embedded == 0, "the same code reads the same text: every embedding is reused"
    assert [f.status for f in ingest([sample_corpus], index).files] == ["unchanged"] * 3


def test_the_cli_says_why_a_file_was_read_again(tmp_path, sample_corpus, ingest):
    index = tmp_path / "index"
    ingest([sample_corpus], index)
    with sqlite3.connect(index / DB_NAME) as conn:
        conn.execute("UPDATE builds SET extractor = extractor - 1")
    out = CliRunner().invoke(cli, ["ingest", str(sample_corpus), "--index", str(index)]).output
    assert out.count("(built by older panelqa)") == 3, out


@pytest.mark.parametrize("damage", ["delete", "garbage"])
def test_a_lost_manifest_is_rebuilt_from_the_database(tmp_path, sample_corpus, ingest, damage):
    index = tmp_path / "index"
    ingest([sample_corpus], index)
    manifest = index / MANIFEST_NAME
    if damage == "delete":
        manifest.unlink()
    else:
        manifest.write_bytes(b"\x00{not json")
    with pytest.raises(IndexMismatch, match="was built with"):  # the model check still holds
        ingest_paths([sample_corpus], Settings.resolve(index, model="sentence-transformers/other-model"), workers=1)
    again = ingest([sample_corpus], index)
    assert [f.status for f in again.files] == ["unchanged"] * 3
    assert '"chunk_count"' in manifest.read_text()
    assert answer("what was funded for knife crime in 2018", index).found


def test_another_model_is_refused_in_one_sentence(tmp_path, sample_corpus, ingest):
    index = tmp_path / "index"
    ingest([sample_corpus], index)
    result = CliRunner().invoke(cli, ["ask", "knife crime", "--index", str(index), "--model", "other/model"])
    assert result.exit_code != 0
    assert result.output.startswith("Error: ") and "was built with" in result.output
    assert "Traceback" not in result.output


def test_a_failed_ledger_extraction_is_reported_and_retried(tmp_path, sample_corpus, ingest, monkeypatch):
    import panelqa.ingest.run as run

    index = tmp_path / "index"
    real = run.extract_ledger

    def broken(*args):
        raise ValueError("a table the ledger could not read")

    monkeypatch.setattr(run, "extract_ledger", broken)  # as a bug in the ledger extractor would
    first = ingest([sample_corpus], index)
    assert all(f.status == "added" and "ledger and commitments not extracted" in f.reason for f in first.files)
    with Store(index, read_only=True) as store:
        assert store.ledger_rows() == []
    monkeypatch.setattr(run, "extract_ledger", real)
    second = ingest([sample_corpus], index)
    assert [f.status for f in second.files] == ["updated"] * 3
    with Store(index, read_only=True) as store:
        assert store.ledger_rows(), "the retried run extracted the ledger"


def test_an_index_of_an_older_schema_is_upgraded_when_first_read(tmp_path, sample_corpus, ingest):
    """An upgraded panelqa asked a question on an index that an older one wrote: no missing column."""
    index = tmp_path / "index"
    ingest([sample_corpus], index)
    with sqlite3.connect(index / DB_NAME) as conn:  # as the index was before migration m005 (OCR)
        conn.execute("DELETE FROM migrations WHERE name = 'm005_ocr'")
        conn.execute("ALTER TABLE pages DROP COLUMN ocr_confidence")
        conn.execute("ALTER TABLE builds DROP COLUMN ocr_pending")
        conn.execute("DROP TABLE ocr_cache")
    with Store(index, read_only=True) as store:
        assert len(store.documents()) == 3
    assert answer("what was funded for knife crime in 2018", index).found
