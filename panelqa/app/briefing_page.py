"""Briefing: the answers and passages a user added, in order, with full references, as Markdown."""

from __future__ import annotations

from html import escape

import streamlit as st

from panelqa.app.briefing import BriefingItem, briefing_markdown
from panelqa.app.cards import CARD_CSS

EMPTY = "Nothing in the briefing yet: on the Ask page, press \u201cAdd to briefing\u201d under an answer or a passage."


def _move(i: int, delta: int) -> None:
    items = st.session_state.briefing
    j = i + delta
    if 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]


def _remove(i: int) -> None:
    del st.session_state.briefing[i]


def _item_html(n: int, item: BriefingItem) -> str:
    what = "Answer to" if item.kind == "answer" else "Passage found for"
    parts = ['<div class="pq-card">', f"<div><strong>{n}. {what}: {escape(item.question)}</strong></div>"]
    if item.heading:
        parts.append(f'<div class="pq-heading">{escape(item.heading)}</div>')
    quotes = "<br>".join(f"{escape(text)} <strong>[{number}]</strong>" for text, number in item.quotes)
    if item.total_pounds is not None:
        quotes += f"<br><strong>Total of the amounts listed: £{item.total_pounds:,.0f}.</strong>"
    parts.append(f'<blockquote class="pq-text" style="border-left:3px solid #ccc;padding-left:0.6rem;'
                 f'margin:0.4rem 0">{quotes}</blockquote>')
    refs = "<br>".join(f"[{r.number}] {escape(r.text)}" for r in item.references)
    parts.append(f'<div class="pq-meta">{refs}</div></div>')
    return "".join(parts)


def main() -> None:
    st.header("Briefing")
    items: list[BriefingItem] = st.session_state.setdefault("briefing", [])
    if not items:
        st.info(EMPTY)
        return
    st.html(CARD_CSS)
    for i, item in enumerate(items):
        with st.container(border=True):
            st.html(_item_html(i + 1, item))
            up, down, remove = st.columns(3)
            up.button("Move up", key=f"up-{i}", on_click=_move, args=(i, -1), disabled=i == 0, width="stretch")
            down.button("Move down", key=f"down-{i}", on_click=_move, args=(i, 1), disabled=i == len(items) - 1,
                        width="stretch")
            remove.button("Remove", key=f"rm-{i}", on_click=_remove, args=(i,), width="stretch")
    markdown = briefing_markdown(items)
    st.download_button("Download briefing (Markdown)", markdown, file_name="briefing.md", mime="text/markdown",
                       type="primary")
    st.caption("Or copy it from here (copy button at the top right) into a document:")
    st.code(markdown, language="markdown", wrap_lines=True)


main()
