"""The three sample papers in corpus/, by file name: what the sample-index tests cite."""

from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
REPORT = "2018-04-20 PCC progress report - Strategic Priority 3 Reducing Reoffending.pdf"
MINUTES_2018 = "2018-04-20 Panel minutes - Item 161 Strategic Objective 3 Reducing Re-offending.pdf"
MINUTES_2020 = "2020-21 Panel minutes - Reducing Re-offending performance report (Year 4, Q3).pdf"
