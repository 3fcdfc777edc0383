"""Papers: what the index holds, searchable by title, and uploads that go into the same index."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from panelqa import api
from panelqa.app.cards import plain
from panelqa.app.resources import current_index, embedder, settings
from panelqa.cli.ingest_format import format_file_line, format_summary  # the same report as `panelqa ingest`
from panelqa.errors import PanelqaError, index_not_writable

UPLOADS = "uploads"  # under the index folder, so uploaded papers stay next to the index that cites them
NEWEST, OLDEST = "Newest first", "Oldest first"
SEARCH_PAUSE = "200ms"  # the title search reruns after this pause in typing


def _safe_name(name: str) -> str:
    """A browser's file name reduced to a plain file name: no folders, no odd characters."""
    stem = re.sub(r"[^\w .,()&'-]+", "_", Path(name).name).strip(" .") or "upload"
    stem = stem[:150]
    return stem if stem.lower().endswith(".pdf") else f"{stem}.pdf"


def _save(folder: Path, name: str, data: bytes) -> Path:
    """Write an upload under folder; a different file of the same name gets a numbered name."""
    path = folder / _safe_name(name)
    n = 2
    while path.exists() and path.read_bytes() != data:
        path = folder / f"{Path(_safe_name(name)).stem}-{n}.pdf"
        n += 1
    path.write_bytes(data)
    return path


@st.fragment
def _table(state) -> None:
    """The list of papers; a fragment, so typing in its search box reruns only the table."""
    stored = api.documents(index=state.index) if state.index else []
    if not stored:
        st.info(plain(state.message))
        return
    search_col, sort_col = st.columns([3, 1], vertical_alignment="bottom")
    needle = search_col.text_input("Search titles", key="papers_search", placeholder="type part of a title",
                                   live=SEARCH_PAUSE)
    order = sort_col.selectbox("Sort by date", [NEWEST, OLDEST], key="papers_sort")
    rows = []
    for s in stored:
        d = s.document
        title = d.title.value if d.title else d.file_name
        if needle and needle.lower() not in f"{title} {d.file_name}".lower():
            continue
        rows.append({"Title": title, "Body": d.body.value if d.body else "", "Type":
                     (d.doc_type.value if d.doc_type else "").replace("_", " "),
                     "Date": d.meeting_date.value if d.meeting_date else "",
                     "Financial years": ", ".join(f.value for f in d.financial_years),
                     "Pages": d.page_count, "Chunks": s.chunk_count,
                     "Pages without text": ", ".join(str(p) for p in d.pages_without_text) or "none",
                     "File": d.file_name})
    rows.sort(key=lambda r: (r["Date"] != "", r["Date"]), reverse=order == NEWEST)
    st.caption(f"{len(rows)} of {len(stored)} papers")
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={"Title": st.column_config.TextColumn(width="large")})


def _upload() -> None:
    st.subheader("Add papers")
    n = st.session_state.setdefault("upload_round", 0)
    files = st.file_uploader("PDF files", type=["pdf"], accept_multiple_files=True, key=f"upload-{n}")
    if files and st.button(f"Add {len(files)} file(s) to the index", type="primary"):
        config = settings()
        folder = config.index_dir / UPLOADS
        try:
            folder.mkdir(parents=True, exist_ok=True)
            paths = [_save(folder, f.name, f.getvalue()) for f in files]
        except OSError as exc:  # another user's index, a read-only mount: readable, but not ours to add to
            st.error(plain(str(index_not_writable(config.index_dir, exc.strerror))))
            return
        bar = st.progress(0.0, text=f"Reading {len(paths)} file(s)...")
        lines: list[str] = []

        def on_file(report) -> None:
            lines.append(format_file_line(report))
            bar.progress(min(1.0, len(lines) / len(paths)), text=f"{len(lines)} of {len(paths)}: "
                         f"{Path(report.path).name} {report.status}")

        try:
            batch = api.ingest(paths, config.index_dir, model=config.model, embedder=embedder(config.model), workers=1,
                               on_file=on_file)
        except PanelqaError as exc:
            st.error(plain(str(exc)))
            return
        for report in batch.files:  # a file that could not be read is reported, not kept in the uploads folder
            if report.status == "failed" and Path(report.path).parent == folder:
                Path(report.path).unlink(missing_ok=True)
        st.session_state.upload_report = "\n".join(lines + [format_summary(batch)])
        st.session_state.upload_round = n + 1
        st.rerun()
    if st.session_state.get("upload_report"):
        st.caption("Last upload (the same report as panelqa ingest):")
        st.code(st.session_state.upload_report, language=None)


def main() -> None:
    st.header("Papers")
    _table(current_index())
    _upload()


main()
