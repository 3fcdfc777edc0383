"""The funding ledger: one row for every statement of an amount of money in a paper.

A row says who got the money (recipient), from which fund (funder, from the nearest "... Fund"
heading or the sentence), what for (purpose, the rest of the clause), under which section, and
where (document and page). Amounts that are not grants or spending (a salary, a fraud loss, a
threshold, a budget) keep their row but are flagged and never summed. The same grant stated twice
in one paper (same recipient, same amount) gets one `grant_id`, so totals count it once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from panelqa.ingest.commitments import author_of
from panelqa.ingest.locate import ChunkLines, split_units
from panelqa.ingest.records import Chunk, Document, Page
from panelqa.text.dates import financial_year_of, find_financial_years
from panelqa.text.money import Money, find_money
from panelqa.text.sentences import split_sentences
from panelqa.text.stopwords import STOP_WORDS
from panelqa.vocab import SUMMED_KINDS, LedgerKind

__all__ = ["LedgerRow", "extract_ledger", "link_grants", "statement_key", "classify", "find_recipient", "SUMMED_KINDS",
           "ledger_embedding_text"]

LEDGER_VERSION = 12  # 2: one sentence splitter (panelqa/text/sentences.py), financial years of panelqa/text/dates.py;
# 3: purposes from the clause (table rows: label and column header), kinds from the clause (total, estimate),
# a repeat is linked only when its purpose agrees; commitments.py: an action quotes the sentence naming its
# subject, owners of "We will" and action logs, deadlines with the year from the paper's date; 4: thresholds say what they
# limit, fund sizes and balances are not grants, a change "from £X to £Y" is no range, variance columns and cost
# lines of tables, payees of parish payments; commitments.py: "he" is the person named before, owners with "/" or
# in brackets, a Government Response's "we", "The working group will" with the sentence that set it up; 5: "we have secured"
# names the author, valuations to the economy, reallocations and hypothetical needs are not grants, "£100k (...) and
# £3m" continues a threshold, a table row's label in words; commitments.py: forecasts and fragments are no
# commitments, "offered to employees" is no undertaking; 6: "spend over £250" and "a £250 threshold" are thresholds,
# an allocation as revised is a budget; 7: "£3.3m of X funding to Y" names Y, "the total ... is" is a total,
# penalties and discounts are prices, "(£000's)" is no amount, payees "payable to"; commitments.py: who acts in an
# action log (passive cells name nobody, "Panel Chair" is the Chair), "let ... know", two actions on one line; 8: "X to
# arrange for Y to be invited" is X's; 9: an asset's value is an estimate, a sentence naming the asset register is not;
# 10: "increasing its allocation from £10m to £34.93m" is a change, not a range; 11: "transactions of over £500"
# and "items costing over £2,000" are thresholds; 12: commitments.py: an author's acronym keeps its capitals ("DH",
# not the "dh" of its web addresses)
MIN_PURPOSE_WORDS = 3  # a purpose needs this many content words, else the clause (or the sentence before) is used
PURPOSE_LEAD_WORDS = 20  # a purpose read from the clause keeps this many words either side of the amount
MAX_FUND_HEADING_WORDS = 8  # a longer "heading" naming a fund is a sentence the chunker took for one
PURPOSE_KEY_WORDS = 2  # a restated grant's purpose agrees when these first content words share one

_GIVEN_TO = r"(?:received|receives|receive|invested|invests|invest|secured|obtained|won|got|was awarded|" \
            r"were awarded|has been awarded|have been awarded|had been awarded|is awarded|are awarded|" \
            r"was granted|were granted|has been granted|was allocated|were allocated|has been allocated|" \
            r"was given|were given|has been given|spent|spends|has spent|have spent|contributed|" \
            r"has contributed|" \
            r"provided|provides|has provided|committed|has committed|put|puts|has put|paid)"
_RECEIVER_VERB = re.compile(rf"^(?P<subj>.+?)\s+(?:has |have |had |will |would )?{_GIVEN_TO}"
                            r"(?:\s+(?:a|an|the|total|grant|sum|further|additional|funding|of|over|around|"
                            r"approximately|about|almost|nearly|some|just|under))*\s*$", re.I)
_GIVER_VERB = re.compile(r"^(?P<subj>.+?)\s+(?:has |have |had |will |would )?"
                         r"(?:awarded|granted|gave|allocated|donated|agreed|approved|offered|provided|committed|contributed)"
                         r"(?:\s+(?:a|an|the|grant|grants|funding|of|sum|total))*\s*$", re.I)
_TO_RECIPIENT = re.compile(r"^\s*(?:of\s+(?:[\w&'’()-]+\s+){0,5}?(?:funding|grant|money)\s+)?"  # "£3.3m of CRSTS funding to"
                           r"(?:has been |have been |was |were |is |are |will be |to be )?"
                           r"(?:awarded |granted |given |allocated |provided |paid |distributed |passed |"
                           r"made )?"
                           r"(?:available )?to\s+(?P<rec>(?:the )?[A-Z][^,;.]*?)"
                           r"(?=\s+(?:for|to|towards|in order|in|which|who|that|from|upon|on|once|when|after|as|"
                           r"at|by|subject|following|pending)\b|[,;.(]|$)")
_NAME = r"(?:the\s+)?[A-Z][\w&'’.()-]*(?:\s+(?:&|and|of|for)?\s*[A-Z][\w&'’.()-]*){0,6}"
# who is paid: "resolved to pay Wicksteed £2,100", "Invoice received from G & AM Johnston for grass cutting £720",
# "Correspondence received from ICO regarding payment ... £35"
_PAY_LEAD = re.compile(rf"\bpay\s+(?P<rec>{_NAME})\s*$")
_PAYABLE_TO = re.compile(rf"^\s*\(?\s*(?i:(?:cheques?\s+)?(?:made\s+)?payable\s+to)\s+(?P<rec>{_NAME})")
_PAYEE_FROM = re.compile(rf"\b(?i:invoices?|bills?|correspond[ae]nce|letters?|requests?|renewals?|reminders?|demands?)"
                         rf"\s+(?:\w+\s+){{0,2}}?(?i:from)\s*[:\-–]*\s+(?P<rec>{_NAME})")
_WE_RECEIVED = re.compile(r"\b[Ww]e\s+(?:have\s+|had\s+|will\s+)?(?:also\s+)?(?:received|secured|won|obtained|"
                          r"been awarded|been granted|were awarded|were granted|successfully bid for)\b[^.;]*$")
_FUNDER_SUBJECT = re.compile(r"\b(?:PCC|OPCC|Commissioner|Home Office|Ministry|Government|Fund|Council|"
                             r"Lottery|Foundation|Trust|Sheriff|Force|Police|Department|MoJ|MHCLG)\b")
_FUNDER_IN_TEXT = re.compile(r"\b(?:from|through|via|by|under)\s+(?:the\s+)?(?P<f>(?:[A-Z][\w&'()-]*\s+){0,6}"
                             r"(?:Fund|Grant|Funding|Lottery|Foundation))\b")
# "to the End of ..." is not a recipient; case matters, so "to CoST Ethiopia" is one
_NOT_RECIPIENT = re.compile(r"(?:[Tt]he\s+)?(?:End|Value|Cost|Amount|Total|Sum|Level)\b")
_MULTIPLIED = re.compile(r"\d\s?(?:k|m|mn|bn|thousand|million|billion)\b", re.I)
_THOUSANDS = re.compile(r"\((?:k|K|£k|£K|£000s?|000s?)\)|£000s?\b|£k\b")
# a parish clerk's run-on minutes start a sentence without a full stop: "... of the work Also resolved to pay"
_RUN_ON = r"\s+(?=(?:It was|It is|Also|Councillors|Members|Resolved|RESOLVED|Agreed|The Clerk)\b)"
_CLAUSE_BREAK = re.compile(rf";\s*|,?\s+and\s+|,\s+|\s+while\s+|\s+whilst\s+|{_RUN_ON}")
_FUND_HEADING = re.compile(r"\b(?:Fund|Funds|Grant|Grants|Funding)\b", re.I)
_CONNECTOR = re.compile(r"^\s*(?:in total\s+|each\s+|per year\s+|a year\s+)?"
                        r"(?:towards|toward|into|on|in|for|to fund|to)\s+", re.I)
_DANGLING = re.compile(r"(?:\s+(?:to|and|or|over|under|up to|from|of|for|the|a|an|at|by|with|in|on))+\s*$", re.I)
_LEAD = re.compile(r"^\s*(?:•\s*|\(?[0-9ivx]{1,3}[.)]\s+|\[)+")
_INTRO = re.compile(r"^(?:In|During|For|Over|Since|By|From)\b[^,]{0,60},\s*", re.I)

# "Total: £887,954", "a total of £605,148", "Total budget; £1,524": the sum of rows stated elsewhere
# "The total AEB grant funding for 2023/24 is £16.1m", "The total capital cost of the project now stands at £134m"
_TOTAL_IS = re.compile(r"\b(?:the|a|our)\s+(?:overall\s+)?total\b[^.;:£]{0,80}\b(?:is|was|are|were|stands at|stood at|"
                       r"amounts? to|comes? to|came to)\s*$", re.I)
_TOTAL_LEAD = re.compile(r"\b(?:sub-?)?totals?\b(?:\s+(?:of|was|is|cost|costs|spend|value|amount|budget|benefits?|"
                         r"funding|expenditure|income))*\s*(?:of|was|is|were|came to|:|=|-|–)?\s*(?:\(?£?k\)?)?\s*$"
                         r"|\btotalling\s*$|\bin total(?: of)?\s*$|\bsum of\s*$", re.I)
_KIND_RULES: tuple[tuple[str, re.Pattern, str], ...] = (
    ("salary", re.compile(r"\bsalar|\bpay (?:scale|band|range|award)|\bpay grade\b|"
                          r"\bremuneration|\ballowances?\b|\bper hour\b|\bhourly rate\b", re.I),
     "a salary or pay rate, not a grant"),
    ("crime_value", re.compile(r"\bstolen\b|\btheft|\bfraud|\bscam|\bstreet value|\bseiz|\bconfiscat|"
                               r"\blaunder|\blosses\b|\bworth of (?:drugs|cannabis|cocaine)|\bvictims? (?:lost|were)|"
                               r"\bloss(?:es)? of\b|\bdamage (?:of|worth)|\bcost to (?:the )?victim", re.I),
     "money lost or seized in crime, not spending"),
    ("budget", re.compile(r"\bbalances?\b|\bbank statement|\bcurrent account|\bsavings account|\bdeposit account|"
                          r"\bin the bank\b", re.I),
     "a balance held, not a payment"),
    ("spend", re.compile(r"\binvoices?\b|\b(?:resolved|agreed|approved|decided) to pay\b|\bpaid to\b|\bto pay\b|"
                         r"\bpayments? (?:to|of|for)\b|\bfor payment\b|\bcheques?\b|\bexpenses\b|\bpurchas|\bbought\b|"
                         r"\bcontract (?:with|to)\b",
                         re.I), ""),
    ("saving", re.compile(r"\bsav(?:ed|ings?)\b|\befficienc|\bcuts?\b|\bover-?spend|\bunder-?spend|\bdeficit|"
                          r"\bshortfall|\bfunding gap|\bpressures?\b|\bcost reductions?\b|"
                          r"\breduced (?:cost|administration|burden)", re.I),
     "a saving, gap or variance, not spending"),
    ("price", re.compile(r"\bpenalt|\bdiscounted\b|\bfines?\b|"
                         r"\bcost per\b|\bfees?\b|\bcharged?\b|\bcharges\b|\bprices?\b|\bpriced\b|\btariff|\bsubscription|"
                         r"\bper (?:terminal|user|licence|year|month|unit|copy|head|person|night|day|item)\b",
                         re.I),
     "a price, fee or charge, not money paid out"),
    ("budget", re.compile(r"\bbudgets?\b|\bprecept|\breserves?\b|\bband d\b|\bcouncil tax|\bpot\b|"
                          r"\bamount of funding\b|\bfunding (?:of up to|available)|\bavailable\b|"
                          r"\bsettlement\b|\bcapital programme|\bforecast|\bestimated? cost|\bindicative\b|"
                          r"\bgrant funding will\b|\btotal (?:fund|funding|budget)|\b(?:is|are) proposed\b|"
                          r"\bbe allocated\b|\breallocat|\bre-allocat|\bvirements?\b|\bcontingency\b|\bof risk\b|"
                          r"\b(?:would|could|may|might)\s+(?:\w+\s+)?(?:not\s+)?(?:need|require)\b", re.I),
     "a budget or fund size, not a payment"),
    ("estimate", re.compile(r"\bestimat|\bprojected\b|\bprojections?\b|\bvalued? (?:at|of)\b|\bworth\b|"
                            r"\bGDP\b|\bgross value|\bbenefits? (?:of|worth|to)\b|\beconomic (?:value|benefit|impact)|"
                            r"\bcould (?:generate|be worth|add)|\bwould (?:generate|add)|\bgenerat(?:e|es|ed|ing)\b|"
                            r"\bincrease to\b|"
                            r"\bgrow to\b|\brevenue of\b|\bturnover|"
                            r"\b(?:could|would|might) be (?:increased|improved|raised|boosted|reduced) by\b|"
                            r"\basset\W{1,3}values?\b|"
                            r"\bcosts?\s+(?:the\s+)?(?:\w+\s+){0,2}(?:economy|city|country|nation|region|society|"
                            r"taxpayers?)\b|\beconomy\W+(?:almost|around|about|over|nearly|some|up to)?\s*£", re.I),
     "an estimate or valuation, not a payment"),
    ("grant", re.compile(r"\binvest|\breceiv|\bawarded|\bgrants?\b|\bfunded\b|\bfunding\b|\bgranted\b|"
                         r"\ballocat|\bcontribut|\bdonat|\bcommissioned\b|\bsecured\b|\bprovided\b|\bfund\b",
                         re.I), ""),
    ("spend", re.compile(r"\bspen[dt]|\bcosts?\b|\bcosting\b|\bpaid\b|\bpayments?\b|\bpurchas|\bexpenditure|"
                         r"\bcontract|\bprocure|\binvoice|\bbought\b", re.I), ""),
)
_BY_ABOUT = re.compile(r"\bby\s+(?:over|more than|almost|nearly|around|about)\s*$", re.I)  # "increased by over £230m"
_RANGE_LEAD = re.compile(r"\b(?:ranges?|ranged|ranging|vary|varies|varying)\s+(?:from|between)\s*$", re.I)
_THRESHOLD_AFTER = re.compile(r"\s*(?:\+|(?:and|or)\s+(?:over|above|more|upwards|less|under|below)\b)", re.I)
_THRESHOLD = re.compile(r"(?:[>≥<≤]|\bover|\babove|\bunder|\bbelow|\bup to|\bless than|\bmore than|"
                        r"\bexceeding|\bexceeds?|\bin excess of|\bat least|\bat most|\bmaximum(?: of)?|"
                        r"\bminimum(?: of)?|\bmax\.?|\bmin\.?|\blimit of|\bthreshold of|\bcapped at|"
                        r"\bno more than|\bupwards of|\b(?:greater|higher|lower|larger|smaller) than|\bbeyond|"
                        r"\b(?:a |the )?(?:ceiling|cap|limit|threshold|floor|de minimis)(?: of| to| at| is| was)?|"
                        r"\bnot exceeding|"
                        r"\b(?:over|above|under|below|exceeding|in excess of|more than|less than)\s+(?:the |a )?"
                        r"(?:value|sum|amount|cost|price) of)\s*$",
                        re.I)
# "over £109 billion of investment", "spent over £2m", "and over £5m": about that much, not a limit; a threshold
# follows what it limits ("contracts over £10,000", "expenditure over £500", "Grants of up to £5,000")
_ABOUT = re.compile(r"(?:,|\b(?:and|of|with|includes?|including|included|is|was|are|were|be|been|totall?ing|some|by|"
                    r"spent|invested|invest|received|receive|secured|provided|attracted|generated|raised|"
                    r"levered|leveraged|worth|cost|costs|costing|saved|save|saving|bring|brought|amounts? to|reached|"
                    r"represent|representing|represents|represented|accounting for|accounts for|"
                    r"now|already|just|well))\s+(?:over|more than|above|in excess of|upwards of)\s*$", re.I)
# "transactions of over £500", "items costing over £2,000", "contracts worth more than £10k": a count of payments
# of some size names a threshold, though "of over" and "costing over" alone are about that much (_ABOUT)
_THRESHOLD_OF = re.compile(r"\b(?:transactions|items|payments|purchases|invoices|orders|contracts|tenders|grants|"
                           r"awards|claims)\s+(?:of|costing|worth|valued at|with a value of)\s+(?:over|more than|above|"
                           r"in excess of|upwards of|under|below|less than)\s*$", re.I)
# "publishing datasets beyond £500 spend data", "£500 and over": the amount names a threshold of what follows
_THRESHOLD_NOUN = re.compile(r"^\s*(?:\+\s*)?(?:(?:spend|spending|expenditure|transactions?|payments?)\s+data\b|"
                             r"(?:\w+\s+)?(?:threshold|limit|ceiling)\b)", re.I)
# "The Transforming Cities Fund is a £2.45 billion capital grant transport fund": the size of a fund, not a grant
_IS_A = re.compile(r"\b(?:is|was|are|were|be)\s+(?:a|an|the)\s*$", re.I)
_FUND_NOUN = re.compile(r"^\s*(?:[\w-]+\s+){0,4}(?:fund|funds|programme|pot|scheme|settlement|budget|pipeline|"
                        r"package|allocation|envelope)\b", re.I)
MIN_NATIONAL_PENCE = 1_000_000_000 * 100  # a "grant" of £1bn or more is a national fund's size, never one award
# "increased from £35 to £40": the figure before the change
_BEFORE_CHANGE = re.compile(r"\b(?:increas|decreas|rais|ris|rose|fell|fall|reduc|grew|grow|went|gone|cut|lower|"
                            r"chang|mov|revis|up|down)\w*\s+(?:\w+\s+){0,3}from\s*$", re.I)
# "The overall allocation increased from £147.93m to £168.23m": a budget as revised
_AFTER_CHANGE = re.compile(r"\b(?:increas|decreas|rais|ris|rose|fell|reduc|grew|grow|revis|chang|re-?baselin)\w*\s+"
                           r"(?:(?:\w+\s+){0,3}from\s+£\s?[\d.,]+\s?(?:bn|m|k|million|billion)?\s+)?to\s*$", re.I)
_BUDGET_WORD = re.compile(r"\b(?:allocations?|budgets?|programmes?|settlements?|envelopes?|forecasts?|estimates?|"
                          r"precepts?|cost of the (?:scheme|project|programme))\b", re.I)
# a table's column of differences: "Increase", "Decrease", "Variance", "Change", "Movement"
_VARIANCE = re.compile(r"^\W*(?:(?:increases?|decreases?|variances?|changes?|movements?|differences?|under/over|"
                       r"\(?(?:over|under)\)?\s*spend)\b|\+/-)", re.I)
_AND_ANOTHER = re.compile(r"^\s*(?:\([^()]{0,80}\)\s*)?(?:,|and|or|,\s*and|,\s*or)\s*$")  # "£100k (...) and £3m"
_VARIANCE_OF = re.compile(r"\b(?:increases?|decreases?|variances?|reductions?|rises?|falls?|changes?)\s+of\s*$", re.I)
# a table's row that names a cost: "Consultancy", "Staff costs", "Travel and subsistence"
_COST_LINE = re.compile(r"\b(?:consultan\w*|staff|staffing|salar\w*|travel|subsistence|expenses|costs?|equipment|"
                        r"software|hardware|licen[cs]\w*|hosting|accommodation|contractors?|overheads?|"
                        r"printing|marketing|publicity|venue hire|catering|audit fees?|insurance|"
                        r"project management|professional services|supplies)\b", re.I)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One statement of an amount of money, with who, what for, where and why it may not count."""

    row_id: str  # hash of (doc_id, chunk ordinal, offset of the amount): stable for an unchanged paper
    doc_id: str
    page: int  # 1-based page of the amount
    amount_pence: int  # the amount, or the low end of a range
    amount_text: str  # as written: "£88,338"
    kind: LedgerKind  # only SUMMED_KINDS count towards totals
    recipient: str | None  # "Reading CSP", "DrugFAM (Oxfordshire)"; None when the paper names nobody
    funder: str | None  # "OPCC Community Safety Fund", from the nearest fund heading or the sentence
    funder_source: str | None  # "heading" | "sentence"
    purpose: str  # the rest of the clause: "towards a Youth Offending Service ..."
    section: str | None  # top heading: the key aim "Improved data sharing on gangs ..."
    heading: str  # the full heading path, " > " joined
    sentence: str  # the statement in the paper's words
    chunk_id: str
    meeting_date: str | None  # the document's date (ISO)
    financial_year: str | None  # "2017/18"
    financial_year_source: str | None  # "sentence" | "heading" | "document"
    amount_high_pence: int | None = None  # a range's high end
    flag: str = ""  # why the row is not summed, or what is uncertain about it
    grant_id: str = ""  # rows with the same grant_id are one grant stated more than once

    @property
    def amount_pounds(self) -> float:
        return self.amount_pence / 100

    @property
    def summed(self) -> bool:
        return self.kind in SUMMED_KINDS


def ledger_embedding_text(row: LedgerRow) -> str:
    """A row is embedded with its section and fund, so "knife crime" finds a key aim's grants."""
    context = " > ".join(x for x in (row.section, row.funder) if x)
    return f"{context}.\n{row.sentence}" if context else row.sentence


def extract_ledger(doc: Document, pages: Sequence[Page], chunks: Sequence[Chunk]) -> tuple[LedgerRow, ...]:
    """Every amount of money stated in the document's chunks, as ledger rows with linked grants."""
    author = author_of(doc, chunks)  # who "we" is: one rule for the ledger and the tracker
    rows: list[LedgerRow] = []
    context_fy: str | None = None
    sections: dict[tuple[str, ...], str | None] = {}
    seen: set[tuple[int, str, int]] = set()
    for chunk in chunks:
        context_fy = _context_fy(chunk, context_fy)
        if not find_money(chunk.text):
            continue
        lines = ChunkLines(chunk, pages)
        offset = 0
        for unit in _units(chunk):
            found = chunk.text.find(unit[:20], offset)  # a table row's wrapped cells were joined
            unit_at = found if found >= 0 else offset
            offset = unit_at + len(unit)
            sentences = split_sentences(unit, at_semicolons=True)
            cursor = 0
            for i, sentence in enumerate(sentences):
                sentence_at = unit.find(sentence, cursor)
                cursor = sentence_at + len(sentence)
                for money in find_money(sentence):
                    key = (lines.page_of(unit_at + sentence_at + money.start), sentence, money.start)
                    if key in seen:
                        continue  # a table that repeats a merged cell on every row states it once
                    seen.add(key)
                    at = unit_at + sentence_at + money.start
                    if chunk.heading_path not in sections:
                        sections[chunk.heading_path] = _full_heading(_section(chunk.heading_path), pages)
                    cell = _table_cell(unit, sentence_at + money.start) if chunk.kind == "table" else None
                    rows.append(_row(doc, chunk, lines.page_of(at), sentence, money, sentences[:i],
                                     context_fy, at, sections[chunk.heading_path], cell, author))
    return link_grants(rows)


def _row(doc: Document, chunk: Chunk, page: int, sentence: str, money: Money, before: list[str],
         context_fy: str | None, at: int, section: str | None,
         cell: tuple[str, str] | None = None, author: str | None = None) -> LedgerRow:
    clause, start = _clause(sentence, money)
    lead = clause[:start]
    rest = clause[start + len(money.text):]
    recipient, funder, purpose = find_recipient(lead, rest)
    flag = ""
    ends_clause = not _tidy(rest) and recipient is None  # "The amount of funding involved was £400,000."
    if cell is not None and cell[0] and not _usable(rest):
        # a table row: "Transport: Outturn 2025/26, £61,605k", the row's label and the amount's column
        purpose = f"{cell[0]}: {cell[1]}, {money.text}" if cell[1] and cell[1] != cell[0] else cell[0]
        recipient = None
    elif ends_clause or not _usable(purpose) or not _CONNECTOR.match(rest):
        # the words after the amount say what it is for only when they start "towards", "for", "to", ...;
        # otherwise the clause itself does: "the net revenue was estimated at £2 million - significantly short"
        earlier = next((s for s in reversed(before) if re.search(r"\bfund|\bgrant", s, re.I)), None)
        wide = lead if _usable(lead) else _since_last_amount(sentence, money)
        whole = _clause_purpose(wide, money, rest)
        if earlier and (ends_clause or not _usable(whole)):
            purpose = _tidy(_LEAD.sub("", earlier))
            flag = "purpose taken from the sentence before"
        elif _usable(whole) and (_usable(wide) or not _usable(purpose)):
            purpose = whole
        elif not _usable(purpose):
            whole_sentence = _tidy(_LEAD.sub("", sentence))
            purpose = whole_sentence if _usable(whole_sentence) else whole
    kind, reason = classify(sentence, money, lead, rest, label=cell[0] if cell else "", column=cell[1] if cell else "")
    earlier_amounts = [m for m in find_money(sentence) if m.end <= money.start]
    if (earlier_amounts and _AND_ANOTHER.match(sentence[earlier_amounts[-1].end:money.start])
            and _THRESHOLD.search(sentence[:earlier_amounts[-1].start])):
        # "to a ceiling of £100k (Feasibility and Development Funding) and £3m (approved scheme funding)"
        kind, reason = "threshold", "a threshold or limit, not a payment"
    changed = "change" in reason or "as revised" in reason
    if (kind == "threshold" and (cell is None or not _usable(cell[0]))) or changed:
        # what the threshold is for stands before it: "tender documents for contracts over £10,000 to be published"
        purpose = _clause_purpose(sentence[:money.start], money, rest)
    if recipient is None and kind in SUMMED_KINDS:
        recipient = _payee(_since_last_amount(sentence, money))
        if recipient is None and (m := _PAYABLE_TO.match(sentence[money.end:])):
            recipient = _clean_name(m.group("rec"))  # "£115.00 (cheque made payable to Brampton Village Hall)"
    if recipient is None and kind == "grant" and author and _WE_RECEIVED.search(lead):
        # "we have secured £752 million": the paper's author, the authority rather than its committee
        recipient = re.sub(r"\s+(?:Joint\s+)?Committee$", "", author)
    purpose = _DANGLING.sub("", purpose)
    funder_source = "sentence" if funder else None
    if funder is None:
        funder = _funder_from_text(sentence) or None
        funder_source = "sentence" if funder else None
    if funder is None:
        funder = _funder_from_headings(chunk.heading_path)
        funder_source = "heading" if funder else None
    if _THOUSANDS.search(clause) and not _MULTIPLIED.search(money.text):
        money = replace(money, pence=money.pence * 1000,
                        high_pence=money.high_pence * 1000 if money.high_pence else None)
        flag = "; ".join(x for x in (flag, "in thousands, as the table's '(k)' says") if x)
    fy, fy_source = _financial_year(sentence, chunk, doc, context_fy)
    row_id = hashlib.sha256(f"{doc.doc_id}|{chunk.ordinal}|{at}|{money.text}".encode()).hexdigest()[:24]
    return LedgerRow(
        row_id=row_id, doc_id=doc.doc_id, page=page, amount_pence=money.pence, amount_text=money.text,
        kind=kind, recipient=recipient, funder=funder, funder_source=funder_source, purpose=purpose,
        section=section, heading=chunk.heading, sentence=_LEAD.sub("", sentence).strip(),
        chunk_id=chunk.chunk_id, meeting_date=doc.meeting_date.value if doc.meeting_date else None,
        financial_year=fy, financial_year_source=fy_source, amount_high_pence=money.high_pence,
        flag="; ".join(x for x in (reason, flag) if x), grant_id=row_id)


def _usable(purpose: str) -> bool:
    """A purpose says what the money is for: at least MIN_PURPOSE_WORDS words that are not function words or
    units ("6 to 10", ")", "a year", "per annum", "or over" are not purposes)."""
    return len(_content_words(purpose)) >= MIN_PURPOSE_WORDS


_UNIT_WORDS = frozenset("per annum year years month months week weeks day days each total approximately around "
                        "including included plus excluding vat pence nearest pound pounds per cent now".split())


def _content_words(text: str) -> list[str]:
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'’-]{2,}", text)]
    return [w for w in words if w not in STOP_WORDS and w not in _UNIT_WORDS]


def _clause_purpose(lead: str, money: Money, rest: str) -> str:
    """The amount's clause in the paper's words, when the words after it say too little: "Invoice received
    from G & AM Johnston for grass cutting £720.00"."""
    lead = _INTRO.sub("", _LEAD.sub("", re.split(r"(?<=[.:;])\s+|[•▪◦●\uf000-\uf8ff]", lead)[-1]))
    rest = re.split(r"[.;]\s|[.;]$", rest)[0]
    lead_words, rest_words = lead.split(), rest.split()
    lead = " ".join(lead_words[-PURPOSE_LEAD_WORDS:])
    rest = " ".join(rest_words[:PURPOSE_LEAD_WORDS])
    return _tidy(f"{lead} {money.text}{'' if rest[:1] in ',;:)' else ' '}{rest}")


def _since_last_amount(sentence: str, money: Money) -> str:
    """The words of the sentence between the amount before this one (or the start) and this one."""
    ends = [m.end for m in find_money(sentence) if m.end <= money.start]
    return sentence[ends[-1] if ends else 0:money.start]


def _table_cell(unit: str, offset: int) -> tuple[str, str]:
    """(row label, column header) of the table cell at `offset` of a row read as "Header: value; ..." cells."""
    cells, at = [], 0
    for part in unit.split("; "):
        cells.append((at, part))
        at += len(part) + 2
    mine = next((c for a, c in reversed(cells) if a <= offset), cells[0][1])
    name = mine.split(": ", 1)[0].strip() if ": " in mine else ""
    values = [c.split(": ", 1)[1] if ": " in c else c for _, c in cells if not find_money(c)]
    # "Number: 3; Category: Cost Increases; Scale: £50k": the row is named by its first cell in words
    label = next((v for v in values if re.search(r"[A-Za-z]{3,}", v)), values[0] if values else "")
    label = _tidy(label)
    if len(label.split()) > 12:
        label = " ".join(label.split()[:12]) + " ..."
    return label, _tidy(name)


def _units(chunk: Chunk) -> list[str]:
    return split_units(chunk.text, table=chunk.kind == "table")


def _clause(sentence: str, money: Money) -> tuple[str, int]:
    """The part of the sentence that belongs to this amount when a sentence states several."""
    amounts = find_money(sentence)
    if len(amounts) == 1:
        return sentence, money.start
    starts = [0] + [m.end for m in amounts]
    i = next(j for j, m in enumerate(amounts) if m.start == money.start)
    left = sentence[starts[i]:money.start]
    cuts = [m.end() for m in _CLAUSE_BREAK.finditer(left)]
    begin = starts[i] + (cuts[-1] if cuts else 0) if i else 0
    end = amounts[i + 1].start if i + 1 < len(amounts) else len(sentence)
    right = sentence[money.end:end]
    run_on = re.search(_RUN_ON, right)
    stop = min((p for p in (right.find(";"), right.find(", and "), right.find(" and "), run_on.start() if run_on else -1)
                if p >= 0), default=len(right))
    while sentence[begin:begin + 1].isspace():
        begin += 1
    clause = sentence[begin:money.end + stop]
    return clause, money.start - begin


def find_recipient(lead: str, rest: str) -> tuple[str | None, str | None, str]:
    """(recipient, funder, purpose) from the words before and after an amount.

    "Reading CSP invested £35,363 to support ..." -> ("Reading CSP", None, "support ...");
    "The PCC awarded £5,000 to Aspire for mentoring" -> ("Aspire", "PCC", "mentoring").
    """
    lead = _INTRO.sub("", _LEAD.sub("", lead)).strip()
    recipient = funder = None
    purpose = rest
    m = _RECEIVER_VERB.match(lead)
    if m:
        recipient = _clean_name(m.group("subj"))
    else:
        g = _GIVER_VERB.match(lead)
        if g and _FUNDER_SUBJECT.search(g.group("subj")):
            funder = _clean_name(g.group("subj"))
    if recipient is None:
        t = _TO_RECIPIENT.match(rest)
        if t and not _NOT_RECIPIENT.match(t.group("rec")):
            recipient = _clean_name(t.group("rec"))
            purpose = rest[t.end():]
    if recipient is not None and len(recipient.split()) > 12:
        recipient = None
    return recipient, funder, _tidy(_CONNECTOR.sub("", purpose, count=1)) or _tidy(lead)


def _payee(lead: str) -> str | None:
    """Who a payment goes to, named before its amount: "resolved to pay Wicksteed" -> "Wicksteed"; "Invoice
    received from G & AM Johnston for grass cutting" -> "G & AM Johnston"."""
    m = _PAY_LEAD.search(lead)
    hits = list(_PAYEE_FROM.finditer(lead))
    if m is None and hits:
        m = hits[-1]
    return _clean_name(m.group("rec")) if m else None


def _clean_name(name: str) -> str | None:
    name = name.split(", ")[-1]  # "Through the ... programme, we" names "we"
    if re.fullmatch(r"(?:we|it|they|this|which|that|he|she|there|you|I)", name.strip(" ,;:-–"), re.I):
        return None
    name = re.sub(r"^(?:the|a|an)\s+", "", name.strip(" ,;:-–"), flags=re.I).rstrip(".")
    if name.count(")") > name.count("("):
        name = name.rstrip(").")  # "(cheque made payable to Brampton Village Hall)."
    name = re.sub(r"\s+(?:has|have|had|also|then|now|have also|has also|and|or)$", "", name)
    return name or None


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,;:-–").rstrip(".").strip()


def _funder_from_text(sentence: str) -> str | None:
    m = _FUNDER_IN_TEXT.search(sentence)
    return _tidy(m.group("f")) if m else None


def _funder_from_headings(path: tuple[str, ...]) -> str | None:
    for heading in reversed(path):
        if _FUND_HEADING.search(heading):
            name = re.sub(r"\s*\(.*$", "", heading)  # "(inc. funds allocated through ...)"
            name = re.sub(r"\s+(?:Initiatives?|Awards?|Projects?|Allocations?|Schemes?)\s*:?$", "", name,
                          flags=re.I)
            if len(name.split()) > MAX_FUND_HEADING_WORDS or re.match(r"^\W*\d", name):
                continue  # "60. The MCA Committee decision ... funding allocations" is a paragraph, not a fund
            return _tidy(name) or None
    return None


def _section(path: tuple[str, ...]) -> str | None:
    numbered = next((h for h in path if re.match(r"^\s*\d{1,2}[.)]\s", h)), None)
    top = numbered or (path[0] if path else None)
    return re.sub(r"^\s*\d{1,2}[.)]\s+", "", top).strip() if top else None


def _full_heading(section: str | None, pages: Sequence[Page]) -> str | None:
    """The chunker shortens long headings to 14 words and " ..."; read the rest from the page's lines."""
    if not section or not section.endswith(" ..."):
        return section
    prefix = section.removesuffix(" ...")
    for page in pages:
        blocks = [b for b in page.blocks if b.kind == "line"]
        for i, block in enumerate(blocks):
            if prefix[:40] not in block.text:
                continue
            text = block.text
            for prev, nxt in zip(blocks[i:], blocks[i + 1:i + 4], strict=False):
                if prev.box[2] < 0.7 * page.width or text.rstrip().endswith((".", ":")):
                    break
                text = f"{text} {nxt.text}"
            text = re.sub(r"^\W*\d{1,2}[.)]\s+", "", _LEAD.sub("", text)).strip().rstrip("*").strip()
            if text.startswith(prefix[:40]):
                return text
    return section


def classify(sentence: str, money: Money, lead: str = "", rest: str = "", label: str = "",
             column: str = "") -> tuple[str, str]:
    """(kind, reason it is not summed): grants and spending count; ranges, thresholds, totals and the rest do not.

    The words of the amount's own clause (lead, rest; a table row's label and column) decide first, the
    sentence's only when they say nothing: "Invoice received ... £720" is spending, though "received" is a
    grant's word, and "the hourly rate was increased" elsewhere in a sentence is not this amount's salary. A table
    cell's row label says what it is before its column does ("Consultancy" under "Funding provision" is a cost).
    """
    row_label = label
    if money.is_range or _RANGE_LEAD.search(lead):
        return "range", "a range, not one amount"
    if ((_THRESHOLD.search(lead) and not _BY_ABOUT.search(lead) and not _ABOUT.search(lead))
            or _THRESHOLD_OF.search(lead) or _THRESHOLD_AFTER.match(rest) or _THRESHOLD_NOUN.match(rest)):
        return "threshold", "a threshold or limit, not a payment"
    if _TOTAL_LEAD.search(lead) or _TOTAL_IS.search(lead) or re.search(r"\b(?:sub-?)?totals?\b", row_label, re.I):
        return "total", "a total of amounts stated elsewhere, not one more payment"
    if _BEFORE_CHANGE.search(lead):
        return "other", "the figure before a change, not a payment"
    before = sentence[:money.start] if sentence[money.start:money.end] == money.text else lead
    if _AFTER_CHANGE.search(before) and _BUDGET_WORD.search(re.split(r"[.;:]\s", before)[-1]):
        return "budget", "a budget or allocation as revised, not a payment"
    if (column and _VARIANCE.search(column)) or _VARIANCE_OF.search(lead):
        return "saving", "a saving, gap or variance, not spending"
    if _IS_A.search(lead) and _FUND_NOUN.match(rest):
        return "budget", "a fund's or programme's size, not a payment"
    if row_label and _COST_LINE.search(row_label):
        # "Consultancy: Funding provision (k)": a cost line is spending unless its column says budget, forecast, ...
        return next(((kind, reason) for kind, pattern, reason in _KIND_RULES
                     if kind not in SUMMED_KINDS and pattern.search(column)), ("spend", ""))
    own = f"{row_label} {column} {_near(lead, rest)}"
    for text in (own, sentence):
        for kind, pattern, reason in _KIND_RULES:
            if pattern.search(text):
                if kind == "grant" and money.pence >= MIN_NATIONAL_PENCE:
                    return "budget", "a national fund's size (£1bn or more), not a grant to one body"
                return kind, reason
    return "other", "not clearly a grant or spending"


def _near(lead: str, rest: str) -> str:
    """The words next to an amount: the lead back to its last clause break and the rest to its first."""
    lead = re.split(r"[.;:]\s|,\s+(?=[A-Z])", lead)[-1]
    rest = re.split(r"[.;]\s|[.;]$", rest)[0]
    return f"{lead} £ {rest}"


def _context_fy(chunk: Chunk, current: str | None) -> str | None:
    """A financial year in a heading or a short label ("(Year 1, 2017/18)") holds until the next one."""
    for heading in chunk.heading_path:
        if found := find_financial_years(heading, short=False):
            current = found[-1].value
    if len(chunk.text.split()) <= 20 and (found := find_financial_years(chunk.text, short=False)):
        current = found[-1].value
    return current


def _financial_year(sentence: str, chunk: Chunk, doc: Document,
                    context: str | None) -> tuple[str | None, str | None]:
    if found := find_financial_years(sentence, short=False):
        return found[0].value, "sentence"
    if context:
        return context, "heading"
    doc_years = [f.value for f in doc.financial_years]
    if doc.date is not None:
        fy = financial_year_of(doc.date)
        if fy in doc_years or not doc_years:
            return fy, "document date"
    if len(doc_years) == 1:
        return doc_years[0], "document"
    return None, None


def recipient_key(recipient: str | None) -> str:
    return re.sub(r"[^a-z0-9()]+", " ", (recipient or "").lower()).strip()


def statement_key(row: LedgerRow) -> tuple[int, str]:
    """An amount and the sentence stating it, spacing and case aside: the same statement in two papers."""
    return row.amount_pence, " ".join(row.sentence.lower().split())


def link_grants(rows: Sequence[LedgerRow]) -> tuple[LedgerRow, ...]:
    """Rows of one paper with the same recipient, amount and purpose become one grant (the first row's id).

    Purposes agree when the first PURPOSE_KEY_WORDS content words share one: Oxfordshire CSP's "Youth Justice
    Services" and "Youth Offending Service" are one grant stated twice; Milton Keynes CSP's £40,000 for a "Drug
    and Alcohol Intervention Service" and £40,000 for a "Domestic Abuse Intervention Service" are two.
    """
    first: dict[tuple[str, str, int], list[LedgerRow]] = {}
    out: list[LedgerRow] = []
    for row in rows:
        if row.recipient is None or not row.summed:
            out.append(row)
            continue
        earlier = first.setdefault((row.doc_id, recipient_key(row.recipient), row.amount_pence), [])
        same = next((r for r in earlier if _same_purpose(r.purpose, row.purpose)), None)
        if same is None:
            earlier.append(row)
            out.append(row)
            continue
        out.append(replace(row, grant_id=same.grant_id))
    return tuple(out)


def _same_purpose(a: str, b: str) -> bool:
    key_a, key_b = (_purpose_key(p) for p in (a, b))
    return not key_a or not key_b or bool(key_a & key_b)


def _purpose_key(purpose: str) -> set[str]:
    words = [w for w in _content_words(purpose) if w not in ("their", "towards", "the", "our")]
    return {w.rstrip("s") for w in words[:PURPOSE_KEY_WORDS]}
