"""Sources of papers: modern.gov discovery, polite download and the fetch manifest."""

from panelqa.fetch.client import PoliteClient, SiteRefused
from panelqa.fetch.manifest import DocumentVersion, read_manifest
from panelqa.fetch.run import FetchReport, fetch_committee

__all__ = ["DocumentVersion", "FetchReport", "PoliteClient", "SiteRefused", "fetch_committee", "read_manifest"]
