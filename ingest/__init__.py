"""Ingest: extract -> describe -> chunk -> embed -> store."""

from .errors import PanelqaError
from .run import BatchReport, FileReport, ingest_paths
from .settings import Settings

__all__ = ["BatchReport", "FileReport", "PanelqaError", "Settings", "ingest_paths"]
