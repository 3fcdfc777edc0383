"""The FAISS index over chunk vectors, its type chosen by size.

Below EXACT_LIMIT vectors the index is exact (flat inner product): a query scans every vector in a few
milliseconds. Above it, an inverted file over 8-bit scalar-quantised vectors (IVF-SQ8) keeps a query to the
NPROBE nearest of about 4 * sqrt(n) lists and stores each vector in 1 byte per dimension instead of 4.
bench/scale.py measures its recall@10 against exact search at 1,000,000 vectors.
"""

from __future__ import annotations

import logging
import math

import numpy as np

__all__ = ["build_index", "EXACT_LIMIT", "DEFAULT_NPROBE"]

log = logging.getLogger(__name__)

EXACT_LIMIT = 200_000  # up to this many vectors the index is exact
LISTS_PER_SQRT = 4  # IVF lists = LISTS_PER_SQRT * sqrt(n)
DEFAULT_NPROBE = 48  # lists scanned per query; recall@10 >= 0.95 at 1M vectors (bench/scale.py)
TRAIN_PER_LIST = 40  # training sample: this many vectors per list (FAISS asks for 39 at least)
TRAIN_SEED = 1234


def build_index(dim: int, ids: np.ndarray, vectors: np.ndarray, *, exact_limit: int = EXACT_LIMIT,
                nprobe: int = DEFAULT_NPROBE):
    """An inner-product index holding vectors under their ids (chunks.id)."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    ids = np.ascontiguousarray(ids, dtype=np.int64)
    if len(ids) <= exact_limit:
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        if len(ids):
            index.add_with_ids(vectors, ids)
        return index
    lists = int(LISTS_PER_SQRT * math.sqrt(len(ids)))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFScalarQuantizer(quantizer, dim, lists, faiss.ScalarQuantizer.QT_8bit,
                                          faiss.METRIC_INNER_PRODUCT)
    sample = min(len(ids), lists * TRAIN_PER_LIST)
    rows = np.random.default_rng(TRAIN_SEED).choice(len(ids), size=sample, replace=False)
    log.info("training IVF-SQ8 with %d lists on %d of %d vectors", lists, sample, len(ids))
    index.train(vectors[np.sort(rows)])
    index.add_with_ids(vectors, ids)
    index.nprobe = nprobe
    return index
