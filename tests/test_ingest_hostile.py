"""Issue 16: an ingest always finishes. Entries that are not regular files are reported and never opened,
odd names are read like any other, and a reader that overruns a limit or dies costs only its own file."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_inputs import build_hostile_folder
from pdfwriter import deflate_bomb, one_line, text_operators, write_raw_pdf

from panelqa.cli.main import cli
from panelqa.errors import PanelqaError
from panelqa.ingest.files import find_files
from panelqa.ingest.run import IN_PROCESS, ingest_paths
from panelqa.ingest.store import Store
from panelqa.settings import ReadLimits, Settings
from panelqa.vocab import FILE_STATUSES

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


# -- limits and reader processes: real readers (workers >= 1), each test a few seconds ---------------------------

ROOT = Path(__file__).parent.parent
RUN_ENDS_S = 300  # the run must end; far above what it takes, so a slow machine never fails it


def cli_env(**limits: str) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), **limits}


def report_lines(stdout: str) -> dict[str, str]:
    """name -> its report line, for the lines of `panelqa ingest` that name a file."""
    out = {}
    for line in stdout.splitlines():
        status, _, rest = line.partition(" ")
        if status in FILE_STATUSES:
            path, _, reason = rest.strip().partition("   ")
            out[Path(path).name] = f"{status} {reason}"
    return out


def test_issue_16_hostile_folder_ends_with_a_line_for_each_file(tmp_path, sample_corpus):
    hostile = build_hostile_folder(tmp_path / "downloads", sample_corpus, bomb_bytes=256 << 20,
                                   operators=200_000)
    env = cli_env(PANELQA_MAX_PAGES="100", PANELQA_MAX_PAGE_CHARS="2000", PANELQA_MAX_READER_MB="160")

    done = subprocess.run([sys.executable, "-m", "panelqa.cli", "ingest", str(hostile.folder), "--index",
                           str(tmp_path / "index"), "--workers", "2"], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=RUN_ENDS_S)

    assert done.returncode == 0, done.stderr[-3000:]
    lines = report_lines(done.stdout)
    for name in hostile.good:
        assert lines.get(name, "").startswith("added "), (name, lines.get(name))
    for name, (statuses, words) in hostile.expected.items():
        assert lines.get(name, "").split(" ")[0] in statuses, (name, lines.get(name))
        assert words in lines[name], (name, lines[name])
    assert "only the first 100 of 2,000 pages read" in lines["long.pdf"] and "PANELQA_MAX_PAGES" in lines["long.pdf"]
    assert "cut at 2,000 characters" in lines["operators.pdf"], lines["operators.pdf"]
    assert "more than 128 MB, the limit per page" in lines["bomb.pdf"] and "PANELQA_MAX_PAGE_MB" in lines["bomb.pdf"]
    with Store(tmp_path / "index", read_only=True) as store:
        stored = {Path(p).name for d in store.documents() for p in d.files}
    assert set(hostile.good) <= stored


def test_a_bomb_page_past_the_page_limit_is_left_out_and_the_rest_of_its_file_kept(tmp_path, embedder):
    papers = tmp_path / "papers"
    papers.mkdir()
    write_raw_pdf(papers / "bomb.pdf", [[b"BT /F1 11 Tf 72 770 Td (The Panel agreed the precept for 2019/20.) Tj ET"],
                                        deflate_bomb(64 << 20)], compress=True)
    settings = replace(Settings.resolve(tmp_path / "index"), limits=ReadLimits(max_page_mb=16))

    [bomb] = ingest_paths([papers], settings, embedder=embedder, workers=1).files

    assert bomb.status == "added", bomb
    assert "page 2 not read: its content decompresses to more than 16 MB, the limit per page" in bomb.reason
    assert "raise PANELQA_MAX_PAGE_MB" in bomb.reason
    with Store(tmp_path / "index", read_only=True) as store:
        texts = [c["text"] for c in store.conn.execute("SELECT text FROM chunks")]
    assert any("agreed the precept for 2019/20" in t for t in texts), "the readable page is indexed"


def test_past_the_page_limit_the_readers_memory_limit_still_stops_a_bomb(tmp_path, embedder):
    papers = tmp_path / "papers"
    papers.mkdir()
    write_raw_pdf(papers / "bomb.pdf", [deflate_bomb(256 << 20)], compress=True)
    settings = replace(Settings.resolve(tmp_path / "index"), limits=ReadLimits(max_page_mb=4096, max_reader_mb=160))

    [bomb] = ingest_paths([papers], settings, embedder=embedder, workers=1).files

    assert bomb.status == "failed" and "PANELQA_MAX_READER_MB" in bomb.reason, bomb


def slow_paper(path: Path) -> Path:
    """Two pages of 150,000 text operators each: seconds a page to read, on any machine."""
    return write_raw_pdf(path, [text_operators(150_000), text_operators(150_000)], compress=True)


def test_a_reader_over_its_time_on_a_page_is_stopped_and_the_batch_goes_on(tmp_path, make_pdf, embedder):
    papers = tmp_path / "papers"
    papers.mkdir()
    slow_paper(papers / "a slow.pdf")
    make_pdf(papers / "b good.pdf", pages=["Police and Crime Panel. Item 9 was agreed."])
    settings = replace(Settings.resolve(tmp_path / "index"), limits=ReadLimits(max_page_s=0.3))

    batch = ingest_paths([papers], settings, embedder=embedder, workers=1)

    slow, good = batch.files
    assert (slow.status, good.status) == ("failed", "added"), batch.files
    assert slow.reason.startswith("too slow: ") and " s on page 1 of 2, over the limit of 0.3 s per page; raise " \
        "PANELQA_MAX_PAGE_SECONDS to give it longer." in slow.reason, slow.reason


def test_a_reader_killed_mid_file_becomes_a_failed_report_and_the_batch_goes_on(tmp_path, make_pdf, embedder):
    papers = tmp_path / "papers"
    papers.mkdir()
    slow_paper(papers / "a slow.pdf")
    make_pdf(papers / "b good.pdf", pages=["Police and Crime Panel. Item 9 was agreed."])
    killed: list[int] = []

    def kill_the_reader() -> None:  # as the kernel's out-of-memory killer would
        deadline = time.monotonic() + 60
        while not killed and time.monotonic() < deadline:
            for pid in reader_pids(os.getpid()):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            time.sleep(0.3)

    killer = threading.Thread(target=kill_the_reader)
    killer.start()
    batch = ingest_paths([papers], Settings.resolve(tmp_path / "index"), embedder=embedder, workers=1)
    killer.join()

    slow, good = batch.files
    assert killed, "a reader was running"
    assert (slow.status, good.status) == ("failed", "added"), batch.files
    assert slow.reason.startswith("its reader was killed (SIGKILL)"), slow.reason


def reader_pids(parent: int) -> list[int]:
    """Reader processes of parent: children started by multiprocessing's spawn."""
    pids = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read()
        except (OSError, ValueError):
            continue
        if int(fields[1]) == parent and b"multiprocessing" in cmdline and b"spawn_main" in cmdline \
                and fields[0] != "Z":
            pids.append(int(entry))
    return pids


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_issue_16_no_reader_outlives_a_killed_ingest(tmp_path, make_pdf):
    papers = tmp_path / "papers"
    papers.mkdir()
    for n in range(4):
        slow_paper(papers / f"slow {n}.pdf")
    proc = subprocess.Popen([sys.executable, "-m", "panelqa.cli", "ingest", str(papers), "--index",
                             str(tmp_path / "index"), "--workers", "2"], env=cli_env(), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(readers := reader_pids(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(readers) == 2, "the ingest started its two readers"
    finally:
        proc.kill()
        proc.wait()

    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in readers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in readers if alive(pid)], "readers outlived the killed ingest by 5 s"


def test_a_limit_set_to_nonsense_is_one_sentence_naming_it(monkeypatch):
    monkeypatch.setenv("PANELQA_MAX_PAGES", "lots")

    with pytest.raises(PanelqaError, match=r"^PANELQA_MAX_PAGES='lots' is not a positive whole number; set it to "
                                           r"one, or unset it for the default 1000\.$"):
        Settings.resolve()


def test_a_file_over_the_size_limit_is_reported_with_its_setting_and_never_hashed(tmp_path, make_pdf, embedder):
    papers = tmp_path / "papers"
    papers.mkdir()
    write_raw_pdf(papers / "big.pdf", [one_line(2_500_000)])
    make_pdf(papers / "small.pdf", pages=["Police and Crime Panel. Item 1 was noted."])
    settings = replace(Settings.resolve(tmp_path / "index"), limits=ReadLimits(max_file_mb=1))

    batch = ingest_paths([papers], settings, embedder=embedder, workers=IN_PROCESS)

    assert [(f.status, f.reason) for f in batch.files] == [
        ("failed", "2.5 MB, over the limit of 1 MB per file; raise PANELQA_MAX_FILE_MB to read it."),
        ("added", "")]
