"""What the facade `panelqa` offers: ask, search, ingest, funding and commitments on an index folder.

Each call resolves its settings (argument, then environment, then default) and opens the index it
names; opened indexes are kept and reopened only when the files on disk change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from panelqa.settings import Settings

__all__ = ["ask", "search", "ingest", "funding", "commitments", "find_pdfs", "DEFAULT_TOP_K"]

DEFAULT_TOP_K = 5


def ask(question: str, index_dir: str | Path | None = None, *, top_k: int = DEFAULT_TOP_K, filters=None,
        model: str | None = None, question_id: str | None = None):
    """An extractive answer quoting the passages it cites (an `Answer`), and the passages."""
    from panelqa.search.api import ask as ask_index

    return ask_index(_open(index_dir, model), question, top_k=top_k, filters=filters, question_id=question_id)


def search(question: str, index_dir: str | Path | None = None, *, top_k: int = DEFAULT_TOP_K, filters=None,
           model: str | None = None):
    """Ranked passages (`Passage`) for a question, each with document, date and pages."""
    from panelqa.search.api import retrieve_passages
    from panelqa.search.query import parse_query

    index = _open(index_dir, model)
    return list(retrieve_passages(index, parse_query(question, filters, index.bodies), top_k))


def ingest(paths: Iterable[str | Path], index_dir: str | Path | None = None, *, model: str | None = None,
           prune: bool = False, workers: int | None = None, embedder=None,
           on_file: Callable | None = None):
    """Bring the index up to date with these PDF files and folders; a `BatchReport` with one line per file."""
    from panelqa.ingest.run import DEFAULT_WORKERS, ingest_paths

    settings = Settings.resolve(index_dir, model)
    return ingest_paths(paths, settings, prune=prune, embedder=embedder, workers=workers or DEFAULT_WORKERS,
                        on_file=on_file)


def find_pdfs(paths: Iterable[str | Path]) -> list[Path]:
    """The PDF files an ingest of these paths would read."""
    from panelqa.ingest.run import find_pdfs as find

    return find(paths)


def funding(index_dir: str | Path | None = None, *, year: int | None = None, search: str | None = None,
            recipient: str | None = None, model: str | None = None):
    """Funding ledger rows (`FundingRow`), in paper and page order or best match first when searching."""
    from panelqa.reports.funding import funding_rows

    settings = Settings.resolve(index_dir, model)
    return funding_rows(settings.index_dir, year=year, search=search, recipient=recipient, model=settings.model)


def commitments(index_dir: str | Path | None = None, *, owner: str | None = None, since: date | None = None,
                search: str | None = None, model: str | None = None, follow_ups: bool = True):
    """Commitments (`CommitmentView`) in date order or best match first, each with possible follow-ups."""
    from panelqa.reports.commitments import commitment_rows

    settings = Settings.resolve(index_dir, model)
    return commitment_rows(settings.index_dir, owner=owner, since=since, search=search, model=settings.model,
                           follow_ups=follow_ups)


def _open(index_dir: str | Path | None, model: str | None):
    from panelqa.search.index import open_index

    settings = Settings.resolve(index_dir, model)
    return open_index(settings.index_dir, settings.model)
