"""panelqa fetch against a real HTTP server on 127.0.0.1 serving recorded modern.gov answers and pages written here."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from moderngov_site import FIXTURES, https_behind_redirect, self_signed_certificate
from pdfwriter import pdf_bytes

from panelqa.cli.main import cli
from panelqa.fetch import PoliteClient, fetch_committee, read_manifest

TINY_DELAY_S = 0.01


def _client(**kwargs) -> PoliteClient:
    return PoliteClient("tests@example.org", delay_s=TINY_DELAY_S, **kwargs)


def _fetch(moderngov, out: Path, **kwargs):
    client = _client(timeout_s=kwargs.pop("timeout_s", 5.0))
    try:
        return fetch_committee(moderngov.base, out, client, committee="Audit", since=date(2026, 1, 1),
                               until=date(2026, 3, 31), **kwargs)
    finally:
        client.close()


def test_first_fetch_gets_every_document_with_its_meeting_facts(moderngov, tmp_path):
    report = _fetch(moderngov, tmp_path / "papers")
    assert (report.new, report.failed, report.meetings_seen) == (4, 0, 2)
    entries = {e.label: e for e in read_manifest(tmp_path / "papers")}
    fund = entries["Knife crime fund"]
    assert (fund.committee, fund.meeting_id, fund.meeting_date, fund.meeting_status) == (
        "Audit Committee", 4967, "2026-02-10", "Confirmed")
    assert (fund.kind, fund.item_number, fund.item_title) == ("item report", "6.", "Knife crime prevention fund")
    assert fund.source_url == moderngov.base + "documents/s101/Knife%20crime%20fund.pdf" or fund.source_url.endswith(
        "documents/s101/Knife crime fund.pdf")
    assert entries["Public reports pack 10th-Feb-2026 10.00 Audit Committee"].kind == "reports pack"
    assert entries["Agenda frontsheet 10th-Feb-2026 10.00 Audit Committee"].kind == "agenda"
    assert (tmp_path / "papers" / fund.path).read_bytes().startswith(b"%PDF")
    assert any("4966" in p.url and "Cancelled" in p.reason for p in report.problems), "cancelled meeting is a line"


def test_dates_are_sent_as_dd_mm_yyyy_and_filtered_again(moderngov, tmp_path):
    from datetime import date
    client = _client()
    report = fetch_committee(moderngov.base, tmp_path, client, committee="Audit", since=date(2026, 2, 1),
                             until=date(2026, 3, 31))
    query = next(p for p, _ in moderngov.requests if "GetMeetings" in p)
    assert "sFromDate=01/02/2026" in query and "sToDate=31/03/2026" in query
    assert report.meetings_seen == 1, "the server returned January too; the client dropped it"


def test_second_fetch_downloads_nothing_and_a_changed_document_becomes_version_2(moderngov, tmp_path):
    out = tmp_path / "papers"
    _fetch(moderngov, out)
    again = _fetch(moderngov, out)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 4)
    moderngov.set("/mg/documents/s101/Knife crime fund.pdf",
               pdf_bytes(["Item 6. The Committee noted £45,000 for knife crime prevention in schools."]))
    third = _fetch(moderngov, out)
    assert (third.new, third.changed, third.unchanged) == (0, 1, 3)
    versions = [e for e in read_manifest(out) if e.label == "Knife crime fund"]
    assert [v.version for v in versions] == [1, 2]
    assert all((out / v.path).exists() for v in versions), "the old version is kept"
    front = [h for p, h in moderngov.requests if "Agenda frontsheet" in p]
    assert front[-1].get("If-None-Match") == '"front-1"', "conditional request where the server gives an ETag"
    plan = [h for p, h in moderngov.requests if p.endswith("Internal audit plan.pdf")]
    assert plan[-1].get("If-Modified-Since") == "Mon, 02 Feb 2026 09:00:00 GMT", "... or a Last-Modified date"
    pack = [h for p, h in moderngov.requests if "Public reports pack" in p]
    assert not {"If-None-Match", "If-Modified-Since"} & set(pack[-1]), "no validators: the sha256 decides"


def test_retry_after_is_obeyed_and_a_slow_route_is_one_line(moderngov, tmp_path):
    calls = []

    def busy(path, headers):
        calls.append(path)
        if len(calls) <= 2:  # a 429, then a 503, each with Retry-After
            return dict(body=b"busy", status=429 if len(calls) == 1 else 503, ctype="text/plain", etag=None,
                        headers={"Retry-After": "0"}, delay_s=0)
        return dict(body=pdf_bytes(["The internal audit plan."]), status=200, ctype="application/pdf", etag=None,
                    headers={}, delay_s=0)

    moderngov.routes["/mg/documents/s100/Internal audit plan.pdf"] = busy
    moderngov.set("/mg/documents/s101/Knife crime fund.pdf", pdf_bytes(["slow"]), delay_s=1.0)
    report = _fetch(moderngov, tmp_path / "papers", timeout_s=0.3)
    assert len(calls) == 3 and report.new == 3 and report.failed == 1
    assert any("Knife crime fund" in p.url and "timed out" in p.reason.lower() for p in report.problems)


def test_requests_keep_the_delay_apart_over_one_connection_and_the_default_delay_is_2_s(moderngov, tmp_path):
    from panelqa.fetch.client import DEFAULT_DELAY_S
    client = PoliteClient("tests@example.org", delay_s=0.25)
    try:
        fetch_committee(moderngov.base, tmp_path / "papers", client, committee="Audit", since=date(2026, 1, 1),
                        until=date(2026, 3, 31))
    finally:
        client.close()
    times = [t for t, _ in moderngov.arrivals]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    # the client spaces its sends; arrivals here jitter with thread scheduling on a busy machine, by far less than
    # the delay (without it, requests come milliseconds apart)
    assert len(times) >= 7 and min(gaps) >= 0.15 and sorted(gaps)[len(gaps) // 2] >= 0.24, gaps
    assert len({port for _, port in moderngov.arrivals}) == 1, "one connection per host, reused"
    assert DEFAULT_DELAY_S == 2.0 and PoliteClient("x").delay_s == 2.0


def test_robots_disallow_is_obeyed(moderngov, tmp_path):
    moderngov.set("/robots.txt", b"User-agent: *\nDisallow: /mg/documents/s101/\n", ctype="text/plain")
    report = _fetch(moderngov, tmp_path / "papers")
    assert moderngov.count("/mg/documents/s101/") == 0
    assert any("robots.txt" in p.reason for p in report.problems) and report.new == 3


def test_user_agent_names_the_project_and_the_contact(moderngov, tmp_path):
    _fetch(moderngov, tmp_path)
    agent = moderngov.requests[-1][1]["User-Agent"]
    assert agent.startswith("panelqa/") and "tests@example.org" in agent


def test_html_instead_of_xml_falls_back_to_the_meetings_page(moderngov, tmp_path):
    moderngov.set("/mg/mgWebService.asmx/GetMeetings",
               (FIXTURES / "denbighshire.gov.uk__GetCouncillorsByWard.xml").read_bytes(), ctype="text/html")
    # Written here after the ieListMeetings.aspx structure in fixtures/moderngov/README.md (not a recording).
    moderngov.set("/mg/ieListMeetings.aspx?CId=144&Year=0",
               b'<div id="modgov"><ul><li><a href="ieListDocuments.aspx?CId=144&amp;MId=4967">10 Feb 2026 10.00 am</a>'
               b'</li></ul></div>', ctype="text/html")
    report = _fetch(moderngov, tmp_path / "papers")
    assert any("GetMeetings" in p.url and "HTML" in p.reason for p in report.problems)
    assert report.new == 4 and report.meetings_seen == 1


@pytest.mark.parametrize("status", [403, 503, 200], ids=["403", "503-challenge", "200-challenge"])
def test_a_403_or_a_challenge_page_stops_the_site_and_lists_the_meetings(moderngov, tmp_path, status):
    moderngov.set("/mg/ieListDocuments.aspx?CId=144&MId=4966&Ver=4",
                  b"<html><title>Just a moment...</title><div id=cf-chl-widget></div></html>", status=status,
                  ctype="text/html", headers={"Retry-After": "0"})
    result = CliRunner().invoke(cli, ["fetch", "--site", moderngov.base, "--committee", "Audit", "--since", "2026-01-01",
                                      "--until", "2026-03-31", "--out", str(tmp_path / "p"), "--delay", "0.01",
                                      "--contact", "tests@example.org"])
    assert result.exit_code == 1
    assert "127.0.0.1" in result.output and "refused" in result.output
    assert "ieListDocuments.aspx?CId=144&MId=4966" in result.output and "MId=4967" in result.output
    assert moderngov.count("/mg/documents/") == 0, "no request after the refusal"
    assert moderngov.count("/mg/ieListDocuments.aspx?CId=144&MId=4966") == 1, "no retrying against a block"


def test_sigkill_mid_fetch_then_rerun_gives_the_same_manifest_as_one_clean_run(moderngov, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    args = [sys.executable, "-m", "panelqa.cli", "fetch", "--site", moderngov.base, "--committee", "Audit",
            "--since", "2026-01-01", "--until", "2026-03-31", "--contact", "t@example.org", "--delay", "0.3"]
    killed = tmp_path / "killed"
    proc = subprocess.Popen([*args, "--out", str(killed)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(read_manifest(killed)) < 2:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 2 <= len(read_manifest(killed)) < 4, "killed part-way"
    subprocess.run([*args, "--out", str(killed)], env=env, check=True, capture_output=True)
    clean = tmp_path / "clean"
    subprocess.run([*args, "--out", str(clean)], env=env, check=True, capture_output=True)

    def lines(folder):
        return sorted(json.dumps({k: v for k, v in vars_(e).items() if k != "fetched_at"}, sort_keys=True)
                      for e in read_manifest(folder))

    assert lines(killed) == lines(clean)


def vars_(entry):
    from dataclasses import asdict
    return asdict(entry)


def test_recorded_documents_link_and_html_error_pages_parse(moderngov):
    from panelqa.fetch import moderngov as mg
    page = mg.parse_documents_page((FIXTURES / "modgov_decision_detail.html").read_text(), moderngov.base + "x")
    assert [d.url.rsplit("/", 2)[-2:] for d in page.documents] == [["s7942", "polc2 - 23.09.2015.pdf"]]
    assert page.documents[0].label == "polc2 - 23.09.2015"
    for name in ("leeds.gov.uk__GetCouncillorsByWard.xml", "denbighshire.gov.uk__GetCouncillorsByWard.xml"):
        with pytest.raises(mg.NotXml):
            mg.parse_meetings((FIXTURES / name).read_bytes())
    assert [m.meeting_id for m in mg.parse_meetings((FIXTURES / "meetings.xml").read_bytes())] == [4966, 4967]


def test_fetched_papers_answer_with_the_meeting_date_and_the_publishers_facts(moderngov, tmp_path, ingest):
    from panelqa import ask, documents
    out = tmp_path / "papers"
    _fetch(moderngov, out)
    ingest([out], tmp_path / "index")
    answer = ask("how much was noted for knife crime prevention in schools?", tmp_path / "index")
    assert answer.found and "£40,000" in answer.text
    cited = answer.passages[answer.lines[0].citation - 1]
    assert cited.date == "2026-02-10" and cited.title == "Knife crime prevention fund"
    assert cited.source_url == moderngov.base + "documents/s101/Knife%20crime%20fund.pdf", "the citation links the site"
    doc = next(d.document for d in documents(tmp_path / "index") if "Knife crime fund" in d.document.source)
    assert doc.body.value == "Audit Committee"
    assert doc.body.source.startswith("from the publisher's site, ") and "documents/s101/" in doc.body.source


def test_answers_and_the_ledger_cite_the_newest_version_of_a_changed_paper(moderngov, tmp_path, ingest):
    from moderngov_site import publish_version_2

    from panelqa import ask, documents
    from panelqa.ingest.store import Store
    from panelqa.reports.funding import ledger_rows
    out, index = tmp_path / "papers", tmp_path / "index"
    _fetch(moderngov, out)
    ingest([out], index)
    publish_version_2(moderngov)  # the site corrects £40,000 to £45,000
    _fetch(moderngov, out)
    ingest([out], index)
    answer = ask("how much was noted for knife crime prevention in schools?", index)
    assert "£45,000" in answer.text and "£40,000" not in answer.text, answer.text
    assert not any("£40,000" in p.text for p in answer.passages), "the superseded version is not cited"
    assert answer.passages[answer.lines[0].citation - 1].source.endswith("Knife crime fund.v2.pdf")
    with Store(index, read_only=True) as store:
        amounts = [r.row.amount_text for r in ledger_rows(store) if "knife crime" in (r.row.purpose or "")]
    assert amounts == ["£45,000"], "a corrected paper is not counted twice in the ledger"
    stored = {Path(d.document.source).name: d for d in documents(index)}
    assert stored["Knife crime fund.pdf"].superseded and stored["Knife crime fund.pdf"].document.published_version == 1
    assert not stored["Knife crime fund.v2.pdf"].superseded, "both versions stay in the index; the newest is cited"


def test_a_page_that_is_not_a_pdf_and_an_empty_answer_are_lines_and_the_run_goes_on(moderngov, tmp_path):
    moderngov.set("/mg/documents/s101/Knife crime fund.pdf", b"<html><body>Document moved</body></html>",
                  ctype="text/html")
    moderngov.set("/mg/documents/g4967/Public reports pack 10th-Feb-2026 10.00 Audit Committee.pdf", b"")
    report = _fetch(moderngov, tmp_path / "papers")
    reasons = {p.url.rsplit("/", 1)[-1]: p.reason for p in report.problems}
    assert reasons["Knife crime fund.pdf"] == "not a PDF (text/html)"
    assert reasons["Public reports pack 10th-Feb-2026 10.00 Audit Committee.pdf?T=10"] == "empty answer"
    assert (report.new, report.failed) == (2, 2)


def test_an_expired_committee_is_left_out_unless_asked_for(moderngov, tmp_path):
    from datetime import date

    from panelqa import PanelqaError
    client = _client()
    with pytest.raises(PanelqaError, match="no current committee matching 'Appointment Sub Committee'"):
        fetch_committee(moderngov.base, tmp_path, client, committee="Appointment Sub Committee")
    report = fetch_committee(moderngov.base, tmp_path, client, committee="Appointment Sub Committee",
                             include_expired=True, since=date(2026, 1, 1), until=date(2026, 3, 31))
    assert report.committee == "Appointment Sub Committee for Director of Adult Social Services"


def test_progress_is_reported_per_meeting_and_the_summary_counts_the_run(moderngov, tmp_path):
    seen = []
    report = _fetch(moderngov, tmp_path / "papers", on_meeting=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 2), (1, 2), (2, 2)]
    result = CliRunner().invoke(cli, ["fetch", "--site", moderngov.base, "--committee", "Audit", "--since",
                                      "2026-01-01", "--until", "2026-03-31", "--out", str(tmp_path / "papers"),
                                      "--delay", "0.01", "--contact", "tests@example.org"])
    assert result.exit_code == 0 and report.new == 4
    assert result.output.splitlines()[-1].startswith(
        "Audit Committee: 2 meetings seen; documents: 0 new, 0 changed, 4 unchanged, 0 failed. ")
    assert result.output.rstrip().endswith(" s")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test certificate")
def test_an_http_site_redirecting_to_https_is_followed_and_tls_is_always_verified(moderngov, tmp_path,
                                                                                  monkeypatch):
    from panelqa import PanelqaError
    cert, key = self_signed_certificate(tmp_path)
    with https_behind_redirect(moderngov, cert, key) as http_base:
        assert http_base.startswith("http://")
        client = _client()
        with pytest.raises(PanelqaError, match="CERTIFICATE_VERIFY_FAILED"):
            fetch_committee(http_base, tmp_path / "untrusted", client, committee="Audit")
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))  # the user's trust store, as requests reads it
        client = _client()
        from datetime import date
        report = fetch_committee(http_base, tmp_path / "papers", client, committee="Audit", since=date(2026, 1, 1),
                                 until=date(2026, 3, 31))
    assert (report.new, report.failed) == (4, 0)
