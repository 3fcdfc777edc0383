"""What's new: for every saved search, the passages of papers added since a chosen day that `ask` would cite.

The look-back leaves each search's last-run time alone, so `panelqa alerts run` (the digest and Atom feed)
still reports everything that is new to it; this page only reads.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from html import escape

import streamlit as st

from panelqa import api, list_alerts, remove_alert, run_alerts
from panelqa.app.cards import CARD_CSS, passage_html, plain, query_stems
from panelqa.app.page_view import show_page
from panelqa.app.resources import index_or_guidance
from panelqa.errors import PanelqaError

LOOK_BACK_DAYS = 30  # the first view: what a monthly panel cycle brought in
FIRST_DAY = date(1990, 1, 1)
NO_SEARCHES = ("No saved searches yet: ask a question on the Ask page and save it there, "
               "or run panelqa alerts add \"knife crime\" in a terminal.")


@st.cache_data(show_spinner=False, max_entries=16)
def _matches(_index, stamp: tuple, alerts: tuple, since: date):
    """Keyed by the index's files and the saved searches, so a new paper or a new search is looked at again."""
    return run_alerts(_index.index_dir, since=since, index=_index)


@st.cache_data(show_spinner=False, max_entries=64)
def _page_image(_index, stamp: tuple, doc_id: str, chunk_id: str, page: int):
    return api.page_image(doc_id, page, chunk_id, index=_index)


def _narrowed(alert) -> str:
    parts = [f'"{alert.query}"']
    if alert.doc_type:
        parts.append(alert.doc_type.replace("_", " "))
    if alert.body:
        parts.append(f"body contains {alert.body}")
    return " · ".join(parts)


def _source_link(p) -> str:
    """Only a publisher's web address is a link; a local path is shown as text (the page view shows the page)."""
    url = p.source_url or ""
    if url.startswith(("https://", "http://")):
        return f'<div class="pq-also"><a href="{escape(url, quote=True)}" target="_blank" rel="noopener">' \
               f"On the publisher's site</a></div>"
    return ""


def _remove(name: str, index_dir: str) -> None:
    try:
        remove_alert(name, index_dir)
    except PanelqaError as exc:
        st.session_state.wn_error = str(exc)


def main() -> None:
    index = index_or_guidance()
    if index is None:
        return
    st.html(CARD_CSS)
    alerts = list_alerts(index.index_dir)
    if error := st.session_state.pop("wn_error", None):
        st.error(plain(error))
    if not alerts:
        st.info(plain(NO_SEARCHES))
        return
    since = st.date_input("Papers added since", value=date.today() - timedelta(days=LOOK_BACK_DAYS),
                          min_value=FIRST_DAY, max_value=date.today() + timedelta(days=1), key="wn_since",
                          format="YYYY-MM-DD")
    with st.spinner("Looking through the new papers..."):
        results = _matches(index, index.stamp, tuple((a.name, a.query, a.doc_type, a.body) for a in alerts), since)
    found = sum(len(r.passages) for r in results)
    added = max((r.new_documents for r in results), default=0)
    st.caption(plain(f"{added} paper{'s' if added != 1 else ''} added since {since.isoformat()}; "
                     f"{found} passage{'s' if found != 1 else ''} for {len(results)} saved "
                     f"search{'es' if len(results) != 1 else ''}. Saved searches are kept in the index."))
    for n, r in enumerate(results):
        st.subheader(plain(r.alert.name))
        head, remove_col = st.columns([5, 1], vertical_alignment="center")
        head.caption(plain(_narrowed(r.alert)))
        remove_col.button("Remove", key=f"wn-remove-{n}", on_click=_remove,
                          args=(r.alert.name, str(index.index_dir)), width="stretch")
        if not r.passages:
            st.caption(plain(f"Nothing new since {since.isoformat()}."))
            continue
        stems = query_stems(api.parse_question(r.alert.query, index=index))
        for m, p in enumerate(r.passages):
            st.html(passage_html(replace(p, rank=m + 1), stems) + _source_link(p))
            if st.toggle(f"Show p. {p.page}", key=f"wn-page-{n}-{m}"):
                show_page(index, _page_image(index, index.stamp, p.doc_id, p.chunk_id, p.page), p.doc_id,
                          p.file_name, key=f"wn-pdf-{n}-{m}")


main()
