"""What a question asks for, and whether a sentence holds it.

The sentence that answers often shares few of the question's words ("How many officers?" is answered by
"The force recruited 44 new constables"), but it holds the kind of thing asked: an amount in £, a percentage,
a count of the thing asked about, a person or office, a date, or a reason clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from panelqa.search.stem import stem
from panelqa.text.dates import MONTH_NAMES, find_dates
from panelqa.text.money import find_money
from panelqa.text.stopwords import STOP_WORDS

__all__ = ["AnswerType", "answer_types", "holds", "held_share", "AMOUNT", "PERCENTAGE", "COUNT", "PERSON", "DATE",
           "DURATION", "FREQUENCY", "REASON", "ACTION", "NOT_NAMES"]

AMOUNT, PERCENTAGE, COUNT, PERSON, DATE, DURATION, FREQUENCY, REASON, ACTION = (
    "amount", "percentage", "count", "person", "date", "duration", "frequency", "reason", "action")


@dataclass(frozen=True, slots=True)
class AnswerType:
    """One thing a question asks for; `counted` holds the stems of what "how many" counts, or the role
    ("minister", "body", "office") that "which minister", "which council" or "which officer" asks for instead of a name."""

    name: str
    counted: tuple[str, ...] = ()


_WHY = re.compile(r"^\W*why\b|\b(?:and|but) why\b|\bwhat (?:was|were|is|are) the (?:main )?reasons?\b|"
                  r"\bfor what reasons?\b|\bon what (?:grounds|basis)\b|\bwhat (?:led|caused|prompted)\b|"
                  r"\bwhat reasons?\b", re.I)
_WHEN = re.compile(r"^\W*when\b|\b(?:and|but) when\b|\b(?:from|since|until) when\b|\bby when\b|"
                   r"\b(?:what|which) (?:date|day|month|year)\b|"
                   r"\bon what date\b", re.I)
_HOW_LONG = re.compile(r"\bhow long\b|\bfor what (?:period|term)\b", re.I)
_HOW_OFTEN = re.compile(r"\bhow often\b|\bhow frequently\b", re.I)
_PERCENT_Q = re.compile(r"\b(?:what|which) (?:percentage|proportion|share|per ?cent|fraction)\b|\bpercentage\b|"
                        r"\bproportion\b|\bper ?cent\b|\bhow much of\b|"
                        r"\bwhat (?:is|was|were|are) (?:the|its|their) (?:[\w'’-]+ ){0,3}rates?\b", re.I)
_HOW_MANY = re.compile(r"\bhow many\s+((?:[a-z-]+\s+){0,2}[a-z-]+)|\bwhat number of\s+((?:[a-z-]+\s+){0,2}[a-z-]+)",
                       re.I)
_AMOUNT_Q = re.compile(r"\bhow much\b|\bwhat (?:did|does|will|would|could) [^?]{0,60}\bcost\b|"
                       r"\bwhat (?:was|is|were|are|will be|would be) the (?:[a-z]+ ){0,2}"
                       r"(?:cost|price|budget|value|amount|total|sum|saving|deficit|overspend|underspend|gap)s?\b|"
                       r"\bhow (?:big|large) (?:was|is|were|are|will be) the\b|\bband d\b|"
                       r"\b(?:above|below|over|under) what (?:value|amount|level|threshold|sum)\b|"
                       r"\bwhat (?:[\w-]+ ){0,3}(?:increase|rise|cut|reduction)\b", re.I)
_CHANGE_Q = re.compile(r"\b(?:rise|increase|cut|reduction|uplift|change|fall|drop|rate)\b", re.I)
# the words that state a change, beside its size: "an increase of 4.2%", "equates to £10 a year", "a 2% cut"
_CHANGED = re.compile(r"\b(?:rise[sn]?|rising|rose|increase[sd]?|increasing|uplift|cut|cuts|reduc\w+|fall|fell|drop|"
                      r"freeze|frozen|extra|more|equates?|equivalent)\b", re.I)
_WHO = re.compile(r"^\W*(?:who|whom|whose)\b|^\W*\w+ (?:whom|who)\b|\b(?:and|but) (?:who|whom)\b|"
                  r"\b(?:which|what) (?:[a-z]+ )?(?:member|councillor|officer|minister|secretary|person|candidate|"
                  r"chair|chairman|commissioner|body|organisation|council|authority)s?\b (?!of\b)"
                  r"(?:was|were|is|are|did|does|will|would|had|has|answers|led|holds|took|[a-z]{3,}ed)\b", re.I)

# "which minister", "what officer": the office answers in full, a person's name without it does not
_ASKS_ROLE = re.compile(r"\b(?:which|what) (?:[a-z]+ )?(?:(?P<minister>minister|secretary)|(?P<body>council|authority|body|"
                        r"organisation|organization)|(?P<office>officer|office|post|role))s?\b", re.I)
_MINISTER = re.compile(r"\b(?:Home Secretary|Secretary of State|(?:Prime |Policing |Home Office )?Minister|Chancellor)\b")
# "what did the Commissioner agree to do", "what was resolved": what someone undertook or decided
_ACTION_Q = re.compile(r"\bwhat (?:[\w'’-]+ ){0,6}(?:did|does|will|would|has|had|have|was|were|is) (?:[^?]{0,80}? )?"
                       r"(?:agree|promise|pledge|undert(?:ake|ook)|commit|offer|resolve|decide|intend|request|require)\w*\b|"
                       r"\bwhat (?:was|were|has been|had been) (?:agreed|decided|resolved|promised)\b", re.I)
_ACTION = re.compile(r"\bAction\s*:|\bRESOLVED\b|\bAGREED\b|\bagree(?:d|s)?(?: to| that)\b|\bundert(?:ook|akes?|aken)\b|"
                     r"\bpromised?\b|\bcommit(?:ted|ment)? to\b|\bpledged?\b|\bintention\b|\bintends? to\b|"
                     r"\bdecided\b|\brequested\b|\basked (?:for|that)\b|\b(?:would|will) (?!be\b)[a-z]+\b|"
                     r"\b(?:to|would) be (?:provided|circulated|brought|sent|arranged)\b")
_PERCENT = re.compile(r"\d\s?%|\bper ?cent\b|\bpercentage points?\b", re.I)
_NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                 "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
                 "hundred dozen").split()
_COUNT_TOKEN = re.compile(rf"^(?:\d[\d,.]*\+?|\(?\d+\)?|{'|'.join(_NUMBER_WORDS)})$", re.I)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9,.+-]*[A-Za-z0-9+]|[A-Za-z0-9]")
_TITLE = re.compile(r"\b(?:Cllr|Councillor|Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|Baroness|Professor|Prof|Rev|"
                    r"Supt|Superintendent|Inspector|Sergeant|PC|DCC|ACC)\.?\s+(?:[A-Z]\.?\s+)*([A-Z][A-Za-z'-]+)")
_NAME = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+(?:[A-Z]\.?\s+)?([A-Z][a-z]+(?:-[A-Z][a-z]+)?|Mc[A-Z][a-z]+|"
                   r"O'[A-Z][a-z]+)\b")
# capitalised words of panel papers that name bodies, places and offices, not people
NOT_NAMES = frozenset("""the a an and of for in on at to by with police crime panel panels commissioner commissioners
    council county district borough city town parish authority committee office home secretary state fire rescue
    service services chief constable deputy chair chairman chairwoman vice member members independent co-opted
    annual general meeting report reports plan strategy budget precept minutes agenda item items public health
    government national local community safety partnership board trust group task finish working executive officer
    officers director head assistant force constabulary north south east west central new royal united kingdom
    england wales act regulations order road street house hall centre centres university college school court
    magistrates victims victim commission inspectorate hmicfrs hmic his her majesty january february march april may
    june july august september october november december monday tuesday wednesday thursday friday saturday sunday
    financial year quarter update response question questions resolved agreed noted action actions decision
    decisions there this that these those it its they their he she we our you your all any each no not""".split())
_OFFICE = re.compile(r"\b(?:Home Secretary|Secretary of State|Minister|Chief Constable|Chief Executive|"
                     r"Chief Finance Officer|Monitoring Officer|Commissioner|Chair(?:man|woman)?|Vice[- ]Chair|"
                     r"Clerk|Mayor|Leader|Treasurer|Director|Head of [A-Z][a-z]+)\b")
# a council or other body answers "which council" / "who hosted": "Oxfordshire County Council"
_BODY = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)* (?:(?:County |District |Borough |City |Town |Parish )?Council|"
                   r"Authority|Trust|Partnership|Commission)\b")
# minutes name who is to act by initials: "ACTION 7: JG/ JM to research ...", "WP agreed to circulate ..."
_OWNER = re.compile(r"\b[A-Z]{2,4}(?:\s*(?:/|,|and|&)\s*[A-Z]{2,4})*\s+(?:to|agreed|would|will|undertook)\s+[a-z]")
_DATE_WORDS = re.compile(rf"\b{MONTH_NAMES}\b|\b(?:19|20)\d\d\b|\b\d{{1,2}}(?:st|nd|rd|th)\b|\bby the end of\b|"
                         r"\b(?:spring|summer|autumn|winter)\b|\bquarter\b|\bdeadline\b", re.I)
_DURATION = re.compile(rf"\b(?:\d+|{'|'.join(_NUMBER_WORDS)}|a|an)[- ](?:years?|months?|weeks?|days?|hours?)\b|"
                       r"\buntil\b|\bterms? of (?:office|appointment)\b|\bcommencing\b|\bfrom \d", re.I)
_FREQUENCY = re.compile(r"\b(?:every|each|per|a|once a|twice a) (?:\w+ )?(?:years?|months?|weeks?|quarters?|days?)\b|"
                        r"\b(?:annually|quarterly|monthly|weekly|daily|fortnightly|twice|once|bi-?monthly|"
                        r"bi-?annually|(?:two|three|four|five|six) times)\b", re.I)
_REASON = re.compile(r"\bbecause\b|\bdue to\b|\btherefore\b|\bconsequently\b|\bhence\b|\bas a (?:result|consequence)\b|"
                     r"\bon the grounds? (?:that|of)\b|"
                     r"\bowing to\b|\bin order to\b|\bso that\b|\breasons?\b|\bsince (?![\d(]|"
                     rf"{MONTH_NAMES}|then|last|the (?:last|start|beginning))|"
                     r"\bgiven (?:that|the)\b|\bin (?:view|light) of\b|\black of\b|\bconcerns?\b|\bfelt (?:that )?\b|"
                     r"\bwhich meant\b|\bmeant that\b|\bexplained that\b|\bas (?:he|she|they|it|there) (?:had|was|were|"
                     r"is|are|would|could)\b", re.I)


def answer_types(question: str) -> tuple[AnswerType, ...]:
    """Every kind of thing the question asks for, in the order the rules try them; () for a yes/no or open
    question ("Is Thames Valley about to ...?", "What did the panel discuss?")."""
    found: list[AnswerType] = []
    if _WHY.search(question):
        found.append(AnswerType(REASON))
    if _WHEN.search(question):
        found.append(AnswerType(DATE))
    if _HOW_LONG.search(question):
        found.append(AnswerType(DURATION))
    if _HOW_OFTEN.search(question):
        found.append(AnswerType(FREQUENCY))
    if m := _HOW_MANY.search(question):
        words = [w for w in (m.group(1) or m.group(2)).lower().split() if w not in STOP_WORDS]
        found.append(AnswerType(COUNT, tuple(stem(w) for w in words[:2])))
    if _PERCENT_Q.search(question):
        found.append(AnswerType(PERCENTAGE))
    elif _AMOUNT_Q.search(question) and not any(t.name == COUNT for t in found):
        found.append(AnswerType(AMOUNT))
        if _CHANGE_Q.search(question):  # "how big was the precept rise": "4.2%" answers as well as "£10"
            found.append(AnswerType(PERCENTAGE))
    if _ACTION_Q.search(question):
        found.append(AnswerType(ACTION))
    if _WHO.search(question):
        role = _ASKS_ROLE.search(question)
        found.append(AnswerType(PERSON, (role.lastgroup,) if role else ()))
    return tuple(found)


def held_share(types: tuple[AnswerType, ...], sentence: str, question: str = "") -> float:
    """The share of the things asked that the sentence holds, 0..1. An amount and a percentage asked of one change
    ("how big was the precept rise") are one thing stated either way: "4.2%" holds it as well as "£10 a year", in
    full only beside a word that states a change ("increase", "equates to")."""
    if not types:
        return 0.0
    names = [t.name for t in types]
    slots = [[t] for t in types if t.name not in (AMOUNT, PERCENTAGE)]
    money_or_share = [t for t in types if t.name in (AMOUNT, PERCENTAGE)]
    if AMOUNT in names and PERCENTAGE in names:
        slots.append(money_or_share)
    else:
        slots += [[t] for t in money_or_share]
    held = [max(holds(t, sentence, question) for t in slot) for slot in slots]
    if AMOUNT in names and PERCENTAGE in names and held[-1] and not _CHANGED.search(sentence):
        held[-1] = 0.5  # "62% supported the proposal" is a figure, but not the size of the rise asked about
    return sum(held) / len(slots)


def holds(kind: AnswerType, sentence: str, question: str = "") -> float:
    """How well the sentence holds a thing of that kind, 0..1. A person or office the question already names
    does not count (it is who the question is about, not the answer); an office alone counts half a name."""
    name = kind.name
    if name == AMOUNT:
        return float(bool(find_money(sentence)))
    if name == PERCENTAGE:
        return float(bool(_PERCENT.search(sentence)))
    if name == COUNT:
        return float(_holds_count(sentence, kind.counted))
    if name == DATE:
        return float(bool(find_dates(sentence) or _DATE_WORDS.search(sentence)))
    if name == DURATION:
        return float(bool(_DURATION.search(sentence)))
    if name == FREQUENCY:
        return float(bool(_FREQUENCY.search(sentence)))
    if name == REASON:
        return float(bool(_REASON.search(sentence)))
    if name == ACTION:
        return float(bool(_ACTION.search(sentence)))
    if name == PERSON:
        if kind.counted:
            role = {"minister": _MINISTER, "body": _BODY, "office": _OFFICE}[kind.counted[0]]
            return float(any(m.group(0).lower() not in question.lower() for m in role.finditer(sentence)))
        return _holds_person(sentence, question)
    return 0.0


def _holds_count(sentence: str, counted: tuple[str, ...]) -> bool:
    """A figure within three words before what is counted ("44 new police officers", "eighteen Members");
    any figure that is not money, a percentage or a year when the thing counted is not named."""
    words = _WORD.findall(sentence)
    for i, word in enumerate(words):
        if not _COUNT_TOKEN.match(word) or re.fullmatch(r"(?:19|20)\d\d", word):
            continue
        if not counted:
            return True
        if any(stem(w.lower()) in counted for w in words[i + 1:i + 4]):
            return True
    return False


def _holds_person(sentence: str, question: str) -> float:
    named = question.lower()
    if any(m.group(1).lower() not in named for m in _TITLE.finditer(sentence)):
        return 1.0
    for m in _NAME.finditer(sentence):
        first, last = m.group(1), m.group(2)
        if first.lower() in NOT_NAMES or last.lower() in NOT_NAMES:
            continue
        if last.lower() not in named:
            return 1.0
    if any(m.group(0).lower() not in named for m in _BODY.finditer(sentence)):
        return 1.0
    if _OWNER.search(sentence):
        return 1.0
    return 0.5 if any(m.group(0).lower() not in named for m in _OFFICE.finditer(sentence)) else 0.0
