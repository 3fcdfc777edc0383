"""FTS5 has its own query language; a member's words must never be read as it. Each of its operators, typed
into a question or a report search, is searched as plain words: no error, and the papers still answer."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from panelqa.cli.main import cli

OPERATORS = [
    "knife crime AND gangs",
    "knife OR crime",
    "NOT knife crime",
    "NEAR(knife crime)",
    'knife "crime',
    "knife* crime",
    "title: knife crime",
    "^knife crime",
    "knife - crime + gangs (funding",
]


@pytest.mark.parametrize("text", OPERATORS)
@pytest.mark.parametrize("command", [["ask"], ["funding", "--search"], ["commitments", "--search"]])
def test_fts5_operators_in_user_text_are_plain_words(sample_index, command, text):
    result = CliRunner().invoke(cli, [*command, text, "--index", str(sample_index)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "fts5" not in result.output.lower()
    if command == ["ask"]:
        assert "p. " in result.output, "the question still finds cited passages"


def test_a_question_full_of_operators_still_finds_knife_crime_funding(sample_index):
    result = CliRunner().invoke(cli, ["ask", 'NEAR("knife" crime*) AND funding: ^2018', "--index",
                                      str(sample_index)])
    assert result.exit_code == 0, result.output
    assert "knife" in result.output.lower()
