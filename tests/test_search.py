"""Questions a panel member would ask of the sample corpus, answered with the real model, SQLite and FAISS."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sample_papers import MINUTES_2018, MINUTES_2020, REPORT

from panelqa.cli.main import cli
from panelqa.ingest.run import ingest_paths
from panelqa.search.api import answer, search
from panelqa.search.records import Filters
from panelqa.settings import Settings

SHARED_EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


@pytest.fixture
def index_dir(sample_index: Path) -> Path:
    """The sample index, shared by the whole run (these tests only read it)."""
    return sample_index


def test_headline_question_lists_knife_and_gang_funding_with_pages(index_dir):
    result = answer("what was funded for knife crime in 2018", index_dir)
    assert result.found
    assert "£22,000" in result.text and "gang crime programme" in result.text
    cited = [result.passages[n - 1] for n in result.citations]
    assert all(p.file_name == REPORT for p in cited)
    assert any(p.page == 3 for p in cited), "the gang crime programme is on page 3 of the report"
    assert all(p.file_name != MINUTES_2020 for p in result.passages), "2020/21 is outside 2018"
    assert "2018" in result.query.filter_note


def test_money_answer_lists_the_ledger_rows_with_a_total(index_dir):
    result = answer("what was funded for knife crime in 2018", index_dir)
    for item in ("£22,000 on gang crime programme", "£3,900", "CTRL+ALT=DEL",
                 "£50,171 on a Violent Crime Coordinator"):
        assert item in result.text
    assert "£35,363 to support young people who misuse alcohol or drugs." not in result.text, "aim 1 is not knife crime"
    assert result.total_pounds == sum(line.amount_pounds for line in result.lines if line.amount_pounds)
    assert f"Total of the amounts listed: £{result.total_pounds:,.0f}." in result.text
    assert "ledger" in result.note
    named = answer("How much did Reading CSP get?", index_dir)
    assert all(line.text.startswith("Reading CSP") for line in named.lines)
    assert named.total_pounds == 35_363 + 253_610 + 88_338, "each Reading CSP grant once, repeats not added"


def test_misspelt_names_still_find_the_paper(index_dir):
    passages = search("Budi tags scheme for offenders", index_dir, top_k=3)
    assert passages[0].file_name == MINUTES_2020 and passages[0].page == 1
    assert "Buddi-tags" in passages[0].text
    passages = search("Anthony Stansfield grant funding for partner agencies", index_dir, top_k=5)
    assert any(p.file_name == REPORT and p.page_end == 6 for p in passages), "Stansfeld signs page 6"


def test_question_in_other_words_finds_the_passage(index_dir):
    result = answer("Which tool shows where serious violence happens so patrols can be targeted?", index_dir)
    top = result.passages[0]
    assert (top.file_name, top.page) == (MINUTES_2020, 1)
    assert "target hotspot locations" in result.text


def test_year_filter_from_option_and_from_question(index_dir):
    in_2020 = search("reducing re-offending performance", index_dir, filters=Filters(year=2020))
    assert {p.file_name for p in in_2020} == {MINUTES_2020}
    in_2018 = search("reducing re-offending performance in 2018", index_dir)
    assert MINUTES_2020 not in {p.file_name for p in in_2018}
    minutes = search("what was said about knife crime in the minutes", index_dir)
    assert {p.file_name for p in minutes} <= {MINUTES_2018, MINUTES_2020}


def test_filter_that_leaves_nothing_falls_back_and_says_so(index_dir):
    passages = search("knife crime", index_dir, filters=Filters(year=1999))
    assert passages and all(p.outside_filter for p in passages)


def test_question_the_papers_cannot_answer(index_dir):
    result = answer("What is the capital of France?", index_dir)
    assert not result.found
    assert "do not appear to answer" in result.note
    assert result.passages, "the closest passages are still shown"


def test_commitment_question_quotes_the_action(index_dir):
    result = answer("What did the Deputy PCC undertake to send to panel members?", index_dir)
    assert result.found
    assert "Aspire Project" in result.text and "[Action: PCC]" in result.text


def test_cli_ask_json_has_the_documented_shape(index_dir):
    out = CliRunner().invoke(cli, ["ask", "how much was the grant funding for partner agencies", "--index",
                                   str(index_dir), "--json"])
    assert out.exit_code == 0, out.output
    record = json.loads(out.output)
    assert set(record) >= {"id", "question", "filters", "answer", "passages"}
    assert set(record["answer"]) >= {"text", "citations", "found"}
    first = record["passages"][0]
    assert set(first) >= {"rank", "source", "title", "date", "doc_type", "page", "page_end", "heading", "text",
                          "score", "also_in"}
    assert first["source"].endswith(".pdf") and first["page"] >= 1


def test_cli_ask_batch_answers_each_line_with_its_id(index_dir, tmp_path):
    batch = tmp_path / "questions.jsonl"
    batch.write_text('{"id": "a", "question": "Buddi-tags"}\n{"id": "b", "question": "interim IT solution"}\n')
    out = CliRunner().invoke(cli, ["ask", "--batch", str(batch), "--index", str(index_dir), "--json"])
    assert out.exit_code == 0, out.output
    assert [json.loads(line)["id"] for line in out.output.splitlines()] == ["a", "b"]


def test_cli_ask_without_index_is_one_error_line(tmp_path):
    out = CliRunner().invoke(cli, ["ask", "anything", "--index", str(tmp_path / "none")])
    assert out.exit_code == 1
    assert out.output.startswith("Error: No index at")


@pytest.mark.skipif(not (SHARED_EVAL / "seed_questions.jsonl").exists(), reason="../shared/eval is not here")
def test_eval_scores_the_seed_questions(index_dir, tmp_path):
    questions = tmp_path / "seed.jsonl"
    shutil.copy(SHARED_EVAL / "seed_questions.jsonl", questions)
    out = CliRunner().invoke(cli, ["eval", str(questions), "--index", str(index_dir), "--json"])
    assert out.exit_code == 0, out.output
    table = json.loads(out.output)
    assert table["all"]["n"] == 14
    assert table["all"]["hit@5"] >= 0.9 and table["all"]["ans"] >= 0.7


def test_readme_ask_example_is_what_the_cli_prints(index_dir):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- ask-example -->")[1].split("<!-- /ask-example -->")[0]
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    command = lines[0].removeprefix("$ panelqa ")
    question = command.split('"')[1]
    out = CliRunner().invoke(cli, ["ask", question, "--top-k", "3", "--index", str(index_dir)])
    assert out.exit_code == 0, out.output
    answer_lines = [line for line in lines if line.endswith("]") and "£" in line]
    assert answer_lines, "the README example shows answer lines"
    for line in answer_lines:
        assert line in out.output


def test_the_same_text_in_two_papers_shows_once_with_also_in(tmp_path, make_pdf):
    aim = ("Key aim 2. Improved data sharing on gangs, with the aim of reducing exploitation of young people "
           "through gang membership and reducing and preventing violent crime, especially knife crime. The "
           "Panel noted the partnership work with schools on weapons awareness and the gang tasking meeting.")
    papers = tmp_path / "papers"
    papers.mkdir()
    make_pdf(papers / "2018-04-20 progress report.pdf", pages=[f"Police and Crime Panel, 20 April 2018.\n{aim}"])
    make_pdf(papers / "2019-04-12 progress report.pdf", pages=[f"Police and Crime Panel, 12 April 2019.\n{aim}"])
    make_pdf(papers / "2019-06-01 bus timetable.pdf", pages=["Route 7 buses leave the depot every ten minutes."])
    folder = tmp_path / "index"
    ingest_paths([papers], Settings.resolve(folder), workers=1)
    passages = search("gang membership and knife crime key aim", folder, top_k=3)
    with_aim = [p for p in passages if "gang tasking meeting" in p.text]
    assert len(with_aim) == 1, "the repeated aim is shown once"
    assert {with_aim[0].file_name, *(c.source.rsplit("/", 1)[-1] for c in with_aim[0].also_in)} == {
        "2018-04-20 progress report.pdf", "2019-04-12 progress report.pdf"}
