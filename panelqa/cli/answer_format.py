"""Plain-text rendering of answers for the terminal."""

from __future__ import annotations

import textwrap

from panelqa.search.records import Answer, Passage


def format_passage(p: Passage) -> str:
    if p.item_number:  # "[1] Public reports pack, 10 Feb 2026, item 7 Police and Crime Plan progress, p. 47 (report)"
        head = f"[{p.rank}] {p.reference} ({(p.doc_type or 'paper').replace('_', ' ')})"
    else:
        meta = " | ".join(x for x in (p.date or "undated", (p.doc_type or "").replace("_", " "), p.pages) if x)
        head = f"[{p.rank}] {p.title} ({meta})"
    if p.outside_filter:
        head += "  [outside the filter]"
    lines = [head, f"    {p.source}"] + ([f"    {p.source_url}"] if p.source_url else [])
    if p.heading:
        lines.append(f"    {p.heading}")
    for line in p.text.split("\n"):  # one bullet, row or paragraph per line, as in the paper
        lines.append(textwrap.indent(textwrap.fill(" ".join(line.split()), 100, subsequent_indent="  "), "    "))
    for c in p.also_in:
        lines.append(f"    also in: {c.reference}; {c.source}" if c.item_number else f"    also in: {c.source}, {c.pages}")
    return "\n".join(lines)


def format_answer(answer: Answer) -> str:
    out = []
    if answer.query.filter_note:
        out.append(answer.query.filter_note)
    if answer.passages and answer.passages[0].outside_filter:
        out.append("Nothing in the index matches that filter; these are the best passages outside it.")
    out.append("")
    if answer.found:
        out.append("Answer:")
        out.append(answer.text)
        if answer.note:
            out.append(f"({answer.note})")
    else:
        out.append(answer.note)
    out.append("")
    out.append("Passages:")
    out.extend(format_passage(p) + "\n" for p in answer.passages)
    return "\n".join(out).rstrip() + "\n"
