"""Search: parse query -> retrieve (dense, keyword, fuzzy) -> fuse -> answer."""

from panelqa.search.api import answer, ask, search

__all__ = ["answer", "ask", "search"]
