"""The installed shape: one top-level package, and the CLI and app reach the internals only through the facade."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_one_top_level_package_is_installed():
    dist = metadata.distribution("panelqa")
    assert (dist.read_text("top_level.txt") or "").split() == ["panelqa"]
    assert [ep.value for ep in dist.entry_points if ep.group == "console_scripts"] == ["panelqa.cli:main"]


def test_facade_names_resolve():
    import panelqa

    for name in panelqa.__all__:
        assert getattr(panelqa, name) is not None, name
