"""Facts a fetch manifest recorded for a file: what the publisher's site says beats what is guessed from the text."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from urllib.parse import quote

from panelqa.ingest.records import Document, Fact

MANIFEST_NAME = "manifest.jsonl"  # written by panelqa.fetch next to the meeting folders
MANIFEST_DEPTH = 3                # folders above a paper searched for the manifest
SOURCE = "from the publisher's site"
URL_SAFE = ":/?&=#%+;,@!$'()*~"  # kept as they are when a recorded URL is made a link; % keeps it idempotent
_KIND_TYPES = {"minutes": "minutes", "agenda": "agenda", "reports pack": "report", "item report": "report",
               "decisions": "report", "supplement": "report"}


def publisher_entry(path: Path, doc_id: str) -> dict | None:
    """The manifest line whose sha256 is this paper's, from the nearest manifest.jsonl above it."""
    for folder in list(Path(path).resolve().parents)[:MANIFEST_DEPTH]:
        manifest = folder / MANIFEST_NAME
        if manifest.is_file():
            for line in manifest.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if entry.get("sha256") == doc_id:
                    return entry
            return None
    return None


def with_publisher_facts(doc: Document, path: Path) -> Document:
    """Replace guessed facts with the manifest's; the source names the site and carries the document's URL."""
    entry = publisher_entry(path, doc.doc_id)
    if entry is None:
        return doc
    source = f"{SOURCE}, {entry['source_url']}"
    changes = {"body": Fact(entry["committee"], source) if entry.get("committee") else doc.body}
    if entry.get("meeting_date"):
        changes["meeting_date"] = Fact(entry["meeting_date"], source)
    if entry.get("kind") in _KIND_TYPES:
        changes["doc_type"] = Fact(_KIND_TYPES[entry["kind"]], source)
    if entry.get("item_title") or entry.get("label"):
        changes["title"] = Fact(entry.get("item_title") or entry["label"], source)
    if entry.get("item_number"):
        changes["agenda_item"] = Fact(entry["item_number"].rstrip(". "), source)
    if isinstance(entry.get("version"), int):
        changes["published_version"] = entry["version"]
    return dataclasses.replace(doc, **changes)


def publisher_url(doc: Document) -> str | None:
    """The URL a fetched paper was downloaded from (carried in its facts' source), or None for a file added by hand."""
    prefix = f"{SOURCE}, "
    for fact in (doc.title, doc.body, doc.meeting_date, doc.doc_type, doc.agenda_item):
        if fact is not None and fact.source.startswith(prefix):
            return quote(fact.source[len(prefix):], safe=URL_SAFE)  # a link: "Knife crime.pdf" -> Knife%20crime.pdf
    return None
