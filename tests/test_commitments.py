"""The commitments tracker on the sample papers: actions, the undertaking, the deadline, the resolution."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from sample_papers import MINUTES_2018, MINUTES_2020, REPORT

from panelqa.cli.main import cli
from panelqa.cli.report_format import format_commitments
from panelqa.ingest.commitments import find_deadline, find_owner, speaker_of
from panelqa.reports.commitments import commitment_rows


def _rows(index, file_name, kind=None):
    return [v.row for v in commitment_rows(index)
            if v.file_name == file_name and (kind is None or v.row.kind == kind)]


@pytest.mark.parametrize("text, owner", [
    ("The Deputy PCC said he did not have data on successes to hand", "Deputy PCC"),
    ("The Chief Finance Officer commented that he could let Local Authorities know", "Chief Finance Officer"),
    ("The Chief Executive, OPCC commented that this related to IT issues", "Chief Executive, OPCC"),
    ("the Police and Crime Commissioner be requested to provide the information", "PCC"),
    ("PCC", "PCC"),
    ("The Chief Constable reported that there were many good examples", "Chief Constable"),
    ("Cllr Page asked for further information", "Cllr Page"),
])
def test_owner_from_real_phrasings(text, owner):
    assert find_owner(text) == owner


def test_he_is_not_a_speaker_and_a_role_is():
    assert speaker_of("He commented that he would make sure that this information is included") is None
    assert speaker_of("[The Deputy PCC responded that there were two areas") == "Deputy PCC"


@pytest.mark.parametrize("text, deadline", [
    ("This should be in place by the end of June.", "by the end of June"),
    ("he would inform Community Safety Partnerships in the following week.", "in the following week"),
    ("a report will come back to the Panel by 30 September 2019", "by 30 September 2019"),
    ("an update at the next meeting", "at the next meeting"),
    ("The Panel noted the report.", None),
])
def test_deadlines(text, deadline):
    assert find_deadline(text) == deadline


@pytest.mark.parametrize("unit, text, owner", [
    ("Issue: Arms Length Body data; Action: Cabinet Office to provide report on progress against blog "
     "categories for each dissolved/transferred ALB. Panel to rate bodies; Latest Position: Completed.",
     "Cabinet Office to provide report on progress against blog categories for each "
     "dissolved/transferred ALB", "Cabinet Office"),
    ("Issue: FOI; Action: Janet to make a submission on behalf of the Panel to the Justice Select Committee "
     "review of FOI.; Latest Position: Completed, and published",
     "Janet to make a submission on behalf of the Panel to the Justice Select Committee review of FOI.",
     "Janet"),
])
def test_an_action_log_cell_is_the_action_and_names_its_owner(unit, text, owner):
    """corpus-dev action reports: the "Action:" cell holds the action itself."""
    from panelqa.ingest.commitments import _unit_commitments

    assert [(r[0], r[1], r[2]) for r in _unit_commitments(unit, "", None)] == [("action", text, owner)]


@pytest.mark.parametrize("sentence, subject", [
    ("Steve Peters would provide feedback from the UK Linked Data User Group at the next Panel meeting.",
     "Steve Peters"),
    ("The FCO aims to complete the process by the end of March 2013.", "FCO"),
    ("The Cabinet Office and DFID will work together to ensure that", "Cabinet Office and DFID"),
    ("It will provide taxpayer", None),
])
def test_who_a_plan_sentence_names(sentence, subject):
    from panelqa.ingest.commitments import subject_of

    assert subject_of(sentence) == subject


def test_the_two_action_pcc_items_of_the_april_2018_minutes(sample_index):
    actions = _rows(sample_index, MINUTES_2018, "action")
    assert len(actions) == 2
    assert all((a.owner, a.marker, a.page, a.meeting_date) == ("PCC", "Action: PCC", 2, "2018-04-20")
               for a in actions)
    assert "further information on the process" in actions[0].text
    assert "Camden Council" in actions[1].text


def test_issue_13_the_first_action_pcc_names_grant_funding_for_partner_agencies(sample_index):
    """"He asked for further information on the process" means nothing alone: the row quotes the sentence
    before it, which says which process (partner agencies applying for grant funding)."""
    first = _rows(sample_index, MINUTES_2018, "action")[0]
    assert "partner agencies to apply for grant funding" in first.text
    assert first.text.index("grant funding") < first.text.index("He asked for further information on the process")
    assert (first.owner, first.meeting_date) == ("PCC", "2018-04-20")


@pytest.mark.parametrize("deadline, paper, expected", [
    ("by March", "2019-01-15", "by March 2019"),
    ("by March", "2018-11-02", "by March 2019"),
    ("by 30 September 2019", "2019-01-15", "by 30 September 2019"),
])
def test_issue_13_a_deadline_gets_its_year_from_the_papers_date(deadline, paper, expected):
    from datetime import date

    from panelqa.text.dates import with_year

    assert with_year(deadline, date.fromisoformat(paper)) == expected


def test_the_deputy_pccs_undertaking_to_send_the_data_with_the_aspire_funding(sample_index):
    (row,) = [r for r in _rows(sample_index, MINUTES_2020, "undertaking") if r.owner == "Deputy PCC"]
    assert "he could send that information to Panel Members" in row.text
    assert "Aspire" in row.text and "Pandemic" not in row.text
    assert row.page == 2
    (action,) = _rows(sample_index, MINUTES_2020, "action")
    assert (action.owner, action.speaker) == ("PCC", "Deputy PCC"), "the minutes assign it to the PCC"


def test_the_end_of_june_interim_it_solution(sample_index):
    (row,) = [r for r in _rows(sample_index, MINUTES_2018, "deadline") if "June" in (r.deadline or "")]
    assert row.deadline == "by the end of June 2018", "the year comes from the minutes' date, 20 April 2018"
    assert "interim IT Solution" in row.text
    assert row.text.endswith("This should be in place by the end of June.")
    assert (row.owner, row.page) == ("Chief Executive, OPCC", 3)


def test_the_resolved_line_of_the_2020_21_minutes(sample_index):
    (row,) = _rows(sample_index, MINUTES_2020, "resolution")
    assert row.text.startswith("RESOLVED – That the report and the information contained in the report")
    assert (row.owner, row.page, row.financial_year, row.meeting_date) == ("PCC", 2, "2020/21", None)


def test_a_progress_report_has_no_commitments(sample_index):
    assert _rows(sample_index, REPORT) == []


def test_filters(sample_index):
    cfo = commitment_rows(sample_index, owner="Chief Finance Officer")
    assert {v.row.kind for v in cfo} == {"action", "undertaking"}, "owned by, or said by, the CFO"
    assert all("Chief Finance Officer" in (v.row.owner, v.row.speaker) for v in cfo)
    deputy = commitment_rows(sample_index, owner="Deputy Police and Crime Commissioner")
    assert {v.file_name for v in deputy} == {MINUTES_2020}
    from datetime import date

    assert {v.file_name for v in commitment_rows(sample_index, since=date(2019, 1, 1))} == {MINUTES_2020}
    found = commitment_rows(sample_index, search="IT solution")
    assert found and "interim IT Solution" in found[0].row.text


def test_follow_ups_are_only_ever_possible(sample_index):
    text = format_commitments(commitment_rows(sample_index))
    assert "follow-ups are suggestions from similar text, not a verdict" in text
    assert " done" not in text.lower()


def test_cli_commitments_json_and_csv(sample_index):
    runner = CliRunner()
    result = runner.invoke(cli, ["commitments", "--index", str(sample_index), "--owner", "PCC", "--json"])
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.output.splitlines()]
    assert objects and all("PCC" in (o["owner"], o["speaker"]) for o in objects)
    assert {"text", "owner", "kind", "deadline", "page", "file_name", "follow_ups"} <= set(objects[0])
    result = runner.invoke(cli, ["commitments", "--index", str(sample_index), "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == len(commitment_rows(sample_index))
    result = runner.invoke(cli, ["commitments", "--index", str(sample_index), "--since", "2018-13-01"])
    assert result.exit_code == 2


# -- issue 13: owners and subjects read off rows of corpus-dev, on papers the tests write -------------------


def _paper(tmp_path, name: str, text: str):
    from pdfwriter import write_pdf

    from panelqa.ingest.run import prepare_file

    return prepare_file(str(write_pdf(tmp_path / name, [text])), "test").commitments


def _row(rows, words: str):
    return next(r for r in rows if words in r.text)


def test_issue_13_owners_in_minutes(tmp_path):
    """He is the person named before him, not the Panel; an action log names its owners with a slash or in
    brackets."""
    rows = _paper(tmp_path, "Data Panel Minutes 25 July 2013.pdf", (
        "Local Public Data Panel\nMinutes of the meeting of 25 July 2013\n\nItem 8: AOB and Close\n"
        "The Panel agreed to review the paper on open data principles at the next meeting. Tom Elkins of Compact "
        "Voice thanked the Chair and Panel for allowing him to observe the meeting. He offered to circulate to "
        "the Panel details of Compact Voice research compiled from FOI requests.\n\n"
        "Action: Cabinet Office/Secretariat to circulate the links to the Lord Young report\n\n"
        "Action: Work with Local Open Data Group to develop and put to the Panel proposals on the local "
        "information infrastructure (Steve Peters, Gesche Schmid)"))
    assert _row(rows, "He offered to circulate").owner == "Tom Elkins"
    assert _row(rows, "links to the Lord Young report").owner == "Cabinet Office/Secretariat"
    assert _row(rows, "local information infrastructure").owner == "Steve Peters, Gesche Schmid"


def test_issue_13_a_government_response_is_the_government_s_and_a_group_keeps_its_name(tmp_path):
    rows = _paper(tmp_path, "130529 Government Response to the Review of Public Sector Information.pdf", (
        "The Government Response to the Review of Public Sector Information\n\nIntroduction\n"
        "c. Thirdly, we will respond to the review's views on the interaction of the Trading Fund model with "
        "the open data agenda.\n\n"
        "The Home Office updated the Panel on its list of data collections. The Government's intent is to "
        "catalogue data collections from central departments in time for April 2011.\n\n"
        "The UK government will establish by 1 January 2014 a high level working group to ensure greater "
        "transparency of police records. The group will explore the range of options for achieving this. "
        "The working group will report with a clear proposal and action plan by 30 June 2014.\n\n"
        "All open data will allow the option of a bulk download, as a whole or by year when applicable."))
    assert _row(rows, "we will respond").owner == "Government"
    assert _row(rows, "intent is to catalogue").owner == "Government"
    report = _row(rows, "working group will report")
    assert (report.owner, report.deadline) == ("working group", "by 30 June 2014")
    assert "high level working group" in report.text, "which group: the sentence that set it up"
    assert not any("bulk download" in r.text for r in rows), "'by year' is no deadline"


def test_issue_13_gifts_offered_to_employees_are_no_undertaking(tmp_path):
    rows = _paper(tmp_path, "Financial Regulations.pdf", (
        "Financial Regulations\n\nGifts and hospitality\n"
        "Gifts which may be sent or offered to employees by outside contractors should be returned politely "
        "with a suitable official letter, and details recorded in the Register.\n\n"
        "The Chief Finance Officer offered to circulate the register to Members."))
    assert [r.text for r in rows if r.kind == "undertaking"] == [
        "The Chief Finance Officer offered to circulate the register to Members."]


def test_issue_13_a_forecast_and_a_fragment_are_no_commitments(tmp_path):
    rows = _paper(tmp_path, "Location Council Annual Report 2010-11.pdf", (
        "UK Location Council Annual Report 2010/11\n\nBenefits\n"
        "The study estimates that GDP was £323 million per annum higher. It also estimates that this will rise "
        "to £561 million by 2015 under a business as usual scenario.\n\n"
        "time it can provide a single source of information on the data that is collected and where it\n\n"
        "The Council will publish its next report by March 2012."))
    assert [r.text for r in rows] == ["The Council will publish its next report by March 2012."]


def test_issue_13_action_log_owners_are_who_acts(tmp_path):
    rows = _paper(tmp_path, "Data Panel Minutes 5 February 2013.pdf", (
        "Local Public Data Panel\nMinutes of the meeting of 5 February 2013\n\nItem 2: Actions\n"
        "Action: Panel Secretariat to circulate a revised Draft Fraud Annex to the Panel for review\n\n"
        "Action: Provide feedback from the Transparency Board at the next Panel meeting (Panel Chair)\n\n"
        "Action: Position Statement to be published\n\n"
        "Action: Secretariat to arrange for Birmingham City Council to be invited to the next meeting\n\n"
        "Item 3: Statements\nThere was no way I would let my kids cycle on this road."))
    assert _row(rows, "revised Draft Fraud Annex").owner == "Panel Secretariat"
    assert _row(rows, "feedback from the Transparency Board").owner == "Chairman"
    assert _row(rows, "Position Statement").owner is None, "what is to be published is not who publishes it"
    assert _row(rows, "Birmingham City Council to be invited").owner == "Secretariat"
    assert not any("cycle on this road" in r.text for r in rows)


def test_issue_13_an_author_named_in_the_title_keeps_its_capitals_though_its_urls_are_lower_case(tmp_path):
    rows = _paper(tmp_path, "DH Open Data Strategy.pdf", (
        "Open Data Strategy\n\n"
        "We will publish the NHS workforce datasets on data.gov.uk by December 2012.\n\n"
        "The data is listed at www.dh.gov.uk/data and www.dh.gov.uk/open, and DH staff answer questions."))
    assert _row(rows, "NHS workforce datasets").owner == "DH"
