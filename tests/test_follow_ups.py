"""Follow-ups of commitments come from the FAISS index, not a scan of every chunk embedding (issue 15), and
are the ones the scan found."""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz

from panelqa.api import timeline
from panelqa.ingest.store import Store
from panelqa.reports.commitments import (
    FOLLOW_UP_CANDIDATES,
    FOLLOW_UP_MIN_COSINE,
    FOLLOW_UP_MIN_WORDS,
    MAX_FOLLOW_UPS,
    commitment_rows,
)
from panelqa.reports.match import start_of, topic_words


def _scan_every_embedding(index_dir) -> dict[str, list[tuple[str, int, float]]]:
    """The reference: every chunk embedding in one matrix, as follow-ups were found before issue 15."""
    with Store(index_dir, read_only=True) as store:
        docs = store.document_dates()
        ids, vectors = store.embeddings()
        passages = store.chunk_passages([int(i) for i in ids])
        emb = dict(zip(*store.row_vectors("commitments"), strict=True))
        rows = store.commitment_rows()
    out = {}
    for row, _ in rows:
        start = start_of(row.meeting_date, docs[row.doc_id][2])
        if row.row_id not in emb or start is None:
            continue
        scores = vectors @ emb[row.row_id]
        found = []
        for n in np.argsort(-scores)[:FOLLOW_UP_CANDIDATES]:
            doc_id, page, text, _ = passages[int(ids[n])]
            later = start_of(docs[doc_id][1], docs[doc_id][2])
            if scores[n] < FOLLOW_UP_MIN_COSINE or later is None or later <= start:
                continue
            if fuzz.token_set_ratio(" ".join(topic_words(row.text)), " ".join(topic_words(text))) / 100 < \
                    FOLLOW_UP_MIN_WORDS:
                continue
            found.append((docs[doc_id][0], page, round(float(scores[n]), 3)))
            if len(found) >= MAX_FOLLOW_UPS:
                break
        out[row.row_id] = found
    return out


def _papers(tmp_path, make_pdf, sample_corpus):
    """The sample papers and two minutes where a later meeting reports back on an action of an earlier one."""
    papers = tmp_path / "papers"
    papers.mkdir()
    asked = make_pdf(papers / "2019-01-18 Panel minutes.pdf", [
        "Police and Crime Panel, minutes of 18 January 2019.\n"
        "Members asked about waiting times for the victims counselling service.\n"
        "Action: PCC to report back on waiting times for the victims counselling service by March."])
    answered = make_pdf(papers / "2019-03-22 Panel minutes.pdf", [
        "Police and Crime Panel, minutes of 22 March 2019.\n"
        "The PCC reported back on waiting times for the victims counselling service: waiting times for the "
        "victims counselling service have fallen to four weeks."])
    return sorted(sample_corpus.glob("*.pdf")) + [asked, answered]


def test_follow_ups_are_those_a_scan_of_every_embedding_finds(tmp_path, make_pdf, make_index, sample_corpus):
    index = make_index(tmp_path / "index", _papers(tmp_path, make_pdf, sample_corpus))
    expected = _scan_every_embedding(index)
    views = commitment_rows(index)
    assert {v.row.row_id: [(f.file_name, f.page, f.score) for f in v.follow_ups] for v in views
            if v.row.row_id in expected} == expected
    assert any(v.follow_ups and v.follow_ups[0].file_name == "2019-03-22 Panel minutes.pdf" for v in views), \
        "the report back is found, so the comparison is not between two empty lists"


def test_follow_ups_and_timelines_never_load_every_embedding(tmp_path, make_pdf, make_index, sample_corpus,
                                                            monkeypatch):
    index = make_index(tmp_path / "index", _papers(tmp_path, make_pdf, sample_corpus))

    def refuse(*_args, **_kwargs):
        raise AssertionError("every chunk embedding was loaded")

    monkeypatch.setattr(Store, "embeddings", refuse)
    (action,) = [v for v in commitment_rows(index) if v.file_name == "2019-01-18 Panel minutes.pdf"]
    assert [f.file_name for f in action.follow_ups] == ["2019-03-22 Panel minutes.pdf"]
    found = timeline("victims counselling service waiting times", index)
    assert [c.row.row_id for c in found.commitments] == [action.row.row_id]
    assert found.commitments[0].follow_ups == action.follow_ups
