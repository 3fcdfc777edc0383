"""The closed vocabularies of panelqa: what a paper can be, what a ledger row or a commitment can be, and
what became of a file in an ingest. Every module names these values from here, never as free strings."""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["DocType", "DOC_TYPES", "LedgerKind", "LEDGER_KINDS", "SUMMED_KINDS", "CommitmentKind",
           "COMMITMENT_KINDS", "FileStatus", "FILE_STATUSES", "CHANGED_STATUSES", "OcrStatus", "OCR_STATUSES"]

DocType = Literal["report", "minutes", "agenda", "action_log", "letter", "terms_of_reference", "other"]
DOC_TYPES: tuple[DocType, ...] = get_args(DocType)

# only grants and spending count towards a total; every other kind is listed and never added
# total: the sum of amounts stated elsewhere (a table's total row); estimate: a valuation or forecast benefit
LedgerKind = Literal["grant", "spend", "budget", "saving", "salary", "crime_value", "threshold", "range", "price",
                     "total", "estimate", "other"]
LEDGER_KINDS: tuple[LedgerKind, ...] = get_args(LedgerKind)
SUMMED_KINDS: tuple[LedgerKind, ...] = ("grant", "spend")

CommitmentKind = Literal["action", "resolution", "undertaking", "deadline"]
COMMITMENT_KINDS: tuple[CommitmentKind, ...] = get_args(CommitmentKind)

# skipped: not a regular file (a pipe, a device, a folder named *.pdf, a dangling link), so never opened
FileStatus = Literal["added", "updated", "unchanged", "duplicate", "failed", "skipped", "pruned"]
FILE_STATUSES: tuple[FileStatus, ...] = get_args(FileStatus)
CHANGED_STATUSES: tuple[FileStatus, ...] = ("added", "updated", "pruned", "duplicate")  # the index changed

# how a page without a text layer fared: "read" by OCR and indexed; "too_faint": OCR's confidence below the
# minimum, reported and not indexed; "unavailable": Tesseract is not installed; "failed": Tesseract gave an error;
# "blank": the page renders white, nothing to read
OcrStatus = Literal["read", "too_faint", "unavailable", "failed", "blank"]
OCR_STATUSES: tuple[OcrStatus, ...] = get_args(OcrStatus)
