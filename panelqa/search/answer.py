"""Extractive answers: sentences and items quoted from the retrieved passages, each with its citation.

Nothing is generated: every word of an answer is a span of a cited passage.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from panelqa.search.answer_types import ACTION, AMOUNT, NOT_NAMES, REASON, AnswerType, answer_types, held_share, holds
from panelqa.search.index import SearchIndex
from panelqa.search.money import ledger_answer
from panelqa.search.records import Answer, AnswerLine, Passage, Query
from panelqa.search.stem import stem, stems_of
from panelqa.search.terms import content_terms
from panelqa.text.dates import MONTH_NAMES
from panelqa.text.money import find_money
from panelqa.text.sentences import sentences_of

MAX_SENTENCES = 3
MAX_MONEY_ITEMS = 12
MIN_COVERAGE = 0.34  # share of the question's (idf-weighted) words a further sentence must hold
MIN_PASSAGE_SIMILARITY = 0.25  # below this cosine, and with weak word overlap, nothing answers
# "not answered" also when the best passage cosine, the best sentence's word coverage and the share of the
# question's words found nowhere in the passages all say so (set on the three dev sets and
# bench/unanswerable_questions.jsonl together: 16 of 18 unanswerable refused, no answerable one lost)
OFF_TOPIC_SIMILARITY = 0.45
OFF_TOPIC_COVERAGE = 0.4
OFF_TOPIC_MISSING = 0.25
RANK_PRIOR = 0.25
TYPE_BONUS = 0.3  # a sentence that holds what the question asks for: an amount, a date, a reason ...
# a sentence from a paper of another place than the one the question names (0.2 to 0.5 gave the same answers)
OTHER_PLACE = 0.3
NEIGHBOUR = 0.5  # weight of the previous sentence's word coverage above this one's: the answer after its anchor
BOILERPLATE_PENALTY = 0.5
W_MEANING = 1.0  # the question-to-sentence cosine, beside word coverage (both 0..1)
# sentences embedded per question (one call); 4 held ans on all three dev sets at a quarter of the cost of 8
MEANING_CANDIDATES = 4
# the cosine only breaks near-ties: when the best sentence leads the next by this much on the other signals, no
# sentence is embedded (about half the questions of each dev set; 0.2 and 0.3 gave the same answers, 0.1 lost some)
DECISIVE = 0.2
MEANING_WORDS = 30  # what is embedded of each: the cost grows with the tokens, and a run-on line has hundreds
# further sentences are quoted only while the answer stays this short; the first is always quoted whole
# (80 kept ans on seed, pcp-dev and dev at their figures before; 60 lost two to six questions per set)
MAX_ANSWER_WORDS = 80
# a sentence holding what is asked and at least this share of the question's words is quoted alone
# (0.5 and 0.7 gave the same answers on the three dev sets; without it the dev median was 62 words)
STOP_HELD = 0.5
MISSING_COVERAGE = 0.1  # a line quoted for the second thing a question asks still shares this much of its words
CLIP_WORDS = 50  # a run-on line (a table row, a page header) is cut to this many words around the question's

_ACTION = AnswerType(ACTION)  # what a commitment question is answered by, when it does not say what it asks for
_DATEY = re.compile(rf"\b{MONTH_NAMES}\b|\b(?:19|20)\d\d\b|\bby the end of\b|\bdeadline\b|\bclos(?:e|ing) date\b|"
                    r"\bweeks?\b|\bmonths?\b", re.I)
_NUMBER = re.compile(r"\d")
_BOILERPLATE = re.compile(r"\bVenue:|\bContact:|\bTel:|\bE-?mail:|[\w.-]+@[\w-]+\.|\bpdf icon\b|\bView directions\b|"
                          r"\bItems No\. Item\b|\[email protected\]", re.I)


def build_answer(index: SearchIndex, query: Query, passages: tuple[Passage, ...],
                 vector: np.ndarray | None = None) -> Answer:
    if not passages:
        return Answer(query.text, query, False, (), passages,
                      note="The indexed papers hold nothing on this; try other words or add papers.")
    q_stems = _unique(stems_of(" ".join(content_terms(query.search_text or query.text))))
    weights = _idf(index, q_stems)
    total_weight = sum(weights.values()) or 1.0
    types = answer_types(query.text)
    named = _named_papers(query, passages)
    sentences, candidates = score_sentences(query, passages, weights, types, named)
    best_similarity = max(p.score for p in passages)
    best_coverage = max((c.coverage for c in candidates), default=0.0)
    seen = set(stems_of(" ".join(f"{p.heading} {p.text}" for p in passages)))
    missing = sum(w for t, w in weights.items() if t not in seen) / total_weight
    if best_similarity < MIN_PASSAGE_SIMILARITY and best_coverage < 0.5 or best_coverage < 0.2 and \
            best_similarity < MIN_PASSAGE_SIMILARITY + 0.1 or _off_topic(best_similarity, best_coverage, missing):
        return Answer(query.text, query, False, (), passages,
                      note="The indexed papers do not appear to answer this; the closest passages are below.")
    # a question about money that asks for a share, a count, a person, a date or a reason is answered by the
    # sentence that holds it, not by a list of amounts
    money_question = query.kind == "money" and (not types or any(t.name == AMOUNT for t in types))
    if money_question and vector is not None:
        lines, cited, total, note = ledger_answer(index, query, vector, passages)
        if lines:
            return Answer(query.text, query, True, _once_each(lines), cited, note=note, total_pounds=total)
    if money_question:
        money = _money_lines(query, passages, weights, total_weight)
        if money:
            total = sum(a for a in {(line.amount_pounds, line.text[:40]): line.amount_pounds
                                    for line in money if line.amount_pounds}.values())
            note = (f"{len(money)} statement(s) of money from the passages below that match the question; "
                    f"the total counts each amount once.")
            return Answer(query.text, query, True, tuple(money), passages, note=note, total_pounds=total)
    if vector is None:
        vector = index.embedder.embed_query(query.search_text or query.text)
    ranked = _by_meaning(index, candidates, vector)
    coverages = [[0.0] * len(parts) for parts in sentences]
    for c in candidates:
        coverages[c.rank - 1][c.index] = c.coverage
    lines: list[AnswerLine] = []
    used: set[tuple[int, int]] = set()
    words = 0
    for _final, c in ranked:
        if lines and c.coverage < min(MIN_COVERAGE, best_coverage * 0.6):
            continue
        if (c.rank, c.index) in used:
            continue
        if lines and types and not c.held and held_share(types, " ".join(line.text for line in lines), query.text) >= 1:
            continue  # what is asked is quoted: a further line without any of it is noise
        parts = sentences[c.rank - 1]
        span = [j for j in _span(types, query, parts, c.index, coverages[c.rank - 1], c.after_anchor)
                if (c.rank, j) not in used]
        text = " ".join(_clip(parts[j], weights) for j in span)
        if any(_same_words(text, line.text) for line in lines):
            continue  # the same words in a report and its copy in a reports pack (or its summary) are quoted once
        n = len(text.split())
        if lines and words + n > MAX_ANSWER_WORDS:
            continue
        used.update((c.rank, j) for j in span)
        lines.append(AnswerLine(text, c.rank))
        words += n
        if len(lines) >= MAX_SENTENCES or types and c.held >= 1 and c.coverage >= STOP_HELD:
            break
    lines += _what_is_missing(types, query, lines, candidates, weights, used, words)
    return Answer(query.text, query, True, tuple(lines), passages,
                  note="Sentences quoted from the passages below.")


def _what_is_missing(types: tuple[AnswerType, ...], query: Query, lines: list[AnswerLine],
                     candidates: list[_Candidate], weights: dict[str, float], used: set[tuple[int, int]],
                     words: int) -> list[AnswerLine]:
    """A question asking two things ("who were they, and from when?") whose lines hold only one, or a "why" whose
    lines give no reason: the best sentence holding what is missing is quoted too, when it shares some of the
    question's words (or stands in a passage already quoted) and the answer stays short."""
    quoted = " ".join(line.text for line in lines)
    missing = [t for t in types if not holds(t, quoted, query.text)]
    why = any(t.name == REASON for t in missing)
    if not (len(types) >= 2 or why) or not missing or len(lines) >= MAX_SENTENCES:
        return []
    cited = {line.citation for line in lines}
    for c in sorted(candidates, key=lambda c: -c.score):
        if (c.rank, c.index) in used:
            continue
        # the reason is given beside what it explains, often in other words: in a passage already quoted it is
        # taken whatever its words ("... has been cancelled." "The PCC had declined to attend, he is due to ...")
        if c.coverage < MISSING_COVERAGE and not (why and c.rank in cited):
            continue
        if any(holds(t, c.text, query.text) for t in missing):
            text = _clip(c.text, weights)
            if words + len(text.split()) <= MAX_ANSWER_WORDS:
                return [AnswerLine(text, c.rank)]
            return []
    return []


def score_sentences(query: Query, passages: tuple[Passage, ...], weights: dict[str, float],
                    types: tuple[AnswerType, ...], named: frozenset[str] = frozenset()
                    ) -> tuple[list[list[str]], list[_Candidate]]:
    """Every sentence of the passages as a candidate line, with its cheap score (words, answer type, rank)."""
    total_weight = sum(weights.values()) or 1.0
    values = tuple(t for t in types if t.name != REASON)
    sentences: list[list[str]] = []
    candidates: list[_Candidate] = []
    for passage in passages:
        heading_stems = set(stems_of(passage.heading))
        parts = sentences_of(passage.text, min_words=3)
        sentences.append(parts)
        previous = 0.0
        for i, sentence in enumerate(parts):
            s_stems = set(stems_of(sentence))
            coverage = sum(w for t, w in weights.items() if t in s_stems) / total_weight
            context = sum(w for t, w in weights.items() if t in s_stems or t in heading_stems) / total_weight
            # a question in the minutes restates the question and holds no answer; its answer follows it (a member
            # who "referred to" or "raised" a matter may be the answer to "who raised it")
            asked = _ends_asking(sentence) or bool(_REPORTED_QUESTION.search(sentence))
            held = 0.0 if asked else held_share(types, sentence, query.text)
            score = coverage + 0.3 * context + RANK_PRIOR / passage.rank + TYPE_BONUS * held
            if not types:
                score += _kind_bonus(query.kind, sentence)
            if _ends_asking(sentence):
                score -= 0.3
            if named and passage.doc_id not in named:
                score -= OTHER_PLACE  # the question names Suffolk: a sentence of Wiltshire's papers is not the answer
            if _BOILERPLATE.search(sentence):
                score -= BOILERPLATE_PENALTY  # a meeting's header line names the panel and date, never the answer
            lift = NEIGHBOUR * max(0.0, previous - coverage)  # the answer after the sentence that restates the question
            previous = coverage
            candidates.append(_Candidate(passage.rank, i, sentence, coverage, held, score + lift, lift >= 0.1,
                                         0.0 if asked else held_share(values, sentence, query.text)))
    return sentences, candidates


_CAPITALISED = re.compile(r"\b[A-Z][a-z]{3,}\b")


def _named_papers(query: Query, passages: tuple[Passage, ...]) -> frozenset[str]:
    """The passages' papers whose title, body or file name holds a capitalised word of the question that names
    no office or kind of body ("Suffolk", "Knowsley", not "Police" or "Council"); empty when the question names
    none, or when every paper holds it. Unlike search/places.py, which marks papers of the whole index by their
    body, this looks at the few papers found, by their titles too: a leaflet's body may be just "Police and Crime
    Panel"."""
    capitalised = [m.group(0).lower() for m in _CAPITALISED.finditer(query.text) if m.start() > 0]
    words = set(stems_of(" ".join(w for w in capitalised if w not in NOT_NAMES)))
    if not words:
        return frozenset()
    named = frozenset(p.doc_id for p in passages if words & set(stems_of(f"{p.title} {p.body or ''} {p.file_name}")))
    return named if len(named) < len({p.doc_id for p in passages}) else frozenset()


def _off_topic(similarity: float, coverage: float, missing: float) -> bool:
    """Passages only loosely like the question, no sentence holding much of its words, and a good part of its
    rarer words (the "helicopter", the "potholes") in none of them: the papers do not hold the answer."""
    return similarity < OFF_TOPIC_SIMILARITY and coverage < OFF_TOPIC_COVERAGE and missing >= OFF_TOPIC_MISSING


@dataclass(frozen=True, slots=True)
class _Candidate:
    """One sentence of a retrieved passage and its cheap score (words, answer type, rank)."""

    rank: int
    index: int  # position among the passage's sentences
    text: str
    coverage: float
    held: float  # share of the question's answer types the sentence holds
    score: float
    after_anchor: bool = False  # scored up for following a sentence that holds the question's words: quote both
    value_held: float = 0.0  # share of what is asked it holds, but a reason (an amount, a date, a name, an action)


def _by_meaning(index: SearchIndex, candidates: list[_Candidate], vector: np.ndarray) -> list[tuple[float, _Candidate]]:
    """The best candidates by the other signals, re-scored with their cosine to the question when the best does
    not lead clearly; embedding costs about 0.3 ms a token on a busy machine, so at most MEANING_CANDIDATES
    sentences, cut to MEANING_WORDS words, are embedded, in one call."""
    by_score = sorted(candidates, key=lambda c: -c.score)
    if not W_MEANING or DECISIVE and len(by_score) > 1 and by_score[0].score - by_score[1].score >= DECISIVE:
        return [(c.score, c) for c in by_score[:MEANING_CANDIDATES]]
    top = by_score[:MEANING_CANDIDATES]
    texts = _unique([c.text for c in top])
    with index.lock:
        matrix = index.embedder.embed([" ".join(t.split()[:MEANING_WORDS]) for t in texts])
    similarity = dict(zip(texts, (matrix @ vector).tolist(), strict=True))
    # the cosine reorders sentences that hold as much of what is asked; it never puts one that does not hold the
    # amount, date or name asked for above one that does (a short sentence with the figure is less like the
    # question). A reason is often given without a word that marks one ("because"), so it does not count here.
    return sorted(((c.score + W_MEANING * similarity[c.text], c) for c in top), key=lambda x: (-x[1].value_held, -x[0]))


MAX_FOLLOWING = 6
# a member's question minuted without a question mark: the answer is in the sentences after it
_ASKED = re.compile(r"^(?:\d+(?:\.\d+)*\s+)?(?:(?:Cllr|Councillor|Mr|Mrs|Ms|Dr|A Member|Members?|The Chair(?:man)?)\b"
                    r"[^.]{0,80}?|(?:[A-Z][\w'’-]*\s+){1,3}(?:\([A-Z]{2,4}\)\s+)?)\b(?:asked|queried|"
                    r"referred to|raised|sought clarification|questioned|enquired)\b")


def _span(types: tuple[AnswerType, ...], query: Query, parts: list[str], i: int, coverage: list[float],
          after_anchor: bool = False) -> list[int]:
    """A sentence and what completes it: the sentence before when this one continues it (the vote after the
    proposal, the reply after a member's question), the answer after a minuted question, the items after a
    colon, the next sentence when it holds what is asked and this one does not, or goes on about the same words."""
    span = [i]
    if i > 0 and (after_anchor or _continues(parts[i - 1], parts[i])):
        span.insert(0, i - 1)
    sentence = parts[i].rstrip()
    nxt = i + 1
    if nxt >= len(parts):
        return span
    if sentence.endswith(":"):
        return span + list(range(nxt, min(len(parts), nxt + MAX_FOLLOWING)))
    if _is_question(sentence):
        span += list(range(nxt, min(len(parts), nxt + 2)))
    elif held_share(types, parts[nxt], query.text) > held_share(types, sentence, query.text) or \
            _kind_bonus(query.kind, parts[nxt]) > _kind_bonus(query.kind, sentence):
        span.append(nxt)
    elif coverage[nxt] > 0 and (coverage[nxt] >= 0.5 * coverage[i] or parts[nxt].rstrip().endswith(":")) \
            and len(parts[nxt].split()) <= 60 and not _held_alone(types, query, sentence, parts[nxt]):
        span.append(nxt)
    last = span[-1]
    if last != i and parts[last].rstrip().endswith(":"):  # "... and included:" goes on to its items
        span += list(range(last + 1, min(len(parts), last + 1 + MAX_FOLLOWING)))
    return span


# a sentence that starts by pointing back ("This increase", "It", "The proposed increase" after the increase is
# stated) continues the one before, which is quoted with it
_POINTS_BACK = re.compile(r"^(?:This|These|That|Those|It|Its|They|Their|Such|However|But|Therefore|Thus)\b")
_DEFINITE = re.compile(r"^The\s+((?:[a-z]+\s+){0,2}[a-z]+)\b")
MAX_BEFORE_WORDS = 45  # the sentence before is quoted only when this short


def _continues(before: str, sentence: str) -> bool:
    if len(before.split()) > MAX_BEFORE_WORDS or before.rstrip().endswith(":"):
        return False
    if _POINTS_BACK.match(sentence):
        return True
    m = _DEFINITE.match(sentence)
    if not m:
        return False
    said = set(stems_of(before)) - _GENERIC_HEADS
    return any(len(w) > 3 and stem(w) in said for w in m.group(1).split())


_GENERIC_HEADS = frozenset(stems_of("panel commissioner council committee meeting police report chair chairman "
                                    "members member board force government office"))


def _held_alone(types: tuple[AnswerType, ...], query: Query, sentence: str, following: str) -> bool:
    """The sentence holds all that is asked and the next holds none of it: the next is not quoted."""
    return bool(types) and held_share(types, sentence, query.text) >= 1 and \
        held_share(types, following, query.text) == 0


# a question reported in the minutes: "The Panel questioned why ...", "Members asked whether ..."
_REPORTED_QUESTION = re.compile(r"\b(?:asked|questioned|queried|wondered|enquired|sought clarification(?: as to)?|"
                                r"sought assurance(?: as to)?)\s+(?:why|whether|how|what|when|who|if)\b", re.I)


def _same_words(a: str, b: str) -> bool:
    """One line is the other, or the start of it: "... has been cancelled." and "... has been cancelled — prompting"."""
    a, b = a.rstrip(" .…"), b.rstrip(" .…")
    return a == b or b.startswith(a) or a.startswith(b)


def _is_question(sentence: str) -> bool:
    """A member's question, quoted or reported: "... improve in the local area?”", "The Panel questioned why ..."."""
    return _ends_asking(sentence) or bool(_REPORTED_QUESTION.search(sentence) or _ASKED.search(sentence))


def _ends_asking(sentence: str) -> bool:
    return sentence.rstrip().rstrip("”\"’')").endswith("?")


def _clip(sentence: str, weights: dict[str, float]) -> str:
    """A run-on line (a table row or a header read as one sentence) cut to the window of max_words words
    that holds most of the question's words, marked with an ellipsis where it is cut."""
    max_words = CLIP_WORDS
    words = sentence.split()
    if len(words) <= max_words:
        return sentence
    gains = [weights.get(stem(w.strip(".,;:()[]\"'“”‘’")), 0.0) for w in words]
    best, start = -1.0, 0
    window = sum(gains[:max_words])
    for k in range(len(words) - max_words + 1):
        if k:
            window += gains[k + max_words - 1] - gains[k - 1]
        if window > best:
            best, start = window, k
    text = " ".join(words[start:start + max_words])
    return ("… " if start else "") + text + (" …" if start + max_words < len(words) else "")


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


def _kind_bonus(kind: str, sentence: str) -> float:
    """For a question with no answer type: an action for a commitment, a figure for a number question."""
    if kind == "commitment" and holds(_ACTION, sentence):
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


def _once_each(lines: tuple[AnswerLine, ...]) -> tuple[AnswerLine, ...]:
    """A sentence stating several amounts is one ledger row per amount; it is quoted once."""
    seen: set[tuple[str, int]] = set()
    out = []
    for line in lines:
        if (line.text, line.citation) not in seen:
            seen.add((line.text, line.citation))
            out.append(line)
    return tuple(out)


def _unique(items: list[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen
