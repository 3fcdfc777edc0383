"""Matters over time: every paper where a matter came up, oldest first, with date, page and sentence."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sample_papers import MINUTES_2020

from panelqa.api import timeline
from panelqa.cli.main import cli


def test_buddi_tags_on_the_sample_corpus(sample_index):
    result = timeline("Buddi tags", sample_index)
    assert [(e.file_name, [m.page for m in e.mentions]) for e in result.entries] == [(MINUTES_2020, [1])]
    (mention,) = result.entries[0].mentions
    assert "continued funding of the ‘Buddi-tags’ scheme" in mention.sentence and mention.how == "words"
    assert result.entries[0].financial_year == "2020/21", "an undated paper is placed by its financial year"
    out = CliRunner().invoke(cli, ["timeline", "Buddi tags", "--index", str(sample_index)]).output
    assert out.startswith("Buddi tags: 1 paper, 1 mention, oldest first.")
    assert "FY 2020/21" in out and "p. 1  The Deputy PCC referred to the continued funding" in out


def test_a_matter_raised_at_three_meetings_is_listed_oldest_first(tmp_path, make_pdf, make_index):
    papers = tmp_path / "papers"
    papers.mkdir()
    pages = {
        "2021-11-05 Panel minutes.pdf": ["Police and Crime Panel, minutes of 5 November 2021.",
                                         "Item 6. The knife amnesty in Reading collected 300 knives, the PCC "
                                         "reported, and the Panel thanked the officers."],
        "2019-03-01 Panel minutes.pdf": ["Police and Crime Panel, minutes of 1 March 2019.",
                                         "Item 4. Members asked about rural crime.\nItem 5. A knife amnesty "
                                         "will be held in Reading this summer, the Chief Constable said. "
                                         "Action: PCC to report back on the knife amnesty results."],
        "2020-06-12 Panel minutes.pdf": ["Police and Crime Panel, minutes of 12 June 2020.",
                                         "Item 3. The Panel discussed the precept and road safety cameras."],
    }
    for name, text in pages.items():
        make_pdf(papers / name, ["\n".join(text)])
    index = make_index(tmp_path / "index", sorted(papers.glob("*.pdf")))
    result = timeline("knife amnesty", index)
    assert [e.date for e in result.entries] == ["2019-03-01", "2021-11-05"], "oldest first; unrelated left out"
    assert all(m.page == 1 and "knife amnesty" in m.sentence.lower() for e in result.entries for m in e.mentions)
    assert [c.row.kind for c in result.commitments] == ["action"]
    data = json.loads(CliRunner().invoke(cli, ["timeline", "knife amnesty", "--index", str(index), "--json"]).output)
    assert [e["date"] for e in data["entries"]] == ["2019-03-01", "2021-11-05"]
    later = CliRunner().invoke(cli, ["timeline", "knife amnesty", "--since", "2020-01-01", "--index", str(index)])
    assert "2019-03-01" not in later.output and "2021-11-05" in later.output


def test_a_matter_no_paper_mentions(sample_index):
    out = CliRunner().invoke(cli, ["timeline", "helicopter noise over Slough", "--index", str(sample_index)]).output
    assert out.startswith("No paper mentions \"helicopter noise over Slough\"")
