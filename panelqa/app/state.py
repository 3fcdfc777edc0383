"""Filter values that outlive a visit to another page: Streamlit drops a widget's value when its page is not
shown, so each change is copied under a plain key and put back before the widget is drawn again."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

__all__ = ["kept"]


def _remember(key: str) -> None:
    st.session_state[f"_{key}"] = st.session_state[key]


def kept(key: str, default, options: Sequence | None = None) -> dict:
    """The widget arguments (key, on_change) that keep its value; a kept choice no longer offered is dropped."""
    value = st.session_state.get(f"_{key}", default)
    if options is not None:
        if isinstance(value, list):
            value = [v for v in value if v in options]
        elif value not in options:
            value = default
    st.session_state[key] = value
    return {"key": key, "on_change": _remember, "args": (key,)}
