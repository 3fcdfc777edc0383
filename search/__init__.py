"""Search: parse query -> retrieve (dense, keyword, fuzzy) -> fuse -> answer."""

from .api import answer, ask, search

__all__ = ["answer", "ask", "search"]
