"""Ingest: extract -> describe -> chunk -> embed -> store."""

from panelqa.errors import PanelqaError
from panelqa.ingest.run import BatchReport, FileReport, ingest_paths
from panelqa.settings import Settings

__all__ = ["BatchReport", "FileReport", "PanelqaError", "Settings", "ingest_paths"]
