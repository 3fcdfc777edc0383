"""Matters over time: every paper where a matter came up, oldest first, with the sentences that mention it,
and the commitments made about it with their possible follow-ups.

Candidates come from the search layer (meaning, keywords, fuzzy names), so "Buddi tags" finds "Buddi-tags"
and "electronic tagging of offenders"; a sentence is a mention when it names the matter's words (or close
spellings of them) or, failing that, says the same thing by meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from panelqa.ingest.publisher import publisher_url
from panelqa.reports.commitments import CommitmentView, with_follow_ups
from panelqa.search.api import retrieve_passages
from panelqa.search.index import SearchIndex, doc_matches
from panelqa.search.query import parse_query
from panelqa.search.records import Filters, Passage
from panelqa.search.stem import stems_of
from panelqa.search.terms import content_terms
from panelqa.text.dates import financial_year_range
from panelqa.text.sentences import sentences_of

__all__ = ["Mention", "TimelineEntry", "Timeline", "build_timeline"]

CANDIDATE_PASSAGES = 60  # passages searched for mentions; a matter raised at every meeting of a decade fits
MIN_SENTENCE_COSINE = 0.6  # a sentence that shares few of the matter's words must say the same by meaning
NAME_SIMILARITY = 85  # rapidfuzz partial_ratio for a spelling of the matter ("Buddi-tags", "Buddy tags")
MAX_MENTIONS_PER_PASSAGE = 3


@dataclass(frozen=True, slots=True)
class Mention:
    """One sentence of a paper that mentions the matter, with its citation."""

    page: int
    sentence: str
    chunk_id: str
    how: str  # "words" | "meaning": why this sentence counts as a mention


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One paper (one meeting) where the matter came up."""

    date: str | None  # the meeting date (ISO), or None
    financial_year: str | None  # when undated: the financial year the paper covers
    doc_id: str
    title: str
    file_name: str
    doc_type: str | None
    body: str | None
    link: str  # the publisher's URL, else the file as ingested
    mentions: tuple[Mention, ...]


@dataclass(frozen=True, slots=True)
class Timeline:
    matter: str
    entries: tuple[TimelineEntry, ...]  # oldest first; undated papers by their financial year, then last
    commitments: tuple[CommitmentView, ...]  # commitments about the matter, each with possible follow-ups

    @property
    def mention_count(self) -> int:
        return sum(len(e.mentions) for e in self.entries)

    @property
    def summary(self) -> str:
        """ "2 papers, 3 mentions, oldest first." """
        papers, mentions = len(self.entries), self.mention_count
        return (f"{papers} paper{'s' * (papers != 1)}, {mentions} mention{'s' * (mentions != 1)}, "
                "oldest first.")

    def to_dict(self) -> dict:
        return {"matter": self.matter,
                "entries": [{"date": e.date, "financial_year": e.financial_year, "title": e.title,
                             "file_name": e.file_name, "doc_type": e.doc_type, "body": e.body, "link": e.link,
                             "mentions": [{"page": m.page, "sentence": m.sentence, "how": m.how}
                                          for m in e.mentions]} for e in self.entries],
                "commitments": [c.to_dict() for c in self.commitments]}


def build_timeline(index: SearchIndex, matter: str, since: date | None = None, until: date | None = None,
                   body: str | None = None) -> Timeline:
    """The matter's history in the indexed papers, oldest first."""
    filters = Filters(since=since, until=until, bodies=(body,) if body else ())
    query = parse_query(matter, filters, index.bodies)
    passages = [p for p in retrieve_passages(index, query, CANDIDATE_PASSAGES) if not p.outside_filter]
    stems = set(stems_of(" ".join(content_terms(matter))))
    by_doc: dict[str, list[Mention]] = {}
    unnamed: list[tuple[Passage, str]] = []
    for passage in passages:
        named = [s for s in sentences_of(passage.text, min_words=3) if _names(s, matter, stems)]
        if named:
            by_doc.setdefault(passage.doc_id, []).extend(
                Mention(passage.page, s, passage.chunk_id, "words") for s in named[:MAX_MENTIONS_PER_PASSAGE])
        else:
            unnamed += [(passage, s) for s in sentences_of(passage.text, min_words=5)]
    for passage, sentence in _by_meaning(index, matter, unnamed):
        by_doc.setdefault(passage.doc_id, []).append(Mention(passage.page, sentence, passage.chunk_id, "meaning"))
    entries = [_entry(index, doc_id, mentions) for doc_id, mentions in by_doc.items()]
    entries.sort(key=_when)
    return Timeline(matter, tuple(entries), _commitments(index, matter, stems, set(by_doc), query))


def _names(sentence: str, matter: str, stems: set[str]) -> bool:
    if stems and stems <= set(stems_of(sentence)):
        return True
    return len(matter) >= 5 and fuzz.partial_ratio(matter.lower(), sentence.lower()) >= NAME_SIMILARITY


def _by_meaning(index: SearchIndex, matter: str, candidates: list[tuple[Passage, str]]):
    """The one sentence of each passage that says the matter by meaning, if it is close enough."""
    if not candidates:
        return []
    vectors = index.embedder.embed([s for _, s in candidates])
    scores = vectors @ index.embedder.embed_query(matter)
    best: dict[str, tuple[float, Passage, str]] = {}
    for (passage, sentence), score in zip(candidates, scores.tolist(), strict=True):
        if score >= MIN_SENTENCE_COSINE and score > best.get(passage.chunk_id, (0.0,))[0]:
            best[passage.chunk_id] = (score, passage, sentence)
    return [(p, s) for _, p, s in best.values()]


def _entry(index: SearchIndex, doc_id: str, mentions: list[Mention]) -> TimelineEntry:
    doc = index.documents[doc_id]
    seen: set[str] = set()
    unique = []
    for m in sorted(mentions, key=lambda m: (m.page, m.how != "words")):
        if m.sentence not in seen:
            seen.add(m.sentence)
            unique.append(m)
    return TimelineEntry(
        date=doc.meeting_date.value if doc.meeting_date else None,
        financial_year=doc.financial_years[0].value if doc.financial_years and not doc.meeting_date else None,
        doc_id=doc_id, title=doc.title.value if doc.title else doc.file_name, file_name=doc.file_name,
        doc_type=doc.doc_type.value if doc.doc_type else None, body=doc.body.value if doc.body else None,
        link=publisher_url(doc) or doc.source, mentions=tuple(unique))


def _when(entry: TimelineEntry) -> tuple:
    """Dated papers by date; undated ones by the start of the financial year they cover; the rest last."""
    if entry.date:
        return (0, entry.date, entry.file_name)
    if entry.financial_year:
        return (0, financial_year_range(entry.financial_year)[0].isoformat(), entry.file_name)
    return (1, "", entry.file_name)


def _commitments(index: SearchIndex, matter: str, stems: set[str], docs: set[str], query) -> tuple:
    """Commitments of the matter's papers that name it, each with possible follow-ups in later papers."""
    rows = [CommitmentView(row, name) for row, name in index.store.commitment_rows()
            if row.doc_id in docs and doc_matches(index.documents[row.doc_id], query)
            and _names(row.text + " " + (row.section or ""), matter, stems)]
    if not rows:
        return ()
    return tuple(with_follow_ups(index.store, rows, index.faiss))
