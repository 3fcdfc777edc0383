"""Ask: a question, its cited answer, the passages, each one shown on its page, and filters in the sidebar."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import TYPE_CHECKING

import streamlit as st

from panelqa import add_alert, api
from panelqa.app.briefing import item_from_answer, item_from_passage
from panelqa.app.cards import CARD_CSS, answer_html, filters_text, pages_label, passage_html, plain, query_stems
from panelqa.app.resources import index_or_guidance
from panelqa.errors import PanelqaError
from panelqa.search.records import Answer, Filters, Passage

if TYPE_CHECKING:
    from panelqa import SearchIndex

ANY, YEAR, RANGE = "Any date", "Year", "Date range"
NO_DATE_LIMIT = (date(1900, 1, 1), date(2999, 12, 31))  # overrides a year the question implies
PLACEHOLDER = "e.g. what was funded for knife crime in 2018"
NOT_ANSWERED = "The papers do not answer this question directly. These are the closest passages."
OUTSIDE = "Nothing in the chosen filters matches, so these passages come from all papers."
PAGE_WIDTH_PX = 820  # the page image at most this wide; narrower windows shrink it


def _remember(key: str) -> None:
    """Widget values vanish when another page is shown; keep a copy under a plain key."""
    st.session_state[f"_{key}"] = st.session_state[key]


def _restore(key: str, default) -> None:
    """Set a widget's value from the kept copy before the widget is drawn: the copy is the truth."""
    st.session_state[key] = st.session_state.get(f"_{key}", default)


def _set(key: str, value) -> None:
    st.session_state[key] = value
    st.session_state[f"_{key}"] = value


@st.cache_data(show_spinner=False, max_entries=8)
def _examples(_index: SearchIndex, stamp: tuple, index_dir: str) -> tuple[str, ...]:
    return api.example_questions(index=_index)


@st.cache_data(show_spinner=False, max_entries=64)
def _page_image(_index: SearchIndex, stamp: tuple, doc_id: str, chunk_id: str, page: int):
    return api.page_image(doc_id, page, chunk_id, index=_index)


def _use_example() -> None:
    if st.session_state.get("example"):
        st.session_state.question = st.session_state.example
    st.session_state.example = None


def _start_filters(index: SearchIndex, question: str) -> None:
    """A new question sets the date, type and body filters to what it implies; the user can change them."""
    q = api.parse_question(question, index=index)
    whole_year = (q.since and q.until and q.since.year == q.until.year
                  and (q.since.month, q.since.day, q.until.month, q.until.day) == (1, 1, 12, 31))
    if whole_year:
        _set("f_mode", YEAR)
        _set("f_year", q.since.year)
    elif q.since or q.until:
        _set("f_mode", RANGE)
        _set("f_range", (q.since or NO_DATE_LIMIT[0], q.until or date.today()))
    else:
        _set("f_mode", ANY)
    _set("f_types", [t for t in q.doc_types if t in _doc_types(index)])
    _set("f_bodies", list(q.bodies))


def _doc_types(index: SearchIndex) -> list[str]:
    return sorted({d.doc_type.value for d in index.documents.values() if d.doc_type})


def _doc_label(index: SearchIndex, doc_id: str) -> str:
    doc = index.documents.get(doc_id)
    if doc is None:
        return doc_id[:12]
    title = doc.title.value if doc.title else doc.file_name
    return f"{doc.meeting_date.value if doc.meeting_date else 'undated'} · {title}"


def _sidebar(index: SearchIndex, question: str) -> tuple[Filters, str]:
    """The filter widgets; returns the Filters for ask() and the line that describes them."""
    years = {d.date.year for d in index.documents.values() if d.date}
    years |= {int(f.value[:4]) + k for d in index.documents.values() for f in d.financial_years for k in (0, 1)}
    _restore("f_mode", ANY)
    _restore("f_year", max(years) if years else date.today().year)
    _restore("f_range", (date(min(years), 1, 1) if years else NO_DATE_LIMIT[0], date.today()))
    _restore("f_types", [])
    _restore("f_bodies", [])
    _restore("f_docs", [])
    _restore("f_item", "")
    years.add(st.session_state.f_year)
    with st.sidebar:
        st.header("Filters")
        st.caption("They start from what the question implies; change them and the results follow.")
        mode = st.radio("Date", [ANY, YEAR, RANGE], key="f_mode", on_change=_remember, args=("f_mode",))
        if mode == YEAR:
            st.selectbox("Year (or a financial year overlapping it)", sorted(years, reverse=True), key="f_year",
                         on_change=_remember, args=("f_year",))
        elif mode == RANGE:
            st.date_input("From – to", key="f_range", on_change=_remember, args=("f_range",),
                          min_value=NO_DATE_LIMIT[0], max_value=NO_DATE_LIMIT[1], format="YYYY-MM-DD")
        types = st.multiselect("Document type", _doc_types(index), key="f_types", on_change=_remember,
                               args=("f_types",), format_func=lambda t: t.replace("_", " "),
                               placeholder="Any type")
        bodies = st.multiselect("Body", list(index.bodies), key="f_bodies", on_change=_remember,
                                args=("f_bodies",), placeholder="Any body")
        ordered = sorted(index.documents, key=lambda d: _doc_label(index, d))
        _set("f_docs", [d for d in st.session_state.f_docs if d in index.documents])
        docs = st.multiselect("Documents", ordered, key="f_docs", on_change=_remember, args=("f_docs",),
                              format_func=lambda d: _doc_label(index, d), placeholder="All papers")
        item = st.text_input("Agenda item", key="f_item", on_change=_remember, args=("f_item",),
                             placeholder="a number (7) or words of its title (precept)").strip()
    since = until = None
    year = None
    if mode == YEAR:
        year = st.session_state.f_year
        since, until = date(year, 1, 1), date(year, 12, 31)
    elif mode == RANGE and len(st.session_state.f_range) == 2:
        since, until = st.session_state.f_range
    implied = api.parse_question(question, index=index) if question else None
    override = mode == ANY and implied is not None and (implied.since or implied.until)
    filters = Filters(year=year, since=None if year else (NO_DATE_LIMIT[0] if override else since),
                      until=None if year else (NO_DATE_LIMIT[1] if override else until), doc_types=tuple(types),
                      bodies=tuple(bodies), doc_ids=tuple(docs), item=item or None)
    text = filters_text(since, until, tuple(types), tuple(bodies), tuple(_doc_label(index, d) for d in docs),
                        item or None)
    return filters, text


def _answer(index: SearchIndex, question: str, filters: Filters) -> Answer:
    """Ask once per question and filters; clicks on a card reuse the answer."""
    key = (question, filters, str(index.index_dir), index.stamp)
    cached = st.session_state.get("result")
    if cached is not None and cached[0] == key:
        return cached[1]
    result = api.ask(question, index=index, top_k=5, filters=filters)
    st.session_state.result = (key, result)
    return result


def _add_to_briefing(item) -> None:
    items = st.session_state.setdefault("briefing", [])
    if all(i.key != item.key for i in items):
        items.append(item)


def _in_briefing(key: str) -> bool:
    return any(i.key == key for i in st.session_state.get("briefing", []))


def _toggle_view(p: Passage) -> None:
    view = st.session_state.get("view")
    st.session_state.view = None if view and view["chunk"] == p.chunk_id else {"chunk": p.chunk_id, "page": p.page}


def _turn(delta: int, last: int) -> None:
    view = st.session_state.view
    view["page"] = min(max(1, view["page"] + delta), last)


def _viewer(index: SearchIndex, p: Passage) -> None:
    """The passage's page as an image with its lines marked; previous/next page; the PDF to download."""
    doc = index.documents[p.doc_id]
    pdf = api.document_pdf(p.doc_id, index=index)
    if pdf is None:
        st.warning(f"This paper's file is no longer where it was indexed ({plain(doc.source)}); "
                   "ingest it again to see it.")
        return
    page = st.session_state.view["page"]
    last = doc.page_count
    prev_col, label_col, next_col, dl_col = st.columns([1, 1.4, 1, 1.4], vertical_alignment="center")
    prev_col.button("◀ Previous page", key=f"prev-{p.chunk_id}", on_click=_turn, args=(-1, last),
                    disabled=page <= 1, width="stretch")
    label_col.markdown(f"**Page {page} of {last}**")
    next_col.button("Next page ▶", key=f"next-{p.chunk_id}", on_click=_turn, args=(1, last),
                    disabled=page >= last, width="stretch")
    dl_col.download_button("Download PDF", data=pdf.read_bytes, file_name=doc.file_name, mime="application/pdf",
                           key=f"dl-{p.chunk_id}", width="stretch")
    image = _page_image(index, index.stamp, p.doc_id, p.chunk_id, page)
    if image is None:
        st.warning(f"This paper's file is no longer where it was indexed ({plain(doc.source)}); "
                   "ingest it again to see it.")
        return
    marked = "the passage is marked" if image.marked else "the passage is not on this page"
    st.image(image.png, caption=f"Page {page} of {last}; {marked}.", width=PAGE_WIDTH_PX)


def _passage_card(index: SearchIndex, p: Passage, stems: frozenset[str], question: str) -> None:
    with st.container(border=True):
        st.html(passage_html(p, stems))
        view = st.session_state.get("view")
        showing = bool(view and view["chunk"] == p.chunk_id)
        show_col, add_col = st.columns(2)
        show_col.button("Hide page" if showing else f"Show on page ({pages_label(p.page, p.page_end)})",
                        key=f"show-{p.chunk_id}", on_click=_toggle_view, args=(p,), width="stretch")
        item = item_from_passage(p, question)
        done = _in_briefing(item.key)
        add_col.button("In the briefing" if done else "Add to briefing", key=f"brief-{p.chunk_id}",
                       on_click=_add_to_briefing, args=(item,), disabled=done, width="stretch")
        if showing:
            _viewer(index, p)


def _results(index: SearchIndex, answer: Answer) -> None:
    if answer.passages and answer.passages[0].outside_filter:
        st.warning(OUTSIDE)
    if answer.found:
        st.subheader("Answer")
        with st.container(border=True):
            st.html(answer_html(answer))
            if answer.note:
                st.html(f'<div class="pq-answer"><p><small>{escape(answer.note)}</small></p></div>')
            item = item_from_answer(answer)
            done = _in_briefing(item.key)
            st.button("Answer is in the briefing" if done else "Add answer to briefing", key="brief-answer",
                      on_click=_add_to_briefing, args=(item,), disabled=done)
    else:
        st.warning(NOT_ANSWERED if answer.passages else plain(answer.note))
    if answer.passages:
        st.subheader("Passages")
    stems = query_stems(answer.query)
    for p in answer.passages:
        _passage_card(index, p, stems, answer.question)


def main() -> None:
    index = index_or_guidance()
    if index is None:
        return
    st.html(CARD_CSS)
    if "question" not in st.session_state:
        st.session_state.question = st.session_state.get("asked", "")
    with st.form("ask", border=False, enter_to_submit=True):
        ask_col, button_col = st.columns([6, 1], vertical_alignment="bottom")
        question = ask_col.text_input("Ask the papers a question (Enter to ask)", key="question",
                                      placeholder=PLACEHOLDER).strip()
        button_col.form_submit_button("Ask", type="primary", width="stretch")
    examples = _examples(index, index.stamp, str(index.index_dir))
    if examples:
        st.pills("Examples from these papers", examples, key="example", on_change=_use_example)
    if question and question != st.session_state.get("asked"):
        st.session_state.asked = question
        st.session_state.view = None
        _start_filters(index, question)
    filters, active = _sidebar(index, question)
    st.html(f'<div style="color:#444;font-size:0.9rem">{escape(active)}</div>')
    if not question:
        return
    try:
        with st.spinner("Searching the papers..."):
            answer = _answer(index, question, filters)
    except PanelqaError as exc:  # e.g. the index was damaged after it was opened: one sentence, no traceback
        st.error(plain(str(exc)))
        return
    _results(index, answer)
    _save_search(index, question, filters)


def _save(index_dir: str, question: str, doc_type: str | None, body: str | None) -> None:
    name = st.session_state.get("save_name", "").strip() or None
    try:
        alert = add_alert(question, index_dir, name=name, doc_type=doc_type, body=body)
    except PanelqaError as exc:
        st.session_state.saved = ("error", str(exc))
        return
    st.session_state.saved = ("ok", f"Saved \"{alert.name}\". The What's new page lists what papers added from "
                                    "now on say about it; panelqa alerts run sends the same as a digest or feed.")


def _save_search(index: SearchIndex, question: str, filters: Filters) -> None:
    """Keep the question as a saved search (an alert), with the type and body chosen when there is one of each."""
    doc_type = filters.doc_types[0] if len(filters.doc_types) == 1 else None
    body = filters.bodies[0] if len(filters.bodies) == 1 else None
    with st.expander("Save this search: tell me when new papers answer it"):
        st.text_input("Name (default: the question)", key="save_name", placeholder=question)
        kept = [f"type {doc_type.replace('_', ' ')}" if doc_type else "", f"body {body}" if body else ""]
        kept = [k for k in kept if k]
        note = "Keeps " + " and ".join(kept) + "." if kept else "Looks in papers of any type and body."
        dropped = len(filters.doc_types) > 1 or len(filters.bodies) > 1
        st.caption(plain(note + (" A saved search keeps one type and one body; choose one of each to keep them."
                                 if dropped else "")))
        st.button("Save search", key="save_search", on_click=_save,
                  args=(str(index.index_dir), question, doc_type, body))
        saved = st.session_state.pop("saved", None)
        if saved:
            (st.success if saved[0] == "ok" else st.error)(plain(saved[1]))


main()
