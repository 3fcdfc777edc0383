"""Which code built a document's rows, so that an upgraded panelqa re-processes what older code built.

Each stage keeps its own version next to its code; bump it in the commit that changes what the stage
produces. A document built by any other version is read again on the next ingest ("updated (built by
older panelqa)"); its unchanged texts keep their embeddings, which are keyed by text, not by file.
"""

from __future__ import annotations

from dataclasses import dataclass

from panelqa.ingest.chunk import CHUNKER_VERSION
from panelqa.ingest.extract import EXTRACTOR_VERSION
from panelqa.ingest.ledger import LEDGER_VERSION

__all__ = ["BuildVersions", "CURRENT_BUILD"]


@dataclass(frozen=True, slots=True)
class BuildVersions:
    extractor: int  # extract.py and describe.py: pages, words, tables, and what the paper is
    chunker: int  # chunk.py: chunks, headings and their page boxes
    ledger: int  # ledger.py and commitments.py: funding and commitment rows


CURRENT_BUILD = BuildVersions(extractor=EXTRACTOR_VERSION, chunker=CHUNKER_VERSION, ledger=LEDGER_VERSION)
