"""The domain rules of panelqa/text, and the places where copies of them once disagreed: a question
saying "2020-21", an answer quoting "£10-15k", a sentence holding "approx. £5,000"."""

from __future__ import annotations

from datetime import date

import pytest
from sample_papers import MINUTES_2018, MINUTES_2020, REPORT

from panelqa.search.api import answer, search
from panelqa.search.query import parse_query
from panelqa.text.dates import date_from_file_name, financial_year_of, financial_year_range, find_dates, find_financial_years
from panelqa.text.money import find_money
from panelqa.text.sentences import sentences_of, split_sentences


@pytest.mark.parametrize(("text", "expected"), [
    ("Friday, 20th April, 2018 11.00 am", date(2018, 4, 20)),
    ("11 April 2018", date(2018, 4, 11)),
    ("April 20, 2018", date(2018, 4, 20)),
    ("20/04/2018", date(2018, 4, 20)),
])
def test_find_dates(text, expected):
    assert find_dates(text) == [expected]


@pytest.mark.parametrize(("stem", "expected"), [
    ("2018-04-20 x", date(2018, 4, 20)),
    ("101025_Local Public Data Panel", date(2010, 10, 25)),
    ("20130909 x", date(2013, 9, 9)),
    ("130501 Revised TOR", date(2013, 5, 1)),
    ("2020-21 Panel minutes", None),
])
def test_date_from_file_name(stem, expected):
    assert date_from_file_name(stem) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2017/18", ["2017/18"]),
    ("2020-21", ["2020/21"]),
    ("the 2020 – 21 budget", ["2020/21"]),
    ("2017/2018", ["2017/18"]),
    ("17/18", ["2017/18"]),
    ("2017-2021", []),
    ("met on 1/4/2017", []),
])
def test_find_financial_years(text, expected):
    assert [f.value for f in find_financial_years(text)] == expected


def test_short_financial_years_are_left_out_of_sentences_when_asked():
    assert [f.value for f in find_financial_years("scored 17/18 in 2019/20", short=False)] == ["2019/20"]


def test_financial_year_bounds():
    assert financial_year_range("2017/18") == (date(2017, 4, 1), date(2018, 3, 31))
    assert financial_year_of(date(2018, 4, 20)) == "2018/19"
    assert financial_year_of(date(2018, 3, 10)) == "2017/18"


@pytest.mark.parametrize("question", ["performance in 2020-21", "performance in 2020/21",
                                      "performance in 2020/2021"])
def test_every_way_of_writing_a_financial_year_sets_the_same_window(question):
    query = parse_query(question)
    assert (query.since, query.until) == (date(2020, 4, 1), date(2021, 3, 31))
    assert "2020/21" in query.filter_note


def test_a_question_saying_2020_21_finds_the_paper_named_that_way(sample_index):
    """The sample corpus names its 2020-21 minutes that way; a question written the same way filters to them."""
    passages = search("reducing re-offending performance report in 2020-21", sample_index)
    inside = {p.file_name for p in passages if not p.outside_filter}
    assert inside == {MINUTES_2020}
    assert {MINUTES_2018, REPORT}.isdisjoint(inside)


@pytest.mark.parametrize(("text", "pence", "high"), [
    ("£10-15k", 1_000_000, 1_500_000),
    ("approx. £5,000", 500_000, None),
    ("£1.2m", 120_000_000, None),
    ("400,000 pounds", 40_000_000, None),
])
def test_money_as_papers_write_it(text, pence, high):
    (money,) = find_money(text)
    assert (money.pence, money.high_pence) == (pence, high)


def test_a_sentence_does_not_end_after_an_abbreviation():
    text = "The scheme cost approx. £5,000 in its first year. Cllr. Smith asked for the figures. Item 4. Noted."
    assert split_sentences(text) == ["The scheme cost approx. £5,000 in its first year.",
                                     "Cllr. Smith asked for the figures.", "Item 4. Noted."]
    grants = "Slough received £4,000; Reading received £5,000."
    assert split_sentences(grants) == [grants]
    assert split_sentences(grants, at_semicolons=True) == ["Slough received £4,000;", "Reading received £5,000."]
    assert sentences_of("• First point made here.\nsecond\nThird point made here.", min_words=3) == [
        "First point made here.", "Third point made here."]


@pytest.fixture(scope="module")
def money_index(tmp_path_factory):
    from conftest import build_index
    from pdfwriter import write_pdf
    folder = tmp_path_factory.mktemp("money")
    pdf = write_pdf(folder / "2019-06-10 Panel report - youth diversion.pdf", ["\n".join([
        "Thames Valley Police and Crime Panel, report of 10 June 2019.",
        "Youth diversion scheme.",
        "The youth diversion scheme in Slough will cost £10-15k each year to run from September.",
        "The mentoring pilot in Oxford cost approx. £5,000 and reached forty young people in its first year.",
        "The Panel noted the report.",
    ])])
    return build_index(folder / "index", [pdf])


def test_an_answer_quotes_a_range_whole_and_never_adds_its_low_end(money_index):
    result = answer("How much will the youth diversion scheme in Slough cost?", money_index)
    quoted = [line for line in result.lines if "£10-15k" in line.text]
    assert quoted, result.text
    assert all(line.amount_pounds not in (10, 10.0) for line in result.lines)
    assert result.total_pounds != 10


def test_an_answer_quotes_approx_amounts_in_one_sentence(money_index):
    result = answer("How many young people did the mentoring pilot in Oxford reach?", money_index)
    assert any("approx. £5,000 and reached forty young people" in line.text for line in result.lines), result.text


def test_a_citation_writes_a_date_one_way_everywhere():
    from panelqa.text.dates import display_date

    assert display_date("2018-04-20") == "20 April 2018"
    assert display_date("2026-02-10", short=True) == "10 Feb 2026"
    assert display_date(None) == "undated" and display_date("FY 2020/21") == "FY 2020/21"
