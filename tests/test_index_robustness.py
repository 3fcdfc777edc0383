"""The index is never silently wrong: derived files are checked against the database, damage is named in one
sentence with its fix, readers see one snapshot while a writer works, and a second writer waits its turn."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import faiss
import numpy as np
import pytest
from click.testing import CliRunner
from sample_papers import CORPUS

from panelqa.cli.main import cli
from panelqa.ingest.store import DB_NAME, FAISS_NAME, MANIFEST_NAME
from panelqa.search.api import search

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "what was funded for knife crime in 2018"


def _faiss_matches_database(index: Path) -> bool:
    """Every vector in vectors.faiss equals its chunk's embedding in the database."""
    vectors = faiss.read_index(str(index / FAISS_NAME))
    with sqlite3.connect(index / DB_NAME) as conn:
        rows = conn.execute("SELECT id, embedding FROM chunks ORDER BY id").fetchall()
    if vectors.ntotal != len(rows):
        return False
    id_map = faiss.vector_to_array(vectors.id_map) if hasattr(vectors, "id_map") else np.arange(len(rows))
    stored = {int(i): vectors.index.reconstruct(n) if hasattr(vectors, "index") else vectors.reconstruct(n)
              for n, i in enumerate(id_map)}
    return all(np.allclose(stored[i], np.frombuffer(blob, dtype=np.float32), atol=1e-6) for i, blob in rows)


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_vectors_left_stale_by_a_kill_are_rebuilt_by_the_next_ingest(tmp_path, make_pdf, ingest):
    """The state a SIGKILL leaves between committing a changed paper and rewriting vectors.faiss."""
    papers, index = tmp_path / "papers", tmp_path / "index"
    papers.mkdir()
    paper = make_pdf(papers / "2019-05-01 Panel report.pdf", ["Knife crime. The Panel funded youth workers."])
    shutil.copy(CORPUS / sorted(p.name for p in CORPUS.glob("*.pdf"))[0], papers)
    ingest([papers], index)
    old = {name: (index / name).read_bytes() for name in (FAISS_NAME, MANIFEST_NAME)}
    make_pdf(paper, ["Rural crime. The Panel funded farm watch schemes in Oxfordshire."])
    ingest([papers], index)
    for name, data in old.items():  # as if killed after the commit, before the vector file was written
        (index / name).write_bytes(data)
    assert not _faiss_matches_database(index)

    again = ingest([papers], index)
    assert [f.status for f in again.files] == ["unchanged", "unchanged"]
    assert "older state of the database" in again.repaired
    assert _faiss_matches_database(index)


DERIVED_DAMAGE = {
    "faiss deleted": lambda d: (d / FAISS_NAME).unlink(),
    "faiss truncated": lambda d: (d / FAISS_NAME).write_bytes((d / FAISS_NAME).read_bytes()[:1000]),
    "faiss garbage": lambda d: (d / FAISS_NAME).write_bytes(os.urandom((d / FAISS_NAME).stat().st_size)),
    "manifest deleted": lambda d: (d / MANIFEST_NAME).unlink(),
    "manifest truncated": lambda d: (d / MANIFEST_NAME).write_bytes((d / MANIFEST_NAME).read_bytes()[:20]),
    "manifest garbage": lambda d: (d / MANIFEST_NAME).write_bytes(b"\x00\xff" * 40),
}


@pytest.mark.parametrize("damage", sorted(DERIVED_DAMAGE))
def test_damaged_derived_files_are_searched_around_and_rebuilt(sample_index_copy, damage):
    DERIVED_DAMAGE[damage](sample_index_copy)
    code, out = _cli("ask", QUESTION, "--index", str(sample_index_copy))
    assert code == 0 and "Traceback" not in out and "£" in out, out
    code, out = _cli("ingest", str(CORPUS), "--index", str(sample_index_copy))
    assert code == 0 and "Rebuilt vectors.faiss and manifest.json from the database" in out, out
    assert _faiss_matches_database(sample_index_copy)
    assert "Rebuilt" not in _cli("ingest", str(CORPUS), "--index", str(sample_index_copy))[1], "repaired once"


def _scribble_inside(db: Path) -> None:
    """64 random bytes somewhere in every page after the header page: damage that whatever a command reads
    meets, wherever the schema happens to put its tables."""
    data = bytearray(db.read_bytes())
    rng = np.random.default_rng(7)
    for page in range(4096, len(data) - 4096, 4096):
        at = page + int(rng.integers(0, 4096 - 64))
        data[at:at + 64] = rng.bytes(64)
    db.write_bytes(bytes(data))


DATABASE_DAMAGE = {
    "garbage": lambda db: db.write_bytes(os.urandom(db.stat().st_size)),
    "truncated": lambda db: db.write_bytes(db.read_bytes()[:db.stat().st_size // 2]),
    "random bytes inside": _scribble_inside,
}


@pytest.mark.parametrize("damage", sorted(DATABASE_DAMAGE))
def test_a_damaged_database_is_named_with_its_fix_and_rebuilt_on_request(sample_index_copy, damage):
    for extra in sample_index_copy.glob(f"{DB_NAME}-*"):
        extra.unlink()
    DATABASE_DAMAGE[damage](sample_index_copy / DB_NAME)
    for command in (["ask", QUESTION], ["ingest", str(CORPUS)], ["funding"], ["docs"]):
        code, out = _cli(*command, "--index", str(sample_index_copy))
        assert code == 1, (command, out)
        assert f"Error: The index database {sample_index_copy}/panelqa.db is damaged" in out, (command, out)
        assert "--rebuild" in out and "Traceback" not in out
    code, out = _cli("ingest", "--rebuild", str(CORPUS), "--index", str(sample_index_copy))
    assert code == 0 and "3 added" in out and "set aside in" in out, out
    assert _cli("ask", QUESTION, "--index", str(sample_index_copy))[0] == 0


def test_index_files_are_readable_by_whoever_can_read_the_folder(sample_index_copy, tmp_path):
    old = os.umask(0o022)
    try:
        (sample_index_copy / MANIFEST_NAME).unlink()
        _cli("ingest", str(CORPUS), "--index", str(sample_index_copy))
    finally:
        os.umask(old)
    for name in (FAISS_NAME, MANIFEST_NAME):
        assert (sample_index_copy / name).stat().st_mode & 0o777 == 0o644, name


READ_ONLY_KINDS = {
    "read-only folder": lambda d: [d],
    "another user's index": lambda d: [d, *sorted(d.iterdir())],  # neither the folder nor its files writable
}


@pytest.mark.parametrize("kind", sorted(READ_ONLY_KINDS))
def test_an_index_the_user_cannot_write_is_read_and_refuses_writes_in_one_sentence(sample_index_copy, unwritable,
                                                                                   kind):
    unwritable(sample_index_copy, READ_ONLY_KINDS[kind](sample_index_copy))
    code, out = _cli("ask", QUESTION, "--index", str(sample_index_copy))
    assert code == 0 and "£" in out and "Traceback" not in out, out
    for command in (["funding"], ["docs"], ["commitments"]):
        code, out = _cli(*command, "--index", str(sample_index_copy))
        assert code == 0 and "Traceback" not in out, (command, out)
    assert search(QUESTION, index_dir=sample_index_copy), "the Python API reads it too"
    for command in (["ingest", str(CORPUS)], ["alerts", "add", "knives"]):
        code, out = _cli(*command, "--index", str(sample_index_copy))
        assert code == 1, (command, out)
        assert f"Error: The index folder {sample_index_copy}/ is not writable by you" in out, (command, out)
        assert "damaged" not in out and "Traceback" not in out, (command, out)


def test_queries_during_an_ingest_never_fail(tmp_path, make_pdf, ingest, embedder):
    index = tmp_path / "index"
    ingest([CORPUS], index)
    papers = tmp_path / "papers"
    papers.mkdir()
    for n in range(12):
        make_pdf(papers / f"2019-0{1 + n % 9}-1{n % 9} Panel report {n}.pdf",
                 [f"Report {n}. Knife crime funding of £{1000 + n},000 for youth work in area {n}.",
                  f"Page two of report {n}. The Panel noted the knife crime figures."])
    stop = threading.Event()
    failures: list[str] = []
    answered = [0]

    def ask_loop() -> None:
        while not stop.is_set():
            try:
                assert search("knife crime funding", index, top_k=5)
                answered[0] += 1
            except Exception as exc:  # every failure is what this test is about
                failures.append(f"{type(exc).__name__}: {exc}")

    reader = threading.Thread(target=ask_loop)
    reader.start()
    try:
        for n in range(3):  # write, change and remove papers while the reader asks
            ingest([papers], index)
            for pdf in sorted(papers.glob("*.pdf"))[n::3]:
                make_pdf(pdf, [f"Changed in round {n}: rural crime and road safety in {pdf.stem}."])
    finally:
        stop.set()
        reader.join()
    assert answered[0] > 10
    assert failures == []


def test_two_ingests_into_one_index_both_finish(tmp_path, make_pdf):
    index = tmp_path / "index"
    folders = []
    for side in ("a", "b"):
        folder = tmp_path / side
        folder.mkdir()
        for n in range(6):
            make_pdf(folder / f"2019-02-0{n + 1} {side} report {n}.pdf",
                     [f"Report {side}{n}. The Panel discussed knife crime in ward {side}{n}."])
        folders.append(folder)
    env = dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1")
    runs = [subprocess.Popen([sys.executable, "-m", "panelqa.cli", "ingest", str(folder), "--index", str(index),
                              "--workers", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            for folder in folders]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert all("Traceback" not in out + err for out, err in outputs)
    assert sum("6 added" in out for out, _ in outputs) == 2
    code, out = _cli("docs", "--index", str(index))
    assert code == 0 and out.count("report") >= 12, out
