"""Which page a piece of a chunk's text stands on, and how a chunk's text splits into statements.

A chunk may run over a page break; its `boxes` name the page of each line, and the page's blocks
give each line's text, so a sentence is found in the chunk's own lines rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from panelqa.ingest.records import Chunk, Page

__all__ = ["ChunkLines", "split_units"]

_SPACE = re.compile(r"\s+")


def split_units(text: str, table: bool = False) -> list[str]:
    """A chunk's paragraphs, bullets and items: the chunker joins them with newlines.

    A table chunk's units are its rows: a row ends with "." and its wrapped cells are joined.
    """
    if table:
        return [_SPACE.sub(" ", row).strip() for row in re.split(r"(?<=\.)\n", text) if row.strip()]
    return [u.strip() for u in text.split("\n") if u.strip()]


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\u00ad", "")).strip().lower()


class ChunkLines:
    """A chunk's lines with their pages, joined into one searchable string."""

    def __init__(self, chunk: Chunk, pages: Sequence[Page]):
        self.chunk = chunk
        by_box = {(p.page, *b.box): b.text for p in pages for b in p.blocks}
        parts: list[str] = []
        self.starts: list[tuple[int, int]] = []  # (offset in joined text, page)
        offset = 0
        for page, *box in chunk.boxes:
            text = _norm(by_box.get((page, *box), ""))
            if not text:
                continue
            self.starts.append((offset, page))
            parts.append(text)
            offset += len(text) + 1
        self.joined = " ".join(parts)

    def page_at(self, offset: int) -> int:
        page = self.chunk.page_start
        for start, p in self.starts:
            if start > offset:
                break
            page = p
        return page

    def page_of(self, offset: int) -> int:
        """The page of the character at `offset` in the chunk's text; the chunk's first page if not found.

        A window of text around the offset is found in the page lines, counting earlier repeats of the
        same window, so the second "£88,338" in a chunk is placed on the page of the second one.
        """
        if self.chunk.page_start == self.chunk.page_end or not self.starts:
            return self.chunk.page_start
        text = _norm(self.chunk.text)
        at = len(_norm(self.chunk.text[:offset] + "x")) - 1  # the offset in the normalised text
        for before, after in ((40, 20), (20, 10), (0, 12)):
            a = max(0, at - before)
            window = text[a:at + after]
            if len(window) < 6:
                continue
            repeats, found = 0, text.find(window)
            while 0 <= found < a:
                repeats += 1
                found = text.find(window, found + 1)
            hit = -1
            for _ in range(repeats + 1):
                hit = self.joined.find(window, hit + 1)
                if hit < 0:
                    break
            if hit >= 0:
                return self.page_at(hit + (at - a))
        return self.chunk.page_start
