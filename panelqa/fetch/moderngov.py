"""What a modern.gov site says: committees and meetings from its web service, documents from its HTML pages."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urljoin

from bs4 import BeautifulSoup
from defusedxml import ElementTree

SERVICE = "mgWebService.asmx"
# Labels of the meeting-level packs on ieListDocuments.aspx, and the kind each is recorded as.
PACK_KINDS = (("minutes", "minutes"), ("decisions", "decisions"), ("supplement", "supplement"),
              ("reports pack", "reports pack"), ("frontsheet", "agenda"), ("agenda", "agenda"))


class NotXml(ValueError):
    """The web service answered with HTML, nothing, or XML with another root element."""


@dataclass(frozen=True, slots=True)
class Committee:
    committee_id: int
    title: str
    expired: bool
    deleted: bool


@dataclass(frozen=True, slots=True)
class Meeting:
    meeting_id: int
    meeting_date: date | None
    status: str            # "Confirmed", "Cancelled", ... as the site says it
    time: str              # "10.00 am"


@dataclass(frozen=True, slots=True)
class DocumentLink:
    """One PDF linked from a meeting's documents page."""
    url: str
    label: str             # link text, e.g. "Public reports pack" or "Budget report"
    kind: str              # "agenda" | "reports pack" | "minutes" | "decisions" | "supplement" | "item report"
    item_number: str | None
    item_title: str | None


def service_url(base: str, operation: str, **params: str | int) -> str:
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return urljoin(_base(base), f"{SERVICE}/{operation}") + (f"?{query}" if query else "")


def meetings_page_url(base: str, committee_id: int, year: int = 0) -> str:
    return urljoin(_base(base), f"ieListMeetings.aspx?CId={committee_id}&Year={year}")


def documents_page_url(base: str, committee_id: int, meeting_id: int) -> str:
    return urljoin(_base(base), f"ieListDocuments.aspx?CId={committee_id}&MId={meeting_id}&Ver=4")


def uk_date(day: date) -> str:
    """The web service reads dd/mm/yyyy only; an ISO date makes it ignore the range."""
    return day.strftime("%d/%m/%Y")


def _base(base: str) -> str:
    return base if base.endswith("/") else base + "/"


def _xml_root(body: bytes, expected: str):
    head = body.lstrip()[:200].lower()
    if not head or head.startswith(b"<!doctype html") or head.startswith(b"<html"):
        raise NotXml("HTML or an empty answer where XML was expected")
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise NotXml(f"not XML ({exc})") from exc
    if root.tag != expected:
        raise NotXml(f"XML with root <{root.tag}>, expected <{expected}>")
    return root


def _text(element, name: str) -> str:
    found = element.find(name)
    return html.unescape(html.unescape((found.text or "").strip())) if found is not None else ""


def _dmy(value: str) -> date | None:
    try:
        return datetime.strptime(value.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def parse_committees(body: bytes) -> list[Committee]:
    root = _xml_root(body, "committees")
    return [Committee(int(_text(c, "committeeid")), _text(c, "committeetitle"),
                      _text(c, "committeeexpired") == "True", _text(c, "committeedeleted") == "True")
            for c in root.iter("committee") if _text(c, "committeeid").isdigit()]


def parse_meetings(body: bytes) -> list[Meeting]:
    root = _xml_root(body, "getmeetings")
    return [Meeting(int(_text(m, "meetingid")), _dmy(_text(m, "meetingdate")), _text(m, "meetingstatus"),
                    _text(m, "meetingtime"))
            for m in root.iter("meeting") if _text(m, "meetingid").isdigit()]


_MEETING_LINK = re.compile(r"ieListDocuments\.aspx\?CId=\d+&(?:amp;)?MI[dD]=(\d+)", re.I)
_LINK_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?,? ([A-Za-z]{3})[a-z]*,? (\d{4})")


def _text_date(text: str) -> date | None:
    match = _LINK_DATE.search(text)
    if not match:
        return None
    try:
        return datetime.strptime(" ".join(match.groups()), "%d %b %Y").date()
    except ValueError:
        return None


def parse_meetings_page(page: str) -> list[Meeting]:
    """ieListMeetings.aspx: each meeting is a link to its documents page whose text is its date and time."""
    soup = BeautifulSoup(page, "html.parser")
    scope = soup.find(id="modgov") or soup
    meetings: dict[int, Meeting] = {}
    for link in scope.find_all("a", href=True):
        match = _MEETING_LINK.search(link["href"])
        if match:
            text = link.get_text(" ", strip=True)
            status = "Cancelled" if "cancel" in text.lower() else ("Postponed" if "postpone" in text.lower() else "")
            meetings.setdefault(int(match.group(1)), Meeting(int(match.group(1)), _text_date(text), status, ""))
    return list(meetings.values())


@dataclass(frozen=True, slots=True)
class DocumentsPage:
    heading: str
    meeting_date: date | None
    cancelled: bool
    documents: tuple[DocumentLink, ...]


def _pack_kind(label: str) -> str:
    low = label.lower()
    return next((kind for word, kind in PACK_KINDS if word in low), "agenda")


def parse_documents_page(page: str, page_url: str) -> DocumentsPage:
    """ieListDocuments.aspx: meeting-level packs link to documents/g<MId>/, item documents sit in mgItemTable rows."""
    soup = BeautifulSoup(page, "html.parser")
    scope = soup.find(id="modgov") or soup
    title = scope.select_one("h2.mgSubTitleTxt") or scope.find(["h1", "h2"])
    heading = title.get_text(" ", strip=True) if title else ""
    docs: dict[str, DocumentLink] = {}
    for row in scope.select("table.mgItemTable tr"):
        number_cell = row.select_one("td.mgItemNumberCell")
        title_cell = row.select_one("p.mgAiTitleTxt")
        number = number_cell.get_text(" ", strip=True) or None if number_cell else None
        item_title = title_cell.get_text(" ", strip=True) or None if title_cell else None
        for link in row.select("ul.mgBulletList li a[href]"):
            url = urljoin(page_url, link["href"])
            label = _link_label(link)
            docs.setdefault(url, DocumentLink(url, label, "item report", number, item_title))
    for link in scope.find_all("a", href=True):
        if re.search(r"(^|/)documents/g\d+/", link["href"]):
            url = urljoin(page_url, link["href"])
            label = _link_label(link)
            docs.setdefault(url, DocumentLink(url, label, _pack_kind(label), None, None))
        elif re.search(r"(^|/)documents/s\d+/", link["href"]):  # a document outside the item table
            url = urljoin(page_url, link["href"])
            docs.setdefault(url, DocumentLink(url, _link_label(link), "item report", None, None))
    low = heading.lower()
    return DocumentsPage(heading, _text_date(heading), "cancelled" in low or "postponed" in low, tuple(docs.values()))


def _link_label(link) -> str:
    size = link.select_one("span.mgFileSize")
    text = link.get_text(" ", strip=True)
    if size is not None:
        text = text.replace(size.get_text(" ", strip=True), "").strip()
    return text or link["href"].rsplit("/", 1)[-1]
