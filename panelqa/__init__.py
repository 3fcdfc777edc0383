"""panelqa: search and cited answers over the papers of Police and Crime Panels.

The facade the CLI, the app and users call; everything else is internal. Names load on first use,
so `panelqa --help` does not pay for numpy, FAISS or the model.
"""

from __future__ import annotations

import importlib

__all__ = [
    "ask", "search", "ingest", "funding", "commitments", "Settings", "PanelqaError",
    "Answer", "AnswerLine", "Citation", "Filters", "Passage", "BatchReport", "FileReport",
    "FundingRow", "FundingTotal", "CommitmentView", "FollowUp", "funding_total", "format_pounds",
]

_HOMES = {
    "ask": "panelqa.api", "search": "panelqa.api", "ingest": "panelqa.api", "funding": "panelqa.api",
    "commitments": "panelqa.api",
    "Settings": "panelqa.settings", "PanelqaError": "panelqa.errors",
    "Answer": "panelqa.search.records", "AnswerLine": "panelqa.search.records",
    "Citation": "panelqa.search.records", "Filters": "panelqa.search.records", "Passage": "panelqa.search.records",
    "BatchReport": "panelqa.ingest.run", "FileReport": "panelqa.ingest.run",
    "FundingRow": "panelqa.reports.funding", "FundingTotal": "panelqa.reports.funding",
    "funding_total": "panelqa.reports.funding",
    "CommitmentView": "panelqa.reports.commitments", "FollowUp": "panelqa.reports.commitments",
    "format_pounds": "panelqa.ingest.money",
}


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'panelqa' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
