"""Answers that hold the fact asked for, short enough to read out: each answer type on sentences of the sample
papers, asked in words a member would use, with the real model, SQLite and FAISS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pdfwriter import write_pdf

from panelqa.search.answer_types import answer_types, held_share, holds
from panelqa.search.api import answer
from panelqa.text.sentences import sentences_of

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
    ("What did the Chief Finance Officer agree to do about the grant funding process?", ["action"]),
    ("What was resolved about the precept?", ["action"]),
    ("What did the panel ask about the budget?", []),
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


@pytest.mark.parametrize("question, holder, other", [
    # the sample minutes: a commitment minuted as what an officer would do
    ("What did the Chief Finance Officer agree to do about the grant funding process?",
     "The Chief Finance Officer commented that he could let Local Authorities know of this process but he would "
     "inform Community Safety Partnerships in the following week.", "The amount of funding involved was £400,000."),
    # "which officer" asks for an office: a councillor's name is who asked, not the answer
    ("Which officer commented that the red rag status related to IT issues?",
     "The Chief Executive, OPCC commented that this related to IT issues.",
     "Cllr Bendyshe Brown referred to page 48 of the agenda where there was a red rag status."),
    # Gwent's panel page: "which minister" is answered by the office, not by a named chief constable
    ("Which government minister is the panel responsible to?",
     "In Wales Police and Crime Panels are free-standing public bodies and are the responsibility of the Home Secretary.",
     "The main part of today's meeting was to formally receive Gwent Police's budget bid from the Chief Constable "
     "Pam Kelly."),
    # Humberside's minutes: a tied vote is why no chairman was elected
    ("Why did the panel end up without a chairman?", "The votes having been cast and there being an equal number of "
     "votes for and against the motion, the motion therefore was not carried.",
     "It was then moved by Councillor Chaytor and seconded by Councillor Hannigan."),
])
def test_a_sentence_of_a_real_paper_holds_the_action_or_office_asked(question, holder, other):
    (kind,) = answer_types(question)
    assert holds(kind, holder, question) == 1
    assert holds(kind, other, question) == 0


def test_a_rise_is_stated_in_pounds_or_as_a_percentage():
    """Suffolk's precept leaflet gives the rise both ways; either alone answers "how big was the rise"."""
    types = answer_types("How big was the precept rise?")
    assert held_share(types, "This precept increase of 4.2%, which equates to £10 a year for a Band D property.") == 1
    assert held_share(types, "The reoffending rate over the last year (Q4) has reduced from 42.4 to 40.4%.") == 1
    assert held_share(types, "The increase of £14 was approved by the Panel after a vote.") == 1
    assert held_share(types, "The Panel supported the proposal.") == 0
    # a figure that is not the size of the change holds it only in part
    assert held_share(types, "An on-line survey held earlier this month supported the PCC’s proposal to raise the "
                             "precept; of the 1,166 respondents, 62% supported the proposal.") < 1


@pytest.mark.parametrize("text, sentence", [
    # a modern.gov minutes page rendered as a table: each cell, and each bullet run into a cell, is a sentence
    ("No. | Item |\n• --|---| Apologies for Absence Minutes: Apologies were received from Councillors Beuttell. | | "
     "Review of Actions Minutes: Following questions the Commissioner confirmed that; • The wording of the "
     "Commissioner’s Police and Crime Plan had been reviewed and now included ‘deprivation’. • The breakdown for "
     "hotspot allocations had been received by Members as requested. | |",
     "The wording of the Commissioner’s Police and Crime Plan had been reviewed and now included ‘deprivation’."),
    # Staffordshire's minutes: a quoted question ends at its closing quote, and the reply is a sentence of its own
    ("Ms Mallender was allowed to ask a supplementary question which was “when was Policing going to improve in the "
     "local area?” The Commissioner responded that it was difficult sometimes to achieve the right balance.",
     "The Commissioner responded that it was difficult sometimes to achieve the right balance."),
])
def test_a_sentence_stands_alone_in_a_table_cell_and_after_a_quote(text, sentence):
    assert sentence in sentences_of(text)


def test_a_percentage_question_about_a_fund_is_answered_with_the_percentage(index_dir):
    """ "Fund" makes it a money question, but it asks for a share: the sentence with "10%" answers, not the grants."""
    result = answer("What percentage of the Community Safety Fund is retained by the PCC's office?", index_dir)
    assert result.found
    assert "10% of my Community Safety Fund is retained" in result.lines[0].text
    assert "£" not in result.text


def test_a_commitment_is_answered_with_what_was_undertaken(index_dir):
    result = answer("What did the Chief Finance Officer agree to do about the grant funding process?", index_dir)
    assert result.found
    assert "he would inform Community Safety Partnerships in the following week" in result.lines[0].text


def test_issue_11_the_reply_after_a_quoted_question_is_quoted(tmp_path, make_index):
    """A minuted question in quotes, the Commissioner's reply and what he agreed: the agreement answers."""
    pdf = write_pdf(tmp_path / "2022-09-26 Panel minutes - Questions to the Commissioner.pdf", [
        "Staffordshire Police, Fire and Crime Panel. Minutes of the meeting held on 26 September 2022.\n"
        "Questions to the Commissioner from Members of the Public. Ms Mallender attended the meeting to ask the "
        "questions and the Commissioner confirmed his response as written in the report. With the consent of the "
        "Chairman, Ms Mallender was allowed to ask a supplementary question which was “when was Policing going to "
        "improve in the local area?” The Commissioner responded that it was difficult sometimes to achieve the right "
        "balance and satisfy the hopes of the community. The Commissioner agreed to meet with the local community at "
        "a suitable forum. Resolved: That the questions asked and the Commissioner’s response be noted.",
    ])
    index = make_index(tmp_path / "index", [pdf])
    result = answer("What did the Commissioner agree to do after Ms Mallender asked when policing would improve?",
                    index)
    assert result.found
    assert "The Commissioner agreed to meet with the local community at a suitable forum." in result.text
    assert words(result.text) <= SHORT


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


def test_a_question_naming_a_panel_is_answered_from_that_panels_paper(tmp_path, make_index):
    """Suffolk's leaflet states its rise without naming Suffolk in the sentence; Wiltshire's minutes repeat more of
    the question's words. The question names Suffolk, whose name is in its paper's title."""
    suffolk = write_pdf(tmp_path / "2022-01-28 How is your money improving policing in Suffolk in 2022-23.pdf", [
        "How is your money improving policing in Suffolk in 2022-23.\n"
        "The Police and Crime Panel supported the Police and Crime Commissioner's proposal for the policing precept. "
        "This precept increase of 4.2%, which equates to £10 a year for a Band D property. The extra money will "
        "pay for more officers in local policing teams.",
    ])
    wiltshire = write_pdf(tmp_path / "2022-02-03 Wiltshire Police and Crime Panel minutes.pdf", [
        "Wiltshire Police and Crime Panel. Minutes of the meeting held on 3 February 2022.\n"
        "Formal consideration of PCC Precept proposal 2022/23. The Commissioner outlined the report on the "
        "consultation process and the public's view on the proposed £10 a year, per household, increase in the "
        "policing precept, which the panel supported. Members asked about the rise in officer numbers.",
    ])
    index = make_index(tmp_path / "index", [suffolk, wiltshire])
    result = answer("How big was the policing precept rise the Suffolk panel supported for 2022/23?", index)
    assert result.found
    first = result.lines[0]
    assert "4.2%" in first.text
    assert "Suffolk" in result.passages[first.citation - 1].file_name


def test_a_question_asking_who_and_by_when_is_answered_with_both(index_dir):
    """The member who raised the matter is minuted as "referred to": that sentence names who, and the reply after
    it says by when; a request from another member dated June 2018 holds a name and a date but answers neither."""
    result = answer("Who raised the red rag status of the victim referral pathways, and by when should the interim "
                    "IT solution be in place?", index_dir)
    assert result.found
    assert "Cllr Bendyshe Brown" in result.text and "by the end of June" in result.text
    assert "Cllr Page" not in result.text


def test_a_why_question_quotes_the_reason_beside_what_happened(tmp_path, make_index):
    """A news page on a cancelled meeting: the sentence repeating the question says what happened, the reason is
    given further on in other words ("declined to attend ... he is due to be attending"); both are quoted."""
    pdf = write_pdf(tmp_path / "2025-05-20 News - Bedfordshire Police and Crime Panel meeting cancelled.pdf", [
        "A proposed extraordinary meeting of Bedfordshire’s Police and Crime Panel has been cancelled. The meeting "
        "had been scheduled for Wednesday, June 4, to discuss two key issues: a letter from Bedford mayor Tom Wootton "
        "warning of a “public order crisis” in the borough, and two recent loans totalling £8.5 million. The Police "
        "Reform and Social Responsibility Act 2011 gives panels the power to require PCCs to attend and answer "
        "questions. The PCC had declined to attend the proposed session, he is due to be attending a Neighbourhood "
        "Watch 40th anniversary event. It is understood his deputy, Umme Ali, was unavailable to attend this event.",
    ])
    index = make_index(tmp_path / "index", [pdf])
    result = answer("Why was the extraordinary meeting of the Bedfordshire panel cancelled?", index)
    assert result.found
    assert "The PCC had declined to attend the proposed session" in result.text
    assert words(result.text) <= SHORT
