"""Plain text of `panelqa timeline`: one block per paper, oldest first, each mention with its page."""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from panelqa import Timeline

WIDTH = 100


def format_timeline(timeline: Timeline) -> str:
    if not timeline.entries:
        return (f"No paper mentions \"{timeline.matter}\"; try other words, a wider date range, or add papers.")
    out = [f"{timeline.matter}: {timeline.summary}", ""]
    for e in timeline.entries:
        when = e.date or (f"FY {e.financial_year}" if e.financial_year else "undated")
        kind = f" ({e.doc_type})" if e.doc_type else ""
        out.append(f"{when:10}  {e.title}{kind}")
        out.append(f"{'':10}  {e.link}")
        for m in e.mentions:
            how = "" if m.how == "words" else "  [by meaning]"
            lines = textwrap.wrap(f"p. {m.page}  {_flat(m.sentence)}{how}", WIDTH - 14)
            out += [f"{'':12}{lines[0]}"] + [f"{'':18}{line}" for line in lines[1:]]
        out.append("")
    if timeline.commitments:
        out.append("Commitments about it, with possible follow-ups (similar text in later papers, not a verdict):")
        for c in timeline.commitments:
            r = c.row
            out.append(f"  {r.meeting_date or 'undated'}  {r.kind}, {r.owner or 'owner not stated'}: "
                       f"{_flat(r.text)}  — {c.file_name}, p. {r.page}")
            out += [f"      -> {f.meeting_date or 'undated'}  {_flat(f.text)}  — {f.file_name}, p. {f.page}"
                    for f in c.follow_ups]
    return "\n".join(out).rstrip()


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
