"""Scores exactly as the eval METRICS.md defines them: hit@1, hit@5, mrr@10, snip@5, ans, overall and per kind."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from rapidfuzz import fuzz

from panelqa.search.records import Answer, Evaluation

__all__ = ["load_questions", "score", "evaluate", "METRICS", "answer_record"]

METRICS = ("hit@1", "hit@5", "mrr@10", "snip@5", "ans")
PASSAGES_SCORED = 10  # mrr@10 looks at the first ten passages


def normalise(text: str) -> str:
    """Soft hyphens dropped, curly quotes and en/em dashes made plain, whitespace collapsed, lower-cased."""
    text = text.replace("\u00ad", "").replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).strip().lower()


def load_questions(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _on_gold(passage: dict, gold: list[dict]) -> bool:
    first = int(passage.get("page") or 0)
    last = int(passage.get("page_end") or first)
    name = (passage.get("file") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return any(g["file"] == name and first <= g["page"] <= last for g in gold)


def _has_snippet(text: str, snippet: str, cut: int) -> bool:
    return fuzz.partial_ratio(normalise(snippet), normalise(text or "")) >= cut


def answer_record(answer: Answer) -> tuple[list[dict], str]:
    passages = [{"file": p.file_name, "page": p.page, "page_end": p.page_end, "text": p.text}
                for p in answer.passages]
    return passages, answer.text if answer.found else ""


def score(questions: Iterable[dict], results: dict[str, list[dict]], answers: dict[str, str] | None = None):
    """(table, per_question): table[kind][metric] = mean, plus n; kind "all" is every question."""
    rows: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    per_q = {}
    for q in questions:
        ps = results.get(q["id"], [])
        ranks = [i for i, p in enumerate(ps[:PASSAGES_SCORED]) if _on_gold(p, q["gold"])]
        r = {
            "hit@1": float(bool(ranks) and ranks[0] < 1),
            "hit@5": float(bool(ranks) and ranks[0] < 5),
            "mrr@10": 1.0 / (ranks[0] + 1) if ranks else 0.0,
            "snip@5": float(any(_has_snippet(p.get("text", ""), q["snippet"], 90) for p in ps[:5])),
        }
        if answers is not None:
            r["ans"] = float(_has_snippet(answers.get(q["id"], ""), q["snippet"], 85))
        per_q[q["id"]] = r
        for k, v in r.items():
            rows["all"][k].append(v)
            rows[q["kind"]][k].append(v)
    table = {kind: {k: round(sum(v) / len(v), 3) for k, v in m.items()} | {"n": len(next(iter(m.values())))}
             for kind, m in rows.items()}
    return table, per_q


def evaluate(index, questions_path: str | Path, top_k: int = PASSAGES_SCORED) -> Evaluation:
    """Ask every question of a JSONL set against an opened index and score the answers."""
    from panelqa.search.api import ask

    questions = load_questions(questions_path)
    passages, answers = {}, {}
    for q in questions:
        passages[q["id"]], answers[q["id"]] = answer_record(ask(index, q["question"], top_k=top_k))
    table, per_question = score(questions, passages, answers)
    return Evaluation(table, per_question, passages, answers, METRICS)
