"""`flask inspections extract FILE --json` and `flask deadlines calc`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests import hostile_files
from tests.integration.inspections.conftest import PDFS, REPORTS
from tracker.clock import BANK_HOLIDAYS
from tracker.domain.deadline_rules import STATUTORY_RULES, DeadlineRule, compute_due_on

KEYS = [
    "authority",
    "title",
    "framework",
    "document_type",
    "published_on",
    "inspection_start_on",
    "inspection_end_on",
    "overall_judgement",
    "judgements",
    "recommendations",
    "warnings",
    "flags",
]


def test_extract_prints_the_json_of_a_readable_report(app) -> None:
    result = app.test_cli_runner().invoke(
        args=["inspections", "extract", str(REPORTS / "leicestershire-jar-2008.txt"), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == KEYS
    assert data["authority"] == "Leicestershire County Council"
    assert data["framework"] == "JAR"
    assert data["published_on"] == "2008-02-19"
    assert data["inspection_start_on"] is None
    assert data["judgements"][0] == {"area": "Safeguarding", "grade": "3"}
    assert len(data["recommendations"]) == 8
    assert list(data["recommendations"][0]) == ["number", "timescale", "addressee", "theme", "text", "flags"]
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
    assert "Authority: Leicestershire County Council" in result.stdout
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


def test_deadlines_calc_says_how_it_counted(app) -> None:
    runner = app.test_cli_runner()
    default = runner.invoke(args=["deadlines", "calc", "--from", "2022-04-01", "--working-days", "70"])
    assert default.stdout == "2022-07-14\n"
    assert default.stderr == (
        "Thursday 14 July 2022: 70 working days counted beginning with Friday 1 April 2022 (it is day 1). "
        "That is the default: --counting after, or a rule name such as sif_written_statement, counts otherwise.\n"
    )
    after = runner.invoke(
        args=["deadlines", "calc", "--from", "2022-04-01", "--working-days", "70", "--counting", "after"]
    )
    assert after.stdout == "2022-07-15\n"
    assert "counted after Friday 1 April 2022 (the next working day is day 1)" in after.stderr
    ruled = runner.invoke(args=["deadlines", "calc", "--from", "2022-04-01", "--counting", "sif_written_statement"])
    assert ruled.exit_code == 0, ruled.output
    assert ruled.stdout == "2022-07-15\n"
    assert ruled.stderr == (
        "Friday 15 July 2022: 70 working days counted after Friday 1 April 2022 (the next working day is day 1), "
        "as the rule sif_written_statement counts (Written statement of proposed action, SIF: "
        "from the date the report was published).\n"
    )


@pytest.mark.parametrize("rule", STATUTORY_RULES, ids=lambda rule: rule.code)
def test_deadlines_calc_with_a_rule_name_agrees_with_the_inspection_page(app, rule: DeadlineRule) -> None:
    anchor = date(2022, 4, 1)
    expected = compute_due_on(rule, received_on=anchor, published_on=anchor, holidays=BANK_HOLIDAYS)
    result = app.test_cli_runner().invoke(args=["deadlines", "calc", "--from", "2022-04-01", "--counting", rule.code])
    assert result.stdout == f"{expected.isoformat()}\n"


def test_deadlines_calc_needs_the_working_days_without_a_rule(app) -> None:
    result = app.test_cli_runner().invoke(args=["deadlines", "calc", "--from", "2022-04-01", "--counting", "after"])
    assert result.exit_code == 2
    assert "Give --working-days, or a rule name in --counting" in result.stderr


def test_deadlines_calc_refuses_bad_input(app) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["deadlines", "calc", "--from", "2008-02-30", "--working-days", "70"]).exit_code == 2
    result = runner.invoke(args=["deadlines", "calc", "--from", "2008-06-03", "--working-days", "0"])
    assert result.exit_code == 2
    assert "at least 1 working day" in result.stderr


def test_deadlines_between(app) -> None:
    result = app.test_cli_runner().invoke(args=["deadlines", "between", "2008-06-20", "2008-07-14"])
    assert result.stdout == "16\n"
