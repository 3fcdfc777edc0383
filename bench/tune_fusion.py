"""Measure fusion settings on question sets: prints hit@1, hit@5, mrr@10 and ans for each setting.

The grid comes from RRF_KS, KW_WEIGHTS and FUZZY_WEIGHTS (comma-separated).

Usage: python bench/tune_fusion.py INDEX QUESTIONS.jsonl [INDEX QUESTIONS.jsonl ...]
"""

from __future__ import annotations

import itertools
import os
import sys

from panelqa.search import api, fuse, keyword
from panelqa.search.evaluate import answer_record, load_questions, score
from panelqa.search.index import open_index
from panelqa.settings import Settings


def main() -> None:
    pairs = list(zip(sys.argv[1::2], sys.argv[2::2], strict=True))
    sets = [(open_index(Settings.resolve(i).index_dir, Settings.resolve().model), load_questions(q)) for i, q in pairs]
    ks = [int(x) for x in os.environ.get("RRF_KS", "10,30,60").split(",")]
    kws = [float(x) for x in os.environ.get("KW_WEIGHTS", "0.5,1.0,1.5").split(",")]
    fzs = [float(x) for x in os.environ.get("FUZZY_WEIGHTS", "0.0,0.5").split(",")]
    phs = [float(x) for x in os.environ.get("PHRASE_WEIGHTS", "0.0,0.5,1.0").split(",")]
    kinds = [float(x) for x in os.environ.get("KIND_WEIGHTS", "0.0,0.5").split(",")]
    cuts = [float(x) for x in os.environ.get("KEYWORD_CUTOFFS", "0.0").split(",")]
    grid = itertools.product(ks, kws, fzs, phs, kinds, cuts)
    for k, w_kw, w_fz, w_ph, w_kind, cut in grid:
        keyword.RELATIVE_CUTOFF = cut
        fuse.RRF_K = k
        fuse.WEIGHTS = {"dense": 1.0, "keyword": w_kw, "fuzzy": w_fz, "phrase": w_ph, "kind": w_kind}
        cells = []
        for index, qs in sets:
            passages, answers = {}, {}
            for q in qs:
                passages[q["id"]], answers[q["id"]] = answer_record(api.ask(index, q["question"], top_k=10))
            table, _ = score(qs, passages, answers)
            a = table["all"]
            cells.append(f"{a['hit@1']:.3f} {a['hit@5']:.3f} {a['mrr@10']:.3f} {a['ans']:.3f}")
        setting = f"k={k:<3} kw={w_kw:<4} fz={w_fz:<4} ph={w_ph:<4} kind={w_kind:<4} cut={cut:<4}"
        print(setting + " | " + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
