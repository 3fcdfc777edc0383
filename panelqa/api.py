"""What the facade `panelqa` offers: ask, search, ingest, funding and commitments on an index folder, and
what the CLI and the app show around them (documents, page images, example questions, evaluation).

Each call resolves its settings (argument, then environment, then default) and opens the index it
names; opened indexes are kept and reopened only when the files on disk change. A caller holding an
opened index (`open_index`: the app's cached resource, `panelqa ask --batch`) passes it as `index=`.
"""

from __future__ import annotations

import functools
import inspect
import sqlite3
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from panelqa.errors import index_busy, index_damaged
from panelqa.settings import Settings

__all__ = ["ask", "search", "ingest", "funding", "commitments", "timeline", "find_pdfs", "open_index", "parse_question",
           "documents", "document_pdf", "page_image", "example_questions", "evaluate", "load_embedder",
           "DEFAULT_TOP_K"]

DEFAULT_TOP_K = 5


def _index_errors(fn):
    """A database that SQLite cannot read, met in the middle of a query, reaches the user as one sentence
    naming the index and the fix, never as a traceback."""
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # a damaged text column decodes as neither
            given = signature.bind_partial(*args, **kwargs).arguments
            index = given.get("index")
            folder = index.index_dir if index is not None else Settings.resolve(given.get("index_dir")).index_dir
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise index_busy(folder) from exc
            raise index_damaged(folder, exc) from exc

    return wrapper


@_index_errors
def ask(question: str, index_dir: str | Path | None = None, *, top_k: int = DEFAULT_TOP_K, filters=None,
        model: str | None = None, question_id: str | None = None, index=None):
    """An extractive answer quoting the passages it cites (an `Answer`), and the passages."""
    from panelqa.search.api import ask as ask_index

    return ask_index(index or open_index(index_dir, model), question, top_k=top_k, filters=filters,
                     question_id=question_id)


@_index_errors
def search(question: str, index_dir: str | Path | None = None, *, top_k: int = DEFAULT_TOP_K, filters=None,
           model: str | None = None, index=None):
    """Ranked passages (`Passage`) for a question, each with document, date and pages."""
    from panelqa.search.api import retrieve_passages

    index = index or open_index(index_dir, model)
    return list(retrieve_passages(index, parse_question(question, index=index, filters=filters), top_k))


@_index_errors
def open_index(index_dir: str | Path | None = None, model: str | None = None, *, embedder=None):
    """The index loaded for searching (a `SearchIndex`), kept open and reopened when its files change.

    Raises `NoIndex` when the folder holds no index yet.
    """
    from panelqa.search.index import open_index as open_search_index

    settings = Settings.resolve(index_dir, model)
    return open_search_index(settings.index_dir, settings.model, embedder)


@_index_errors
def parse_question(question: str, index_dir: str | Path | None = None, *, filters=None, index=None):
    """What a question implies (a `Query`): its kind, search words and date, type and body window."""
    from panelqa.search.query import parse_query

    index = index or open_index(index_dir)
    return parse_query(question, filters, index.bodies)


@_index_errors
def documents(index_dir: str | Path | None = None, *, index=None):
    """The indexed documents (`StoredDocument`), with chunk counts and files, in date order."""
    if index is not None:
        return index.store.documents()
    from panelqa.ingest.store import Store

    with Store(Settings.resolve(index_dir).index_dir, read_only=True) as store:
        return store.documents()


@_index_errors
def document_pdf(doc_id: str, index_dir: str | Path | None = None, *, index=None) -> Path | None:
    """The file of an indexed document if it is still where it was ingested and unchanged, else None.

    Only doc_ids the index holds are looked up, through the index's own file table: nothing a browser
    sends becomes a path.
    """
    return (index or open_index(index_dir)).pdf_path(doc_id)


@_index_errors
def page_image(doc_id: str, page: int, chunk_id: str | None = None, index_dir: str | Path | None = None, *,
               index=None, resolution: int | None = None, mark: str | None = None):
    """One page of an indexed paper as a `PageImage` (PNG), the chunk's lines marked; None if the file is gone.
    mark: a short text on the page (a ledger row's "£88,338") framed on its own, so the figure is seen at once."""
    from panelqa.ingest.extract import PAGE_IMAGE_DPI, find_text_boxes, render_page
    from panelqa.search.records import PageImage

    index = index or open_index(index_dir)
    path = index.pdf_path(doc_id)
    if path is None:
        return None
    count = index.documents[doc_id].page_count
    page = min(max(1, page), count)
    boxes = index.chunk_boxes(chunk_id, page) if chunk_id else ()
    strong = find_text_boxes(path, page, mark) if mark else ()
    inside = tuple(b for b in strong if any(c[1] - 2 <= (b[1] + b[3]) / 2 <= c[3] + 2 for c in boxes))
    strong = inside or strong  # the same figure elsewhere on the page is not the row's
    png = render_page(path, page, boxes, resolution or PAGE_IMAGE_DPI, strong)
    return PageImage(doc_id, page, count, png, bool(boxes), bool(strong))


@_index_errors
def example_questions(index_dir: str | Path | None = None, *, index=None) -> tuple[str, ...]:
    """A few questions the indexed papers can answer, built from what they talk about most."""
    from panelqa.search.examples import example_questions as examples

    return examples(index or open_index(index_dir))


@_index_errors
def evaluate(questions: str | Path, index_dir: str | Path | None = None, *, model: str | None = None):
    """Scores of a JSONL question set with gold pages (an `Evaluation`): hit@1, hit@5, mrr@10, snip@5, ans."""
    from panelqa.search.evaluate import evaluate as run

    return run(open_index(index_dir, model), questions)


@_index_errors
def load_embedder(model: str | None = None):
    """The embedding model, loaded once per process: pass it to `open_index` to share it."""
    from panelqa.ingest.embed import load_embedder as load

    return load(Settings.resolve(None, model).model)


@_index_errors
def ingest(paths: Iterable[str | Path], index_dir: str | Path | None = None, *, model: str | None = None,
           prune: bool = False, workers: int | None = None, embedder=None,
           on_file: Callable | None = None, rebuild: bool = False, on_wait: Callable[[str], None] | None = None):
    """Bring the index up to date with these PDF files and folders; a `BatchReport` with one line per file.
    rebuild: set a damaged index's files aside and build it again; on_wait: told when another ingest is
    writing to the same index and this one waits for it."""
    from panelqa.ingest.run import DEFAULT_WORKERS, ingest_paths

    settings = Settings.resolve(index_dir, model)
    return ingest_paths(paths, settings, prune=prune, embedder=embedder, workers=workers or DEFAULT_WORKERS,
                        on_file=on_file, rebuild=rebuild, on_wait=on_wait)


@_index_errors
def find_pdfs(paths: Iterable[str | Path]) -> list[Path]:
    """The PDF files an ingest of these paths would read."""
    from panelqa.ingest.run import find_pdfs as find

    return find(paths)


@_index_errors
def funding(index_dir: str | Path | None = None, *, year: int | None = None, search: str | None = None,
            recipient: str | None = None, model: str | None = None):
    """Funding ledger rows (`FundingRow`), in paper and page order or best match first when searching."""
    from panelqa.reports.funding import funding_rows

    settings = Settings.resolve(index_dir, model)
    return funding_rows(settings.index_dir, year=year, search=search, recipient=recipient, model=settings.model)


@_index_errors
def commitments(index_dir: str | Path | None = None, *, owner: str | None = None, since: date | None = None,
                search: str | None = None, model: str | None = None, follow_ups: bool = True):
    """Commitments (`CommitmentView`) in date order or best match first, each with possible follow-ups."""
    from panelqa.reports.commitments import commitment_rows

    settings = Settings.resolve(index_dir, model)
    return commitment_rows(settings.index_dir, owner=owner, since=since, search=search, model=settings.model,
                           follow_ups=follow_ups)


@_index_errors
def timeline(matter: str, index_dir: str | Path | None = None, *, since: date | None = None,
             until: date | None = None, body: str | None = None, model: str | None = None, index=None):
    """Every paper where a matter came up, oldest first, with the sentences that mention it (`Timeline`)."""
    from panelqa.reports.timeline import build_timeline

    return build_timeline(index or open_index(index_dir, model), matter, since=since, until=until, body=body)
