"""Timeline: every paper where a matter came up, oldest first, each mention with its page; the page on demand."""

from __future__ import annotations

from datetime import date
from html import escape

import streamlit as st

from panelqa import api
from panelqa.app.cards import CARD_CSS, plain
from panelqa.app.page_view import show_page
from panelqa.app.resources import index_or_guidance
from panelqa.errors import PanelqaError

PLACEHOLDER = "e.g. Buddi tags"
FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2100, 12, 31)


@st.cache_data(show_spinner=False, max_entries=16)
def _timeline(_index, stamp: tuple, matter: str, since: date | None, until: date | None, body: str | None):
    return api.timeline(matter, since=since, until=until, body=body, index=_index)


@st.cache_data(show_spinner=False, max_entries=64)
def _page_image(_index, stamp: tuple, doc_id: str, chunk_id: str, page: int):
    return api.page_image(doc_id, page, chunk_id, index=_index)


def _entry_html(entry) -> str:
    when = entry.date or (f"FY {entry.financial_year}" if entry.financial_year else "undated")
    kind = f" · {escape(entry.doc_type)}" if entry.doc_type else ""
    body = f" · {escape(entry.body)}" if entry.body else ""
    lines = "".join(
        f'<li><span class="pq-cite">p. {m.page}</span> {escape(m.sentence)}'
        f'{" <small>(by meaning)</small>" if m.how == "meaning" else ""}</li>' for m in entry.mentions)
    return (f'<div class="pq-card"><div><strong>{escape(when)}</strong> — {escape(entry.title)}'
            f'<small>{kind}{body}</small></div><ul>{lines}</ul></div>')


def main() -> None:
    index = index_or_guidance()
    if index is None:
        return
    st.html(CARD_CSS)
    with st.form("timeline", border=False, enter_to_submit=True):
        matter_col, button_col = st.columns([6, 1], vertical_alignment="bottom")
        matter = matter_col.text_input("A matter to follow over time (Enter to search)", key="matter",
                                       placeholder=PLACEHOLDER).strip()
        button_col.form_submit_button("Show", type="primary", width="stretch")
    with st.sidebar:
        st.subheader("Timeline filters")
        since = st.date_input("From", value=None, min_value=FIRST_DAY, max_value=LAST_DAY, key="tl_since")
        until = st.date_input("To", value=None, min_value=FIRST_DAY, max_value=LAST_DAY, key="tl_until")
        body = st.selectbox("Body", ["Any body", *index.bodies], key="tl_body")
    if not matter:
        st.caption("Every paper where the matter came up, oldest first, with the sentence and page.")
        return
    try:
        with st.spinner("Following the matter through the papers..."):
            result = _timeline(index, index.stamp, matter, since, until, None if body == "Any body" else body)
    except PanelqaError as exc:
        st.error(plain(str(exc)))
        return
    if not result.entries:
        st.info(plain(f"No paper mentions \"{matter}\"; try other words, a wider date range, or add papers."))
        return
    st.caption(plain(result.summary))
    for n, entry in enumerate(result.entries):
        st.html(_entry_html(entry))
        first = entry.mentions[0]
        if st.toggle(f"Show p. {first.page}", key=f"tl-page-{n}"):
            show_page(index, _page_image(index, index.stamp, entry.doc_id, first.chunk_id, first.page), entry.doc_id,
                      entry.file_name, key=f"tl-pdf-{n}")
    if result.commitments:
        st.subheader("Commitments about it")
        st.caption("Possible follow-ups are similar text in later papers, not a verdict.")
        for c in result.commitments:
            r = c.row
            follow = "".join(f"<li>{escape(f.meeting_date or 'undated')}: {escape(f.text)} "
                             f"<small>({escape(f.file_name)}, p. {f.page})</small></li>" for f in c.follow_ups)
            st.html(f'<div class="pq-card"><div><strong>{escape(r.meeting_date or "undated")}</strong> '
                    f'{escape(r.kind)}, {escape(r.owner or "owner not stated")}: {escape(r.text)} '
                    f'<small>({escape(c.file_name)}, p. {r.page})</small></div>'
                    + (f"<ul>{follow}</ul>" if follow else "") + "</div>")


main()
