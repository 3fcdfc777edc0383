"""What the app loads once per process (the model) and what it reopens only when the index changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from panelqa import api
from panelqa.errors import NoIndex, PanelqaError
from panelqa.settings import Settings

if TYPE_CHECKING:
    from panelqa import SearchIndex

__all__ = ["settings", "embedder", "current_index", "index_or_guidance", "NO_PAPERS", "IndexState"]

NO_PAPERS = ("No papers are indexed yet: add PDFs on the Papers page, "
             "or run \"panelqa ingest corpus/\" in a terminal and reload this page.")


def settings() -> Settings:
    return Settings.resolve()


@st.cache_resource(show_spinner="Loading the language model (once per server)...")
def embedder(model: str):
    """The sentence model, shared by every session of this server process (it embeds a question on one thread)."""
    return api.load_embedder(model)


@dataclass(frozen=True, slots=True)
class IndexState:
    """An opened index, or the one sentence that says why there is none."""

    index: SearchIndex | None
    message: str = ""


def current_index(config: Settings | None = None) -> IndexState:
    """The index for this process; open_index keeps it open and reopens it when the files on disk change."""
    config = config or settings()
    try:
        index = api.open_index(config.index_dir, config.model)
    except NoIndex:
        return IndexState(None, NO_PAPERS)
    except PanelqaError as exc:
        return IndexState(None, str(exc))
    if not index.documents:
        return IndexState(None, NO_PAPERS)
    embedder(config.model)  # the model is loaded once per process (the index reuses it), with a spinner
    _ = index.faiss  # build or load the vectors now, not during the first question
    return IndexState(index)


def index_or_guidance() -> SearchIndex | None:
    """The index for a page, or None once the page shows the one sentence that says why there is none."""
    state = current_index()
    if state.index is None:
        from panelqa.app.cards import plain

        st.info(plain(state.message))
    return state.index
