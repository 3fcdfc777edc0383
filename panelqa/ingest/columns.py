"""Reading order of a page set in columns, found from the x-positions of its words.

A page's lines (words whose tops agree) run across the whole page, so on a page in two columns each line holds
the ends of two sentences. A gutter is a vertical strip, at least MIN_GUTTER_PT wide, that no word of a run of
lines crosses; each such band of lines is read column by column (left column down, then the right), and lines
that cross the gutter (a title over both columns) are read where they stand. Only bands that look like columns
of prose on both sides are split: a table without ruling lines, a bullet glyph beside its text or a side heading
beside a minute keeps its lines whole, so a row's label stays with its figures.
"""

from __future__ import annotations

from statistics import median

__all__ = ["reading_order", "Piece"]

MIN_GUTTER_PT = 8.0  # the narrowest gutter in corpus-council's two- and three-column pages is about 12 pt;
#                      a justified line's widest word gap is rarely this wide on several lines at one place
GUTTER_SHARE = 0.25  # a strip crossed by at most this share of a region's lines may be a gutter (titles cross it)
MIN_COLUMN_LINES = 3  # a column holds at least this many lines
MIN_COLUMN_WORDS = 3  # median words per line of a column of prose; a figure column or a bullet glyph holds one
MIN_LETTER_SHARE = 0.5  # share of a column's words that hold a letter: a column of figures is a table
MIN_DENSITY = 0.5  # lines x their pitch over the column's height: side headings are sparse beside their text
MAX_WIDTH_RATIO = 2.5  # columns of prose are of like widths; a narrow column of labels or side headings beside
#                        wide text is a table or a margin, read across
MAX_DEPTH = 4  # columns inside columns: a sidebar beside two columns needs two cuts

Word = tuple[str, float, float, float, float]  # text, x0, top, x1, bottom
Piece = tuple[int, int, int]  # line index, first word, word after the last


def reading_order(lines: list[list[Word]]) -> list[Piece] | None:
    """The lines' pieces in reading order, or None when the page is read line by line (one column).

    lines are in top-to-bottom order, each line's words left to right."""
    pieces = [(i, 0, len(words)) for i, words in enumerate(lines) if words]
    ordered = _order(lines, pieces, 0)
    return None if ordered == pieces else ordered


def _order(lines: list[list[Word]], pieces: list[Piece], depth: int) -> list[Piece]:
    if depth >= MAX_DEPTH or len(pieces) < 2 * MIN_COLUMN_LINES:
        return pieces
    for g0, g1 in _gutters(lines, pieces):
        out: list[Piece] = []
        band: list[Piece] = []
        split = False
        for piece in pieces:
            if _crosses(lines, piece, g0, g1):
                split |= _read_band(lines, band, g0, g1, out, depth)
                band = []
                out.append(piece)
            else:
                band.append(piece)
        split |= _read_band(lines, band, g0, g1, out, depth)
        if split:
            return out
    return pieces


def _read_band(lines, band: list[Piece], g0: float, g1: float, out: list[Piece], depth: int) -> bool:
    """Append the band's pieces to out, column by column if both sides are prose; whether it was split."""
    left, right = [], []
    for i, a, b in band:
        words = lines[i]
        cut = a
        while cut < b and words[cut][3] <= g0:
            cut += 1
        if cut > a:
            left.append((i, a, cut))
        if b > cut:
            right.append((i, cut, b))
    if not (_is_column(lines, left) and _is_column(lines, right) and _alike(lines, left, right)):
        out.extend(band)
        return False
    out.extend(_order(lines, left, depth + 1))
    out.extend(_order(lines, right, depth + 1))
    return True


def _crosses(lines, piece: Piece, g0: float, g1: float) -> bool:
    i, a, b = piece
    return any(w[1] < g1 and w[3] > g0 for w in lines[i][a:b])


def _gutters(lines, pieces: list[Piece]) -> list[tuple[float, float]]:
    """Strips at least MIN_GUTTER_PT wide crossed by few of the pieces, with text on both sides; widest first."""
    lo = int(min(lines[i][a][1] for i, a, _ in pieces))
    hi = int(max(lines[i][b - 1][3] for i, _, b in pieces)) + 2
    delta = [0] * (hi - lo + 1)
    for i, a, b in pieces:
        for w in lines[i][a:b]:
            delta[int(w[1]) - lo] += 1
            delta[int(w[3]) + 1 - lo] -= 1
    cover, covered = [], 0
    for d in delta:
        covered += d
        cover.append(covered)
    limit = GUTTER_SHARE * len(pieces)
    runs = []
    for start, end in _runs(cover, lambda c: c <= limit):
        if start == 0 or end == len(cover):
            continue  # beyond the text, not between it
        least = min(cover[start:end])  # the gutter proper: a ragged column edge beside it is crossed more
        for a, b in _runs(cover[start:end], lambda c, m=least: c <= m):
            if b - a >= MIN_GUTTER_PT:
                runs.append((lo + start + a, lo + start + b - 1))
    return sorted(runs, key=lambda r: r[0] - r[1])


def _runs(values: list[int], keep) -> list[tuple[int, int]]:
    """(start, end) of each maximal run of values that keep accepts."""
    out, start = [], None
    for x, v in enumerate(values):
        if keep(v):
            start = x if start is None else start
        elif start is not None:
            out.append((start, x))
            start = None
    if start is not None:
        out.append((start, len(values)))
    return out


def _alike(lines, left: list[Piece], right: list[Piece]) -> bool:
    widths = [max(lines[i][b - 1][3] for i, _, b in side) - min(lines[i][a][1] for i, a, _ in side)
              for side in (left, right)]
    return max(widths) <= MAX_WIDTH_RATIO * min(widths)


def _is_column(lines, side: list[Piece]) -> bool:
    if len(side) < MIN_COLUMN_LINES:
        return False
    words = [w for i, a, b in side for w in lines[i][a:b]]
    if sum(1 for w in words if any(c.isalpha() for c in w[0])) < MIN_LETTER_SHARE * len(words):
        return False
    if median(b - a for _, a, b in side) < MIN_COLUMN_WORDS:
        return False
    tops = sorted(lines[i][a][2] for i, a, _ in side)
    pitch = median(t1 - t0 for t0, t1 in zip(tops, tops[1:], strict=False))
    height = tops[-1] - tops[0] + pitch
    return pitch > 0 and len(side) * pitch >= MIN_DENSITY * height
