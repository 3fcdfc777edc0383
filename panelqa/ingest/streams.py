"""How many bytes each page's content and images decompress to, counted without holding them: the guard
against a "bomb" page (a few kilobytes that inflate to gigabytes), checked before PDFium loads the page.

Two steps, so that a real paper pays almost nothing. First the file's bytes are scanned for deflated streams
that could inflate past the limit at all (deflate inflates at most about 1,032-fold, so a stream shorter than
limit / 1,032 cannot) and only those are inflated, in bounded pieces, and counted. Only when one of them does
go past the limit are the pages walked with pdfminer (pdfplumber's parser; about 20 ms a file, too slow to do
for every file) to find the pages that use it: each page's content streams counted the same way and its
images by declared size (width x height x components x bits, what decoding one for a render allocates).
A file pdfminer cannot walk is left to the reader and its memory limit.
"""

from __future__ import annotations

import math
import mmap
import re
import zlib
from pathlib import Path

__all__ = ["oversized_pages", "may_hold_a_bomb"]

MAX_DEFLATE_RATIO = 1032  # zlib's ceiling on inflated / deflated bytes
IMAGE_SIZE = {key: re.compile(rb"/" + key + rb"\s+(\d+)(?!\s+\d+\s+R)")  # a direct number, not "12 0 R"
              for key in (b"Width", b"Height", b"BitsPerComponent")}
DICT_LOOKBACK = 2048  # bytes before a stream searched for its dictionary's /FlateDecode

PIECE = 1 << 20  # bytes inflated at a time: the most this check holds of a stream
MAX_FORM_DEPTH = 6  # form XObjects nested deeper than this are not followed (a loop guard besides `seen`)
COMPONENTS = {"DeviceGray": 1, "CalGray": 1, "DeviceRGB": 3, "CalRGB": 3, "Lab": 3, "DeviceCMYK": 4}


def may_hold_a_bomb(path: Path, limit_bytes: int) -> bool:
    """Whether any deflated stream of the file inflates to more than limit_bytes (the fast first step)."""
    with open(path, "rb") as handle:
        if handle.seek(0, 2) == 0:
            return False
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            shortest = limit_bytes // MAX_DEFLATE_RATIO
            for keyword in _stream_keywords(data):
                start = keyword + 6 + (2 if data[keyword + 6:keyword + 8] == b"\r\n" else 1)
                end = data.find(b"endstream", start)
                end = len(data) if end < 0 else end
                if end - start <= shortest:
                    continue
                head = data[max(0, keyword - DICT_LOOKBACK):keyword]
                own = head[head.rfind(b"obj") + 1:]  # this stream's own dictionary
                if b"/Fl" not in own:  # not /FlateDecode (or /Fl)
                    continue
                declared = _declared_image_bytes(own)
                if declared is not None:  # an image says what it decodes to: no need to inflate it
                    if declared > limit_bytes:
                        return True
                    continue
                if _count_inflated(data[start:end], limit_bytes) > limit_bytes:
                    return True
    return False


def _stream_keywords(data):
    """Offsets of each "stream" keyword that starts a stream's data (not the one in "endstream")."""
    at = data.find(b"stream")
    while at >= 0:
        if data[max(0, at - 3):at] != b"end" and data[at + 6:at + 7] in (b"\r", b"\n"):
            yield at
        at = data.find(b"stream", at + 6)


def _declared_image_bytes(own: bytes) -> int | None:
    """An image's decoded size from its dictionary when written there directly; None when it is not an image or
    its sizes are indirect (then the stream is inflated and counted instead)."""
    if b"/Image" not in own:
        return None
    sizes = [IMAGE_SIZE[key].search(own) for key in (b"Width", b"Height", b"BitsPerComponent")]
    if sizes[0] is None or sizes[1] is None:
        return None
    width, height = int(sizes[0].group(1)), int(sizes[1].group(1))
    bits = int(sizes[2].group(1)) if sizes[2] else 8
    space = re.search(rb"/ColorSpace\s*/(\w+)", own)
    components = COMPONENTS.get(space.group(1).decode("ascii"), 3) if space else 3
    return math.ceil(width * components * bits / 8) * height


def oversized_pages(path: Path, limit_bytes: int, max_pages: int | None = None) -> dict[int, int]:
    """Page number -> bytes counted (more than limit_bytes) for each page over the limit; {} when none is."""
    if not may_hold_a_bomb(path, limit_bytes):
        return {}
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    over: dict[int, int] = {}
    try:
        with open(path, "rb") as handle:
            document = PDFDocument(PDFParser(handle))
            for number, page in enumerate(PDFPage.create_pages(document), 1):
                if max_pages is not None and number > max_pages:
                    break
                counted = _page_bytes(page, limit_bytes)
                if counted > limit_bytes:
                    over[number] = counted
    except Exception:  # noqa: BLE001  pdfminer raises many kinds on damaged files; PDFium's reading decides those
        return over
    return over


def _page_bytes(page, budget: int) -> int:
    from pdfminer.pdftypes import resolve1

    total = 0
    for stream in _streams(page.contents):
        total += _inflated(stream, budget - total)
        if total > budget:
            return total
    return total + _xobject_bytes(resolve1(page.resources), budget - total, set(), 0)


def _xobject_bytes(resources, budget: int, seen: set[int], depth: int) -> int:
    """Images by declared size, form XObjects by their own content and resources."""
    from pdfminer.pdftypes import PDFStream, resolve1

    if not isinstance(resources, dict) or depth > MAX_FORM_DEPTH:
        return 0
    xobjects = resolve1(resources.get("XObject"))
    total = 0
    for ref in (xobjects.values() if isinstance(xobjects, dict) else ()):
        if id(ref) in seen:
            continue
        seen.add(id(ref))
        obj = resolve1(ref)
        if not isinstance(obj, PDFStream):
            continue
        subtype = _name(obj.attrs.get("Subtype"))
        if subtype == "Image":
            total += _image_bytes(obj.attrs)
        elif subtype == "Form":
            total += _inflated(obj, budget - total)
            if total <= budget:
                total += _xobject_bytes(resolve1(obj.attrs.get("Resources")), budget - total, seen, depth + 1)
        if total > budget:
            return total
    return total


def _image_bytes(attrs: dict) -> int:
    from pdfminer.pdftypes import resolve1

    width, height = resolve1(attrs.get("Width", 0)), resolve1(attrs.get("Height", 0))
    if not isinstance(width, int) or not isinstance(height, int):
        return 0
    if resolve1(attrs.get("ImageMask")):
        return math.ceil(width / 8) * height
    bits = resolve1(attrs.get("BitsPerComponent", 8))
    space = resolve1(attrs.get("ColorSpace"))
    name = _name(space[0] if isinstance(space, list) and space else space)
    components = COMPONENTS.get(name, 3)  # ICC, indexed and others: counted as colour, the common case
    return math.ceil(width * components * (bits if isinstance(bits, int) else 8) / 8) * max(height, 0)


def _inflated(stream, budget: int) -> int:
    """Bytes a stream decodes to, counted piece by piece up to just past budget; raw length if not deflated."""
    from pdfminer.pdftypes import resolve1

    raw = stream.rawdata if stream.rawdata is not None else stream.data or b""
    filters = resolve1(stream.attrs.get("Filter") or stream.attrs.get("F"))
    first = filters[0] if isinstance(filters, list) and filters else filters
    if _name(first) not in ("FlateDecode", "Fl"):
        return len(raw)
    return _count_inflated(raw, budget)


def _count_inflated(raw: bytes, budget: int) -> int:
    inflater, total, data = zlib.decompressobj(), 0, raw
    try:
        while data and total <= budget and not inflater.eof:
            piece = inflater.decompress(data, PIECE)
            if not piece and len(inflater.unconsumed_tail) == len(data):
                break  # no progress: not deflate data after all
            total += len(piece)
            data = inflater.unconsumed_tail
    except zlib.error:  # a damaged stream: what inflated so far is what a reader would get
        return total
    return total


def _streams(contents) -> list:
    from pdfminer.pdftypes import PDFStream, resolve1

    items = resolve1(contents)
    items = items if isinstance(items, list) else [items]
    return [s for s in (resolve1(i) for i in items) if isinstance(s, PDFStream)]


def _name(value) -> str:
    """A PDF name as text: pdfminer gives PSLiteral objects (with .name) or, when resolved oddly, strings."""
    from pdfminer.pdftypes import resolve1

    value = resolve1(value)
    return getattr(value, "name", value) if isinstance(getattr(value, "name", value), str) else ""
