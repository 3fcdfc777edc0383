"""Saved searches: stored in the index, run over what was fetched and ingested since their last run."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from defusedxml import ElementTree
from moderngov_site import publish_version_2

from panelqa.cli.main import cli

ATOM = "{http://www.w3.org/2005/Atom}"


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _fetch_and_ingest(site, tmp_path: Path, index: Path) -> str:
    return _run("fetch", "--site", site.base, "--committee", "Audit", "--since", "2026-01-01", "--until", "2026-03-31",
                "--out", str(tmp_path / "papers"), "--index", str(index), "--delay", "0.01",
                "--contact", "tests@example.org")


def test_an_alert_finds_a_passage_of_a_newly_fetched_paper_and_not_of_an_old_one(moderngov, tmp_path, make_pdf,
                                                                                   ingest):
    index = tmp_path / "index"
    (tmp_path / "old").mkdir()
    old = make_pdf(tmp_path / "old" / "2018-04-20 Panel minutes.pdf", [
        "Police and Crime Panel, minutes of 20 April 2018.",
        "Item 7. The Panel noted £25,000 for knife crime prevention in schools in 2018/19.",
    ])
    ingest([old], index)
    assert "Saved 'knives'" in _run("alerts", "add", "knife crime prevention in schools", "--name", "knives",
                                    "--index", str(index))
    _fetch_and_ingest(moderngov, tmp_path, index)

    digest, feed = tmp_path / "digest.md", tmp_path / "alerts.xml"
    out = _run("alerts", "run", "--index", str(index), "--markdown", str(digest), "--atom", str(feed))
    assert "## knives" in out and "**Knife crime prevention fund** (Audit Committee, 2026-02-10, p. 1)" in out
    assert "£40,000 for knife crime prevention in schools" in out
    assert "documents/s101/Knife%20crime%20fund.pdf" in out, "the publisher's URL is the link"
    assert "£25,000" not in out and "2018-04-20" not in out, "the paper indexed before the alert is not new"
    assert digest.read_text(encoding="utf-8") == out

    entries = ElementTree.parse(feed).getroot().findall(f"{ATOM}entry")
    assert len(entries) == 1, out
    assert entries[0].find(f"{ATOM}link").get("href").endswith("documents/s101/Knife%20crime%20fund.pdf")
    assert "2026-02-10" in entries[0].findtext(f"{ATOM}title")

    again = _run("alerts", "run", "--index", str(index), "--atom", str(feed))
    assert again.startswith("Nothing new for any saved search"), again
    assert len(ElementTree.parse(feed).getroot().findall(f"{ATOM}entry")) == 1, "the feed keeps its entries"

    publish_version_2(moderngov)
    _fetch_and_ingest(moderngov, tmp_path, index)
    changed = _run("alerts", "run", "--index", str(index), "--atom", str(feed))
    assert "£45,000" in changed and "£40,000" not in changed, "version 2 of the report is new, version 1 is not"
    assert len(ElementTree.parse(feed).getroot().findall(f"{ATOM}entry")) == 2


def test_a_paper_processed_again_after_an_upgrade_is_not_new(tmp_path, make_pdf, ingest, monkeypatch):
    import dataclasses

    from panelqa.ingest import versions

    index = tmp_path / "index"
    paper = make_pdf(tmp_path / "2018-04-20 Panel minutes.pdf", [
        "Police and Crime Panel, minutes of 20 April 2018.",
        "Item 7. The Panel noted £25,000 for knife crime prevention in schools in 2018/19.",
    ])
    ingest([paper], index)
    _run("alerts", "add", "knife crime prevention in schools", "--index", str(index))
    newer = dataclasses.replace(versions.CURRENT_BUILD, ledger=versions.CURRENT_BUILD.ledger + 1)
    monkeypatch.setattr(versions, "CURRENT_BUILD", newer)  # as a newer panelqa would
    again = ingest([paper], index)
    assert [f.status for f in again.files] != ["unchanged"], "the paper was processed again"
    assert _run("alerts", "run", "--index", str(index)).startswith("Nothing new")


def test_since_a_date_looks_back_over_older_papers_and_leaves_the_last_run_alone(tmp_path, make_pdf, ingest):
    index = tmp_path / "index"
    _run("alerts", "add", "knife crime prevention in schools", "--index", str(index))
    paper = make_pdf(tmp_path / "2018-04-20 Panel minutes.pdf", [
        "Police and Crime Panel, minutes of 20 April 2018.",
        "Item 7. The Panel noted £25,000 for knife crime prevention in schools in 2018/19.",
    ])
    ingest([paper], index)
    looked = _run("alerts", "run", "--since", "2020-01-01", "--index", str(index))
    assert "£25,000" in looked and "2018-04-20" in looked, looked
    assert "never run" in _run("alerts", "list", "--index", str(index))
    first = json.loads(_run("alerts", "run", "--json", "--index", str(index)))
    assert first["new_documents"] == 1 and "£25,000" in first["passages"][0]["text"], "a look back uses up nothing"
    assert first["passages"][0]["date"] == "2018-04-20" and first["last_run_at"] is None
    assert "Nothing new" in _run("alerts", "run", "--index", str(index))


def test_an_alert_narrowed_to_minutes_ignores_a_report(moderngov, tmp_path):
    index = tmp_path / "index"
    _run("alerts", "add", "knife crime prevention in schools", "--type", "minutes", "--index", str(index))
    _fetch_and_ingest(moderngov, tmp_path, index)
    out = _run("alerts", "run", "--index", str(index))
    assert out.startswith("Nothing new"), "the knife crime paper is an item report, not minutes"


def test_alerts_are_listed_and_removed_and_bad_input_is_one_error_line(tmp_path):
    index = str(tmp_path / "index")
    assert "No saved searches" in _run("alerts", "list", "--index", index)
    _run("alerts", "add", "knife crime", "--body", "Police and Crime Panel", "--index", index)
    assert _run("alerts", "list", "--index", index).split("\t")[:4] == [
        "knife crime", "knife crime", "-", "Police and Crime Panel"]
    assert '"query": "knife crime"' in _run("alerts", "list", "--json", "--index", index)

    again = CliRunner().invoke(cli, ["alerts", "add", "knife crime", "--index", index])
    assert again.exit_code == 1
    assert again.output == ("Error: A saved search named 'knife crime' exists already; pick another --name, "
                            "or run \"panelqa alerts remove knife crime\" first.\n")
    bad_date = CliRunner().invoke(cli, ["alerts", "run", "--since", "yesterday", "--index", index])
    assert bad_date.exit_code == 2 and "'yesterday' is neither 'last' nor a date YYYY-MM-DD." in bad_date.output

    assert _run("alerts", "remove", "knife crime", "--index", index) == "Removed 'knife crime'.\n"
    gone = CliRunner().invoke(cli, ["alerts", "remove", "knife crime", "--index", index])
    assert gone.exit_code == 1
    assert gone.output == "Error: No saved search named 'knife crime'; \"panelqa alerts list\" shows their names.\n"
