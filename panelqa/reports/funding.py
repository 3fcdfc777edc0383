"""Read the funding ledger: filter, search by words and meaning, pick the rows a money question asks for, total.

Totals count each grant once: rows that state the same grant twice share a `grant_id`, and only
grants and spending are summed; budgets, thresholds, ranges, salaries and crime losses are listed
but never added up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from rapidfuzz import fuzz

from panelqa.ingest.ledger import LedgerRow, statement_key
from panelqa.ingest.store import Store
from panelqa.reports.match import dense_scores, in_year, search_rows, topic_words, with_score
from panelqa.search.terms import fts_quote

__all__ = ["FundingRow", "FundingTotal", "funding_rows", "funding_total", "answer_money", "money_rows",
           "ledger_rows"]

MONEY_DENSE_MIN_SCORE = 0.5  # cosine a row needs to answer a money question by meaning alone
NAMED_RECIPIENT_SIMILARITY = 95  # rapidfuzz partial ratio of a recipient's name inside the question
MAX_MONEY_ROWS = 25


@dataclass(frozen=True, slots=True)
class FundingRow:
    """A ledger row with the file it cites and, for a search, how well it matched (higher is better)."""

    row: LedgerRow
    file_name: str
    score: float = 0.0
    also_pages: tuple[int, ...] = ()  # other pages of this paper stating the same grant

    def to_dict(self) -> dict:
        out = asdict(self.row)
        out.update(file_name=self.file_name, amount_pounds=self.row.amount_pounds, summed=self.row.summed,
                   also_pages=list(self.also_pages))
        return out


@dataclass(frozen=True, slots=True)
class FundingTotal:
    total_pence: int  # grants and spending, each grant once
    grants: int  # distinct grants summed
    rows: int  # rows listed
    repeats: int  # rows that restate a grant already counted
    not_summed: tuple[tuple[str, int], ...]  # ("budget", 1): kinds listed but not added


def funding_rows(index_dir: Path, year: int | None = None, search: str | None = None,
                 recipient: str | None = None, model: str | None = None) -> list[FundingRow]:
    """Ledger rows in paper and page order, or best match first when searching."""
    with Store(index_dir, read_only=True) as store:
        rows = ledger_rows(store)
        if year is not None:
            rows = [r for r in rows if in_year(r.row.meeting_date, r.row.financial_year, year)]
        if recipient:
            wanted = recipient.lower()
            rows = [r for r in rows if r.row.recipient and wanted in r.row.recipient.lower()]
        if search:
            rows = search_rows(store, "ledger", rows, search, model)
    return rows


def funding_total(rows: Sequence[FundingRow]) -> FundingTotal:
    """Sum grants and spending once per grant; count the rest by kind.

    A grant is stated once per paper (its rows share a grant id), and once across papers when two papers of
    one meeting state it in the same words: a report and its copy in the meeting's reports pack.
    """
    seen: set[str] = set()
    stated: dict[tuple, tuple[str, str]] = {}  # (statement, meeting date) -> (paper, grant) that first stated it
    same_as: dict[str, str] = {}  # a grant of one paper -> the same grant as another paper states it
    total = repeats = 0
    other: dict[str, int] = {}
    for r in rows:
        if not r.row.summed:
            other[r.row.kind] = other.get(r.row.kind, 0) + 1
            continue
        key = (statement_key(r.row), r.row.meeting_date)
        first = stated.setdefault(key, (r.row.doc_id, r.row.grant_id))
        if first[0] != r.row.doc_id:
            same_as.setdefault(r.row.grant_id, same_as.get(first[1], first[1]))
        grant = same_as.get(r.row.grant_id, r.row.grant_id)
        if grant in seen:
            repeats += 1
            continue
        seen.add(grant)
        total += r.row.amount_pence
    return FundingTotal(total, len(seen), len(rows), repeats, tuple(sorted(other.items())))


def answer_money(question_text: str, index_dir: Path, year: int | None = None,
                 model: str | None = None) -> list[FundingRow]:
    """Ledger rows that answer a money question, best first (see `money_rows`)."""
    with Store(index_dir, read_only=True) as store:
        rows = ledger_rows(store)
        if year is not None:
            rows = [r for r in rows if in_year(r.row.meeting_date, r.row.financial_year, year)]
        return money_rows(store, rows, question_text, dense_scores(store, "ledger", question_text, model))


def money_rows(store: Store, rows: list[FundingRow], question_text: str,
               dense: dict[str, float]) -> list[FundingRow]:
    """The rows a money question asks for, precise before complete.

    A recipient named in the question picks its rows. Otherwise rows holding every topic word of the
    question (in the sentence, recipient, fund or section: "knife crime" finds a key aim's grants), and
    rows very close in meaning to the best of those.
    """
    if not rows:
        return []
    lowered = question_text.lower()
    named = [r for r in rows if r.row.recipient and len(r.row.recipient) >= 4
             and fuzz.partial_ratio(r.row.recipient.lower(), lowered) >= NAMED_RECIPIENT_SIMILARITY
             and r.row.recipient.lower().split()[0] in lowered]
    if named:
        longest = max(len(r.row.recipient) for r in named)
        named = [r for r in named if len(r.row.recipient) >= longest - 2]
        return [with_score(r, dense.get(r.row.row_id, 0.0)) for r in named][:MAX_MONEY_ROWS]
    wanted = {r.row.row_id: r for r in rows}
    words = [w for w in topic_words(question_text) if not w[0].isdigit()]  # a year is a filter, not a topic
    words = [w for w in words if store.match_rows("ledger", fts_quote(w), limit=1)]  # a word no row holds narrows nothing
    matched: list[str] = []
    if words:
        matched = [i for i in store.match_rows("ledger", " AND ".join(fts_quote(w) for w in words)) if i in wanted]
    best = max((dense.get(i, 0.0) for i in matched), default=0.0)
    if not matched:
        best = max((dense.get(i, 0.0) for i in wanted), default=0.0)
        if best < MONEY_DENSE_MIN_SCORE:
            return []
    close = [i for i in wanted if i not in matched and dense.get(i, 0.0) >= max(MONEY_DENSE_MIN_SCORE, best - 0.03)]
    order = sorted(set(matched) | set(close), key=lambda i: (-(i in matched), -dense.get(i, 0.0)))
    return [with_score(wanted[i], dense.get(i, 0.0)) for i in order][:MAX_MONEY_ROWS]


def ledger_rows(store: Store) -> list[FundingRow]:
    """Every ledger row of the index, in paper and page order, with the other pages stating its grant."""
    rows = store.ledger_rows()
    pages: dict[str, list[tuple[str, int]]] = {}
    for row, _ in rows:
        pages.setdefault(row.grant_id, []).append((row.row_id, row.page))
    return [FundingRow(row, name, also_pages=tuple(p for i, p in pages[row.grant_id] if i != row.row_id))
            for row, name in rows]
