"""Issue 14: a reports pack (or printed minutes) split into its agenda items, each chunk citing its item.

The pack is built as modern.gov builds one, from the three real sample papers: an agenda frontsheet listing
each item with its pack pages, then each paper as published on its own, stamped "Agenda Item N" on its first
page and "Page N" on every page (tests/packs.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from packs import PackItem, build_pack
from sample_papers import CORPUS, MINUTES_2018, MINUTES_2020, REPORT

from panelqa.app.cards import passage_html
from panelqa.cli.main import cli
from panelqa.ingest.run import prepare_file
from panelqa.ingest.store import Store
from panelqa.search.api import search
from panelqa.search.records import Filters

PLAN = "Police and Crime Plan progress - Reducing Reoffending"
ITEMS = [PackItem("1", "Apologies for Absence"), PackItem("2", "Declarations of Interest"),
         PackItem("3", "Minutes of the previous meeting", CORPUS / MINUTES_2018),
         PackItem("4", PLAN, CORPUS / REPORT),
         PackItem("5", "Reducing Re-offending performance report", CORPUS / MINUTES_2020),
         PackItem("6", "Forward Work Programme")]
# The pack's PDF pages: frontsheet 1, minutes 2-4, progress report 5-10, performance report 11-12.
PAGES_OF_ITEM = {"3": range(2, 5), "4": range(5, 11), "5": range(11, 13)}
PCP_DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus-pcp-dev"


def _chunk_items(pdf: Path) -> list[tuple[int, int, str | None, str | None]]:
    prepared = prepare_file(str(pdf), "test")
    assert not prepared.error, prepared.error
    return [(c.page_start, c.page_end, c.item_number, c.item_title) for c in prepared.chunks]


@pytest.mark.parametrize("shape", [
    {}, {"number_frontsheet": True}, {"stamp_items": False}, {"stamp_items": False, "stamp_pages": False},
], ids=["stamped", "frontsheet-numbered", "page-stamps-only", "no-stamps"])
def test_issue_14_every_chunk_of_a_pack_carries_its_item(tmp_path, shape):
    pack = build_pack(tmp_path / "Public reports pack 20th-Apr-2018.pdf", ITEMS, **shape)
    chunks = _chunk_items(pack)
    titles = {i.number: i.title for i in ITEMS}
    for page_start, page_end, number, title in chunks:
        expected = next((n for n, pages in PAGES_OF_ITEM.items() if page_start in pages), None)
        assert number == expected, f"chunk on p. {page_start} is in item {expected}, not {number}"
        assert title == (titles[expected] if expected else None)
        assert expected is None or page_end in PAGES_OF_ITEM[expected], "no chunk runs into the next item"
    assert {n for _, _, n, _ in chunks} == {None, "3", "4", "5"}, "items without a paper have no chunks"


def test_issue_14_pack_stamps_stay_out_of_the_text(tmp_path):
    pack = build_pack(tmp_path / "pack.pdf", ITEMS)
    prepared = prepare_file(str(pack), "test")
    text = "\n".join(c.text for c in prepared.chunks)
    assert "Agenda Item 4" not in text and "Page 7" not in text


@pytest.fixture
def pack_index(tmp_path, ingest) -> Path:
    """The pack and the progress report as published on its own, indexed together."""
    papers = tmp_path / "papers"
    papers.mkdir()
    build_pack(papers / "Public reports pack 20th-Apr-2018.pdf", ITEMS)
    shutil.copy(CORPUS / REPORT, papers / REPORT)
    index = tmp_path / "index"
    ingest([papers], index)
    return index


def test_issue_14_citation_names_the_item_in_the_api_the_cli_and_the_app(pack_index):
    passages = search("What did the Deputy PCC say about technology and the virtual campus platform?", pack_index,
                      top_k=3)
    top = passages[0]
    assert (top.file_name, top.item_number, top.item_title) == (
        "Public reports pack 20th-Apr-2018.pdf", "5", "Reducing Re-offending performance report")
    assert top.reference.startswith(f"{top.title}, 20 Apr 2018, item 5 Reducing Re-offending performance report, p. 12")
    record = top.to_json()
    assert (record["item_number"], record["item_title"], record["reference"]) == (
        "5", "Reducing Re-offending performance report", top.reference)
    assert "item 5 Reducing Re-offending performance report" in passage_html(top, frozenset())

    out = CliRunner().invoke(cli, ["ask", "technology and the virtual campus platform", "--index", str(pack_index),
                                   "--top-k", "1"])
    assert out.exit_code == 0, out.output
    assert "item 5 Reducing Re-offending performance report, p. 12" in out.output


def test_issue_14_the_pack_and_the_report_alone_show_once_with_also_in(pack_index):
    passages = search("Reading CSP drug treatment programme 233 offenders", pack_index, top_k=5)
    holding = [p for p in passages if "233" in p.text]
    assert len(holding) == 1, "the report and its copy in the pack are one passage"
    shown, also = holding[0], holding[0].also_in
    cited = {(shown.file_name, shown.page, shown.item_number)} | {
        (Path(c.source).name, c.page, c.item_number) for c in also}
    assert cited == {(REPORT, 2, None), ("Public reports pack 20th-Apr-2018.pdf", 6, "4")}
    in_pack = shown if shown.item_number else next(c for c in also if c.item_number)
    assert f"item 4 {PLAN}, p. 6" in in_pack.reference

    out = CliRunner().invoke(cli, ["ask", "Reading CSP drug treatment programme 233 offenders", "--index",
                                   str(pack_index), "--json", "--top-k", "5"])
    assert out.exit_code == 0, out.output
    record = json.loads(out.output)
    shown_json = next(p for p in record["passages"] if "233" in p["text"])
    references = [shown_json["reference"]] + [c["reference"] for c in shown_json["also_in"]]
    assert any(f"item 4 {PLAN}, p. 6" in r for r in references)


def test_issue_14_a_filter_or_a_question_naming_an_item_keeps_to_it(pack_index):
    by_number = search("reducing reoffending", pack_index, top_k=5, filters=Filters(item="3"))
    assert by_number and all((p.item_number, p.page) == ("3", p.page) and p.page in PAGES_OF_ITEM["3"]
                             for p in by_number)
    by_words = search("reducing reoffending", pack_index, top_k=5, filters=Filters(item="performance report"))
    assert by_words and {p.item_number for p in by_words} == {"5"}
    asked = search("what was said under agenda item 5 about prison leavers", pack_index, top_k=3)
    assert asked and {p.item_number for p in asked} == {"5"}

    out = CliRunner().invoke(cli, ["ask", "reducing reoffending", "--index", str(pack_index), "--item", "4",
                                   "--json"])
    assert out.exit_code == 0, out.output
    assert {p["item_number"] for p in json.loads(out.output)["passages"]} == {"4"}


def test_issue_14_a_question_naming_the_report_favours_its_item(pack_index):
    plain = search("what did it say about substance misuse", pack_index, top_k=3)
    named = search("what did the performance report say about substance misuse", pack_index, top_k=3)
    assert named[0].item_number == "5", "the item the question names comes first"
    assert [p.item_number for p in plain] != [p.item_number for p in named]


def test_issue_14_items_are_stored_and_cited_after_reopening(pack_index):
    with Store(pack_index, read_only=True) as store:
        items = set(store.chunk_items().values())
    assert items == {("3", "Minutes of the previous meeting"), ("4", PLAN),
                     ("5", "Reducing Re-offending performance report")}


@pytest.mark.skipif(not PCP_DEV.is_dir(), reason="needs ../shared/corpus-pcp-dev")
@pytest.mark.parametrize("name, expected", [
    ("Minutes - South Yorkshire Police and Crime Panel, 3 February 2021.pdf",
     [("1", "WELCOME BY CHAIR"), ("2", "APOLOGIES FOR ABSENCE"), ("3", "ANNOUNCEMENTS")]),
    ("Cleveland Police and Crime Panel Minutes, Tuesday, 6th July, 2021.pdf",
     [("PCP 1/21", "APPOINTMENT OF CHAIR 2021/22"), ("PCP 2/21", "APPOINTMENT OF VICE CHAIR 2021/22")]),
    ("Agenda and minutes - Humberside Police and Crime Panel, Thursday 4th February 2021.pdf",
     [("358", "Welcome and Introductions"), ("359", "Apologies for Absence"), ("360", "Substitutions")]),
])
def test_issue_14_printed_minutes_split_at_their_numbered_items(name, expected):
    chunks = _chunk_items(PCP_DEV / name)
    seen = list(dict.fromkeys((n, t) for _, _, n, t in chunks if n))
    assert seen[:len(expected)] == expected


def test_issue_14_a_grant_in_the_report_and_its_pack_copy_is_listed_and_added_once(pack_index):
    from panelqa.search.api import answer

    result = answer("How much did Reading CSP put into its drug treatment programme?", pack_index)
    lines = [line for line in result.lines if "£253,610" in line.text]
    assert len(lines) == 1, "one statement of the grant, though two papers state it"
    totalled = answer("what was funded for drug treatment and substance misuse", pack_index)
    sentences = [line.text for line in totalled.lines]
    assert len(sentences) == len(set(sentences)), "no statement listed twice"


def test_issue_14_a_grant_in_the_pack_and_in_the_report_alone_is_added_once(pack_index):
    from panelqa.reports.funding import funding_rows, funding_total

    rows = funding_rows(pack_index)
    pack_only = funding_total([r for r in rows if r.file_name != REPORT])
    both = funding_total(rows)
    assert pack_only.grants > 40, pack_only
    assert both.total_pence == pack_only.total_pence, "the report alone restates the pack's grants"
    assert both.grants == pack_only.grants and both.repeats > pack_only.repeats


def test_a_citation_does_not_repeat_the_date_or_item_its_papers_title_gives(sample_index):
    """The 2018 minutes are titled "Minutes, Thames Valley Police and Crime Panel, 20 April 2018, item 161"."""
    [top] = search("drug treatment", sample_index, top_k=1, filters=Filters(item="161"))
    assert top.title == "Minutes, Thames Valley Police and Crime Panel, 20 April 2018, item 161"
    assert top.reference == f"{top.title}, p. {top.page}", top.reference
