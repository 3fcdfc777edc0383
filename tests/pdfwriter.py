"""A tiny test-only PDF writer: PDF 1.4, Helvetica text, one content stream per page.

Enough to build real inputs for the tests (multi-page papers, empty pages, 300-page files,
password-protected files, and the hostile inputs of issue 16: zero pages, huge lines, deflate bombs, millions
of text operators, damaged copies) without a PDF library at runtime. Not used by panelqa itself.
"""

from __future__ import annotations

import hashlib
import random
import textwrap
import zlib
from collections.abc import Iterable
from pathlib import Path

__all__ = ["pdf_bytes", "write_pdf", "write_raw_pdf", "text_operators", "one_line", "deflate_bomb", "damaged_copy"]

PAGE_WIDTH = 595  # A4 in points
PAGE_HEIGHT = 842
MARGIN = 72
FONT_SIZE = 11
LEADING = 14
WRAP_CHARS = 85  # Helvetica at 11 pt fits about this many characters in the text width
MAX_LINES = (PAGE_HEIGHT - 2 * MARGIN) // LEADING
GUTTER = 18  # points between two columns

# The 32-byte padding string of the PDF standard security handler (PDF 1.4 reference, algorithm 3.2).
_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
_PERMISSIONS = -44  # print and copy not allowed; any value works for a test file


def write_pdf(path: Path, pages: list[str], *, user_password: str | None = None,
              size: tuple[int, int] = (PAGE_WIDTH, PAGE_HEIGHT), margin: int = MARGIN, columns: int = 1) -> Path:
    """Write pages of plain text (newlines start new lines, long lines wrap) to path; return path.
    size: (width, height) in points, (842, 595) for A4 landscape; margin: points on every side;
    columns: set each page in this many columns, its text's columns separated by "\f" (a column break)."""
    path = Path(path)
    path.write_bytes(pdf_bytes(pages, user_password=user_password, size=size, margin=margin, columns=columns))
    return path


def pdf_bytes(pages: list[str], *, user_password: str | None = None,
              size: tuple[int, int] = (PAGE_WIDTH, PAGE_HEIGHT), margin: int = MARGIN, columns: int = 1) -> bytes:
    """The bytes of a PDF with one page per string; an empty string makes a page with no text."""
    width, height = size
    file_id = hashlib.md5(repr(pages).encode()).digest()
    key = _file_key(user_password.encode("latin-1"), file_id) if user_password is not None else None
    first_page = 4
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(len(pages)))
        + b"] /Count %d >>" % len(pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, text in enumerate(pages):
        page_num = first_page + 2 * i
        content = b"\n".join(_content_stream(part, width, height, margin, columns, k)
                               for k, part in enumerate(text.split("\f")) if part) if text else b""
        if key is not None:
            content = _rc4(_object_key(key, page_num + 1), content)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d]"
                       b" /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
                       % (width, height, page_num + 1))
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    trailer_extra = b""
    if key is not None:
        owner = _owner_entry(user_password.encode("latin-1"))
        user = _rc4(key, _PAD)
        objects.append(b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
                       % (owner.hex().encode(), user.hex().encode(), _PERMISSIONS))
        trailer_extra = b" /Encrypt %d 0 R" % len(objects)

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /ID [<%s> <%s>]%s >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, file_id.hex().encode(), file_id.hex().encode(), trailer_extra, xref_at))
    return bytes(out)


def write_raw_pdf(path: Path, streams: list[Iterable[bytes]], *, compress: bool = False) -> Path:
    """A PDF whose pages have these content streams, each given as parts so a huge one is never held whole;
    compress deflates them, as a "bomb" page would be. Hostile-input tests only."""
    path = Path(path)
    pages = len(streams)
    first_page = 4
    first_length = first_page + 2 * pages  # each stream's /Length is an object written after the stream
    offsets: list[int] = []
    lengths: list[int] = []
    with path.open("wb") as out:
        def obj(number: int, body: bytes) -> None:
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

        out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        obj(1, b"<< /Type /Catalog /Pages 2 0 R >>")
        obj(2, b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(pages))
            + b"] /Count %d >>" % pages)
        obj(3, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        for i, parts in enumerate(streams):
            number = first_page + 2 * i
            obj(number, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >>"
                b" /Contents %d 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT, number + 1))
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n<< /Length %d 0 R%s >>\nstream\n"
                      % (number + 1, first_length + i, b" /Filter /FlateDecode" if compress else b""))
            start = out.tell()
            packer = zlib.compressobj(9) if compress else None
            for part in parts:
                out.write(packer.compress(part) if packer else part)
            if packer:
                out.write(packer.flush())
            lengths.append(out.tell() - start)
            out.write(b"\nendstream\nendobj\n")
        for i, length in enumerate(lengths):
            obj(first_length + i, b"%d" % length)
        xref_at = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
        out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref_at))
    return path


def text_operators(count: int, text: bytes = b"x") -> Iterable[bytes]:
    """A content stream of count text-showing operators, each drawing text a little further on."""
    yield b"BT /F1 4 Tf 10 830 Td "
    row = b"(" + text + b") Tj 3 0 Td "
    for done in range(0, count, 1000):
        yield row * min(1000, count - done)
    yield b"ET"


def one_line(chars: int) -> Iterable[bytes]:
    """A content stream that draws one line of chars characters."""
    yield b"BT /F1 11 Tf 72 770 Td ("
    block = b"panel " * ((1 << 20) // 6 + 1)
    for done in range(0, chars, 1 << 20):
        yield block[: min(1 << 20, chars - done)]
    yield b") Tj ET"


def deflate_bomb(inflated_bytes: int) -> Iterable[bytes]:
    """A content stream of whitespace that deflates about a thousandfold: a "bomb" once compressed."""
    yield b"BT /F1 11 Tf 72 770 Td (Police and Crime Panel) Tj ET\n"
    block = b" " * (1 << 20)
    for done in range(0, inflated_bytes, len(block)):
        yield block[: min(len(block), inflated_bytes - done)]


def damaged_copy(data: bytes, seed: int) -> bytes:
    """A copy with a few random byte runs overwritten, zeroed, repeated or cut off, as a bad download leaves it."""
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        at = rng.randrange(len(out))
        how = rng.choice(("overwrite", "overwrite", "truncate", "repeat", "zero"))
        if how == "overwrite":
            out[at:at + rng.randint(1, 64)] = rng.randbytes(rng.randint(1, 64))
        elif how == "truncate":
            del out[max(16, at):]
        elif how == "repeat":
            out[at:at] = out[at:at + rng.randint(1, 4096)]
        else:
            out[at:at + rng.randint(1, 512)] = bytes(rng.randint(1, 512))
    return bytes(out)


def _content_stream(text: str, width: int = PAGE_WIDTH, height: int = PAGE_HEIGHT, margin: int = MARGIN,
                    columns: int = 1, column: int = 0) -> bytes:
    column_width = (width - 2 * margin - (columns - 1) * GUTTER) / columns
    wrap = int(WRAP_CHARS * column_width / (PAGE_WIDTH - 2 * MARGIN))
    max_lines = (height - 2 * margin) // LEADING
    lines = [wrapped for line in text.split("\n")
             for wrapped in (textwrap.wrap(line, wrap) or [""])] if text else []
    assert len(lines) <= max_lines, f"{len(lines)} lines do not fit on one page (at most {max_lines})"
    if not lines:
        return b""
    left = margin + column * (column_width + GUTTER)
    ops = [b"BT", b"/F1 %d Tf" % FONT_SIZE, b"%d TL" % LEADING, b"%d %d Td" % (left, height - margin)]
    for line in lines:
        ops.append(b"(" + _escape(line) + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


# -- encryption: standard security handler, revision 2 (40-bit RC4) ------------------------------

def _padded(password: bytes) -> bytes:
    return (password + _PAD)[:32]


def _owner_entry(user_password: bytes) -> bytes:
    owner_key = hashlib.md5(_padded(user_password + b"-owner")).digest()[:5]
    return _rc4(owner_key, _padded(user_password))


def _file_key(user_password: bytes, file_id: bytes) -> bytes:
    owner = _owner_entry(user_password)
    permissions = (_PERMISSIONS & 0xFFFFFFFF).to_bytes(4, "little")
    return hashlib.md5(_padded(user_password) + owner + permissions + file_id).digest()[:5]


def _object_key(key: bytes, number: int, generation: int = 0) -> bytes:
    seed = key + number.to_bytes(3, "little") + generation.to_bytes(2, "little")
    return hashlib.md5(seed).digest()[: len(key) + 5]


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)
