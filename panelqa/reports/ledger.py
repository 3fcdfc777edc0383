"""Read the funding ledger and the commitments tracker: filter, search by words and meaning, total, format.

Totals count each grant once: rows that state the same grant twice share a `grant_id`, and only
grants and spending are summed; budgets, thresholds, ranges, salaries and crime losses are listed
but never added up. Follow-ups of a commitment are only ever "possible": similar text in a later paper.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from panelqa.ingest.commitments import CommitmentRow, find_owner
from panelqa.ingest.ledger import LedgerRow
from panelqa.ingest.money import format_pounds
from panelqa.ingest.store import Store, read_manifest

__all__ = ["FundingRow", "FundingTotal", "CommitmentView", "FollowUp", "funding_rows", "funding_total",
           "answer_money", "money_rows", "ledger_rows",
           "format_money_answer", "commitment_rows", "format_funding", "format_commitments",
           "rows_csv", "rows_json"]

DENSE_MIN_SCORE = 0.45  # cosine a row needs to match a search by meaning alone
MONEY_DENSE_MIN_SCORE = 0.5  # cosine a row needs to answer a money question by meaning alone
NAMED_RECIPIENT_SIMILARITY = 95  # rapidfuzz partial ratio of a recipient's name inside the question
MAX_MONEY_ROWS = 25
RRF_K = 60
FOLLOW_UP_MIN_COSINE = 0.75  # a later paper's passage this close to a commitment is a possible follow-up
FOLLOW_UP_MIN_WORDS = 0.55  # ... and shares this share of its content words
MAX_FOLLOW_UPS = 3
_STOP = frozenset("""a an and are as at be by for from has have how in into is it its of on or that the
their this to was were what which who will with much many money funding funded fund grant grants spent spend
spending paid cost costs pounds £ did does do give given gave get got allocated invested total amount
amounts went go goes gone receive received receiving put towards into""".split())


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


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A passage of a later paper that looks like it reports on the same matter. A guess, shown as one."""

    file_name: str
    page: int
    meeting_date: str | None
    text: str
    score: float


@dataclass(frozen=True, slots=True)
class CommitmentView:
    row: CommitmentRow
    file_name: str
    follow_ups: tuple[FollowUp, ...] = ()
    score: float = 0.0

    def to_dict(self) -> dict:
        out = asdict(self.row)
        out["file_name"] = self.file_name
        out["follow_ups"] = [asdict(f) for f in self.follow_ups]
        return out


# -- funding ---------------------------------------------------------------------------------------


def funding_rows(index_dir: Path, year: int | None = None, search: str | None = None,
                 recipient: str | None = None, model: str | None = None) -> list[FundingRow]:
    """Ledger rows in paper and page order, or best match first when searching."""
    with Store(index_dir, read_only=True) as store:
        rows = _ledger_rows(store.conn)
        if year is not None:
            rows = [r for r in rows if _in_year(r.row.meeting_date, r.row.financial_year, year)]
        if recipient:
            wanted = recipient.lower()
            rows = [r for r in rows if r.row.recipient and wanted in r.row.recipient.lower()]
        if search:
            rows = _search(store.conn, index_dir, "ledger", rows, search, DENSE_MIN_SCORE, model,
                           require_all=True)
    return rows


def funding_total(rows: Sequence[FundingRow]) -> FundingTotal:
    """Sum grants and spending once per grant; count the rest by kind."""
    seen: set[str] = set()
    total = repeats = 0
    other: dict[str, int] = {}
    for r in rows:
        if not r.row.summed:
            other[r.row.kind] = other.get(r.row.kind, 0) + 1
            continue
        if r.row.grant_id in seen:
            repeats += 1
            continue
        seen.add(r.row.grant_id)
        total += r.row.amount_pence
    return FundingTotal(total, len(seen), len(rows), repeats, tuple(sorted(other.items())))


def answer_money(question_text: str, index_dir: Path, year: int | None = None,
                 model: str | None = None) -> list[FundingRow]:
    """Ledger rows that answer a money question, best first (see `money_rows`)."""
    with Store(index_dir, read_only=True) as store:
        rows = _ledger_rows(store.conn)
        if year is not None:
            rows = [r for r in rows if _in_year(r.row.meeting_date, r.row.financial_year, year)]
        dense = _dense_scores(store.conn, index_dir, "ledger", question_text, model)
        return money_rows(store.conn, rows, question_text, dense)


def money_rows(conn: sqlite3.Connection, rows: list[FundingRow], question_text: str,
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
        return [_scored(r, dense.get(r.row.row_id, 0.0)) for r in named][:MAX_MONEY_ROWS]
    wanted = {r.row.row_id: r for r in rows}
    words = [w for w in _terms(question_text) if not w[0].isdigit()]  # a year is a filter, not a topic
    words = [w for w in words if _occurs(conn, w)]  # a word no row holds cannot narrow the rows
    matched: list[str] = []
    if words:
        sql = ("SELECT t.row_id FROM ledger_fts f JOIN ledger t ON t.id = f.rowid "
               "WHERE ledger_fts MATCH ? ORDER BY bm25(ledger_fts)")
        matched = [i for (i,) in conn.execute(sql, (" AND ".join(f'"{w}"' for w in words),)) if i in wanted]
    best = max((dense.get(i, 0.0) for i in matched), default=0.0)
    if not matched:
        best = max((dense.get(i, 0.0) for i in wanted), default=0.0)
        if best < MONEY_DENSE_MIN_SCORE:
            return []
    close = [i for i in wanted if i not in matched and dense.get(i, 0.0) >= max(MONEY_DENSE_MIN_SCORE, best - 0.03)]
    order = sorted(set(matched) | set(close), key=lambda i: (-(i in matched), -dense.get(i, 0.0)))
    return [_scored(wanted[i], dense.get(i, 0.0)) for i in order][:MAX_MONEY_ROWS]


def format_money_answer(question_text: str, rows: Sequence[FundingRow], year: int | None = None) -> str:
    """Each row with its citation, the total of the rows shown, and a sentence saying what was included."""
    if not rows:
        return (f"No funding statement in the ledger matches {question_text!r}"
                f"{f' in {year}' if year else ''}; try other words or drop the year.")
    seen: set[str] = set()
    lines = [_funding_line(r, seen) for r in rows]
    lines.append(_total_line(funding_total(rows)))
    lines.append(f"Included: the {len(rows)} ledger rows that match {question_text!r} by words or meaning"
                 f"{f', from papers of {year}' if year else ''}; a grant stated twice in one paper is "
                 "counted once, and amounts that are not grants or spending are listed but not added.")
    return "\n".join(lines)


def format_funding(rows: Sequence[FundingRow], group_by: str | None = None) -> str:
    """One line per row, optionally under recipient or section headings, and a total line."""
    if not rows:
        return "No ledger rows match."
    out: list[str] = []
    if group_by:
        groups: dict[str, list[FundingRow]] = {}
        for r in rows:
            groups.setdefault(getattr(r.row, group_by) or "(not stated)", []).append(r)
        for name, members in sorted(groups.items(), key=lambda kv: -funding_total(kv[1]).total_pence):
            t = funding_total(members)
            out.append(f"{name}: {format_pounds(t.total_pence)} in {t.grants} grants")
            seen: set[str] = set()
            out += ["  " + _funding_line(r, seen) for r in members]
    else:
        seen = set()
        out = [_funding_line(r, seen) for r in rows]
    out.append(_total_line(funding_total(rows)))
    return "\n".join(out)


def _funding_line(r: FundingRow, seen: set[str]) -> str:
    """A row with its citation; a grant's second statement says so, and names the other pages."""
    row = r.row
    amount = format_pounds(row.amount_pence) + (f"-{format_pounds(row.amount_high_pence)}"
                                                if row.amount_high_pence else "")
    who = row.recipient or "(recipient not stated)"
    notes = [] if row.summed else [f"not summed: {row.flag or row.kind}"]
    if r.also_pages:
        pages = ", ".join(str(p) for p in r.also_pages)
        label = "repeat, counted once" if row.grant_id in seen else "same grant"
        notes.append(f"{label} also stated on p. {pages}")
    seen.add(row.grant_id)
    funder = f" ({row.funder})" if row.funder else ""
    note = "".join(f"  [{n}]" for n in notes)
    return f"{amount:>12}  {who}{funder}: {_short(row.purpose, 90)}  — {r.file_name}, p. {row.page}{note}"


def _total_line(t: FundingTotal) -> str:
    extra = f", {t.repeats} repeated statements counted once" if t.repeats else ""
    other = "; not summed: " + ", ".join(f"{n} {k}" for k, n in t.not_summed) if t.not_summed else ""
    return f"Total: {format_pounds(t.total_pence)} over {t.grants} grants ({t.rows} rows{extra}){other}."


# -- commitments ------------------------------------------------------------------------------------


def commitment_rows(index_dir: Path, owner: str | None = None, since: date | None = None,
                    search: str | None = None, model: str | None = None,
                    follow_ups: bool = True) -> list[CommitmentView]:
    """Commitments in date order (or best match first when searching), each with possible follow-ups."""
    with Store(index_dir, read_only=True) as store:
        rows = _commitment_rows(store.conn)
        if owner:
            wanted = {owner.lower(), (find_owner(owner) or owner).lower()}
            rows = [r for r in rows if {(r.row.owner or "").lower(), (r.row.speaker or "").lower()} & wanted]
        if since is not None:
            rows = [r for r in rows if _on_or_after(r.row.meeting_date, r.row.financial_year, since)]
        if search:
            rows = _search(store.conn, index_dir, "commitments", rows, search, DENSE_MIN_SCORE, model,
                           require_all=True)
        if follow_ups and rows:
            rows = _with_follow_ups(store.conn, rows)
    return rows


def format_commitments(rows: Sequence[CommitmentView]) -> str:
    if not rows:
        return "No commitments match."
    out: list[str] = []
    for v in rows:
        r = v.row
        who = r.owner or "(owner not stated)"
        said = f", said by {r.speaker}" if r.speaker and r.speaker != r.owner else ""
        due = f", {r.deadline}" if r.deadline else ""
        when = r.meeting_date or r.financial_year or "date not stated"
        out.append(f"{r.kind:11} {who}{said}{due}: {_short(r.text, 160)}  — {v.file_name}, p. {r.page} "
                   f"({when})")
        for f in v.follow_ups:
            out.append(f"{'':11}   possible follow-up (similar text, later paper): {_short(f.text, 110)}"
                       f"  — {f.file_name}, p. {f.page} ({f.meeting_date or 'date not stated'})")
    out.append(f"{len(rows)} commitments; follow-ups are suggestions from similar text, not a verdict.")
    return "\n".join(out)


# -- export ----------------------------------------------------------------------------------------


def rows_json(rows: Sequence[FundingRow | CommitmentView]) -> list[str]:
    """One JSON object per row."""
    return [json.dumps(r.to_dict(), ensure_ascii=False) for r in rows]


def rows_csv(rows: Sequence[FundingRow | CommitmentView]) -> str:
    """CSV with a header; follow-ups are flattened to "file p. N" citations."""
    if not rows:
        return ""
    dicts = [r.to_dict() for r in rows]
    for d in dicts:
        if "follow_ups" in d:
            d["follow_ups"] = "; ".join(f"{f['file_name']} p. {f['page']}" for f in d["follow_ups"])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(dicts[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(dicts)
    return buffer.getvalue()


# -- reading and searching --------------------------------------------------------------------------


_LEDGER_FIELDS = tuple(f.name for f in fields(LedgerRow))
_COMMITMENT_FIELDS = tuple(f.name for f in fields(CommitmentRow))


def ledger_rows(conn: sqlite3.Connection) -> list[FundingRow]:
    """Every ledger row of the index, in paper and page order; [] for an index built before the ledger."""
    try:
        return _ledger_rows(conn)
    except sqlite3.OperationalError:
        return []


def _ledger_rows(conn: sqlite3.Connection) -> list[FundingRow]:
    sql = (f"SELECT {', '.join('l.' + n for n in _LEDGER_FIELDS)}, d.file_name FROM ledger l "
           "JOIN documents d USING (doc_id) ORDER BY d.meeting_date IS NULL, d.meeting_date, d.file_name, "
           "l.id")
    rows = [(LedgerRow(*row[:-1]), row[-1]) for row in conn.execute(sql)]
    pages: dict[str, list[tuple[str, int]]] = {}
    for row, _ in rows:
        pages.setdefault(row.grant_id, []).append((row.row_id, row.page))
    return [FundingRow(row, name, also_pages=tuple(p for i, p in pages[row.grant_id] if i != row.row_id))
            for row, name in rows]


def _commitment_rows(conn: sqlite3.Connection) -> list[CommitmentView]:
    sql = (f"SELECT {', '.join('c.' + n for n in _COMMITMENT_FIELDS)}, d.file_name FROM commitments c "
           "JOIN documents d USING (doc_id) ORDER BY d.meeting_date IS NULL, d.meeting_date, d.file_name, "
           "c.id")
    return [CommitmentView(CommitmentRow(*row[:-1]), row[-1]) for row in conn.execute(sql)]


def _search(conn, index_dir: Path, table: str, rows: list, text: str, min_score: float, model: str | None,
            require_all: bool) -> list:
    """Rows matched by words (FTS5, porter stemming) or by meaning (row embedding), fused by rank."""
    wanted = {r.row.row_id: r for r in rows}
    words = _terms(text)
    ranks: dict[str, float] = {}
    if words:
        match = (" AND " if require_all else " OR ").join(f'"{w}"' for w in words)
        sql = (f"SELECT t.row_id FROM {table}_fts f JOIN {table} t ON t.id = f.rowid "
               f"WHERE {table}_fts MATCH ? ORDER BY bm25({table}_fts)")
        for rank, (row_id,) in enumerate(conn.execute(sql, (match,)), start=1):
            if row_id in wanted:
                ranks[row_id] = ranks.get(row_id, 0.0) + 1 / (RRF_K + rank)
    dense = _dense_scores(conn, index_dir, table, text, model)
    ordered = sorted(((s, i) for i, s in dense.items() if i in wanted and s >= min_score), reverse=True)
    for rank, (_, row_id) in enumerate(ordered, start=1):
        ranks[row_id] = ranks.get(row_id, 0.0) + 1 / (RRF_K + rank)
    hits = sorted(ranks.items(), key=lambda kv: -kv[1])
    return [_scored(wanted[i], s) for i, s in hits]


def _occurs(conn: sqlite3.Connection, word: str) -> bool:
    return conn.execute("SELECT 1 FROM ledger_fts WHERE ledger_fts MATCH ? LIMIT 1", (f'"{word}"',)).fetchone() is not None


def _scored(view, score: float):
    return type(view)(**{**{f.name: getattr(view, f.name) for f in fields(view)}, "score": round(score, 5)})


def _terms(text: str) -> list[str]:
    words = re.findall(r"[A-Za-z][A-Za-z'-]+|\d{4}(?:/\d{2})?", text.lower())
    return [w.replace('"', "") for w in words if w not in _STOP and len(w) > 1]


def _dense_scores(conn, index_dir: Path, table: str, text: str, model: str | None) -> dict[str, float]:
    rows = conn.execute(f"SELECT row_id, embedding FROM {table} WHERE embedding IS NOT NULL").fetchall()
    if not rows:
        return {}
    from panelqa.ingest.embed import load_embedder
    from panelqa.settings import Settings

    manifest = read_manifest(index_dir) or {}
    embedder = load_embedder(model or manifest.get("model") or Settings.resolve(index_dir).model)
    query = embedder.embed_query(text)
    matrix = np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
    scores = matrix @ query
    return {r[0]: float(s) for r, s in zip(rows, scores, strict=True)}


def _with_follow_ups(conn, views: list[CommitmentView]) -> list[CommitmentView]:
    """For each commitment, passages of later papers that are close in meaning and share its words."""
    from rapidfuzz import fuzz

    docs = {r[0]: (r[1], r[2], json.loads(r[3])) for r in
            conn.execute("SELECT doc_id, file_name, meeting_date, financial_years FROM documents")}
    emb = {r[0]: np.frombuffer(r[1], dtype=np.float32) for r in
           conn.execute("SELECT row_id, embedding FROM commitments WHERE embedding IS NOT NULL")}
    chunks = conn.execute("SELECT doc_id, page_start, text, embedding FROM chunks").fetchall()
    if not chunks or not emb:
        return views
    matrix = np.vstack([np.frombuffer(c[3], dtype=np.float32) for c in chunks])
    chunk_start = [_start_of(docs[c[0]][1], docs[c[0]][2]) for c in chunks]
    out = []
    for view in views:
        r = view.row
        start = _start_of(r.meeting_date, docs.get(r.doc_id, (None, None, []))[2])
        if r.row_id not in emb or start is None:
            out.append(view)
            continue
        scores = matrix @ emb[r.row_id]
        found: list[FollowUp] = []
        for i in np.argsort(-scores)[:50]:
            later = chunk_start[i]
            if scores[i] < FOLLOW_UP_MIN_COSINE or later is None or later <= start:
                continue
            shared = fuzz.token_set_ratio(" ".join(_terms(r.text)), " ".join(_terms(chunks[i][2]))) / 100
            if shared < FOLLOW_UP_MIN_WORDS:
                continue
            doc = docs[chunks[i][0]]
            found.append(FollowUp(doc[0], chunks[i][1], doc[1], _short(chunks[i][2], 200),
                                  round(float(scores[i]), 3)))
            if len(found) >= MAX_FOLLOW_UPS:
                break
        out.append(CommitmentView(view.row, view.file_name, tuple(found), view.score))
    return out


def _start_of(meeting_date: str | None, financial_years) -> date | None:
    """A paper's date, or the first day of its latest financial year when it has no date."""
    if meeting_date:
        return date.fromisoformat(meeting_date)
    years = [fy[0] if isinstance(fy, list | tuple) else fy for fy in financial_years or []]
    starts = [int(y[:4]) for y in years if y and y[:4].isdigit()]
    return date(max(starts), 4, 1) if starts else None


def _fy_span(fy: str | None) -> tuple[date, date] | None:
    if not fy or not fy[:4].isdigit():
        return None
    start = int(fy[:4])
    return date(start, 4, 1), date(start + 1, 3, 31)


def _in_year(meeting_date: str | None, fy: str | None, year: int) -> bool:
    """The paper's date is in the year; with no date, its financial year overlaps the calendar year."""
    if meeting_date:
        return meeting_date[:4] == str(year)
    span = _fy_span(fy)
    return span is not None and span[0].year <= year <= span[1].year


def _on_or_after(meeting_date: str | None, fy: str | None, since: date) -> bool:
    if meeting_date:
        return date.fromisoformat(meeting_date) >= since
    span = _fy_span(fy)
    return span is not None and span[1] >= since


def _short(text: str, n: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= n else text[:n - 1].rsplit(" ", 1)[0] + " …"
