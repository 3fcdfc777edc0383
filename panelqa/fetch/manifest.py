"""The fetch manifest: one JSON line per stored document version, appended and flushed after each file."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

MANIFEST_NAME = "manifest.jsonl"


@dataclass(frozen=True, slots=True)
class DocumentVersion:
    """What the publisher's site says about one stored file; these become the document's facts at ingest."""
    site: str
    committee: str
    committee_id: int
    meeting_id: int
    meeting_date: str | None     # ISO yyyy-mm-dd
    meeting_status: str
    label: str
    kind: str                    # "agenda" | "reports pack" | "minutes" | "decisions" | "supplement" | "item report"
    item_number: str | None
    item_title: str | None
    source_url: str
    path: str                    # relative to the manifest's folder
    sha256: str
    version: int                 # 1 for the first copy; a changed document gets the next number, the old file stays
    etag: str | None
    last_modified: str | None
    fetched_at: str              # ISO time, UTC

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def read_manifest(folder: Path) -> list[DocumentVersion]:
    """Every version line; a torn last line (killed mid-write) is ignored."""
    path = Path(folder) / MANIFEST_NAME
    if not path.exists():
        return []
    versions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            versions.append(DocumentVersion(**json.loads(line)))
        except (ValueError, TypeError):
            continue
    return versions


def latest_by_url(versions: list[DocumentVersion]) -> dict[str, DocumentVersion]:
    latest: dict[str, DocumentVersion] = {}
    for entry in versions:
        if entry.source_url not in latest or entry.version > latest[entry.source_url].version:
            latest[entry.source_url] = entry
    return latest


def append(folder: Path, entry: DocumentVersion) -> None:
    """Append one line and fsync, so a killed run loses at most the file being written."""
    path = Path(folder) / MANIFEST_NAME
    with path.open("a", encoding="utf-8") as handle:
        handle.write(entry.to_json() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
