"""A question naming a panel's area prefers that panel's papers, even where the passage itself does not say it."""

from __future__ import annotations

from panelqa.search.api import search

PANELS = ("Cumbria", "Derbyshire", "Gwent", "Sussex", "Wiltshire")


def _panel_papers(make_pdf, folder, area: str, decision: str) -> None:
    """An agenda that names the panel, and minutes whose text does not: the area is in their file name only."""
    make_pdf(folder / f"2020-01-30 {area} Police and Crime Panel agenda.pdf", [
        f"{area} Police and Crime Panel\nAgenda for the meeting on 6 February 2020.\n"
        "1. Apologies. 2. Minutes of the last meeting. 3. Complaints update. 4. Estates strategy."])
    make_pdf(folder / f"2020-02-06 {area} Police and Crime Panel minutes.pdf", [
        f"Minutes of the meeting held on 6 February 2020 in the {len(area)}th session.\n"
        f"Item 5. Proposed precept 2020/21.\n{decision}"])


def test_a_question_naming_an_area_ranks_that_panels_paper_first(tmp_path, make_pdf, ingest):
    folder = tmp_path / "papers"
    folder.mkdir()
    for area in PANELS:
        decision = ("Members agreed the precept the Commissioner proposed for the coming year." if area == "Wiltshire"
                    else "The Panel agreed the precept increase proposed by the Commissioner.")
        _panel_papers(make_pdf, folder, area, decision)
    ingest([folder], tmp_path / "index")

    wiltshire = search("What precept increase did Wiltshire's panel agree?", tmp_path / "index", top_k=10)
    minutes = [p.file_name for p in wiltshire if "minutes" in p.file_name]
    assert minutes and "Wiltshire" in minutes[0], ("Wiltshire's minutes come before other panels' closer wording",
                                                   [p.file_name for p in wiltshire])

    unnamed = search("What precept increase did the panel agree?", tmp_path / "index", top_k=10)
    minutes = [p.file_name for p in unnamed if "minutes" in p.file_name]
    assert "Wiltshire" not in minutes[0], "with no area named, the closer wording wins"
