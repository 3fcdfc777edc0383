"""A passage's page as the Funding, Commitments, Timeline and What's new pages show it: the image with the
passage marked, and the PDF."""

from __future__ import annotations

import streamlit as st

from panelqa import api
from panelqa.app.cards import plain

PAGE_WIDTH_PX = 820  # the page image at most this wide; narrower windows shrink it


def show_page(index, image, doc_id: str, file_name: str, key: str, note: str = "") -> None:
    """The page image (from api.page_image) and a PDF download; a warning when the paper's file has moved.
    note: what else the caption says about the page (e.g. whether the amount is framed)."""
    pdf = api.document_pdf(doc_id, index=index)
    if image is None or pdf is None:
        st.warning(f"This paper's file is no longer where it was indexed ({plain(file_name)}); "
                   "ingest it again to see it.")
        return
    marked = "its passage is marked" if image.marked else "its passage is not marked on this page"
    st.download_button("Download PDF", data=pdf.read_bytes, file_name=pdf.name, mime="application/pdf", key=key)
    st.image(image.png, caption=f"{file_name}, page {image.page} of {image.page_count}; {note}{marked}.",
             width=PAGE_WIDTH_PX)
