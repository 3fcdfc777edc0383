"""Where each agenda item starts in a reports pack or a set of printed minutes.

A modern.gov "Public reports pack" is one PDF: the agenda frontsheet ("7. Police and Crime Plan progress
(Pages 41 - 60)") followed by every item's report, whose first page is stamped "Agenda Item 7" and every page
"Page 47" in the pack's own numbering. Printed minutes number their items in headings ("23. Apologies for
Absence", "PCP 1/21" over "APPOINTMENT OF CHAIR", "358." over "Welcome and Introductions"). Each chunk then
carries its item, so a citation names it and a search can be narrowed to it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import median

from panelqa.ingest.records import Block, Document, Page
from panelqa.text.dates import MONTH_NAMES
from panelqa.text.stopwords import STOP_WORDS

__all__ = ["AgendaItem", "find_items", "item_at", "is_stamp", "is_item_number", "same_item", "names_item"]

FRONTSHEET_MAX_PAGES = 8  # an agenda frontsheet is 1-4 pages; entries are looked for on the pages before the
#                           first stamped item, at most this many
STAMP_SHARE = 0.25  # an "Agenda Item 7" stamp sits in the top quarter of its page
PAGE_STAMP_SHARE = 0.15  # a "Page 47" stamp sits in the top or bottom 15% of its page
SEGMENT_GAP = 30.0  # points: words further apart on one line are separate pieces (a stamp beside a heading)
TITLE_MAX_WORDS = 14
MAX_PACK_OFFSET = 10  # frontsheet pages not counted in the pack's numbering, at most
MIN_MINUTE_ITEMS = 2
SHORT_HEADING_WORDS = 10  # a numbered line this short, ending well before the margin, heads a minute
SHORT_HEADING_SHARE = 0.6  # of the page's width
MAX_ITEM_STEP = 20  # item numbers of one meeting's minutes rise by at most this much from one to the next

_NUMBER = r"\d{1,3}[A-Za-z]?(?:\.\d{1,2})?"
_STAMP = re.compile(rf"(?:Agenda\s+)?Item\s*(?:No\.?)?\s*:?\s*({_NUMBER})", re.I)
_PAGE_STAMP = re.compile(r"Page\s+(\d{1,4})", re.I)
_PACK_LINE = re.compile(r"^\s*Public\s+(?:Document|Reports?)\s+Pack\s*$", re.I)
_PAGE_REF = re.compile(r"\(?\s*(?:Pages?\s*)?(\d{1,4})\s*(?:(?:-|–|to)\s*(\d{1,4}))?\s*\)?\s*$", re.I)
_PAGES_WORD_REF = re.compile(r"\(\s*Pages?\s*(\d{1,4})\s*(?:(?:-|–|to)\s*(\d{1,4}))?\s*\)", re.I)
_ENTRY = re.compile(r"^\s*(?:\d{1,2}[.:]\d{2}\s*[ap]\.?m\.?\s+)?(\d{1,2}[A-Za-z]?)[.)]?\s+(\S.*)$", re.I)
_SUB_ENTRY = re.compile(r"^\s*\(?([a-h])\)\s+(\S.*)$")
_MINUTE_NUMBER = r"(?:[A-Z]{2,5}\s*)?(?:\d{2}\.\d{2}\.)?(\d{1,4})(?:/\d{2,4})?([A-Za-z])?"  # 358, PCP 1/21, 18.03.5
_MINUTE_ALONE = re.compile(rf"^\s*{_MINUTE_NUMBER}\s*[.)]?\s*$")
_MINUTE_INLINE = re.compile(rf"^\s*{_MINUTE_NUMBER}[.)]?\s+(\S.*)$")
_DATE_REST = re.compile(rf"^(?:st|nd|rd|th)?\s*{MONTH_NAMES}\b", re.I)  # "3 February 2021" is a date
_ITEM_WORDS = frozenset({"agenda", "item", "items", "report", "reports", "paper", "papers"})  # name no item's subject
_TITLE_TAIL = re.compile(r"\s*(?:pdf icon\s*)?PDF\s+\d+\s*[KM]B\s*$|[\s.:;,-]+$", re.I)


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One item of a meeting: where it starts in the PDF and how the paper names it."""

    number: str  # "7", "5b", "161", as the paper writes it
    title: str  # "Police and Crime Plan progress"; "" when the paper gives none
    page: int  # 1-based PDF page where the item starts
    top: float  # where on that page, in points from the top (0: the whole page)
    source: str  # "frontsheet and 'Agenda Item 7' stamp, p. 41", "minute heading, p. 2", "document"


def find_items(doc: Document, pages: list[Page]) -> tuple[AgendaItem, ...]:
    """The items of a pack (frontsheet and stamps) or of minutes (numbered headings), in page order; a paper
    that is one item (a standalone item report) is that item throughout; () when none is found."""
    items = _pack_items(pages)
    if not items and _looks_like_minutes(doc):
        items = _minute_items(pages)
    if not items and doc.agenda_item:
        title = doc.title.value if doc.title else ""
        items = (AgendaItem(doc.agenda_item.value, title, 1, 0.0, f"document ({doc.agenda_item.source})"),)
    return items


def item_at(items: tuple[AgendaItem, ...], page: int, top: float) -> AgendaItem | None:
    """The item a line at (page, top) belongs to: the last one starting at or before it."""
    found = None
    for item in items:
        if (item.page, item.top) <= (page, top + 0.5):
            found = item
        else:
            break
    return found


def same_item(a: str, b: str) -> bool:
    """ "7", "7.", "07" and "Item 7" name one item; "7a" and "7" do not."""
    return _norm(a) == _norm(b)


def names_item(wanted: str, number: str, title: str | None) -> bool:
    """Whether "7", "item 7" or title words ("precept", "police and crime plan") name this item: a number must
    be the item's; every other word must stand in its title (plurals alike)."""
    if re.fullmatch(r"\s*(?:agenda\s+)?(?:item\s*)?[A-Z]{0,5}\s*[\d./]+[A-Za-z]?\s*", wanted, re.I):
        return same_item(wanted, number)
    words = [_singular(w) for w in re.findall(r"[a-z0-9]+", wanted.lower())
             if len(w) > 1 and w not in STOP_WORDS and w not in _ITEM_WORDS]
    have = {_singular(w) for w in re.findall(r"[a-z0-9]+", (title or "").lower())}
    return bool(words) and all(w in have for w in words)


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def is_item_number(text: str) -> bool:
    """A line that is only a minute's number: "358.", "PCP 1/21", "8/22"."""
    return _MINUTE_ALONE.match(text) is not None


def is_stamp(block: Block) -> bool:
    """A line that is pack furniture, not content: "Agenda Item 7", "Page 47", "Public Document Pack"."""
    if block.kind != "line" or len(block.text) > 30:
        return False
    text = block.text.strip()
    return bool(_STAMP.fullmatch(text) and text.lower().startswith("agenda")
                or _PAGE_STAMP.fullmatch(text) or _PACK_LINE.match(text))


# -- reports packs -------------------------------------------------------------------------------


def _pack_items(pages: list[Page]) -> tuple[AgendaItem, ...]:
    stamps = {page.page: number for page in pages if (number := _item_stamp(page))}
    first_stamp = min(stamps) if stamps else None
    front = [p for p in pages[:FRONTSHEET_MAX_PAGES] if first_stamp is None or p.page < first_stamp]
    entries = _frontsheet_entries(front)
    offset = _pack_offset(pages, entries, stamps)
    titles = {_norm(number): title for number, title, _ in entries}
    starts: dict[int, tuple[str, str, str]] = {}  # pdf page -> (number, title, source)
    if offset is not None:
        for number, title, first in entries:
            page = first + offset if first is not None else None
            if page is not None and (first_stamp is None or page >= first_stamp or page > front[-1].page) \
                    and 1 <= page <= len(pages) and page not in starts:
                starts[page] = (number, title, f"frontsheet, p. {page}")
    for page, number in stamps.items():
        title = titles.get(_norm(number)) or _first_heading(pages[page - 1])
        starts[page] = (number, title, f"'Agenda Item {number}' stamp, p. {page}")
    if not stamps and len(starts) < 2:
        return ()  # an agenda whose page references point into no reports: not a pack
    return tuple(AgendaItem(number, title, page, 0.0, source)
                 for page, (number, title, source) in sorted(starts.items()))


def _segments(page: Page) -> list[tuple[float, str]]:
    """The page's words as pieces of lines (top, text): a line is cut where its words are far apart."""
    rows: dict[int, list[tuple[str, float, float, float, float]]] = {}
    for word in page.words:
        rows.setdefault(round(word[2] / 3), []).append(word)
    out = []
    for _, words in sorted(rows.items()):
        words.sort(key=lambda w: w[1])
        piece = [words[0]]
        for word in words[1:]:
            if word[1] - piece[-1][3] > SEGMENT_GAP:
                out.append((piece[0][2], " ".join(w[0] for w in piece)))
                piece = []
            piece.append(word)
        out.append((piece[0][2], " ".join(w[0] for w in piece)))
    return out


def _item_stamp(page: Page) -> str | None:
    for top, text in _segments(page):
        if top <= page.height * STAMP_SHARE and (m := _STAMP.fullmatch(text.strip())) \
                and text.strip().lower().startswith("agenda"):
            return m.group(1)
    return None


def _page_stamp(page: Page) -> int | None:
    for top, text in _segments(page):
        near_edge = top <= page.height * PAGE_STAMP_SHARE or top >= page.height * (1 - PAGE_STAMP_SHARE)
        if near_edge and (m := _PAGE_STAMP.fullmatch(text.strip())):
            return int(m.group(1))
    return None


def _frontsheet_entries(front: list[Page]) -> list[tuple[str, str, int | None]]:
    """(number, title, first pack page or None) of the agenda's numbered entries, numbers rising."""
    lines = [b for p in front for b in p.blocks if b.kind == "line" and not is_stamp(b)]
    entries: list[tuple[str, str, int | None]] = []
    last = 0
    i = 0
    while i < len(lines):
        text = lines[i].text
        sub = _SUB_ENTRY.match(text) if entries else None
        m = _ENTRY.match(text)
        if m and _lead(m.group(1)) in (last + 1, last + 2) and not _PAGE_REF.fullmatch(text):
            number, rest = m.group(1), m.group(2)
            last = _lead(number)
        elif sub:
            number, rest = f"{_lead(entries[-1][0])}{sub.group(1)}", sub.group(2)
        else:
            i += 1
            continue
        title, first = _split_ref(rest)
        j = i + 1
        while first is None and j < len(lines) and j <= i + 4:  # the page reference may follow the description
            nxt = lines[j].text
            if _ENTRY.match(nxt) and _lead(_ENTRY.match(nxt).group(1)) == last + 1 or _SUB_ENTRY.match(nxt):
                break
            if (ref := _PAGES_WORD_REF.search(nxt)) or (ref := _PAGE_REF.fullmatch(nxt.strip())):
                first = int(ref.group(1))
            j += 1
        entries.append((number, _clean_title(title), first))
        i += 1
    return entries if len([e for e in entries if e[0].isdigit()]) >= 3 else []


def _split_ref(text: str) -> tuple[str, int | None]:
    """ "Minutes (Pages 3 - 14)" -> ("Minutes", 3); "Forward Work Programme. 27 - 28" -> (..., 27)."""
    if m := _PAGES_WORD_REF.search(text):
        return text[:m.start()] + text[m.end():], int(m.group(1))
    if (m := re.search(r"\s(\d{1,4})\s*(?:-|–)\s*(\d{1,4})\s*$", text)) and int(m.group(2)) >= int(m.group(1)):
        return text[:m.start()], int(m.group(1))
    return text, None


def _pack_offset(pages: list[Page], entries, stamps: dict[int, str]) -> int | None:
    """PDF page minus pack page: from the "Page N" stamps, else a stamped item the frontsheet places, else the
    last item ending on the last page."""
    seen = Counter(page.page - n for page in pages if (n := _page_stamp(page)) is not None)
    if seen:
        return seen.most_common(1)[0][0]
    firsts = {_norm(number): first for number, _, first in entries if first is not None}
    for page, number in sorted(stamps.items()):
        if _norm(number) in firsts:
            return page - firsts[_norm(number)]
    if firsts:
        offset = len(pages) - _last_page_referenced(pages, entries)
        return offset if 0 <= offset <= MAX_PACK_OFFSET else None
    return None


def _last_page_referenced(pages: list[Page], entries) -> int:
    last = 0
    for page in pages[:FRONTSHEET_MAX_PAGES]:
        for b in page.blocks:
            for m in re.finditer(r"(\d{1,4})\s*(?:-|–|to)\s*(\d{1,4})\s*\)?\s*$", b.text):
                last = max(last, int(m.group(2)))
    return last or max(first for _, _, first in entries if first is not None)


def _first_heading(page: Page) -> str:
    """A stamped report's own title: the largest line near the top of its first page."""
    lines = [b for b in page.blocks[:12] if b.kind == "line" and not is_stamp(b) and len(b.text.split()) >= 2]
    if not lines:
        return ""
    biggest = max(b.size for b in lines)
    best = next(b for b in lines if b.size >= biggest)
    return _clean_title(best.text)


# -- printed minutes -----------------------------------------------------------------------------


def _looks_like_minutes(doc: Document) -> bool:
    return doc.doc_type is not None and doc.doc_type.value in ("minutes", "agenda")


def _minute_items(pages: list[Page]) -> tuple[AgendaItem, ...]:
    """Numbered item headings, their numbers rising: "23. APOLOGIES", "PCP 1/21" over "APPOINTMENT OF CHAIR"."""
    lines = [(p, b) for p in pages for b in p.blocks if b.kind == "line"]
    sizes = [b.size for _, b in lines if b.size]
    body = median(sizes) if sizes else 0.0
    candidates: list[tuple[tuple[int, str], AgendaItem]] = []
    for i, (page, block) in enumerate(lines):
        text = block.text.strip()
        number = title = None
        if (m := _MINUTE_ALONE.match(text)) and i + 1 < len(lines):
            nxt_page, nxt = lines[i + 1]
            if nxt_page.page == page.page and not _MINUTE_ALONE.match(nxt.text) and nxt.text[:1].isupper():
                number, suffix, title = m.group(1), m.group(2) or "", nxt.text
        elif (m := _MINUTE_INLINE.match(text)) and len(text.split()) <= 20 and (
                _stands_out(block, body) or _short_heading(block, page)):
            number, suffix, title = m.group(1), m.group(2) or "", m.group(3)
        if number is None or _DATE_REST.match(title):
            continue
        item = AgendaItem(_display_number(text, number, suffix), _clean_title(title), page.page, block.box[1],
                          f"minute heading, p. {page.page}")
        candidates.append(((int(number), suffix.lower()), item))
    found = _rising(candidates)
    return tuple(found) if len(found) >= MIN_MINUTE_ITEMS else ()


def _rising(candidates: list[tuple[tuple[int, str], AgendaItem]]) -> list[AgendaItem]:
    """The longest run of candidates whose numbers rise in small steps: a stray "3 February 2021" or a numbered
    paragraph that looks like a heading is left out."""
    best: list[int] = []  # best[i]: length of the longest chain ending at candidate i
    back: list[int] = []
    for i, (key, _) in enumerate(candidates):
        best.append(1)
        back.append(-1)
        for j in range(i):
            prev = candidates[j][0]
            if prev < key and key[0] - prev[0] <= MAX_ITEM_STEP and best[j] + 1 > best[i]:
                best[i], back[i] = best[j] + 1, j
    if not best:
        return []
    i = max(range(len(best)), key=lambda n: (best[n], -n))
    chain = []
    while i >= 0:
        chain.append(candidates[i][1])
        i = back[i]
    return chain[::-1]


def _display_number(text: str, number: str, suffix: str) -> str:
    """How the minutes number the item: "7A", "358", "PCP 1/21"."""
    m = re.match(rf"^\s*({_MINUTE_NUMBER})", text)
    return m.group(1).strip() if m else f"{number}{suffix}"


def _short_heading(block: Block, page: Page) -> bool:
    """ "19.05.07 Data Protection Policy" in body type: a few words on a line of their own, no sentence."""
    text = block.text.rstrip()
    return len(text.split()) <= SHORT_HEADING_WORDS and block.box[2] < SHORT_HEADING_SHARE * page.width \
        and not text.endswith((".", ",", ";", ":"))


def _stands_out(block: Block, body: float) -> bool:
    letters = [c for c in block.text if c.isalpha()]
    caps = len(letters) > 3 and sum(c.isupper() for c in letters) > 0.8 * len(letters)
    return block.bold or caps or block.size >= body + 0.5


# -- shared --------------------------------------------------------------------------------------


def _lead(number: str) -> int:
    m = re.match(r"\d+", number)
    return int(m.group(0)) if m else -1


def _norm(number: str) -> str:
    text = re.sub(r"^(?:agenda\s+)?item\s*", "", number.strip().lower()).rstrip(". ")
    return re.sub(r"^0+(?=\d)", "", text)


def _clean_title(text: str) -> str:
    text = _TITLE_TAIL.sub("", " ".join(text.split()))
    text = _TITLE_TAIL.sub("", text)
    words = text.split()
    return " ".join(words[:TITLE_MAX_WORDS]) + (" ..." if len(words) > TITLE_MAX_WORDS else "")
