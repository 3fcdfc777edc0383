"""Commitments: every action, resolution, undertaking and deadline in the papers, filtered by owner, kind, date
and words; a chosen row on its page, with the later passages that may follow it up, offered as suggestions."""

from __future__ import annotations

from datetime import date
from html import escape

import pandas as pd
import streamlit as st

from panelqa import api
from panelqa.app.cards import CARD_CSS, follow_ups_html, plain
from panelqa.app.page_view import show_page
from panelqa.app.resources import index_or_guidance, settings
from panelqa.app.state import kept
from panelqa.cli.report_format import rows_csv
from panelqa.errors import PanelqaError

ANY, RANGE = "Any date", "Date range"
NOT_STATED = "(not stated)"


@st.cache_data(show_spinner="Reading the commitments and looking for possible follow-ups...", max_entries=8)
def _all_rows(index_dir: str, stamp: tuple):
    return api.commitments(index_dir)


@st.cache_data(show_spinner="Searching the commitments...", max_entries=32)
def _ids_matching(index_dir: str, stamp: tuple, words: str, model: str) -> list[str]:
    """Rows holding the words or close to them in meaning, best first."""
    return [v.row.row_id for v in api.commitments(index_dir, search=words, model=model, follow_ups=False)]


@st.cache_data(show_spinner=False, max_entries=64)
def _page_image(_index, stamp: tuple, doc_id: str, chunk_id: str, page: int):
    return api.page_image(doc_id, page, chunk_id, index=_index)


def _when(row) -> str:
    return row.meeting_date or (f"FY {row.financial_year}" if row.financial_year else "")


def row_label(v) -> str:
    """A row as one line for the picker: kind, owner, the start of its text, file and page."""
    text = v.row.text if len(v.row.text) <= 70 else v.row.text[:69].rsplit(" ", 1)[0] + " …"
    return f"{v.row.kind} · {v.row.owner or NOT_STATED} · {text} · {v.file_name}, p. {v.row.page}"


def filter_rows(rows, index_dir: str, stamp: tuple, owners, kinds, span: tuple[date, date] | None, words: str):
    """The rows the filters keep, in date order, or best match first when words are given."""
    if owners:
        rows = [v for v in rows if (v.row.owner or NOT_STATED) in owners]
    if kinds:
        rows = [v for v in rows if v.row.kind in kinds]
    if span:
        rows = [v for v in rows if v.row.meeting_date and span[0] <= date.fromisoformat(v.row.meeting_date) <= span[1]]
    if words:
        order = {i: n for n, i in enumerate(_ids_matching(index_dir, stamp, words, settings().model))}
        rows = sorted((v for v in rows if v.row.row_id in order), key=lambda v: order[v.row.row_id])
    return rows


def _table(rows) -> pd.DataFrame:
    return pd.DataFrame({
        "Kind": [v.row.kind for v in rows],
        "Owner": [v.row.owner or "" for v in rows],
        "Said by": [v.row.speaker if v.row.speaker and v.row.speaker != v.row.owner else "" for v in rows],
        "Deadline": [v.row.deadline or "" for v in rows],
        "Meeting date": [_when(v.row) for v in rows],
        "Text": [v.row.text for v in rows],
        "Follow-ups": [len(v.follow_ups) for v in rows],
        "Document": [v.file_name for v in rows],
        "Page": [v.row.page for v in rows],
    })


def _pick_from_table() -> None:
    """A row selected in the table becomes the row shown below it."""
    chosen = st.session_state.co_table.selection.rows
    ids = st.session_state.get("_co_ids", [])
    if chosen and chosen[0] < len(ids):
        st.session_state.co_open = ids[chosen[0]]


def _viewer(index, v) -> None:
    """The commitment's possible follow-ups, then its page with the passage marked, and the PDF."""
    row = v.row
    st.html(follow_ups_html(v))
    image = _page_image(index, index.stamp, row.doc_id, row.chunk_id, row.page)
    show_page(index, image, row.doc_id, v.file_name, key=f"co-pdf-{row.row_id}")


def main() -> None:
    index = index_or_guidance()
    if index is None:
        return
    index_dir = str(index.index_dir)
    st.html(CARD_CSS)
    st.subheader("Commitments")
    st.caption("Every action, resolution, undertaking and deadline the papers record, with who owns it and where.")
    rows = _all_rows(index_dir, index.stamp)
    if not rows:
        st.info("No actions, resolutions, undertakings or deadlines were found in the indexed papers.")
        return
    dates = sorted(date.fromisoformat(v.row.meeting_date) for v in rows if v.row.meeting_date)
    owner_col, kind_col = st.columns(2)
    names = sorted({v.row.owner or NOT_STATED for v in rows})
    owners = owner_col.multiselect("Owner", names, **kept("co_owners", [], names), placeholder="Any owner")
    kind_options = sorted({v.row.kind for v in rows})
    kinds = kind_col.multiselect("Kind", kind_options, **kept("co_kinds", [], kind_options), placeholder="Any kind")
    mode_col, range_col, words_col = st.columns([1, 1.4, 2])
    mode = mode_col.radio("Meeting date", [ANY, RANGE], horizontal=True, **kept("co_mode", ANY, [ANY, RANGE]))
    span = None
    if mode == RANGE:
        first, last = (dates[0], dates[-1]) if dates else (date.today(), date.today())
        picked = range_col.date_input("From – to", **kept("co_range", (first, last)), format="YYYY-MM-DD")
        if isinstance(picked, tuple) and len(picked) == 2:
            span = picked
    words = words_col.text_input("Words (matched by words or meaning)", **kept("co_words", ""),
                                 placeholder="e.g. grant funding").strip()
    try:
        shown = filter_rows(rows, index_dir, index.stamp, owners, kinds, span, words)
    except PanelqaError as exc:
        st.error(plain(str(exc)))
        return
    undated = sum(1 for v in rows if not v.row.meeting_date)
    note = f"; {undated} rows of papers without a meeting date are left out of a date range" if span and undated else ""
    st.html(f'<div class="pq-count">{len(shown)} of {len(rows)} commitments{escape(note)}.</div>')
    if not shown:
        st.info("No commitments match these filters.")
        return
    st.session_state._co_ids = [v.row.row_id for v in shown]
    st.dataframe(_table(shown), hide_index=True, key="co_table", on_select=_pick_from_table,
                 selection_mode="single-row", width="stretch")
    st.download_button("Download CSV", data=rows_csv(shown), file_name="commitments.csv", mime="text/csv",
                       key="co_csv")
    by_id = {v.row.row_id: v for v in shown}
    if st.session_state.get("co_open") not in by_id:
        st.session_state.co_open = None
    chosen = st.selectbox("Show a commitment's follow-ups and page (or select it in the table)", list(by_id),
                          key="co_open", format_func=lambda i: row_label(by_id[i]), placeholder="Choose a row")
    if chosen:
        _viewer(index, by_id[chosen])


main()
