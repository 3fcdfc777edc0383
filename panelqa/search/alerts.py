"""Saved searches: the passages of papers added since an alert last ran that `ask` would cite for it.

An alert is a query with an optional type and body, stored in the index (`alerts` table). Running it asks
the query over only the papers ingested after its last run, with `ask`'s retrieval and relevance bar, and
keeps the passages the answer cites; so an alert says nothing when nothing new clears that bar.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from panelqa.errors import PanelqaError
from panelqa.ingest.store import Store
from panelqa.search.records import Filters, Passage
from panelqa.settings import Settings

__all__ = ["Alert", "AlertMatches", "add_alert", "list_alerts", "remove_alert", "run_alerts", "ALERT_TOP_K"]

ALERT_TOP_K = 5  # passages asked for per alert, as `panelqa ask` does by default


@dataclass(frozen=True, slots=True)
class Alert:
    """A saved search; its first run looks at the papers ingested after it was saved."""

    name: str
    query: str
    doc_type: str | None  # only papers of this type (as `ask --type`)
    body: str | None  # only papers of a body whose name contains this, case-insensitively
    created_at: float  # unix time
    last_run_at: float | None  # unix time of the last `alerts run` without --since; None: never run


@dataclass(frozen=True, slots=True)
class AlertMatches:
    """What one alert found: the cited passages of papers ingested after `since`."""

    alert: Alert
    since: float  # unix time: papers ingested after this were searched
    new_documents: int  # papers ingested after `since` (of the alert's type and body or not)
    passages: tuple[Passage, ...]  # cited by the answer, each from one of those papers, rank order


def _alert(row) -> Alert:
    return Alert(row["name"], row["query"], row["doc_type"], row["body"], row["created_at"], row["last_run_at"])


def add_alert(query: str, index_dir: str | Path | None = None, *, name: str | None = None,
              doc_type: str | None = None, body: str | None = None) -> Alert:
    """Save a search under a name (default: the query itself)."""
    query = " ".join(query.split())
    name = " ".join((name or query).split())
    if not query:
        raise PanelqaError("The saved search is empty; give the words to look for, e.g. panelqa alerts add \"knife crime\".")
    with Store(Settings.resolve(index_dir).index_dir) as store:
        if store.alert_row(name) is not None:
            raise PanelqaError(f"A saved search named {name!r} exists already; pick another --name, "
                               f"or run \"panelqa alerts remove {name}\" first.")
        store.add_alert(name, query, doc_type, body, time.time())
        return _alert(store.alert_row(name))


def list_alerts(index_dir: str | Path | None = None) -> list[Alert]:
    """The saved searches, by name."""
    settings = Settings.resolve(index_dir)
    if not (settings.index_dir / "panelqa.db").exists():
        return []
    with Store(settings.index_dir, read_only=True) as store:
        return [_alert(r) for r in store.alerts()]


def remove_alert(name: str, index_dir: str | Path | None = None) -> None:
    with Store(Settings.resolve(index_dir).index_dir) as store:
        if not store.remove_alert(name):
            raise PanelqaError(f"No saved search named {name!r}; \"panelqa alerts list\" shows their names.")


def run_alerts(index_dir: str | Path | None = None, *, since: date | datetime | None = None,
               index=None) -> list[AlertMatches]:
    """Each alert asked over the papers ingested since its last run, or since `since` (a look back that
    leaves the last-run times alone, so the next plain run still reports everything new)."""
    from panelqa.search.api import ask
    from panelqa.search.index import open_index

    settings = Settings.resolve(index_dir)
    cutoff = None if since is None else _timestamp(since)
    started = time.time()
    results = []
    with Store(settings.index_dir) as store:
        for alert in (_alert(r) for r in store.alerts()):
            window = cutoff if cutoff is not None else (alert.last_run_at or alert.created_at)
            new_ids = tuple(store.documents_ingested_since(window))
            passages: tuple[Passage, ...] = ()
            if new_ids:
                index = index or open_index(settings.index_dir, settings.model, None)
                filters = Filters(doc_ids=new_ids, doc_types=(alert.doc_type,) if alert.doc_type else (),
                                  bodies=_bodies(alert.body, index.bodies))
                answer = ask(index, alert.query, top_k=ALERT_TOP_K, filters=filters)
                if answer.found:
                    cited = set(answer.citations)
                    passages = tuple(p for n, p in enumerate(answer.passages, 1)
                                     if n in cited and p.doc_id in new_ids and not p.outside_filter)
            results.append(AlertMatches(alert, window, len(new_ids), passages))
            if cutoff is None:
                store.mark_alert_run(alert.name, started)
    return results


def _bodies(body: str | None, known: tuple[str, ...]) -> tuple[str, ...]:
    """The indexed bodies an alert's --body names: "Crime Panel" finds "Thames Valley Police and Crime Panel"."""
    if not body:
        return ()
    return tuple(b for b in known if body.lower() in b.lower()) or (body,)


def _timestamp(since: date | datetime) -> float:
    """A date means its local midnight: `--since 2026-02-01` includes papers ingested that day."""
    if not isinstance(since, datetime):
        since = datetime(since.year, since.month, since.day)
    return since.timestamp() - 1e-6
