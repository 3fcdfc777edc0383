"""The digest of an `alerts run`: Markdown for reading or mailing, an Atom feed to subscribe to."""

from __future__ import annotations

import textwrap
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET

from panelqa.errors import PanelqaError

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 200  # entries an Atom feed keeps across runs, newest first, so a reader polling weekly misses none
EXCERPT_CHARS = 600  # of a passage, in the digest and the feed


def link(passage) -> str:
    """The publisher's URL for a fetched paper, else a file:// URL of the paper as ingested."""
    if passage.source_url:
        return passage.source_url
    try:
        return Path(passage.source).resolve().as_uri()
    except ValueError:
        return passage.source


def format_time(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def _pages(p) -> str:
    return p.pages


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"


def _narrowed(alert) -> str:
    parts = [f'"{alert.query}"']
    if alert.doc_type:
        parts.append(f"type {alert.doc_type}")
    if alert.body:
        parts.append(f"body {alert.body}")
    return ", ".join(parts)


def markdown_digest(results, *, looked_back: bool = False) -> str:
    """One section per saved search: each new passage with title, body, meeting date, page and link."""
    if not results:
        return 'No saved searches; add one with panelqa alerts add "knife crime".\n'
    found = sum(len(r.passages) for r in results)
    lines = ["# panelqa: what's new", ""]
    if not found:
        since = min(r.since for r in results)
        return f"Nothing new for any saved search: no passage of a paper ingested since {format_time(since)} matches.\n"
    lines += [f"{found} new passage{'s' if found != 1 else ''} for {len(results)} saved "
              f"search{'es' if len(results) != 1 else ''}.", ""]
    for r in results:
        window = "since " + format_time(r.since) + (" (--since)" if looked_back else
                                              " (its last run)" if r.alert.last_run_at else " (when it was saved)")
        lines += [f"## {r.alert.name}", "", f"{_narrowed(r.alert)}; {r.new_documents} paper(s) ingested {window}.", ""]
        if not r.passages:
            lines += ["Nothing new.", ""]
        for p in r.passages:
            facts = ", ".join(x for x in (p.body, p.date or "undated", _pages(p)) if x)
            lines.append(f"- **{p.title}** ({facts}): <{link(p)}>")
            if p.heading:
                lines.append(f"  {p.heading}")
            lines.append("")
            lines.append(textwrap.indent(textwrap.fill(_excerpt(p.text), 100), "  > "))
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def atom_feed(results, previous: bytes | None = None, *, now: datetime | None = None) -> bytes:
    """An Atom 1.0 feed, one entry per (saved search, passage); entries of the previous feed are kept."""
    ET.register_namespace("", ATOM_NS)
    stamp = (now or datetime.now(timezone.utc)).isoformat(timespec="seconds")
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _text(feed, "title", "panelqa saved searches")
    _text(feed, "id", "urn:panelqa:alerts")
    _text(feed, "updated", stamp)
    author = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    _text(author, "name", "panelqa")
    entries = []
    for r in results:
        for p in r.passages:
            entry = ET.Element(f"{{{ATOM_NS}}}entry")
            _text(entry, "title", f"{r.alert.name}: {p.title} ({p.date or 'undated'}, {_pages(p)})")
            _text(entry, "id", f"urn:panelqa:alert:{quote(r.alert.name, safe='')}:{p.chunk_id}")
            _text(entry, "updated", stamp)
            ET.SubElement(entry, f"{{{ATOM_NS}}}link", href=link(p))
            ET.SubElement(entry, f"{{{ATOM_NS}}}category", term=r.alert.name)
            facts = ", ".join(x for x in (p.body, p.date or "undated", _pages(p)) if x)
            _text(entry, "summary", f"{_excerpt(p.text)} ({p.title}, {facts})")
            entries.append(entry)
    seen = {e.findtext(f"{{{ATOM_NS}}}id") for e in entries}
    for old in _previous_entries(previous):
        if old.findtext(f"{{{ATOM_NS}}}id") not in seen:
            entries.append(old)
    feed.extend(entries[:FEED_ENTRIES])
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _text(parent, tag: str, value: str):
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}")
    element.text = value
    return element


def _previous_entries(previous: bytes | None) -> list:
    if not previous:
        return []
    try:
        root = SafeET.fromstring(previous)
    except SafeET.ParseError as exc:
        raise PanelqaError(f"The Atom file given to --atom is not a feed panelqa can read ({exc}); "
                           "give a new file name or delete it.") from exc
    if root.tag != f"{{{ATOM_NS}}}feed":
        raise PanelqaError("The file given to --atom is not an Atom feed; give a new file name or delete it.")
    return root.findall(f"{{{ATOM_NS}}}entry")
