"""The funding ledger: amounts, recipients, purposes, pages and linked grants, checked against the papers."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3

import pytest
from click.testing import CliRunner
from sample_papers import MINUTES_2018, MINUTES_2020, REPORT

from panelqa.cli.main import cli
from panelqa.cli.report_format import format_money_answer
from panelqa.ingest.ledger import classify, find_recipient
from panelqa.ingest.store import DB_NAME, Store
from panelqa.reports.funding import answer_money, funding_rows, funding_total
from panelqa.text.money import find_money, format_pounds, parse_amount

CSF = "OPCC Community Safety Fund"
PPAF = "Police Property Act Fund"

# Written by hand from the April 2018 report and minutes (seeds/text), pages checked with pdfplumber:
# (page, amount in pounds, recipient as a reader would name it, words of the purpose, funder)
EXPECTED_REPORT = [
    # Key aim 1: substance misuse referrals
    (2, 35363, "Reading CSP", "support young people who misuse alcohol or drugs", CSF),
    (2, 253610, "Reading CSP", "drug treatment programme", CSF),
    (2, 10933, "West Berkshire CSP", "Alcohol Identification and Brief Advice", CSF),
    (2, 24500, "Oxfordshire CSP", "Refresh Café", CSF),
    (2, 40000, "Milton Keynes CSP", "Drug and Alcohol Intervention Service", CSF),
    (2, 33500, "Royal Borough of Windsor and Maidenhead CSP", "Drug and Alcohol Prison Outreach Worker", CSF),
    (2, 10000, "Wokingham CSP", "alcohol service", CSF),
    (2, 40000, "Bracknell Forest CSP", "Criminal Justice Recovery Facilitator", CSF),
    (2, 14361, "Buckinghamshire CSP", "Prison Link Worker", CSF),
    (2, 2500, "Pilgrim Heart Trust", "project supporting the homeless", PPAF),
    (2, 4555, "DrugFAM (Oxfordshire)", "support group for families", PPAF),
    (2, 5000, "DrugFAM (Berkshire)", "helpline", PPAF),
    (2, 5000, "DrugFAM (Buckinghamshire)", "support families, friends and partners", PPAF),
    # Key aim 2: gangs, violent crime, knife crime
    (3, 22000, "Royal Borough of Windsor and Maidenhead", "gang crime programme", CSF),
    (3, 35363, "Reading CSP", "support young people who misuse alcohol or drugs", CSF),
    (3, 88338, "Reading CSP", "Youth Offending Service", CSF),
    (3, 73547, "West Berkshire CSP", "Youth Offending Service", CSF),
    (3, 113456, "Oxfordshire CSP", "Youth Justice Services", CSF),
    (3, 11829, "Cherwell CSP", "Organised Crime Groups", CSF),
    (3, 50171, "Oxford CSP", "Violent Crime Coordinator", CSF),
    (3, 43544, "Oxford CSP", "Human Exploitation Coordinator", CSF),
    (3, 120900, "Milton Keynes CSP", "Youth Offending Service", CSF),
    (3, 39100, "Royal Borough of Windsor and Maidenhead", "Youth Offending Team", CSF),
    (3, 3900, "Wycombe Youth Services Partnership", "early intervention pilot project", PPAF),
    (4, 3000, "Youth Enquiry Service", "Drop In service", PPAF),
    # Key aim 3: offender management
    (4, 88338, "Reading CSP", "Youth Offending Service", CSF),
    (4, 73547, "West Berkshire CSP", "Youth Offending Service", CSF),
    (4, 113456, "Oxfordshire CSP", "Youth Offending Service", CSF),
    (4, 15000, "South and Vale CSP", "Oxford Homeless Pathways", CSF),
    (4, 43070, "Buckinghamshire CSP", "Youth Offending Service Early Intervention Programme", CSF),
    (4, 60733, "Buckinghamshire CSP", "Youth Offending Service", CSF),
    (4, 120900, "Milton Keynes CSP", "Youth Offending Service", CSF),
    (4, 3000, "Milton Keynes CSP", "Integrated Offender Management Programme", CSF),
    (4, 39100, "Royal Borough of Windsor and Maidenhead", "Youth Offending Team", CSF),
    (4, 20000, "Wokingham CSP", "Youth Offending Service", CSF),
    (5, 62500, "Bracknell CSP", "Youth Offending Service", CSF),
    (5, 11500, "Thames Valley Partnership", "New Leaf and Family Matters", PPAF),
    (5, 9000, "Berkshire Care Trust", "educate, train and to relieve poverty", PPAF),
    (5, 4142, "Aspire Oxfordshire Community Enterprise Ltd", "Through the Gate", PPAF),
    (5, 4140, "Elizabeth Fry", "support women in Reading", PPAF),
    (5, 730, "Aylesbury Youth Motor Project", "training placement", PPAF),
    (5, 2500, "Trailblazers Mentoring", "mentoring project", PPAF),
    (5, 2500, "Wycombe Wanderers Sports & Education Trust", "Kicking-On", PPAF),
    (5, 10000, "Bucks Association for the Care of Offenders", "small grants to prisoners", PPAF),
    (5, 5000, "Hardman Trust", "offenders based in HMP Springhill", PPAF),
    (5, 5000, "Aspire", "Through the Gate", PPAF),
    # Key aim 4: domestic abuse perpetrators
    (6, 40000, "Milton Keynes CSP", "Domestic Abuse Intervention Service", CSF),
    (6, 34453, "Wokingham CSP", "Domestic Abuse contract", CSF),
    (6, 5000, "SAFE! Support for Young People Affected by Crime", "Building Respectful Families Programme",
     PPAF),
]
EXPECTED_MINUTES = [(2, 400000, None, "grant funding for projects", None)]
# The same grant stated under two key aims: (recipient, amount)
REPEATED_GRANTS = {("Reading CSP", 35363), ("Reading CSP", 88338), ("West Berkshire CSP", 73547),
                   ("Oxfordshire CSP", 113456), ("Milton Keynes CSP", 120900),
                   ("Royal Borough of Windsor and Maidenhead", 39100)}


def _name(text: str | None) -> str:
    return re.sub(r"^the\s+", "", (text or "").strip().lower())


# -- amounts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, pence, high", [
    ("Reading CSP invested £35,363 to support", 3_536_300, None),
    ("£1,234", 123_400, None),
    ("£1,234.56", 123_456, None),
    ("a further £1.2m for", 120_000_000, None),
    ("£400k", 40_000_000, None),
    ("£400K", 40_000_000, None),
    ("£12 million", 1_200_000_000, None),
    ("£2.5bn", 250_000_000_000, None),
    ("400,000 pounds", 40_000_000, None),
    ("2 million pounds", 200_000_000, None),
    ("The amount of funding involved was £400,000.", 40_000_000, None),
    ("between £10,000 and £15,000", 1_000_000, 1_500_000),
    ("£10-15k", 1_000_000, 1_500_000),
    ("£500 to £5,000", 50_000, 500_000),
    ("£30,000–£35,000 per annum", 3_000_000, 3_500_000),
])
def test_amount_forms(text, pence, high):
    (money,) = find_money(text)
    assert (money.pence, money.high_pence) == (pence, high)


def test_not_money_numbers_are_not_amounts():
    text = ("Reduce the level of violence – All Violent Crime 23,178 25,365. The reoffending rate has "
            "reduced from 42.4 to 40.4%. 900 people have been trained; 10% of my Community Safety Fund; "
            "2017/18.")
    assert find_money(text) == ()


def test_a_dash_before_a_count_or_year_is_not_a_range():
    assert [(m.text, m.high_pence) for m in find_money("£5,000 - 10 sessions")] == [("£5,000", None)]
    assert [(m.text, m.high_pence) for m in find_money("£500 - 2019")] == [("£500", None)]


def test_two_amounts_in_a_sentence():
    found = find_money("£5,000 from the PCC and £3,000 from the council")
    assert [m.pence for m in found] == [500_000, 300_000]


def test_each_amount_of_a_sentence_gets_its_own_clause():
    from panelqa.ingest.ledger import _clause

    sentence = "Oxford CSP received £5,000 for mentoring and Reading CSP received £3,000 for a helpline."
    found = []
    for money in find_money(sentence):
        clause, start = _clause(sentence, money)
        found.append(find_recipient(clause[:start], clause[start + len(money.text):]))
    assert found == [("Oxford CSP", None, "mentoring"), ("Reading CSP", None, "a helpline")]


def test_corpus_dev_tables_state_thousands_and_repeat_merged_cells():
    from panelqa.ingest.ledger import extract_ledger
    from panelqa.ingest.records import Block, Chunk, Document, Page

    text = ("Organisation: Department for Communities and Local Government; Funding provision (k): £250.\n"
            "Area: Rounding; Description: monetary values from the nearest\n£1 to the nearest pence.\n"
            "Area: Totals; Description: monetary values from the nearest\n£1 to the nearest pence.")
    lines = text.split("\n")
    page = Page(1, 595, 842, tuple(Block("line", t, (50, 100 + 12 * i, 500, 110 + 12 * i))
                                    for i, t in enumerate(lines)))
    chunk = Chunk("c1", "d1", 0, 1, 1, "table", ("Table 2: Breakdown of UKLP Funding",), text,
                  tuple((1, *b.box) for b in page.blocks))
    rows = extract_ledger(Document("d1", "x.pdf", "x.pdf"), [page], [chunk])
    assert [(r.amount_pence, r.kind) for r in rows] == [(250_000_00, "grant"), (1_00, "other")]
    assert "in thousands" in rows[0].flag


def _ledger_of(text: str, kind: str, heading: tuple[str, ...] = ("Finance",)):
    from panelqa.ingest.ledger import extract_ledger
    from panelqa.ingest.records import Block, Chunk, Document, Page

    lines = text.split("\n")
    page = Page(1, 595, 842, tuple(Block("line", t, (50, 100 + 12 * i, 500, 110 + 12 * i))
                                    for i, t in enumerate(lines)))
    chunk = Chunk("c1", "d1", 0, 1, 1, kind, heading, text, tuple((1, *b.box) for b in page.blocks))
    return extract_ledger(Document("d1", "x.pdf", "x.pdf"), [page], [chunk])


def test_issue_13_a_table_row_keeps_its_label_and_column_header():
    rows = _ledger_of("Service: Transport; Outturn 2025/26: £61,605k; Budget 2026/27: £63,000k.\n"
                      "Service: Total; Outturn 2025/26: £98,200k; Budget 2026/27: £99,000k.", "table")
    assert [r.purpose for r in rows] == ["Transport: Outturn 2025/26, £61,605k", "Transport: Budget 2026/27, £63,000k",
                                         "Total: Outturn 2025/26, £98,200k", "Total: Budget 2026/27, £99,000k"]
    assert [r.kind for r in rows] == ["other", "budget", "total", "total"], "a table's total row is a total"
    assert not any(r.summed for r in rows)


@pytest.mark.parametrize("text, kind, words", [
    # parish minutes run their payments together; the clause before the amount says what it paid for
    ("Invoice received from G & AM Johnston for grass cutting £ 720.00, Councillors agreed to pay", "spend",
     "G & AM Johnston for grass cutting"),
    ("The net revenue was estimated at £2 million - significantly short of the targeted income.", "estimate",
     "net revenue was estimated at £2 million"),
    ("Costs range from £3k for discrete short-term work to over £12m for long-term projects.", "range",
     "discrete short-term work"),
    ("Making a total of £ 937.92 for the year.", "total", "total of £ 937.92"),
])
def test_issue_13_purpose_is_the_clause_and_kind_its_rule(text, kind, words):
    row = _ledger_of(text, "paragraph")[0]
    assert (row.kind, words in row.purpose) == (kind, True), row.purpose
    assert row.summed == (kind in ("grant", "spend"))


def test_issue_13_a_purpose_is_never_a_fragment():
    for text in ("Result in savings of £500,000 or over.", "At the £500 level personal data can appear.",
                 "Newcastle City Council are making savings of £248,000 pa."):
        (row,) = _ledger_of(text, "paragraph")
        assert len(row.purpose.split()) >= 4 and row.purpose[0] not in ")(,;", row.purpose


def test_parse_and_format():
    assert parse_amount("1.2", "m") == 120_000_000
    assert format_pounds(8_833_800) == "£88,338"
    assert format_pounds(123_450) == "£1,234.50"


@pytest.mark.parametrize("sentence, kind", [
    ("Reading CSP invested £88,338 towards a Youth Offending Service.", "grant"),
    ("The Hardman Trust received £5,000 to work with offenders.", "grant"),
    ("The force spent £120,000 on body worn video cameras.", "spend"),
    ("The amount of funding involved was £400,000.", "budget"),
    ("The post carries a salary of £32,000.", "salary"),
    ("Victims lost £2.3m to courier fraud last year.", "crime_value"),
    ("Savings of £1.2m were found in the estates budget.", "saving"),
    ("Grants of up to £5,000 are available.", "threshold"),
    ("The scale runs £30,000–£35,000.", "range"),
    ("By adding floorplans, the fee charged is increased to around £40.", "price"),
    ("all local authorities are already publishing expenditure of £500 and over", "threshold"),
    ("They were publishing spend data (>£500), and details of forthcoming contracts", "threshold"),
    ("a commercial licence, which currently costs £190k per annum.", "spend"),
    ("£200m could be saved if generic drugs were prescribed.", "saving"),
])
def test_kinds_that_are_summed_and_not(sentence, kind):
    money = find_money(sentence)[0]
    assert classify(sentence, money, sentence[:money.start], sentence[money.end:])[0] == kind


# -- recipients on real phrasings --------------------------------------------------------------------


@pytest.mark.parametrize("lead, rest, recipient, funder, purpose", [
    ("• Reading CSP invested ", " to support young people who misuse alcohol or drugs.", "Reading CSP", None,
     "support young people who misuse alcohol or drugs"),
    ("• DrugFAM (Oxfordshire) received ", " towards delivering a support group for families",
     "DrugFAM (Oxfordshire)", None, "delivering a support group for families"),
    ("• Thames Valley Partnership were awarded ", " towards their New Leaf and Family Matters programmes",
     "Thames Valley Partnership", None, "their New Leaf and Family Matters programmes"),
    ("• The Youth Enquiry Service received ", " towards their Drop In service", "Youth Enquiry Service", None,
     "their Drop In service"),
    ("The PCC has awarded ", " to Aspire for mentoring prison leavers.", "Aspire", "PCC",
     "mentoring prison leavers"),
    ("In 2019/20, Wokingham CSP received ", " for a Domestic Abuse contract.", "Wokingham CSP", None,
     "a Domestic Abuse contract"),
    ("The amount of funding involved was ", ".", None, None, "The amount of funding involved was"),
    ("This includes ", " to CoST Ethiopia, ", "CoST Ethiopia", None, "This includes"),
])
def test_recipient_funder_and_purpose(lead, rest, recipient, funder, purpose):
    """Real phrasings from the sample papers, and one from corpus-dev."""
    assert find_recipient(lead, rest) == (recipient, funder, purpose)


# -- the sample corpus ------------------------------------------------------------------------------


def _rows_of(index, file_name):
    return [r.row for r in funding_rows(index) if r.file_name == file_name]


def test_one_row_per_statement_of_an_amount_with_page_and_amount(sample_index):
    report, minutes, later = (_rows_of(sample_index, f) for f in (REPORT, MINUTES_2018, MINUTES_2020))
    assert len(report) == 49 and len(minutes) == 1 and later == []
    for row, (page, pounds, *_rest) in zip(report + minutes, EXPECTED_REPORT + EXPECTED_MINUTES, strict=True):
        assert (row.page, row.amount_pence) == (page, pounds * 100), row.sentence


def test_recipient_and_purpose_as_a_reader_states_them(sample_index):
    rows = _rows_of(sample_index, REPORT) + _rows_of(sample_index, MINUTES_2018)
    expected = EXPECTED_REPORT + EXPECTED_MINUTES
    wrong = [(row.sentence, row.recipient, row.purpose)
             for row, (_, _, recipient, purpose, _) in zip(rows, expected, strict=True)
             if _name(row.recipient) != _name(recipient) or purpose.lower() not in row.purpose.lower()]
    assert len(wrong) <= 5, wrong  # the issue asks for at least 45 of 50
    assert wrong == [], "all 50 are right today; keep it so"


def test_funder_comes_from_the_fund_heading(sample_index):
    rows = _rows_of(sample_index, REPORT)
    assert [r.funder for r in rows] == [e[4] for e in EXPECTED_REPORT]
    assert {r.funder_source for r in rows} == {"heading"}


def test_section_is_the_key_aim_in_full(sample_index):
    row = next(r for r in _rows_of(sample_index, REPORT) if r.amount_pence == 88338_00)
    assert row.section.startswith("Improved data sharing on gangs")
    assert "knife crime" in row.section


def test_dates_and_financial_years(sample_index):
    report = _rows_of(sample_index, REPORT)
    (minutes,) = _rows_of(sample_index, MINUTES_2018)
    assert {(r.meeting_date, r.financial_year) for r in report} == {("2018-04-20", "2017/18")}
    assert (minutes.meeting_date, minutes.financial_year) == ("2018-04-20", "2018/19")


def test_repeated_grants_are_linked_and_counted_once(sample_index):
    rows = _rows_of(sample_index, REPORT)
    by_grant: dict[str, list] = {}
    for r in rows:
        by_grant.setdefault(r.grant_id, []).append(r)
    repeated = {(g[0].recipient, g[0].amount_pence // 100) for g in by_grant.values() if len(g) > 1}
    assert repeated == REPEATED_GRANTS
    assert all(len({r.page for r in g}) == 2 for g in by_grant.values() if len(g) > 1), "both citations kept"
    total = funding_total([fr for fr in funding_rows(sample_index) if fr.file_name == REPORT])
    assert (total.rows, total.grants, total.repeats) == (49, 43, 6)
    assert total.total_pence == sum(p for _, p, *_ in EXPECTED_REPORT) * 100 - sum(
        a for _, a in REPEATED_GRANTS) * 100


def test_issue_13_two_grants_of_one_amount_for_different_purposes_stay_two(sample_index):
    """Milton Keynes CSP got £40,000 for drugs and alcohol (p. 2) and £40,000 for domestic abuse (p. 6)."""
    mk = [r for r in _rows_of(sample_index, REPORT) if r.recipient == "Milton Keynes CSP" and r.amount_pence == 40_000_00]
    assert [r.page for r in mk] == [2, 6]
    assert mk[0].grant_id != mk[1].grant_id
    assert "Drug and Alcohol" in mk[0].purpose and "Domestic Abuse" in mk[1].purpose


def test_the_fund_size_in_the_minutes_is_listed_not_summed(sample_index):
    (row,) = _rows_of(sample_index, MINUTES_2018)
    assert row.kind == "budget" and not row.summed and row.flag
    total = funding_total(funding_rows(sample_index))
    assert total.not_summed == (("budget", 1),)


def test_rows_are_keyword_and_meaning_searchable(sample_index):
    knife = funding_rows(sample_index, search="knife")
    assert len(knife) == 12 and all("knife crime" in r.row.section for r in knife)
    assert {r.row.recipient for r in funding_rows(sample_index, recipient="drugfam")} == {
        "DrugFAM (Oxfordshire)", "DrugFAM (Berkshire)", "DrugFAM (Buckinghamshire)"}
    assert funding_rows(sample_index, year=2017) == []
    assert len(funding_rows(sample_index, year=2018)) == 50


def test_money_question_answers_from_the_ledger(sample_index):
    rows = answer_money("how much went to youth offending services?", sample_index)
    assert rows and any(r.row.recipient == "Reading CSP" and r.row.amount_pence == 88338_00 for r in rows)
    text = format_money_answer("how much went to youth offending services?", rows)
    assert "p. 3" in text and "Total: £" in text and text.splitlines()[-1].startswith("Included:")


def test_deleting_a_document_deletes_its_rows(sample_index_copy):
    copy = sample_index_copy
    with Store(copy) as store:
        path = next(p for p in store.file_paths() if p.endswith(REPORT))
        store.forget_file(path)
    conn = sqlite3.connect(copy / DB_NAME)
    assert conn.execute("SELECT count(*) FROM ledger").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM ledger_fts").fetchone()[0] == 1


# -- CLI ----------------------------------------------------------------------------------------------


def test_cli_funding_plain_has_a_total_line(sample_index):
    result = CliRunner().invoke(cli, ["funding", "--index", str(sample_index), "--recipient", "Reading"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == (
        "Total: £377,311 over 3 grants (5 rows, 2 repeated statements counted once).")


def test_cli_funding_json_is_one_object_per_row(sample_index):
    result = CliRunner().invoke(cli, ["funding", "--index", str(sample_index), "--json"])
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.output.splitlines()]
    assert len(objects) == 50
    first = objects[0]
    assert (first["amount_pounds"], first["recipient"], first["page"], first["file_name"]) == (
        35363.0, "Reading CSP", 2, REPORT)


def test_cli_funding_csv(sample_index):
    result = CliRunner().invoke(cli, ["funding", "--index", str(sample_index), "--csv", "--search", "knife"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 12
    assert {"amount_pence", "recipient", "funder", "purpose", "section", "page", "file_name"} <= set(rows[0])


def test_cli_funding_group_by_recipient(sample_index):
    result = CliRunner().invoke(cli, ["funding", "--index", str(sample_index), "--group-by", "recipient"])
    assert result.exit_code == 0, result.output
    assert "Reading CSP: £377,311 in 3 grants" in result.output


def test_cli_json_and_csv_together_is_a_usage_error(sample_index):
    result = CliRunner().invoke(cli, ["funding", "--index", str(sample_index), "--json", "--csv"])
    assert result.exit_code == 2 and "Choose one of --json and --csv." in result.output


def test_cli_funding_without_an_index_is_one_error_line(tmp_path):
    result = CliRunner().invoke(cli, ["funding", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: No index at ")


# -- issue 13: rules read off rows of corpus-dev and corpus-council, on papers the tests write -------------


def _paper(tmp_path, name: str, text: str):
    from pdfwriter import write_pdf

    from panelqa.ingest.run import prepare_file

    return prepare_file(str(write_pdf(tmp_path / name, [text])), "test").ledger


def _by_amount(rows, amount_text: str):
    return next(r for r in rows if r.amount_text.replace(" ", "") == amount_text)


def test_issue_13_parish_payments_name_who_is_paid(tmp_path):
    """A parish clerk's finance minute runs its payments together; each names its payee, and a bank balance is
    listed, never summed as spending."""
    rows = _paper(tmp_path, "2018-07-03 Parish Council minutes.pdf", (
        "Parish Council minutes, 3 July 2018\n\nFinance\n"
        "Invoice received from G & AM Johnston for grass cutting £ 720.00, Councillors agreed to pay. "
        "It was resolved to pay Wicksteed £ 2100.00 for the artificial grass turf, upon completion of the work "
        "Also resolved to pay £ 495.00 to the Soccer Store upon receipt of the pro forma invoice. "
        "The Clerk passed the bank statement to the Councillors and the balance is £ 1595.36 in the Business "
        "Savings Account."))
    assert [(_by_amount(rows, a).recipient, _by_amount(rows, a).kind) for a in ("£720.00", "£2100.00", "£495.00")] \
        == [("G & AM Johnston", "spend"), ("Wicksteed", "spend"), ("Soccer Store", "spend")]
    assert "pay the Panel" not in _by_amount(rows, "£495.00").purpose
    balance = _by_amount(rows, "£1595.36")
    assert (balance.kind, balance.summed) == ("budget", False), balance.flag


def test_issue_13_thresholds_say_what_they_limit(tmp_path):
    rows = _paper(tmp_path, "2026-02-26 Committee report - procurement.pdf", (
        "Procurement and approvals\n\n"
        "All procurement of goods and services of value greater than £25k should be approved in advance by the "
        "Head of Finance.\n\n"
        "Cost increases of up to 10% to a ceiling of £100k are delegated to the Director.\n\n"
        "All new central government tender documents for contracts over £10,000 to be published on a single "
        "website.\n\n"
        "More local authorities are publishing datasets beyond £500 spend data.\n\n"
        "The department's bodies published all items of spend over £750, beyond what is required.\n\n"
        "It has published spending data at a £250 threshold.\n\n"
        "The council publishes all transactions of over £600 every month.\n\n"
        "Items costing over £2,000 are recorded in the asset register.\n\n"
        "The scheme has cost over £3m so far."))
    assert _by_amount(rows, "£3m").kind != "threshold", "'has cost over £3m' is about that much, not a limit"
    for amount, words in (("£600", "transactions of over £600"), ("£2,000", "Items costing over £2,000"),
                          ("£25k", "goods and services of value greater than £25k"), ("£100k", "ceiling of £100k"),
                          ("£10,000", "tender documents for contracts over £10,000"),
                          ("£500", "datasets beyond £500 spend data"), ("£750", "items of spend over £750"),
                          ("£250", "spending data at a £250 threshold")):
        row = _by_amount(rows, amount)
        assert (row.kind, words in row.purpose) == ("threshold", True), (amount, row.kind, row.purpose)


def test_issue_13_fund_sizes_pipelines_and_changes_are_not_grants_or_ranges(tmp_path):
    rows = _paper(tmp_path, "2026-02-26 Committee report - transport funding.pdf", (
        "Transport funding\n\n"
        "The Transforming Cities Fund is a £2.45 billion capital grant transport fund aimed at driving up "
        "productivity.\n\n"
        "The construction pipeline includes 1,047 projects and programmes, and over £109 billion of investment "
        "to 2020.\n\n"
        "The overall allocation increased from £147.93m to £168.23m.\n\n"
        "As agreed in October the project is increasing its allocation from £10m to £34.93m."))
    fund, pipeline = _by_amount(rows, "£2.45billion"), _by_amount(rows, "£109billion")
    assert (fund.kind, fund.summed) == ("budget", False), fund.flag
    assert pipeline.kind != "threshold" and not pipeline.summed, pipeline.flag
    before, after = _by_amount(rows, "£147.93m"), _by_amount(rows, "£168.23m")
    assert (before.amount_high_pence, after.amount_high_pence) == (None, None), "a change is not a range"
    assert (before.kind, before.summed) == ("other", False) and "before a change" in before.flag
    assert after.amount_pence == 16_823_000_000
    assert (after.kind, after.summed) == ("budget", False), "an allocation as revised is a budget"
    assert _by_amount(rows, "£34.93m").kind == "budget" and _by_amount(rows, "£10m").amount_high_pence is None


def test_issue_13_a_table_s_variance_column_and_cost_lines():
    rows = _ledger_of("Name: Russell Hogg; 2012/13: £12,400; 2013/14: £10,100; Decrease: £2,300.\n"
                      "Item: Consultancy; Funding provision (k): £45.\n"
                      "Item: Staff costs; Budget 2026/27: £300.", "table")
    assert [(r.amount_text, r.kind) for r in rows if r.amount_text in ("£2,300", "£45", "£300")] == [
        ("£2,300", "saving"), ("£45", "spend"), ("£300", "budget")]


def test_issue_13_variances_valuations_reallocations_and_what_we_secured(tmp_path):
    rows = _paper(tmp_path, "2026-03-27 Committee report - transport.pdf", (
        "West of England Combined Authority Committee\n\nTransport update\n"
        "Through the City Regions programme, we have secured £752 million in further funding to invest by 2032.\n\n"
        "Congestion costs the UK economy almost £8 billion a year.\n\n"
        "£2.3m of risk is to be released from the A38 scheme to be reallocated to Charfield.\n\n"
        "The programme would therefore not need the full £12m revenue funding suggested in the table above.\n\n"
        "Expenditure on the subscription showed a decrease of £185 on the year.\n\n"
        "These commitments apply to contracts over the value of £10,000. Reprofiling of up to £50k (feasibility "
        "funding) and £100k (approved scheme funding) between financial years is delegated."))
    secured = _by_amount(rows, "£752million")
    assert (secured.kind, secured.recipient) == ("grant", "West of England Combined Authority"), secured.flag
    assert [_by_amount(rows, a).kind for a in ("£8billion", "£2.3m", "£12m", "£185", "£10,000", "£50k", "£100k")] \
        == ["estimate", "budget", "budget", "saving", "threshold", "threshold", "threshold"]


def test_issue_13_a_table_row_is_named_by_its_first_cell_in_words():
    (row,) = _ledger_of("Number: 3; Category: Reprofiling of Spend; Scale: £50k.", "table")
    assert row.purpose.startswith("Reprofiling of Spend"), row.purpose


def test_issue_13_awards_totals_penalties_and_table_units(tmp_path):
    rows = _paper(tmp_path, "2026-03-27 Committee report - decisions.pdf", (
        "Transport decisions\n\n"
        "Approved the Full Business Case and the award of £3,330,749 of CRSTS capital funding to Bath & North "
        "East Somerset Council for the scheme.\n\n"
        "The total AEB grant funding for 2023/24 is £16,123,898 across 11 providers.\n\n"
        "Penalty Charge Notices are set at £60.00 but if paid within 14 days are discounted to £30.00.\n\n"
        "The programmes represent over £350 billion worth of government spend.\n\n"
        "John Eyles, labour on the seat refurbishment £ 115.00 (cheque made payable to Brampton Village Hall).\n\n"
        "Headroom to 2027/28 (£000's) was reported.\n\n"
        "As the Asset Register has been amended, the Clerk contacted the insurer: the laptop is covered, but for "
        "a cost of £4.50 it will be included within the All Risks Section."))
    award = _by_amount(rows, "£3,330,749")
    assert (award.kind, award.recipient) == ("grant", "Bath & North East Somerset Council")
    assert [_by_amount(rows, a).kind for a in ("£16,123,898", "£30.00")] == ["total", "price"]
    assert _by_amount(rows, "£350billion").kind != "threshold"
    assert _by_amount(rows, "£115.00").recipient == "Brampton Village Hall"
    assert not any(r.amount_text.startswith("£000") for r in rows), "a table's unit is no amount"
    assert _by_amount(rows, "£4.50").kind == "spend", "naming the asset register does not make a cost an estimate"
