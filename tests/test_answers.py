"""Answers that hold the fact asked for, short enough to read out: each answer type on sentences of the sample
papers, asked in words a member would use, with the real model, SQLite and FAISS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from panelqa.search.answer_types import answer_types, holds
from panelqa.search.api import answer

SHORT = 60  # words a member can read out in a meeting


@pytest.fixture
def index_dir(sample_index: Path) -> Path:
    return sample_index


def words(text: str) -> int:
    return len(re.sub(r"\[\d+\]", " ", text).split())


@pytest.mark.parametrize("question, kinds", [
    ("How much did Reading CSP put into its drug treatment programme?", ["amount"]),
    ("What percentage of the cohort had domestic abuse qualifiers?", ["percentage"]),
    ("How big was the precept rise?", ["amount", "percentage"]),
    ("How many schools had knife workshops?", ["count"]),
    ("Who raised the red rag status?", ["person"]),
    ("Whom did the panel appoint, and for how long?", ["duration", "person"]),
    ("By when should the interim IT solution be ready?", ["date"]),
    ("Why has a scoping exercise taken place?", ["reason"]),
    ("How often does the panel meet?", ["frequency"]),
    ("Is NHS information being shared with the police?", []),
])
def test_the_question_says_what_it_asks_for(question, kinds):
    assert [t.name for t in answer_types(question)] == kinds


# sentences of the sample papers (corpus/), each with the thing asked and one without it
@pytest.mark.parametrize("question, holder, other", [
    ("How much funding was involved?", "The amount of funding involved was £400,000.",
     "Accordingly, grant funding will be available to help me address the first three Key Aims."),
    ("What is the reoffending rate now?", "The reoffending rate over the last year (Q4) has reduced from 42.4 to 40.4%.",
     "Reading CSP invested £88,338 towards a Youth Offending Service to support young offenders."),
    ("How many schools had knife workshops?",
     "West Berkshire CSP provide funding towards a Safer Schools Officer who has delivered Forearms and Knife "
     "educational workshops to 3 schools.", "There was a lot of preventative work being undertaken on knife crime."),
    ("Who raised the red rag status?", "Cllr Bendyshe Brown referred to page 48 of the agenda where there was a red "
     "rag status relating to TVP victim referral pathways.", "There was a lot of preventative work being undertaken."),
    ("By when should the interim IT solution be ready?", "This should be in place by the end of June.",
     "The Chief Executive, OPCC commented that this related to IT issues."),
    ("Why has a scoping exercise taken place?", "Due to an increase in the number of young people coming through to "
     "YOT for drug and violent offences a scoping exercise has taken place.",
     "One group has successfully concluded with very positive feedback from the attendees."),
])
def test_a_sentence_of_a_real_paper_holds_the_thing_asked(question, holder, other):
    (kind, *_) = answer_types(question)
    assert holds(kind, holder, question) > 0
    assert holds(kind, other, question) == 0


def test_a_person_the_question_names_is_not_the_answer():
    (kind,) = answer_types("Who replied to Cllr Bendyshe Brown?")
    assert holds(kind, "Cllr Bendyshe Brown referred to page 48 of the agenda.", "Who replied to Cllr Bendyshe Brown?") \
        == 0


@pytest.mark.parametrize("question, fact", [
    ("How much funding was involved in the grants for the reducing reoffending aims?", "£400,000"),
    ("What is the reoffending rate for Reading's young offenders now?", "40.4%"),
    ("How many schools had knife workshops from the Safer Schools Officer?", "3 schools"),
    ("Who raised the red rag status of the victim referral pathways?", "Cllr Bendyshe Brown"),
    ("By when should the interim IT solution be ready?", "by the end of June"),
    ("Why has a scoping exercise taken place at the Windsor and Maidenhead youth offending team?",
     "Due to an increase in the number of young people"),
])
def test_each_answer_type_is_answered_with_the_sentence_that_holds_it(index_dir, question, fact):
    result = answer(question, index_dir)
    assert result.found
    assert fact in result.lines[0].text, "the first line quoted holds the fact"


@pytest.mark.parametrize("question", [
    "How much funding was involved in the grants for the reducing reoffending aims?",
    "What is the reoffending rate for Reading's young offenders now?",
    "How many schools had knife workshops from the Safer Schools Officer?",
    "By when should the interim IT solution be ready?",
])
def test_answers_are_short_enough_to_read_out(index_dir, question):
    assert words(answer(question, index_dir).text) <= SHORT


def test_a_run_on_line_is_cut_around_the_question_words(index_dir):
    """A header or table row read as one long sentence is quoted in part, marked where it is cut."""
    from panelqa.search import answer as answer_module

    line = " ".join(["Item"] * 80 + ["knife", "crime", "workshops"] + ["Item"] * 80)
    clipped = answer_module._clip(line, {"knife": 1.0, "crime": 1.0, "workshop": 1.0})
    assert "knife crime" in clipped and clipped.startswith("…") and clipped.endswith("…")
    assert len(clipped.split()) <= answer_module.CLIP_WORDS + 2


def test_a_money_question_about_one_grant_answers_with_that_grant(index_dir):
    """Reading CSP states five amounts in the sample papers; the drug treatment programme is one of them."""
    result = answer("How much did Reading CSP put into its drug treatment programme?", index_dir)
    assert result.found
    assert "£253,610" in result.text and "drug treatment programme" in result.text
    assert "£88,338" not in result.text and "£35,363" not in result.text
    assert result.passages[result.lines[0].citation - 1].page == 2


def test_a_total_question_still_lists_every_grant_of_the_recipient(index_dir):
    result = answer("How much did Reading CSP get in total?", index_dir)
    assert "£253,610" in result.text and "£88,338" in result.text and "£35,363" in result.text
    assert "Total of the amounts listed" in result.text


@pytest.mark.parametrize("question", [
    "What percentage of bus services ran on time in Oxford?",
    "Why was the airport runway extension refused planning permission?",
])
def test_a_question_on_a_topic_the_papers_lack_is_not_answered(index_dir, question):
    """Its rarer words are in none of the passages found, and no sentence holds much of it."""
    result = answer(question, index_dir)
    assert not result.found
    assert "do not appear to answer" in result.note
