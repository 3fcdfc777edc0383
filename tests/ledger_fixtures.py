"""One ingested index of the three sample papers, shared by the ledger and commitments tests.

Not a conftest: the fixture is imported by the test modules that use it. The index is built once per
session (a module-level cache, so two importing modules do not build it twice).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from panelqa.ingest.run import ingest_paths
from panelqa.settings import Settings

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
REPORT = "2018-04-20 PCC progress report - Strategic Priority 3 Reducing Reoffending.pdf"
MINUTES_2018 = "2018-04-20 Panel minutes - Item 161 Strategic Objective 3 Reducing Re-offending.pdf"
MINUTES_2021 = "2020-21 Panel minutes - Reducing Re-offending performance report (Year 4, Q3).pdf"

_built: dict[str, Path] = {}


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """The index folder holding the three sample papers."""
    if "index" not in _built:
        index_dir = tmp_path_factory.mktemp("ledger-index")
        report = ingest_paths([CORPUS / REPORT, CORPUS / MINUTES_2018, CORPUS / MINUTES_2021],
                              Settings.resolve(index_dir), workers=1)
        assert report.count("added") == 3, "the three sample papers ingest"
        _built["index"] = index_dir
    return _built["index"]
