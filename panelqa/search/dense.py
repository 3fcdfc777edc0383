"""Dense retriever: cosine similarity of the question to chunk embeddings in FAISS."""

from __future__ import annotations

import numpy as np

from panelqa.search.index import SearchIndex
from panelqa.search.records import Hit, Query

DEFAULT_CANDIDATES = 100
FILTERED_NPROBE_FACTOR = 4
SEARCH_THREADS = 1  # one query is searched on one thread: with two, OpenMP's threads wait on each other when the
# machine is busy (20,000 vectors at load average 21: p50 131 ms on 2 threads, 23 ms on 1; bench/scale.py)


def retrieve(index: SearchIndex, query: Query, k: int, allowed: set[int] | None = None,
             vector: np.ndarray | None = None) -> list[Hit]:
    import faiss

    k = min(k, index.size if allowed is None else len(allowed))
    if k <= 0:
        return []
    q = (vector if vector is not None else index.embedder.embed_query(query.search_text or query.text))
    q = np.ascontiguousarray(q.reshape(1, -1), dtype=np.float32)
    params = None
    if allowed is not None:
        selector = faiss.IDSelectorBatch(np.fromiter(allowed, dtype=np.int64))
        if hasattr(index.faiss, "nprobe"):  # IVF: a filter leaves fewer vectors per list, so scan more lists
            nlist = index.faiss.nlist
            params = faiss.SearchParametersIVF(sel=selector, nprobe=min(nlist, FILTERED_NPROBE_FACTOR * index.faiss.nprobe))
        else:
            params = faiss.SearchParameters(sel=selector)
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(SEARCH_THREADS)  # OpenMP keeps this per calling thread: other searches keep theirs
    try:
        scores, ids = index.faiss.search(q, k, params=params) if params else index.faiss.search(q, k)
    finally:
        faiss.omp_set_num_threads(threads)
    return [Hit(int(i), float(s), n + 1) for n, (i, s) in enumerate(zip(ids[0], scores[0], strict=True)) if i >= 0]
