"""Re-runs are cheap and exact: unchanged files are skipped, changed ones replaced, gone ones pruned."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from panelqa.ingest.store import DB_NAME, Store


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner):
        self.inner = inner
        self.texts = 0

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed(self, texts: list[str], **kwargs) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.embed(texts, **kwargs)


@pytest.fixture
def papers(tmp_path: Path, sample_corpus: Path) -> Path:
    """A folder holding copies of the three sample papers."""
    folder = tmp_path / "papers"
    folder.mkdir()
    for pdf in sorted(sample_corpus.glob("*.pdf")):
        shutil.copy(pdf, folder / pdf.name)
    return folder


def statuses(batch) -> dict[str, str]:
    return {Path(f.path).name: f.status for f in batch.files}


def chunk_docs(index_dir: Path) -> dict[str, int]:
    with sqlite3.connect(index_dir / DB_NAME) as conn:
        return dict(conn.execute("SELECT doc_id, count(*) FROM chunks GROUP BY doc_id").fetchall())


def test_second_run_finds_all_unchanged_and_embeds_nothing(papers, ingest, embedder, panelqa_index):
    first = ingest([papers])
    assert first.count("added") == 3, [(f.path, f.status, f.reason) for f in first.files]

    counter = CountingEmbedder(embedder)
    second = ingest([papers], embedder=counter)

    assert set(statuses(second).values()) == {"unchanged"}
    assert len(second.files) == 3
    assert counter.texts == 0
    assert second.chunks == 0


def test_changed_file_is_updated_and_its_old_chunks_are_gone(papers, ingest, panelqa_index, make_pdf,
                                                             tmp_path):
    ingest([papers])
    target = sorted(papers.glob("*.pdf"))[0]
    with Store(panelqa_index, read_only=True) as store:
        old_doc = store.file_row(str(target))["doc_id"]
    assert old_doc in chunk_docs(panelqa_index)

    replacement = make_pdf(tmp_path / "replacement.pdf", pages=[
        "Thames Valley Police and Crime Panel. Report of 1 June 2018.",
        "Item 3. The Panel noted a revised plan for victim services in 2018/19.",
    ])
    target.write_bytes(replacement.read_bytes())
    batch = ingest([papers])

    assert statuses(batch)[target.name] == "updated"
    assert statuses(batch) == {**{p.name: "unchanged" for p in papers.glob("*.pdf")}, target.name: "updated"}
    docs = chunk_docs(panelqa_index)
    assert old_doc not in docs
    with Store(panelqa_index, read_only=True) as store:
        new_doc = store.file_row(str(target))["doc_id"]
        assert old_doc not in {d.document.doc_id for d in store.documents()}
    assert docs[new_doc] > 0


def test_copy_under_another_name_is_a_duplicate_of_the_original(papers, ingest, panelqa_index):
    ingest([papers])
    original = sorted(papers.glob("*.pdf"))[1]
    chunks_before = sum(chunk_docs(panelqa_index).values())
    copy = papers / "copy of the minutes.pdf"
    shutil.copy(original, copy)

    batch = ingest([papers])

    report = next(f for f in batch.files if f.path == str(copy))
    assert report.status == "duplicate"
    assert str(original) in report.reason
    assert sum(chunk_docs(panelqa_index).values()) == chunks_before
    with Store(panelqa_index, read_only=True) as store:
        assert len(store.documents()) == 3


def test_deleted_file_is_pruned_and_its_document_is_gone(papers, ingest, panelqa_index):
    ingest([papers])
    gone = sorted(papers.glob("*.pdf"))[2]
    with Store(panelqa_index, read_only=True) as store:
        gone_doc = store.file_row(str(gone))["doc_id"]
    gone.unlink()

    batch = ingest([papers], prune=True)

    assert [(f.path, f.status) for f in batch.files if f.status != "unchanged"] == [(str(gone), "pruned")]
    with Store(panelqa_index, read_only=True) as store:
        assert gone_doc not in {d.document.doc_id for d in store.documents()}
        assert len(store.documents()) == 2
    assert gone_doc not in chunk_docs(panelqa_index)
