"""Fetch one committee's papers: find it, list its meetings, download each meeting's documents, record each version."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

import requests

from panelqa.errors import PanelqaError
from panelqa.fetch import moderngov as mg
from panelqa.fetch.client import PoliteClient, RobotsDisallowed, SiteRefused
from panelqa.fetch.manifest import DocumentVersion, append, latest_by_url, read_manifest

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Problem:
    url: str
    reason: str


@dataclass
class FetchReport:
    """What one run did; problems are reported lines, not failures of the run."""
    site: str
    committee: str = ""
    meetings_seen: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    problems: list[Problem] = field(default_factory=list)
    refused: str | None = None                 # the refusal message when the site stopped us
    unfetched_meetings: list[str] = field(default_factory=list)  # documents pages to download by hand
    stored: list[DocumentVersion] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.meetings_seen} meetings seen; documents: {self.new} new, {self.changed} changed, "
                f"{self.unchanged} unchanged, {self.failed} failed.")


def fetch_committee(site: str, out_dir: Path, client: PoliteClient, *, committee: str | None = None,
                    committee_id: int | None = None, since: date | None = None, until: date | None = None,
                    include_expired: bool = False,
                    on_document: Callable[[str, str], None] | None = None,
                    on_meeting: Callable[[int, int], None] | None = None) -> FetchReport:
    """Find the committee, list its meetings in [since, until], and store every new or changed document.

    `on_document(outcome, url)` is called after each document, `on_meeting(done, total)` before the
    first meeting and after each one.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = FetchReport(site=site)
    meeting_pages: list[str] = []
    try:
        found = _find_committee(site, client, committee, committee_id, include_expired, report)
        report.committee = found.title
        meetings = _list_meetings(site, client, found.committee_id, since, until, report)
        meeting_pages = [mg.documents_page_url(site, found.committee_id, m.meeting_id) for m in meetings]
        known = latest_by_url(read_manifest(out_dir))
        if on_meeting:
            on_meeting(0, len(meetings))
        for index, meeting in enumerate(meetings):
            report.meetings_seen += 1
            _fetch_meeting(site, client, found, meeting, meeting_pages[index], out_dir, known, report, on_document)
            if on_meeting:
                on_meeting(index + 1, len(meetings))
    except SiteRefused as exc:
        report.refused = str(exc)
        report.unfetched_meetings = meeting_pages[report.meetings_seen - 1 if report.meetings_seen else 0:]
    return report


def _find_committee(site, client, title, committee_id, include_expired, report) -> mg.Committee:
    url = mg.service_url(site, "GetCommittees")
    try:
        committees = mg.parse_committees(client.get(url).content)
    except (mg.NotXml, requests.RequestException) as exc:
        report.problems.append(Problem(url, str(exc)))
        committees = []
    if committee_id is not None:
        match = next((c for c in committees if c.committee_id == committee_id), None)
        return match or mg.Committee(committee_id, title or f"Committee {committee_id}", False, False)
    if not committees:
        why = f" ({report.problems[-1].reason})" if report.problems else ""
        raise PanelqaError(f"{site} did not list its committees{why}; pass --committee-id "
                           "(the CId= in its ieListMeetings.aspx links).")
    pattern = re.compile(re.escape(title or ""), re.I)
    matches = [c for c in committees if pattern.search(c.title) and (include_expired or not (c.expired or c.deleted))]
    if not matches:
        raise PanelqaError(f"{site} has no current committee matching {title!r}; check the title, or pass --committee-id.")
    return matches[0]


def _list_meetings(site, client, committee_id, since, until, report) -> list[mg.Meeting]:
    since = since or date(2000, 1, 1)
    until = until or date.today().replace(year=date.today().year + 1)
    url = mg.service_url(site, "GetMeetings", lCommitteeId=committee_id, sFromDate=mg.uk_date(since),
                         sToDate=mg.uk_date(until))
    try:
        response = client.get(url)
        meetings = mg.parse_meetings(response.content)
    except (mg.NotXml, requests.RequestException) as exc:
        report.problems.append(Problem(url, f"{exc}; using the HTML meeting list"))
        page_url = mg.meetings_page_url(site, committee_id)
        meetings = mg.parse_meetings_page(client.get(page_url).text)
    # Servers that ignore the range return the whole history: filter again.
    return [m for m in meetings if m.meeting_date is None or since <= m.meeting_date <= until]


def _fetch_meeting(site, client, committee, meeting, page_url, out_dir, known, report, on_document) -> None:
    try:
        response = client.get(page_url)
        page = mg.parse_documents_page(response.text, page_url)
    except (requests.RequestException, RobotsDisallowed) as exc:
        report.problems.append(Problem(page_url, str(exc)))
        return
    status = meeting.status or ("Cancelled" if page.cancelled else "")
    meeting_date = meeting.meeting_date or page.meeting_date
    if not page.documents:
        report.problems.append(Problem(page_url, f"no documents ({status or 'none published yet'})"))
    folder = f"{meeting_date.isoformat() if meeting_date else 'undated'} {meeting.meeting_id}"
    for link in page.documents:
        outcome = _fetch_document(site, client, committee, meeting, meeting_date, status, link, out_dir, folder,
                                  known.get(link.url), report)
        if on_document:
            on_document(outcome, link.url)


def _fetch_document(site, client, committee, meeting, meeting_date, status, link, out_dir, folder, previous,
                    report) -> str:
    headers = {}
    if previous and previous.etag:
        headers["If-None-Match"] = previous.etag
    if previous and previous.last_modified:
        headers["If-Modified-Since"] = previous.last_modified
    try:
        response = client.get(link.url, headers=headers)
    except (requests.RequestException, RobotsDisallowed) as exc:
        report.failed += 1
        report.problems.append(Problem(link.url, str(exc)))
        return "failed"
    if response.status_code == 304:
        report.unchanged += 1
        return "unchanged"
    if response.status_code != 200:
        report.failed += 1
        report.problems.append(Problem(link.url, f"HTTP {response.status_code}"))
        return "failed"
    body = response.content
    if not body.startswith(b"%PDF"):
        report.failed += 1
        kind = response.headers.get("Content-Type", "no type").split(";")[0]
        report.problems.append(Problem(link.url, "empty answer" if not body else f"not a PDF ({kind})"))
        return "failed"
    sha = hashlib.sha256(body).hexdigest()
    if previous and previous.sha256 == sha:
        report.unchanged += 1
        return "unchanged"
    version = previous.version + 1 if previous else 1
    name = _file_name(link.url, version)
    relative = Path(folder) / name
    target = out_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_bytes(body)
    os.replace(partial, target)
    entry = DocumentVersion(
        site=site, committee=committee.title, committee_id=committee.committee_id, meeting_id=meeting.meeting_id,
        meeting_date=meeting_date.isoformat() if meeting_date else None, meeting_status=status, label=link.label,
        kind=link.kind, item_number=link.item_number, item_title=link.item_title, source_url=link.url,
        path=relative.as_posix(), sha256=sha, version=version, etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    append(out_dir, entry)
    report.stored.append(entry)
    if previous:
        report.changed += 1
        return "changed"
    report.new += 1
    return "new"


def _file_name(url: str, version: int) -> str:
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "document.pdf"
    name = re.sub(r"[^\w .,()&-]+", "_", name).strip() or "document.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name if version == 1 else f"{name[:-4]}.v{version}.pdf"
