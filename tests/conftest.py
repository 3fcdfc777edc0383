"""Every fixture of the suite: real PDFs built in tmp_path, the real model loaded once, an index folder
per test, and the sample corpus indexed once per run (copied for a test that writes to it)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from moderngov_site import Site, audit_committee_site  # pytest puts tests/ on sys.path (no __init__.py)
from pdfwriter import write_pdf
from sample_papers import CORPUS

from panelqa.ingest.embed import Embedder, load_embedder
from panelqa.ingest.run import IN_PROCESS, BatchReport, ingest_paths
from panelqa.ingest.store import Store
from panelqa.settings import DEFAULT_MODEL, Settings


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
    """ingest(paths, index_dir=None, prune=False, embedder=None): ingest_paths, session model, read in this
    process (no reader processes to start, and a patched function is the one that runs)."""
    session_embedder = embedder

    def run(paths: Iterable[str | Path], index_dir: Path | None = None, *, prune: bool = False,
            embedder: object | None = None) -> BatchReport:
        return ingest_paths(paths, Settings.resolve(index_dir), prune=prune,
                            embedder=embedder or session_embedder, workers=IN_PROCESS)

    return run


def build_index(index_dir: Path, paths: Iterable[Path]) -> Path:
    """Ingest PDFs into index_dir with the real pipeline and model; fail loudly if any file is refused."""
    batch = ingest_paths([str(p) for p in paths], Settings.resolve(index_dir), workers=IN_PROCESS)
    failed = [f"{f.path}: {f.reason}" for f in batch.files if f.status == "failed"]
    assert not failed, f"fixture papers must ingest: {failed}"
    return index_dir


@pytest.fixture
def make_index() -> Callable[[Path, Iterable[Path]], Path]:
    """make_index(index_dir, paths): PDFs ingested with the real pipeline."""
    return build_index


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory, sample_corpus: Path) -> Path:
    """The three sample papers indexed once per run, with absolute file paths. Read it, never write to it:
    a test that changes an index takes `sample_index_copy`."""
    folder = build_index(tmp_path_factory.mktemp("sample") / "index", sorted(sample_corpus.glob("*.pdf")))
    with Store(folder, read_only=True) as store:
        assert len(store.documents()) == 3, "the three sample papers are indexed"
    return folder


@pytest.fixture
def sample_index_copy(sample_index: Path, tmp_path: Path) -> Path:
    """A private copy of the sample index, for a test that writes to it."""
    return Path(shutil.copytree(sample_index, tmp_path / "sample-index"))


@pytest.fixture(scope="session")
def script_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of one paper whose text carries a <script> tag, to show it is displayed as text."""
    folder = tmp_path_factory.mktemp("script-paper")
    pdf = write_pdf(folder / "2019-03-01 Panel minutes - hostile markup.pdf", ["\n".join([
        "Thames Valley Police and Crime Panel, minutes of 1 March 2019.",
        "Item 4. Knife crime funding.",
        "The Panel noted <script>alert(1)</script> in the knife crime funding report.",
        "Members asked for <b>bold</b> claims to be checked against the budget of 25,000 pounds.",
    ])])
    return build_index(folder / "index", [pdf])


@pytest.fixture
def moderngov() -> Iterable[Site]:
    """A real modern.gov site on 127.0.0.1: recorded answers, one committee, two meetings (tests/moderngov_site.py)."""
    with audit_committee_site() as site:
        yield site


@pytest.fixture
def unwritable():
    """Make paths unwritable for this process: chmod for a user, chattr +i for root (whom modes do not stop);
    undone after the test. Skips where neither takes effect."""
    made: list[Path] = []

    def make(folder: Path, paths: list[Path]) -> None:
        for path in paths:
            if os.geteuid() == 0:
                if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)]).returncode:
                    pytest.skip("root needs chattr +i to make a file unwritable, and it is not available here")
            else:
                path.chmod(path.stat().st_mode & ~0o222)
            made.append(path)
        try:
            (folder / "probe").touch()
        except OSError:
            return
        pytest.skip("this file system lets the folder be written whatever its mode")

    yield make
    for path in reversed(made):
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)])
        else:
            path.chmod(path.stat().st_mode | 0o200)
