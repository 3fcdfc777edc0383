"""The embedding backend is part of the model's identity, and extraction keeps its contract when fast."""

from __future__ import annotations

import json

import pytest

from panelqa.errors import IndexMismatch
from panelqa.ingest.extract import extract_pages
from panelqa.ingest.run import ingest_paths
from panelqa.ingest.store import MANIFEST_NAME
from panelqa.settings import Settings


def test_manifest_records_the_backend_and_another_backend_is_refused(tmp_path, make_pdf, ingest, embedder,
                                                                     panelqa_index):
    pdf = make_pdf(tmp_path / "minutes.pdf", pages=["Thames Valley Police and Crime Panel, 20 April 2018."])
    ingest([pdf])
    manifest = json.loads((panelqa_index / MANIFEST_NAME).read_text())
    assert manifest["backend"] == embedder.backend
    other = "torch" if embedder.backend != "torch" else "onnx-int8"
    with pytest.raises(IndexMismatch, match=f"PANELQA_BACKEND={embedder.backend}"):
        ingest_paths([pdf], Settings.resolve(panelqa_index, backend=other))


def test_query_and_passage_vectors_of_one_text_agree(embedder):
    text = "Item 9. The Panel noted the marmalade mentoring scheme."
    together = embedder.embed([text, "A much longer passage about the budget for 2018/19 and its reserves."])[0]
    assert float(together @ embedder.embed_query(text)) > 0.999, "one text per run: no batch effects"


def test_issue_6_words_are_split_at_spaces_not_glued(tmp_path, make_pdf):
    pdf = make_pdf(tmp_path / "report.pdf", pages=["Reading CSP invested 35,363 in the scheme."])
    words = [w[0] for w in extract_pages(pdf)[0].words]
    assert words[:4] == ["Reading", "CSP", "invested", "35,363"]
