"""Funding: the ledger as a table, filtered by year, recipient, fund, kind and words; what is summed and what
is only listed, said apart; a chart; CSV; and any row shown on its page with the amount framed."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from panelqa import api, format_pounds, funding_total
from panelqa.app.cards import plain
from panelqa.app.page_view import show_page
from panelqa.app.resources import index_or_guidance, settings
from panelqa.app.state import kept
from panelqa.cli.report_format import rows_csv
from panelqa.errors import PanelqaError
from panelqa.vocab import SUMMED_KINDS

ANY_YEAR = "Any year"
FY = "FY "  # a financial year option reads "FY 2018/19"
NOT_STATED = "(not stated)"
CHART_BY = {"Recipient": "recipient", "Fund": "funder", "Year": "year"}
MAX_BARS = 15  # the chart shows the largest groups; the table keeps every row
TOTAL_CSS = """<style>
.pq-total {line-height: 1.5; margin: 0.2rem 0 0.6rem 0;}
.pq-total .pq-listed {color: #555; font-size: 0.9rem;}
</style>"""


@st.cache_data(show_spinner=False, max_entries=8)
def _all_rows(index_dir: str, stamp: tuple):
    return api.funding(index_dir)


@st.cache_data(show_spinner=False, max_entries=32)
def _ids_in_year(index_dir: str, stamp: tuple, year: int) -> list[str]:
    """The facade's year rule (the paper's date, or a financial year overlapping the year), not a copy of it."""
    return [r.row.row_id for r in api.funding(index_dir, year=year)]


@st.cache_data(show_spinner="Searching the ledger...", max_entries=32)
def _ids_matching(index_dir: str, stamp: tuple, words: str, model: str) -> list[str]:
    """Rows holding the words or close to them in meaning, best first."""
    return [r.row.row_id for r in api.funding(index_dir, search=words, model=model)]


@st.cache_data(show_spinner=False, max_entries=64)
def _page_image(_index, stamp: tuple, doc_id: str, chunk_id: str, page: int, amount: str):
    return api.page_image(doc_id, page, chunk_id, index=_index, mark=amount)


def _year_of(row) -> str:
    return row.meeting_date[:4] if row.meeting_date else (row.financial_year or NOT_STATED)


def _amount(row) -> str:
    high = f"-{format_pounds(row.amount_high_pence)}" if row.amount_high_pence else ""
    return format_pounds(row.amount_pence) + high


def row_label(r) -> str:
    """A row as one line for the page picker: amount, recipient, file and page."""
    return f"{_amount(r.row)} · {r.row.recipient or NOT_STATED} · {r.file_name}, p. {r.row.page}"


def filter_rows(rows, index_dir: str, stamp: tuple, when: str, recipients, funds, kinds, words: str):
    """The rows the filters keep, in paper and page order, or best match first when words are given."""
    if when.startswith(FY):
        rows = [r for r in rows if r.row.financial_year == when[len(FY):]]
    elif when != ANY_YEAR:
        keep = set(_ids_in_year(index_dir, stamp, int(when)))
        rows = [r for r in rows if r.row.row_id in keep]
    if recipients:
        rows = [r for r in rows if (r.row.recipient or NOT_STATED) in recipients]
    if funds:
        rows = [r for r in rows if (r.row.funder or NOT_STATED) in funds]
    if kinds:
        rows = [r for r in rows if r.row.kind in kinds]
    if words:
        order = {i: n for n, i in enumerate(_ids_matching(index_dir, stamp, words, settings().model))}
        rows = sorted((r for r in rows if r.row.row_id in order), key=lambda r: order[r.row.row_id])
    return rows


def totals_html(rows) -> str:
    """What is summed (grants and spending, each grant once) and, apart, what is listed but never added."""
    t = funding_total(rows)
    repeats = f"; {t.repeats} of them restate a grant already counted" if t.repeats else ""
    summed_rows = t.rows - sum(n for _, n in t.not_summed)
    lines = [f"<strong>Summed: {escape(format_pounds(t.total_pence))}</strong> over {t.grants} "
             f"{'grant' if t.grants == 1 else 'grants'}: the grant and spending rows, {summed_rows} of the "
             f"{t.rows} shown, each grant once{repeats}."]
    if t.not_summed:
        listed = []
        for kind, n in t.not_summed:
            pence = sum(r.row.amount_pence for r in rows if r.row.kind == kind)
            listed.append(f"{n} {escape(kind.replace('_', ' '))} ({escape(format_pounds(pence))} as listed)")
        lines.append('<span class="pq-listed">Listed but not summed: ' + ", ".join(listed)
                     + ". Budgets, totals, savings, thresholds, prices, salaries, ranges and crime values "
                       "are shown, never added.</span>")
    else:
        lines.append('<span class="pq-listed">Listed but not summed: none in this selection.</span>')
    return '<div class="pq-total">' + "<br>".join(lines) + "</div>"


def chart_data(rows, by: str) -> pd.DataFrame:
    """Summed pounds per recipient, fund or year (each grant once), the largest groups first."""
    groups: dict[str, list] = {}
    for r in rows:
        if not r.row.summed:
            continue
        key = _year_of(r.row) if by == "year" else (getattr(r.row, by) or NOT_STATED)
        groups.setdefault(key, []).append(r)
    pounds = {k: funding_total(v).total_pence / 100 for k, v in groups.items()}
    top = sorted(pounds.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_BARS]
    if by == "year":
        top.sort()
    return pd.DataFrame({"group": [k for k, _ in top], "£ summed": [v for _, v in top]})


def _table(rows) -> pd.DataFrame:
    return pd.DataFrame({
        "Amount": [_amount(r.row) for r in rows],
        "Recipient": [r.row.recipient or "" for r in rows],
        "Fund": [r.row.funder or "" for r in rows],
        "Purpose": [r.row.purpose for r in rows],
        "Section": [r.row.section or "" for r in rows],
        "Kind": [r.row.kind.replace("_", " ") for r in rows],
        "Summed": ["yes" if r.row.summed else f"no: {r.row.flag or r.row.kind}" for r in rows],
        "Date": [r.row.meeting_date or "" for r in rows],
        "FY": [r.row.financial_year or "" for r in rows],
        "Document": [r.file_name for r in rows],
        "Page": [r.row.page for r in rows],
    })


def _pick_from_table() -> None:
    """A row selected in the table becomes the row shown on its page."""
    chosen = st.session_state.fu_table.selection.rows
    ids = st.session_state.get("_fu_ids", [])
    if chosen and chosen[0] < len(ids):
        st.session_state.fu_open = ids[chosen[0]]


def _viewer(index, r) -> None:
    """The row's page with its passage marked and the amount framed; the PDF to download."""
    row = r.row
    image = _page_image(index, index.stamp, row.doc_id, row.chunk_id, row.page, row.amount_text)
    framed = (f"the amount {row.amount_text} is framed in red" if image is not None and image.mark_found
              else f"the amount {row.amount_text} could not be found in the page's text")
    show_page(index, image, row.doc_id, r.file_name, key=f"fu-pdf-{row.row_id}", note=f"{framed}, ")


def main() -> None:
    index = index_or_guidance()
    if index is None:
        return
    index_dir = str(index.index_dir)
    st.html(TOTAL_CSS)
    st.subheader("Funding")
    st.caption("Every amount of money the papers state, with its recipient, fund and page.")
    rows = _all_rows(index_dir, index.stamp)
    if not rows:
        st.info("No amounts of money were found in the indexed papers.")
        return
    years = sorted({r.row.meeting_date[:4] for r in rows if r.row.meeting_date}, reverse=True)
    fys = sorted({r.row.financial_year for r in rows if r.row.financial_year}, reverse=True)
    when_col, kind_col, words_col = st.columns([1, 1.2, 2])
    whens = [ANY_YEAR, *years, *(FY + f for f in fys)]
    when = when_col.selectbox("Year or financial year", whens, **kept("fu_when", ANY_YEAR, whens))
    kind_options = sorted({r.row.kind for r in rows})
    kinds = kind_col.multiselect("Kind", kind_options, **kept("fu_kinds", [], kind_options), placeholder="Any kind",
                                 format_func=lambda k: k.replace("_", " ") + (" (summed)" if k in SUMMED_KINDS else ""))
    words = words_col.text_input("Words (matched by words or meaning)", **kept("fu_words", ""),
                                 placeholder="e.g. drug treatment").strip()
    who_col, fund_col = st.columns(2)
    names = sorted({r.row.recipient or NOT_STATED for r in rows})
    recipients = who_col.multiselect("Recipient", names, **kept("fu_recipients", [], names),
                                     placeholder="Any recipient")
    fund_names = sorted({r.row.funder or NOT_STATED for r in rows})
    funds = fund_col.multiselect("Fund", fund_names, **kept("fu_funds", [], fund_names), placeholder="Any fund")
    try:
        shown = filter_rows(rows, index_dir, index.stamp, when, recipients, funds, kinds, words)
    except PanelqaError as exc:
        st.error(plain(str(exc)))
        return
    st.html(totals_html(shown))
    if not shown:
        st.info("No ledger rows match these filters.")
        return
    st.session_state._fu_ids = [r.row.row_id for r in shown]
    st.dataframe(_table(shown), hide_index=True, key="fu_table", on_select=_pick_from_table,
                 selection_mode="single-row", width="stretch")
    csv_col, chart_col = st.columns([1, 3], vertical_alignment="center")
    csv_col.download_button("Download CSV", data=rows_csv(shown), file_name="funding.csv", mime="text/csv",
                            key="fu_csv")
    by = chart_col.radio("Chart the summed amounts by", list(CHART_BY), horizontal=True,
                         **kept("fu_chart", "Recipient", list(CHART_BY)))
    data = chart_data(shown, CHART_BY[by])
    if data.empty:
        st.caption("Nothing summed in this selection to chart.")
    else:
        st.bar_chart(data, x="group", y="£ summed", x_label=by, y_label="£ summed (each grant once)",
                     horizontal=by != "Year", sort=False)  # largest first; years in order
    by_id = {r.row.row_id: r for r in shown}
    if st.session_state.get("fu_open") not in by_id:
        st.session_state.fu_open = None
    chosen = st.selectbox("Show a row on its page (or select it in the table)", list(by_id), key="fu_open",
                          format_func=lambda i: row_label(by_id[i]), placeholder="Choose a row")
    if chosen:
        _viewer(index, by_id[chosen])


main()
