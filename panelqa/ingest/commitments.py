"""The commitments tracker: actions, resolutions, undertakings and deadlines, in the paper's words.

    action       an "Action: PCC" line closes an item; the row quotes what was asked or offered before it
    resolution   "RESOLVED – That the report ... be noted and the PCC be requested to provide ..."
    undertaking  "he could send that information to Panel Members", owned by whoever said it
    deadline     "This should be in place by the end of June."

Nothing here says whether a commitment was kept; panelqa/reports/commitments.py only points at possible follow-ups.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from panelqa.ingest.locate import ChunkLines, split_units
from panelqa.ingest.records import Chunk, Document, Page
from panelqa.text.dates import MONTH_NAMES, with_year
from panelqa.text.sentences import split_sentences
from panelqa.vocab import CommitmentKind

__all__ = ["CommitmentRow", "extract_commitments", "find_owner", "find_deadline", "speaker_of", "author_of",
           "commitment_embedding_text"]

MAX_TEXT_WORDS = 90  # a commitment longer than this is cut at a sentence end
MAX_HEADING_START_WORDS = 12  # a heading line longer than this is not the start of the sentence after it
MAX_UNITS_BACK = 200  # "The working group will ..." looks this many paragraphs back for "a ... working group"
MIN_SUBJECT_COUNT = 3  # a paper says "X will ..." this often before X is taken as the "we" of an unsigned plan

# Longest first: "Deputy PCC" before "PCC", "Chief Executive, OPCC" before "OPCC".
_ROLES: tuple[tuple[str, str], ...] = (
    (r"Deputy Police (?:and|&) Crime Commissioner|Deputy PCC|DPCC", "Deputy PCC"),
    (r"Police (?:and|&) Crime Commissioner|PCC|Commissioner", "PCC"),
    (r"Deputy Chief Constable|DCC", "Deputy Chief Constable"),
    (r"Assistant Chief Constable|ACC", "Assistant Chief Constable"),
    (r"Chief Constable", "Chief Constable"),
    (r"Chief Finance Officer|CFO|Treasurer", "Chief Finance Officer"),
    (r"Chief Executive,? (?:of the )?OPCC|OPCC Chief Executive|Chief Executive", "Chief Executive, OPCC"),
    (r"Monitoring Officer", "Monitoring Officer"),
    (r"Scrutiny Officer", "Scrutiny Officer"),
    (r"Vice[- ]Chairman|Vice[- ]Chair", "Vice-Chairman"),
    (r"Chairman|Chair", "Chairman"),
    (r"(?:Cllr\.?|Councillor)\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?", ""),
    (r"(?:Head|Director) of [A-Z][\w&]+(?:\s+(?:and\s+)?[A-Z][\w&]+){0,3}", ""),
    (r"OPCC|Office of the PCC", "OPCC"),
    (r"Force|Thames Valley Police|TVP", "Force"),
    (r"Panel|Members", "Panel"),
)
_ROLE = "|".join(f"(?:{pattern})" for pattern, _ in _ROLES)
_SAID = r"(?:said|reported|commented|responded|confirmed|explained|agreed|undertook|stated|advised|" \
        r"informed|noted|added|replied|acknowledged|indicated|offered|promised|assured|suggested|will|" \
        r"would|could|was asked|is asked|to)"
_SPEAKER = re.compile(rf"^\W*(?:\(\d+\)\s*)?(?:In (?:relation|response) to [^,]+,\s*)?(?:[Tt]he\s+)?"
                      rf"(?P<role>{_ROLE})\s+(?:also\s+)?{_SAID}\b")
_PRONOUN_SPEAKER = re.compile(r"^\W*(?:He|She)\b")
_ACTION = re.compile(r"\[?\s*\bActions?\s*(?:by)?\s*[:\-–]\s*(?P<owner>[A-Z][^\]\n;:]{0,240}?)"
                     r"\s*(?:\]|$|\.(?=\s|$)|;|\n|(?=\s*\bActions?\s*(?:by)?\s*[:\-–]))")
MAX_OWNER_WORDS = 5  # "Action: PCC" names an owner; a longer "Action:" cell is itself the action
_RESOLUTION = re.compile(r"^\W*(?:RESOLVED|Resolved\s*[:\-–]|AGREED\b|Decision\s*:"
                         r"|It was (?:RESOLVED|resolved|agreed)\b"
                         r"|The Panel (?:RESOLVED|resolved|agreed) (?:that|to)\b)")
_ASK = re.compile(r"\basked (?:for|that|whether|if|about)\b|\brequested\b|\brequest(?:ed)? that\b|\bsought\b|"
                  r"\bqueried\b|\benquired\b", re.I)
# an ask that points back at its subject: "He asked for further information on the process."
_POINTS_BACK = re.compile(r"^\W*(?:He|She|They|It|This|That|These)\b|\b(?:the|this|that) (?:process|matter|issue|"
                          r"scheme|initiative|point|proposal|project|funding|report|item)\b|\bit\b", re.I)
# "Secretariat", "Nigel and Janet", "Department for Transport", "MoJ and HO": a name, not "Amend draft ToR"
_NAME_LIKE = re.compile(r"(?:[Tt]he\s+)?[A-Z][\w'’./-]*(?:\s+(?:[A-Z][\w'’./-]*|and|of|for|&|/|the))*")
# "Annemarie Naylor outlined the survey ..., the details of which she would share": who "she" is
_NAMED_SPEAKER = re.compile(r"^\W*(?:(?:Cllr|Councillor|Prof|Dr|Mr|Mrs|Ms|Sir)\.?\s+)?"
                            r"(?P<who>[A-Z][a-z'’-]+(?:\s+[A-Z][\w'’-]+)?)"
                            r"\s+(?:also\s+)?(?:said|outlined|explained|reported|noted|agreed|confirmed|offered|stated|"
                            r"informed|commented|undertook|suggested|promised|felt|added|replied|thought|asked|"
                            r"highlighted|mentioned|indicated|responded)\b")
# "Tom Elkins of Compact Voice thanked ...", "Peter Lawrence (ODI) explained ...": a person opens the sentence
_PERSON = re.compile(r"^\W*(?:(?:Cllr|Councillor|Prof|Dr|Mr|Mrs|Ms|Sir)\.?\s+)?"
                     r"(?P<who>(?P<first>[A-Z][a-z'’-]+)\s+[A-Z][a-z'’-]+)"
                     r"(?:\s+(?:of|from)\s+(?:the\s+)?[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){0,4})?(?:\s*\([^)]{1,40}\))?"
                     r",?\s+(?:also\s+)?(?:[a-z]+ed|said|gave|spoke|took|made|felt|thought|led|told|set out|drew|"
                     r"put|wrote|brought|sent|ran|met|saw|knew)\b")
# capitalised words that open a sentence without naming a person: "Local Authorities reported ..."
_NOT_FIRST_NAMES = frozenset("The This That These Those Local Open National Government Home Cabinet Public Data "
                             "Police County City District Borough Parish Members All Some Many Several Other Each "
                             "Panel Council Councils Officers Authorities Departments Department Central Most It "
                             "Following After Before During In At On Since".split())
_BODIES = frozenset(("Panel", "Force", "OPCC"))  # speakers that are never "he" or "she"
_PRONOUN_START = re.compile(r"^\W*(?:He|She|They|It|This|That|These)\b")
# "Collect peoples concerns ...", "Consider ongoing CIPFA role ...": an action log's cell that names nobody
_IMPERATIVE = re.compile(r"^\W*(?:Request(?:ed)? for|Ask|Asked)\s+", re.I)
# "(Olivia Burman)", "(Steve Peters, Gesche Schmid)" at the end of an action log's cell: who is to act
_NAMED_IN_BRACKETS = re.compile(r"\((?P<who>[A-Z][\w'’-]+(?:(?:\s+|,\s*|\s+and\s+|\s*/\s*)[A-Z][\w'’-]+){0,6})\)"
                                r"\s*\.?\s*$")
# a title that opens with an organisation's initials and says what the paper is: "DFT Document", "MoJ Report"
_ACRONYM_TITLE = re.compile(r"^(?P<who>(?=[A-Za-z]*[A-Z][a-z]*[A-Z])[A-Z][A-Za-z]{1,5})\s+(?:Document|Paper|Report|"
                            r"Strategy|Plan|Response|Update)\b")
_GOVERNMENT_RESPONSE = re.compile(r"\b(?:HM\s+)?Government(?:['’]s)?\s+[Rr]esponse\b")
# "DFID Open Data Strategy", "Cabinet Office Open Data Strategy", "Refreshed-Defra-Open+Data-Strategy": whose paper
_ISSUER_IN_NAME = re.compile(r"^(?:Refreshed[\s_+-]+)?(?P<who>[A-Z][A-Za-z]*(?:\s+Office)?)[\s_+-]+Open[\s_+-]*Dat")
_UNDERTAKING = re.compile(
    r"\b(?:he|she|they|we|I|it)\s+(?:would|could|will|shall|can)\s+(?:be\s+(?:happy|pleased|able)\s+to\s+)?"
    r"(?:send|provide|circulate|share|inform|let (?:\w+\s+){0,3}know|make sure|report|look into|look at|arrange|"
    r"write|update|"
    r"ensure|follow|come back|bring|confirm|check|supply|forward|investigate|raise|contact|meet|respond|"
    r"email|feed back|find out|liaise|include|publish|present|review|seek|pick|"
    r"take (?:this|that|it) (?:up|back))\b"
    r"|\bundertook to\b|\bpromised to\b|\boffered to\s+(?!(?:the|a|an|all|any|employees|members|staff|him|her|"
    r"them|us|you|those|other|people|officers|councillors)\b)[a-z]+\b"
    r"|\bagreed to (?:provide|send|circulate|share|look|report|update|write|arrange|bring|review|consider)\b"
    r"|\bwould be (?:circulated|provided|sent|shared|forwarded|reported|brought) to\b", re.I)
_MONTH = MONTH_NAMES
_DEADLINE = re.compile(
    rf"\b(?:by|before|no later than|within|in time for|ahead of|deadline of|due in|due by)\s+"
    rf"(?:the\s+)?(?:end of\s+(?:the\s+)?|beginning of\s+|middle of\s+|close of\s+)?"
    rf"(?:{_MONTH}(?:\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?"
    rf"|(?:next|following)\s+(?:meeting|week|month|Panel(?: meeting)?|year|quarter)"
    rf"|(?:two|three|four|six|\d{{1,2}})\s+(?:weeks|months|days|working days)"
    rf"|(?:financial\s+)?year[\s-]end|financial\s+year|(?:Q|quarter)\s*\d|\d{{4}}(?:/\d{{2}})?|summer|autumn|spring|winter)"
    rf"|\b(?:by|before)\s+the\s+(?:end|close)\s+of\s+(?:the|this|next)\s+(?:financial\s+)?year\b"
    rf"|\bin the (?:following|next) (?:week|month|few weeks)\b"
    rf"|\bat the next (?:meeting|Panel(?: meeting)?)\b",
    re.I)
_FUTURE = re.compile(r"\b(?:should|would|will|shall|is to|are to|was to|were to|is due|are due|"
                     r"expected|aim(?:s|ed)? to|plan(?:s|ned)? to|deadline)\b", re.I)
_WE = re.compile(r"\b(?:[Ww]e|[Oo]ur)\s+(?:will|would|shall|aim|intend|plan|propose|commit|are committed)\b")
# "Steve Peters would provide", "The Cabinet Office and DFID will work", "The FCO aims to"
_NUMBERING = r"(?:(?:\d+(?:\.\d+)*[.)]?|[a-z][.)]|[ivx]{1,4}[.)])\s+)?"  # "3. ", "1.2 ", "c. ", "(iv) "
_WILL = (r"(?:\s+(?:will|would|shall|should|aims? to|promised to|agreed to|intends? to|plans? to|"
         r"undertook to|is to|are to|has agreed|have agreed)"
         r"|['’]s\s+(?:intent(?:ion)?|aim|ambition|plan|commitment|objective|priority)\s+(?:is|was)\s+to)\b")
_SUBJECT = re.compile(rf"^\W*{_NUMBERING}(?:[Tt]he\s+)?"
                      r"(?P<subj>[A-Z][\w&'’-]*?(?:\s+(?:and|of|for|&)?\s*[A-Z][\w&'’-]*?){0,5}"
                      r"(?:\s+(?:government|department|council|team|panel|office|board|committee|authority))?)"
                      + _WILL)
# "The working group will report by 30 June 2014", "The steering group will ...": a body named in common words
_GROUP_SUBJECT = re.compile(rf"^\W*{_NUMBERING}[Tt]he\s+(?P<subj>(?:[a-z][\w-]*\s+){{0,2}}(?:group|committee|board|"
                            r"team|panel|taskforce|task force|partnership|network|forum|secretariat))" + _WILL)
# "Position Statement to be published", "Terms of Reference to be amended": the thing done, nobody named
_PASSIVE_LOG = re.compile(r"^[A-Z](?:(?!\bto\b)[\w&'’ ,/-]){1,60}?\s+to\s+be\s+[a-z]+(?:ed|en|wn|ne|t)\b")
# who an action log's "Action:" cell names: "Cabinet Office to provide report on progress ..."
_LOG_ACTION = re.compile(r"(?:It was agreed (?:that )?)?(?P<who>[A-Z][\w&'’ ,/-]{1,60}?)"
                         r"\s+(?:to|would|will|should)\s")
# a forecast, not a promise: "it estimates that this will rise to £561 million by 2015"
_FORECAST = re.compile(r"\b(?:will|would|could|may|might|is expected to|are expected to|is forecast to|are forecast to|"
                       r"is projected to|are projected to|is likely to|are likely to)\s+(?:rise|fall|increase|decrease|"
                       r"grow|reach|drop|climb|decline|double|halve|exceed)\b|\b(?:estimates?|forecasts?|predicts?|"
                       r"projects?) that\b", re.I)
_THIRD_PERSON = re.compile(r"\b(?:they|he|she)\s+(?:would|could|will|shall|can)\b", re.I)  # not the author's "we"
_BARE_PRONOUN = re.compile(r"^\W*(?:This|That|It|These|They|Which)\b")


@dataclass(frozen=True, slots=True)
class CommitmentRow:
    """One thing a paper says someone will do, who, by when, and where it says so."""

    row_id: str  # hash of (doc_id, chunk ordinal, kind, text)
    doc_id: str
    page: int  # 1-based page where the quoted text begins
    kind: CommitmentKind
    text: str  # in the paper's words
    owner: str | None  # who is to act: "PCC", "Chief Finance Officer", "Deputy PCC"
    speaker: str | None  # who said it, when known ("Deputy PCC" for an undertaking under "Action: PCC")
    deadline: str | None  # "by the end of June", "in the following week"
    marker: str | None  # the line that makes it an action: "Action: PCC"
    section: str | None  # the heading it sits under
    chunk_id: str
    meeting_date: str | None  # the document's date (ISO)
    financial_year: str | None  # the document's financial year when it names exactly one


def commitment_embedding_text(row: CommitmentRow) -> str:
    return f"{row.section}.\n{row.text}" if row.section else row.text


def extract_commitments(doc: Document, pages: Sequence[Page],
                        chunks: Sequence[Chunk]) -> tuple[CommitmentRow, ...]:
    """Actions, resolutions, undertakings and deadlines in reading order, each with its page."""
    rows: list[CommitmentRow] = []
    seen: set[str] = set()
    issuer = author_of(doc, chunks)
    minutes = doc.doc_type is not None and doc.doc_type.value in ("minutes", "agenda", "action_log")
    read: list[str] = []  # the paper's text so far, where "The working group will ..." finds which group
    for chunk in chunks:
        lines: ChunkLines | None = None
        speaker: str | None = None
        offset = 0
        previous_unit = ""
        read += [h.removesuffix(" ...") + "." for h in chunk.heading_path if h.removesuffix(" ...") + "." not in read]
        for n, unit in enumerate(split_units(chunk.text, table=chunk.kind == "table")):
            found_at = chunk.text.find(unit[:20], offset)
            unit_at = found_at if found_at >= 0 else offset
            offset = unit_at + len(unit)
            if n == 0 and chunk.heading_path:
                unit = _with_heading_start(unit, chunk.heading_path[-1])
            found = [(kind, _introduced(text, [*read, unit[:max(0, unit.find(text[:30]))]]), *rest)
                     for kind, text, *rest in _unit_commitments(unit, previous_unit, speaker)]
            read.append(unit)
            speaker = _last_speaker(unit, speaker)
            previous_unit = unit
            for kind, text, owner, said_by, deadline, marker in found:
                if kind in ("undertaking", "deadline") and (_FORECAST.search(text) or _is_fragment(text)):
                    continue  # "it estimates that this will rise to £561 million by 2015"; "time it can provide ..."
                if owner in (None, "We", "Our") and (_WE.search(text) or (kind == "deadline" or not minutes)
                                                     and not _THIRD_PERSON.search(text)):
                    owner = issuer  # "We will publish ...", "The findings should be published by ...": its author
                if deadline:
                    deadline = with_year(deadline, doc.date)
                key = f"{kind}|{text}"
                if key in seen:
                    continue
                seen.add(key)
                lines = lines or ChunkLines(chunk, pages)
                at = chunk.text.find(text[:40], unit_at)
                page = lines.page_of(at if at >= 0 else unit_at)
                rows.append(CommitmentRow(
                    row_id=hashlib.sha256(f"{doc.doc_id}|{chunk.ordinal}|{kind}|{text}".encode()).hexdigest()[:24],
                    doc_id=doc.doc_id, page=page, kind=kind, text=text, owner=owner, speaker=said_by,
                    deadline=deadline, marker=marker, section=chunk.heading or None, chunk_id=chunk.chunk_id,
                    meeting_date=doc.meeting_date.value if doc.meeting_date else None,
                    financial_year=doc.financial_years[0].value if len(doc.financial_years) == 1 else None))
    return tuple(rows)


def _is_fragment(text: str) -> bool:
    """Words cut out of a sentence at both ends by a page's layout: "time it can provide a single source of
    information on the data that is collected and where it"."""
    start = re.sub(r"^[\W\d_]+", "", text)
    return start[:1].islower() and not re.search(r"[.!?:)\]”\"']\s*$", text)


def _with_heading_start(unit: str, heading: str) -> str:
    """A paragraph that opens mid-sentence ("group will report ...") whose start the chunker took for a heading
    line ("... legislation. The working"): the sentence whole again."""
    if not unit[:1].islower() or re.search(r"[.:;!?]\s*$", heading) or heading.endswith(" ..."):
        return unit
    start = re.split(r"(?<=[.!?;:])\s+", heading)[-1]
    return f"{start} {unit}" if len(start.split()) <= MAX_HEADING_START_WORDS else unit


def _introduced(text: str, read: Sequence[str]) -> str:
    """ "The working group will report by 30 June 2014" with the sentence that set the group up before it: which
    group is meant."""
    m = _GROUP_SUBJECT.match(text)
    if not m:
        return text
    intro = re.compile(rf"\b(?:a|an)\s+(?:[\w-]+\s+){{0,3}}{re.escape(m.group('subj'))}\b", re.I)
    for earlier in reversed(read[-MAX_UNITS_BACK:]):
        hits = [s for s in split_sentences(earlier.replace("\n", " ")) if intro.search(s)]
        if hits:
            return _quote(f"{_tidy(hits[-1])} {text}") if hits[-1] not in text else text
    return text


def author_of(doc: Document, chunks: Sequence[Chunk]) -> str | None:
    """Who "we" is in a paper: its issuer as the paper spells it, else the body it most often says will act."""
    return _as_written(issuer_of(doc), chunks) or _usual_subject(chunks)


def issuer_of(doc: Document) -> str | None:
    """Who speaks as "we" in a paper: its body, the organisation its name leads with ("DFID Open Data Strategy",
    a title "DFT Document"), or the Government for a "Government Response to ..."."""
    if doc.body:
        return doc.body.value
    names = [doc.title.value if doc.title else "", re.sub(r"^[\d\s_-]+(?=[A-Za-z])", "", doc.file_name)]
    for name in names:
        if m := _ISSUER_IN_NAME.match(name) or _ACRONYM_TITLE.match(name):
            return m.group("who")
    if any(_GOVERNMENT_RESPONSE.search(name) for name in names):
        return "Government"
    return None


def _as_written(name: str | None, chunks: Sequence[Chunk]) -> str | None:
    """An acronym as the paper spells it most often: a title's "DFT" is the text's "DfT". Only spellings that
    start with a capital count: "www.dh.gov.uk" is an address, not how the paper writes DH."""
    if not name or not name.isupper():
        return name
    spellings: dict[str, int] = {}
    for chunk in chunks:
        for m in re.finditer(rf"\b{re.escape(name)}\b", chunk.text, re.I):
            if m.group(0)[0].isupper():
                spellings[m.group(0)] = spellings.get(m.group(0), 0) + 1
    return max(spellings.items(), key=lambda kv: kv[1])[0] if spellings else name


def _log_owner(cell: str) -> str | None:
    """Who an action log's "Action:" cell names: "Cabinet Office to provide ..." -> "Cabinet Office"; "(Olivia
    Burman)" at its end; None for "Consider ongoing CIPFA role ..." and for "Position Statement to be published"
    (what is to be done to, not who does it)."""
    if m := _NAMED_IN_BRACKETS.search(cell):
        return _name_owner(m.group("who")) or _tidy(m.group("who"))
    if _PASSIVE_LOG.match(_IMPERATIVE.sub("", cell)):
        return None
    who = _LOG_ACTION.match(_IMPERATIVE.sub("", cell))
    if who:
        return _name_owner(who.group("who"))
    return find_owner(cell)


def _name_owner(name: str) -> str | None:
    """An owner as a log names one: its role's short form, or the name itself ("Panel Secretariat", "Nigel and
    Janet"); a body's officer is the officer ("Panel Chair" -> "Chairman")."""
    name = re.sub(r"^(?:[Tt]he)\s+", "", _tidy(name))
    head = re.match(r"^(?:Panel|Force|OPCC|Council|Board)\s+(?P<rest>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?)$", name)
    if head:
        return find_owner(head.group("rest")) or name
    return find_owner(name) or (name if _NAME_LIKE.fullmatch(name) else None)


def _with_subject(part: list[str]) -> str:
    """An action's words: what was asked, with the sentence before it when the ask points back at its subject
    ("Cllr Page referred to ... grant funding ... He asked for further information on the process."), and the
    answer that closes the item."""
    asks = [i for i, s in enumerate(part[:-1]) if _ASK.search(s)]
    picked: list[int] = []
    for i in asks:
        start = i
        while start > 0 and _PRONOUN_START.match(part[start]):  # back to the sentence that names the subject
            start -= 1
        if start == i and i > 0 and _POINTS_BACK.search(part[i]):
            start = i - 1
        picked += [j for j in range(start, i + 1) if j not in picked]
    if len(part) - 1 not in picked:
        if not picked and len(part) > 1 and _POINTS_BACK.search(part[-1]):
            picked.append(len(part) - 2)
        picked.append(len(part) - 1)
    return " ".join(part[i] for i in picked)


def _unit_commitments(unit: str, previous_unit: str, speaker: str | None):
    """(kind, text, owner, speaker, deadline, marker) for each commitment in one paragraph or item."""
    sentences = split_sentences(unit, at_semicolons=True)
    speakers = _speakers(sentences, speaker)
    used: set[int] = set()
    for m in _ACTION.finditer(unit):
        before = unit[:m.start()].strip()
        marker = re.sub(r"\s+", " ", m.group(0).strip(" [];.\n"))
        named = _tidy(m.group("owner"))
        owner = find_owner(named) or (named if _NAME_LIKE.fullmatch(named) else None)
        if len(m.group("owner").split()) > MAX_OWNER_WORDS or _LOG_ACTION.match(m.group("owner")):
            # an action log: "Action: Cabinet Office to provide ...", "Action: The Cabinet Office will work with"
            text = _quote(m.group("owner"))
            yield "action", text, _log_owner(text), None, find_deadline(text), "Action"
            continue
        part = split_sentences(before, at_semicolons=True) if before else split_sentences(previous_unit, at_semicolons=True)
        if not part:
            continue
        text = _quote(_with_subject(part))
        said_by = next((speakers[i] for i, s in enumerate(sentences) if s in part[-1] or part[-1] in s), None)
        yield "action", text, owner, said_by, find_deadline(text), marker
    if _RESOLUTION.match(unit):
        text = _quote(unit)
        yield "resolution", text, _resolution_owner(unit), None, find_deadline(text), None
        return
    for i, sentence in enumerate(sentences):
        clean = _ACTION.sub("", sentence).strip()
        if _UNDERTAKING.search(clean):
            used.add(i)
            named = _NAMED_SPEAKER.match(clean)
            owner = speakers[i] or subject_of(clean) or (named.group("who") if named and re.search(
                r"\b(?:he|she)\s+(?:would|could|will|shall)\b", clean) else None)
            yield "undertaking", _quote(clean), owner, speakers[i], find_deadline(clean), None
    for i, sentence in enumerate(sentences):
        clean = _ACTION.sub("", sentence).strip()
        deadline = find_deadline(clean)
        if i in used or not deadline or not _FUTURE.search(clean):
            continue
        text = clean
        if _BARE_PRONOUN.match(clean) and i:
            text = f"{_ACTION.sub('', sentences[i - 1]).strip()} {clean}"
        owner = speakers[i] or subject_of(clean) or (speakers[i - 1] if i else None)
        yield "deadline", _quote(text), owner, speakers[i], deadline, None


def _speakers(sentences: list[str], current: str | None) -> list[str | None]:
    """Who says each sentence: a named role or person, or for "He said ..." the last one named who can be a "he"
    (a body such as the Panel or the Force is never one)."""
    out: list[str | None] = []
    for sentence in sentences:
        named = speaker_of(sentence) or person_of(sentence)
        if named:
            current = named if named not in _BODIES or current is None or current in _BODIES else current
            out.append(named)
            continue
        if not _PRONOUN_SPEAKER.match(sentence) and not re.search(r"\b(?:he|she)\s+(?:would|could|will)\b",
                                                                 sentence):
            out.append(None)
            continue
        out.append(current)
    return out


def _last_speaker(unit: str, current: str | None) -> str | None:
    for sentence in split_sentences(unit, at_semicolons=True):
        named = speaker_of(sentence) or person_of(sentence)
        if named and (named not in _BODIES or current is None or current in _BODIES):
            current = named
    return current


def person_of(sentence: str) -> str | None:
    """The person a sentence opens with: "Tom Elkins of Compact Voice thanked the Chair ..." -> "Tom Elkins",
    so that "He offered to circulate ..." after it is his."""
    m = _PERSON.match(sentence)
    if not m or m.group("first") in _NOT_FIRST_NAMES:
        return None
    return m.group("who")


def subject_of(sentence: str) -> str | None:
    """Who a plan sentence names as doing it: "The FCO aims to ..." -> "FCO"; "We will" -> "We"; also after an
    opening phrase: "by April 2014, The National Archives will deliver ..." -> "National Archives"."""
    for part in re.split(r"(?:^|,\s+|•\s*|;\s+)", sentence):
        m = _SUBJECT.match(part) or _GROUP_SUBJECT.match(part)
        if not m:
            continue
        subject = m.group("subj")
        if subject in ("It", "This", "That", "There", "These", "They", "He", "She", "I", "Which", "All", "Data"):
            return None
        return find_owner(subject) or subject
    return None


def _usual_subject(chunks: Sequence[Chunk]) -> str | None:
    """The organisation a paper most often says will act ("The UK government will ..."), when it does so at least
    MIN_SUBJECT_COUNT times: the "we" of a plan whose author is not named on it."""
    counts: dict[str, int] = {}
    for chunk in chunks:
        for sentence in split_sentences(chunk.text.replace("\n", " ")):
            if " will " in sentence and (who := subject_of(sentence)) and who not in ("We", "Our"):
                counts[who] = counts.get(who, 0) + 1
    best = max(counts.items(), key=lambda kv: kv[1], default=None)
    return best[0] if best and best[1] >= MIN_SUBJECT_COUNT else None


def speaker_of(sentence: str) -> str | None:
    """Who a sentence reports: "The Chief Finance Officer commented that ..." -> "Chief Finance Officer"."""
    m = _SPEAKER.match(sentence)
    return find_owner(m.group("role")) if m else None


def find_owner(text: str) -> str | None:
    """The first role named in the text, in its usual short form: "Police and Crime Commissioner" -> "PCC"."""
    best: tuple[int, str] | None = None
    for pattern, short in _ROLES:
        m = re.search(rf"\b(?:{pattern})\b", text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), short or _tidy(m.group(0)))
    return best[1] if best else None


def _resolution_owner(text: str) -> str:
    m = re.search(rf"\b(?:the\s+)?(?P<role>{_ROLE})\s+(?:be|is|are)\s+(?:requested|asked|invited)\s+to\b",
                  text)
    return find_owner(m.group("role")) if m else "Panel"


def find_deadline(text: str) -> str | None:
    m = _DEADLINE.search(text)
    return _tidy(m.group(0)) if m else None


def _quote(text: str) -> str:
    text = _tidy(re.sub(r"^\W*\(\d+\)\s*", "", text).lstrip("[").strip())
    words = text.split()
    if len(words) <= MAX_TEXT_WORDS:
        return text
    kept: list[str] = []
    for sentence in split_sentences(text, at_semicolons=True):
        if kept and len(" ".join(kept + [sentence]).split()) > MAX_TEXT_WORDS:
            break
        kept.append(sentence)
    if len(" ".join(kept).split()) <= MAX_TEXT_WORDS:
        return " ".join(kept)
    return " ".join(words[:MAX_TEXT_WORDS]) + " ..."


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,;:-–[]")
