"""panelqa: search and cited answers over the papers of Police and Crime Panels.

The facade the CLI, the app and users call; everything else is internal. Names load on first use,
so `panelqa --help` does not pay for numpy, FAISS or the model.

    import panelqa
    answer = panelqa.ask("what was funded for knife crime in 2018", "index")
"""

from __future__ import annotations

import importlib

_API = "panelqa.api"
_SEARCH = "panelqa.search.records"
_HOMES = {
    # calls (panelqa/api.py)
    "ask": _API, "search": _API, "ingest": _API, "funding": _API, "commitments": _API, "timeline": _API, "find_pdfs": _API,
    "open_index": _API, "parse_question": _API, "documents": _API, "document_pdf": _API, "page_image": _API,
    "example_questions": _API, "evaluate": _API, "load_embedder": _API,
    "funding_total": "panelqa.reports.funding",
    # settings and errors
    "Settings": "panelqa.settings",
    "PanelqaError": "panelqa.errors", "NoIndex": "panelqa.errors", "IndexMismatch": "panelqa.errors",
    "UnreadableFile": "panelqa.errors",
    # records
    "Answer": _SEARCH, "AnswerLine": _SEARCH, "Citation": _SEARCH, "Filters": _SEARCH, "Passage": _SEARCH,
    "Query": _SEARCH, "PageImage": _SEARCH, "Evaluation": _SEARCH,
    "BatchReport": "panelqa.ingest.run", "FileReport": "panelqa.ingest.run",
    "StoredDocument": "panelqa.ingest.store", "Document": "panelqa.ingest.records",
    "FundingRow": "panelqa.reports.funding", "FundingTotal": "panelqa.reports.funding",
    "Timeline": "panelqa.reports.timeline", "TimelineEntry": "panelqa.reports.timeline",
    "Mention": "panelqa.reports.timeline",
    "CommitmentView": "panelqa.reports.commitments", "FollowUp": "panelqa.reports.commitments",
    "SearchIndex": "panelqa.search.index",
    # fetching papers from the publisher's site (panelqa/fetch)
    "fetch_committee": "panelqa.fetch.run", "FetchReport": "panelqa.fetch.run",
    "PoliteClient": "panelqa.fetch.client", "DocumentVersion": "panelqa.fetch.manifest",
    # saved searches
    "add_alert": "panelqa.search.alerts", "list_alerts": "panelqa.search.alerts", "remove_alert": "panelqa.search.alerts",
    "run_alerts": "panelqa.search.alerts", "Alert": "panelqa.search.alerts", "AlertMatches": "panelqa.search.alerts",
    # the text rules the app's highlighting and the CLI's amounts share with search and ingest
    "format_pounds": "panelqa.text.money", "stem": "panelqa.search.stem",
    "content_terms": "panelqa.search.terms",
}
__all__ = list(_HOMES)


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'panelqa' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
