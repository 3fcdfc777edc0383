"""Extractive answers: sentences and items quoted from the retrieved passages, each with its citation.

Nothing is generated: every word of an answer is a span of a cited passage.
"""

from __future__ import annotations

import math
import re

import numpy as np

from panelqa.search.index import SearchIndex
from panelqa.search.money import ledger_answer
from panelqa.search.records import Answer, AnswerLine, Passage, Query
from panelqa.search.stem import stems_of
from panelqa.search.terms import content_terms
from panelqa.text.dates import MONTH_NAMES
from panelqa.text.money import find_money
from panelqa.text.sentences import sentences_of

MAX_SENTENCES = 3
MAX_MONEY_ITEMS = 12
MIN_COVERAGE = 0.34  # share of the question's (idf-weighted) words a sentence must hold
MIN_PASSAGE_SIMILARITY = 0.25  # below this cosine, and with weak word overlap, nothing answers
RANK_PRIOR = 0.25

_ACTION = re.compile(r"\bAction\s*:|\bRESOLVED\b|\bagreed\b|\bwould (?:send|provide|circulate|write|bring|"
                     r"make|look|report|inform|let)\b|\bwill\b|\bto (?:draft|circulate|write|produce|"
                     r"co-ordinate|coordinate|research|discuss|bring|send|provide|prepare|review|contact)\b|"
                     r"\bcould send\b|\bundert", re.I)
_DATEY = re.compile(rf"\b{MONTH_NAMES}\b|\b(?:19|20)\d\d\b|\bby the end of\b|\bdeadline\b|\bclos(?:e|ing) date\b|"
                    r"\bweeks?\b|\bmonths?\b", re.I)
_NUMBER = re.compile(r"\d")


def build_answer(index: SearchIndex, query: Query, passages: tuple[Passage, ...],
                 vector: np.ndarray | None = None) -> Answer:
    if not passages:
        return Answer(query.text, query, False, (), passages,
                      note="The indexed papers hold nothing on this; try other words or add papers.")
    q_stems = _unique(stems_of(" ".join(content_terms(query.search_text or query.text))))
    weights = _idf(index, q_stems)
    total_weight = sum(weights.values()) or 1.0
    scored: list[tuple[float, float, int, int]] = []  # score, coverage, sentence index, citation
    sentences: list[list[str]] = []
    coverages: list[list[float]] = []
    counted = _counted_thing(query.text)
    for passage in passages:
        heading_stems = set(stems_of(passage.heading))
        parts = sentences_of(passage.text, min_words=3)
        sentences.append(parts)
        coverages.append([])
        for i, sentence in enumerate(parts):
            s_stems = set(stems_of(sentence))
            coverage = sum(w for t, w in weights.items() if t in s_stems) / total_weight
            coverages[-1].append(coverage)
            context = sum(w for t, w in weights.items() if t in s_stems or t in heading_stems) / total_weight
            bonus = _kind_bonus(query.kind, sentence, counted)
            score = coverage + 0.3 * context + RANK_PRIOR / passage.rank + bonus
            if sentence.rstrip().endswith("?"):
                score -= 0.3  # a question in the minutes restates the question; its answer follows it
            scored.append((score, coverage, i, passage.rank))
    best_similarity = max(p.score for p in passages)
    best_coverage = max((c for _, c, _, _ in scored), default=0.0)
    if best_similarity < MIN_PASSAGE_SIMILARITY and best_coverage < 0.5 or best_coverage < 0.2 and \
            best_similarity < MIN_PASSAGE_SIMILARITY + 0.1:
        return Answer(query.text, query, False, (), passages,
                      note="The indexed papers do not appear to answer this; the closest passages are below.")
    if query.kind == "money" and vector is not None:
        lines, cited, total, note = ledger_answer(index, query, vector, passages)
        if lines:
            return Answer(query.text, query, True, lines, cited, note=note, total_pounds=total)
    if query.kind == "money":
        money = _money_lines(query, passages, weights, total_weight)
        if money:
            total = sum(a for a in {(line.amount_pounds, line.text[:40]): line.amount_pounds
                                    for line in money if line.amount_pounds}.values())
            note = (f"{len(money)} statement(s) of money from the passages below that match the question; "
                    f"the total counts each amount once.")
            return Answer(query.text, query, True, tuple(money), passages, note=note, total_pounds=total)
    scored.sort(key=lambda s: -s[0])
    lines: list[AnswerLine] = []
    used: set[tuple[int, int]] = set()
    for _score, coverage, i, rank in scored:
        if coverage < min(MIN_COVERAGE, best_coverage * 0.6) and lines:
            continue
        if (rank, i) in used:
            continue
        parts = sentences[rank - 1]
        span = [j for j in _with_following(query.kind, parts, i, coverages[rank - 1], counted) if (rank, j) not in used]
        used.update((rank, j) for j in span)
        lines.append(AnswerLine(" ".join(parts[j] for j in span), rank))
        if len(lines) >= MAX_SENTENCES:
            break
    return Answer(query.text, query, True, tuple(lines), passages,
                  note="Sentences quoted from the passages below.")


MAX_FOLLOWING = 6


def _with_following(kind: str, parts: list[str], i: int, coverage: list[float],
                    counted: re.Pattern | None = None) -> list[int]:
    """A sentence and what completes it: the answer after a minuted question, the items after a colon,
    the next sentence when it holds the figure or date asked for, or when it goes on about the same words."""
    span = [i]
    sentence = parts[i].rstrip()
    nxt = i + 1
    if nxt >= len(parts):
        return span
    if sentence.endswith(":"):
        return span + list(range(nxt, min(len(parts), nxt + MAX_FOLLOWING)))
    if sentence.endswith("?"):
        span += list(range(nxt, min(len(parts), nxt + 2)))
    elif _kind_bonus(kind, parts[nxt], counted) > _kind_bonus(kind, sentence, counted):
        span.append(nxt)
    elif coverage[nxt] > 0 and (coverage[nxt] >= 0.5 * coverage[i] or parts[nxt].rstrip().endswith(":")) \
            and len(parts[nxt].split()) <= 60:
        span.append(nxt)
    last = span[-1]
    if last != i and parts[last].rstrip().endswith(":"):  # "... and included:" goes on to its items
        span += list(range(last + 1, min(len(parts), last + 1 + MAX_FOLLOWING)))
    return span


def _money_lines(query: Query, passages, weights, total_weight) -> list[AnswerLine]:
    lines: list[AnswerLine] = []
    relevant = [p for p in passages if _relevance(p.heading + " " + p.text, weights, total_weight) >= 0.5]
    for passage in relevant:
        for sentence in sentences_of(passage.text, min_words=3):
            amounts = find_money(sentence)
            if not amounts or any(sentence == line.text for line in lines):
                continue
            first = amounts[0]  # a range ("£10-15k") is listed, never added
            lines.append(AnswerLine(sentence, passage.rank, None if first.is_range else first.pounds))
            if len(lines) >= MAX_MONEY_ITEMS:
                return lines
    return lines


def _relevance(text: str, weights, total_weight) -> float:
    stems = set(stems_of(text))
    return sum(w for t, w in weights.items() if t in stems) / total_weight


def _counted_thing(question: str) -> re.Pattern | None:
    """ "How many people were trained ..." -> a pattern for a figure next to "people"."""
    m = re.search(r"\bhow many ([a-z]+)", question, re.I)
    if not m:
        return None
    noun = re.escape(m.group(1).lower().rstrip("s"))
    return re.compile(rf"\d[\d,.]*\s+(?:[a-z-]+\s+)?{noun}", re.I)


def _kind_bonus(kind: str, sentence: str, counted: re.Pattern | None = None) -> float:
    if counted is not None and counted.search(sentence):
        return 0.4
    if kind == "money" and find_money(sentence):
        return 0.3
    if kind == "commitment" and _ACTION.search(sentence):
        return 0.25
    if kind == "when" and _DATEY.search(sentence):
        return 0.25
    if kind == "number" and _NUMBER.search(sentence):
        return 0.15
    return 0.0


def _idf(index: SearchIndex, stems: list[str]) -> dict[str, float]:
    if not stems:
        return {}
    df = index.store.term_document_counts(stems)
    n = max(index.size, 1)
    return {s: math.log(1 + n / (1 + df.get(s, 0))) for s in stems}


def _unique(items: list[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen
