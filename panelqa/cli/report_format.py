"""Text, CSV and JSON for the funding ledger and the commitments tracker, as `panelqa funding`,
`panelqa commitments` and money answers print them."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence

from panelqa import CommitmentView, FundingRow, FundingTotal, format_pounds, funding_total

__all__ = ["format_funding", "format_commitments", "format_money_answer", "rows_csv", "rows_json"]


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


def format_commitments(rows: Sequence[CommitmentView]) -> str:
    """One line per commitment with its citation, each possible follow-up under it, and a count."""
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


def _short(text: str, n: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= n else text[:n - 1].rsplit(" ", 1)[0] + " …"
