from pathlib import Path

from ingest.describe import date_from_file_name, find_financial_years


def test_file_name_dates():
    assert str(date_from_file_name("2018-04-20 PCC progress report")) == "2018-04-20"
    assert date_from_file_name("2020-21 Panel minutes") is None
    assert Path("x").name == "x"


def test_financial_years():
    assert [f.value for f in find_financial_years("2020-21 minutes", "")] == ["2020/21"]
