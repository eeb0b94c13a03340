"""`flask inspections extract FILE --json` and `flask deadlines calc`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import hostile_files
from tests.integration.inspections.conftest import PDFS, REPORTS

KEYS = [
    "authority",
    "title",
    "framework",
    "published_on",
    "inspection_start_on",
    "inspection_end_on",
    "overall_judgement",
    "judgements",
    "recommendations",
    "warnings",
]


def test_extract_prints_the_json_of_a_readable_report(app) -> None:
    result = app.test_cli_runner().invoke(
        args=["inspections", "extract", str(REPORTS / "leicestershire-jar-2008.txt"), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == KEYS
    assert data["authority"] == "Leicestershire"
    assert data["framework"] == "JAR"
    assert data["published_on"] == "2008-02-19"
    assert data["inspection_start_on"] is None
    assert data["judgements"][0] == {"area": "Safeguarding", "grade": "3"}
    assert len(data["recommendations"]) == 8
    assert list(data["recommendations"][0]) == ["number", "timescale", "addressee", "theme", "text"]
    assert data["recommendations"][0]["timescale"] == "immediate"
    assert data["recommendations"][0]["addressee"] == "The local partnership"


def test_extract_exits_0_with_warnings_for_a_report_missing_details(app) -> None:
    result = app.test_cli_runner().invoke(args=["inspections", "extract", str(PDFS / "bury-2021-12-17.pdf"), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["published_on"] is None
    assert data["framework"] == "ILACS"
    assert any("publication date" in warning for warning in data["warnings"])
    assert data["recommendations"]


def test_extract_without_json_prints_a_summary(app) -> None:
    result = app.test_cli_runner().invoke(args=["inspections", "extract", str(REPORTS / "leicestershire-jar-2008.txt")])
    assert result.exit_code == 0
    assert "Authority: Leicestershire" in result.stdout
    assert "Recommendations: 8" in result.stdout


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.pdf", b"", "empty.pdf: The file is empty"),
        ("blank.txt", b" \n", "blank.txt: The file has no text in it"),
        ("page.pdf", None, "The file is not a PDF: it looks like a web page (HTML)"),
        ("sheet.xlsx", b"PK\x03\x04", "sheet.xlsx: The file must be a PDF, Word (.docx) or text (.txt) file"),
    ],
)
def test_extract_exits_2_with_one_line_on_stderr_when_unreadable(
    app, tmp_path: Path, name: str, data, reason: str
) -> None:  # noqa: ANN001
    path = tmp_path / name
    path.write_bytes(data if data is not None else (PDFS / "rotherham-2012-08-10.pdf").read_bytes())
    result = app.test_cli_runner().invoke(args=["inspections", "extract", str(path), "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert reason in result.stderr
    assert "selected" not in result.stderr  # nothing was selected: the file was named on the command line
    assert result.stderr.count("\n") == 1


@pytest.mark.timeout(90, method="thread")
def test_extract_reads_within_the_same_bounds_as_an_upload(app, tmp_path: Path, quick_read_limits) -> None:
    hostile = tmp_path / "report.pdf"
    hostile.write_bytes(hostile_files.pdf_nested_forms())
    result = app.test_cli_runner().invoke(args=["inspections", "extract", str(hostile)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{hostile}: This file took too long to read, so it was not read")


def test_extract_a_missing_file(app, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["inspections", "extract", str(tmp_path / "nope.pdf"), "--json"])
    assert result.exit_code == 2
    assert "No such file or directory" in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--from", "2008-06-03", "--working-days", "70"], "2008-09-09"),
        (["--from", "2008-06-03", "--working-days", "30"], "2008-07-14"),
        (["--from", "2006-08-14", "--working-days", "70"], "2006-11-20"),
        (["--from", "2022-04-01", "--working-days", "70", "--counting", "after"], "2022-07-15"),
        (["--from", "2008-06-03", "--working-days", "70", "--counting", "beginning_with"], "2008-09-09"),
    ],
)
def test_deadlines_calc(app, args: list[str], expected: str) -> None:
    result = app.test_cli_runner().invoke(args=["deadlines", "calc", *args])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{expected}\n"


def test_deadlines_calc_refuses_bad_input(app) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["deadlines", "calc", "--from", "2008-02-30", "--working-days", "70"]).exit_code == 2
    result = runner.invoke(args=["deadlines", "calc", "--from", "2008-06-03", "--working-days", "0"])
    assert result.exit_code == 2
    assert "at least 1 working day" in result.stderr


def test_deadlines_between(app) -> None:
    result = app.test_cli_runner().invoke(args=["deadlines", "between", "2008-06-20", "2008-07-14"])
    assert result.stdout == "16\n"
