"""Ingest: extract -> describe -> chunk -> embed -> store.

Names load on first use: a query imports `panelqa.ingest.embed` and `panelqa.ingest.store`, and must not pay for
the readers, PDFium and the ledger rules that importing `panelqa.ingest.run` brings (0.35 s of a cold ask).
"""

from __future__ import annotations

import importlib

__all__ = ["BatchReport", "FileReport", "PanelqaError", "Settings", "ingest_paths"]

_HOMES = {"BatchReport": "panelqa.ingest.run", "FileReport": "panelqa.ingest.run", "ingest_paths": "panelqa.ingest.run",
          "PanelqaError": "panelqa.errors", "Settings": "panelqa.settings"}


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'panelqa.ingest' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)
