"""Issue 16: an ingest always finishes. Entries that are not regular files are reported and never opened,
odd names are read like any other, and a reader that overruns a limit or dies costs only its own file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from panelqa.cli.main import cli
from panelqa.ingest.files import find_files
from panelqa.ingest.store import Store

SAMPLE = "2018-04-20 Panel minutes - Item 161 Strategic Objective 3 Reducing Re-offending.pdf"
ODD_NAMES = ("-rf.pdf", "--index.pdf", "Café réunion – 2019 ✓.pdf", "tab\there.pdf", " leading space.pdf")


def not_files(folder: Path, corpus: Path) -> dict[str, str]:
    """Each entry that is not a regular file, named *.pdf, with the words its report line must hold."""
    os.mkfifo(folder / "fifo.pdf")
    (folder / "x.pdf").mkdir()
    os.symlink(folder / "gone.pdf", folder / "dangling.pdf")
    os.symlink(folder / "loop-b.pdf", folder / "loop-a.pdf")
    os.symlink(folder / "loop-a.pdf", folder / "loop-b.pdf")
    os.symlink("/dev/zero", folder / "zero.pdf")
    os.symlink(corpus / SAMPLE, folder / "linked minutes.pdf")  # a link to a regular file is read
    return {"fifo.pdf": "not a regular file (a named pipe)", "x.pdf": "not a regular file (a folder)",
            "dangling.pdf": "link to a missing file", "loop-a.pdf": "link loop", "loop-b.pdf": "link loop",
            "zero.pdf": "not a regular file (a device behind a link)"}


@pytest.fixture
def hostile_folder(tmp_path: Path, make_pdf, sample_corpus: Path) -> tuple[Path, dict[str, str]]:
    folder = tmp_path / "downloads"
    folder.mkdir()
    for n, name in enumerate(ODD_NAMES, start=1):
        make_pdf(folder / name, pages=[f"Police and Crime Panel, paper {n}. The Panel noted item {n * 7}."])
    return folder, not_files(folder, sample_corpus)


def test_only_regular_files_are_found_and_the_rest_named_with_a_reason(hostile_folder):
    folder, expected = hostile_folder

    found = find_files([folder])

    assert sorted(p.name for p in found.files) == sorted([*ODD_NAMES, "linked minutes.pdf"])
    reasons = {Path(r.path).name: r.reason for r in found.rejected}
    assert set(reasons) == set(expected)
    for name, words in expected.items():
        assert reasons[name].startswith(words), (name, reasons[name])


def test_pipes_devices_and_bad_links_are_skipped_and_the_papers_indexed(hostile_folder, tmp_path, embedder):
    folder, expected = hostile_folder
    index = tmp_path / "cli-index"

    result = CliRunner().invoke(cli, ["ingest", str(folder), "--index", str(index), "--workers", "1"])

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for name, words in expected.items():
        assert any(line.startswith(f"skipped   {folder / name}   {words}") for line in lines), (name, lines)
    for name in (*ODD_NAMES, "linked minutes.pdf"):
        assert any(line.startswith(f"added     {folder / name}   ") for line in lines), (name, lines)
    assert "6 added" in lines[-2] and "6 skipped" in lines[-2], lines[-2]
    with Store(index, read_only=True) as store:
        assert len(store.documents()) == len(ODD_NAMES) + 1


def test_a_folder_given_through_a_link_is_walked_but_links_to_folders_inside_are_not(tmp_path, make_pdf):
    papers = tmp_path / "papers"
    papers.mkdir()
    make_pdf(papers / "a.pdf", pages=["Police and Crime Panel."])
    os.symlink(papers, papers / "again")  # a loop of folders: never walked
    os.symlink(papers, tmp_path / "shared drive")

    found = find_files([tmp_path / "shared drive"])

    assert [p.name for p in found.files] == ["a.pdf"]
    assert found.rejected == ()


def test_a_name_that_is_not_utf8_is_skipped_with_the_fix(tmp_path, make_pdf, ingest):
    folder = tmp_path / "papers"
    folder.mkdir()
    make_pdf(folder / "good.pdf", pages=["Police and Crime Panel. Item 4 was noted."])
    shutil.copy(make_pdf(tmp_path / "source.pdf", pages=["Item 5."]), os.path.join(os.fsencode(folder), b"caf\xe9.pdf"))

    batch = ingest([folder])

    assert [(Path(f.path).name, f.status) for f in batch.files] == [("caf\\xe9.pdf", "skipped"), ("good.pdf", "added")]
    assert batch.files[0].reason.startswith("its name is not valid UTF-8; rename it")
