"""Shared fixtures: real PDFs built in tmp_path, the real model loaded once, an index per test."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from pdfwriter import write_pdf  # pytest puts tests/ on sys.path (no __init__.py)

from panelqa.ingest.embed import Embedder, load_embedder
from panelqa.ingest.run import BatchReport, ingest_paths
from panelqa.settings import DEFAULT_MODEL, Settings

CORPUS = Path(__file__).parent.parent / "corpus"


@pytest.fixture(autouse=True)
def panelqa_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own index folder, so none touches the real index/."""
    folder = tmp_path / "index"
    monkeypatch.setenv("PANELQA_INDEX", str(folder))
    return folder


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real model, loaded once per run; keyed like the CLI's call, so both share the cached one."""
    return load_embedder(DEFAULT_MODEL)


@pytest.fixture
def make_pdf() -> Callable[..., Path]:
    """make_pdf(path, pages=["text of page 1", "", ...]) writes a real text PDF; "" is a page with no text."""
    def make(path: Path, pages: list[str], *, user_password: str | None = None) -> Path:
        return write_pdf(path, pages, user_password=user_password)

    return make


@pytest.fixture(scope="session")
def sample_corpus() -> Path:
    """The three sample papers that ship with the project."""
    assert len(list(CORPUS.glob("*.pdf"))) == 3, "corpus/ holds the three sample papers"
    return CORPUS


@pytest.fixture
def ingest(embedder: Embedder) -> Callable[..., BatchReport]:
    """ingest(paths, index_dir=None, prune=False, embedder=None): ingest_paths, session model, one worker."""
    session_embedder = embedder

    def run(paths: Iterable[str | Path], index_dir: Path | None = None, *, prune: bool = False,
            embedder: object | None = None) -> BatchReport:
        return ingest_paths(paths, Settings.resolve(index_dir), prune=prune,
                            embedder=embedder or session_embedder, workers=1)

    return run
