"""Fixtures for the app's tests: the sample corpus indexed once per run, and a paper with hostile markup.

Loaded with `pytest_plugins = ["app_fixtures"]`, so the session fixture is built once for both app test files.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfwriter import write_pdf  # the one test PDF writer (tests/ is on sys.path)

from panelqa.ingest.run import ingest_paths
from panelqa.settings import Settings

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def build_index(index_dir: Path, paths: list[Path]) -> Path:
    """Ingest PDFs into index_dir with the real pipeline and model; fail loudly if any file is refused."""
    batch = ingest_paths([str(p) for p in paths], Settings.resolve(index_dir), workers=1)
    failed = [f"{f.path}: {f.reason}" for f in batch.files if f.status == "failed"]
    assert not failed, f"fixture papers must ingest: {failed}"
    return index_dir


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
    pdf = write_pdf(folder / "2019-03-01 Panel minutes - hostile markup.pdf", ["\n".join([
        "Thames Valley Police and Crime Panel, minutes of 1 March 2019.",
        "Item 4. Knife crime funding.",
        "The Panel noted <script>alert(1)</script> in the knife crime funding report.",
        "Members asked for <b>bold</b> claims to be checked against the budget of 25,000 pounds.",
    ])])
    return build_index(folder / "index", [pdf])
