"""Real inspection PDFs as published: dates and judgements match labels.csv, or what the PDF prints."""

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytest

from tracker.domain.importer import ImportResult, UnreadableDocument, import_document

PDFS = Path(__file__).parents[1] / "fixtures" / "pdfs"
NO_LABEL = {"", "data_unreadable", "inspection_pre_dates_judgement"}
# labels.csv names the City of London by its corporation; the report by the City.
AUTHORITY_ALIASES = {"london corporation": "city of london"}
NO_PUBLICATION_DATE = "No publication date found: enter it under Inspection details"


@dataclass(frozen=True)
class Expected:
    """What the PDF prints, read by eye where labels.csv has no reading."""

    authority: str
    framework: str
    timescales: dict[str, int]
    numbers: list[int] = field(default_factory=list)
    inspected: tuple[date, date] | None = None
    overall: str | None = None
    judgements: dict[str, str] = field(default_factory=dict)


SIF_AREAS = (
    "Children who need help and protection",
    "Children looked after and achieving permanence",
    "Adoption performance",
    "Experiences and progress of care leavers",
    "Leadership, management and governance",
    "Local Safeguarding Children Board",
)

EXPECTED = {
    "sandwell-2013-08-02.pdf": Expected(
        authority="Sandwell Metropolitan Borough Council",
        framework="LAC",
        timescales={"immediate": 8, "three_months": 8, "six_months": 2},
        inspected=(date(2013, 6, 24), date(2013, 6, 28)),
        overall="Inadequate",
        judgements={
            "Capacity to improve": "Adequate",
            "Outcomes for looked after children and young people": "Adequate",
            "Quality of provision": "Inadequate",
            "Leadership and management": "Inadequate",
        },
    ),
    "liverpool-2014-07-18.pdf": Expected(
        authority="Liverpool City Council",
        framework="SIF",
        timescales={"improvement": 32},
        numbers=[*range(45, 68), *range(178, 187)],
        inspected=(date(2014, 5, 20), date(2014, 6, 11)),
        overall="Requires improvement",
        judgements=dict.fromkeys(SIF_AREAS, "Requires improvement"),
    ),
    "salford-2015-06-22.pdf": Expected(
        authority="Salford City Council",
        framework="SIF",
        timescales={"improvement": 12},
        numbers=[*range(1, 9), *range(136, 140)],
        inspected=(date(2015, 4, 21), date(2015, 5, 8)),
        overall="Good",
        judgements={**dict.fromkeys(SIF_AREAS, "Good"), "Adoption performance": "Requires improvement"},
    ),
    "london-corporation-2016-09-20.pdf": Expected(
        authority="City of London Corporation",
        framework="SIF",
        timescales={"improvement": 7},
        numbers=[*range(1, 7), 84],
        # The report prints a single date, "Inspection date: 28 July 2016".
        inspected=(date(2016, 7, 28), date(2016, 7, 28)),
        overall="Good",
        judgements={
            **dict.fromkeys(SIF_AREAS, "Good"),
            "Adoption performance": "Not judged",
            "Leadership, management and governance": "Outstanding",
            "Local Safeguarding Children Board": "Outstanding",
        },
    ),
    "bracknell-forest-2017-07-14.pdf": Expected(
        authority="Bracknell Forest Council",
        framework="SIF",
        timescales={"improvement": 7},
        numbers=[*range(1, 6), 84, 85],
        inspected=(date(2017, 4, 28), date(2017, 5, 25)),
        overall="Good",
        judgements={
            **dict.fromkeys(SIF_AREAS, "Outstanding"),
            "Children who need help and protection": "Good",
            "Leadership, management and governance": "Good",
            "Local Safeguarding Children Board": "Good",
        },
    ),
    "haringey-2018-12-14.pdf": Expected(
        authority="London Borough of Haringey", framework="ILACS", timescales={"improvement": 9}
    ),
    "cambridgeshire-2019-02-18.pdf": Expected(
        authority="Cambridgeshire County Council", framework="ILACS", timescales={"improvement": 4}
    ),
    "bury-2021-12-17.pdf": Expected(
        authority="Bury Metropolitan Borough Council", framework="ILACS", timescales={"improvement": 9}
    ),
    "lincolnshire-2023-06-14.pdf": Expected(
        authority="Lincolnshire County Council", framework="ILACS", timescales={"improvement": 2}
    ),
    "peterborough-2024-01-30.pdf": Expected(
        authority="Peterborough City Council", framework="ILACS", timescales={"improvement": 8}
    ),
    "solihull-2026-01-12.pdf": Expected(
        authority="Solihull Metropolitan Borough Council", framework="ILACS", timescales={"improvement": 7}
    ),
}
# labels.csv judgement columns and the ILACS table rows they read.
LABEL_AREAS = {
    "impact_of_leaders_grade": re.compile(r"impact of leaders"),
    "help_and_protection_grade": re.compile(r"help and protection$"),
    "in_care_grade": re.compile(r"children in care( and care leavers)?$"),
    "care_leavers_grade": re.compile(r"(?<!children in care and )care leavers$"),
}


def _labels() -> dict[str, dict[str, str]]:
    with (PDFS / "labels.csv").open(encoding="utf-8", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


LABELS = _labels()
READABLE = sorted(name for name in LABELS if name in EXPECTED)


@pytest.fixture(scope="module")
def results() -> dict[str, ImportResult]:
    """Each PDF imported once for the whole module: extraction is the slow part."""
    return {name: import_document((PDFS / name).read_bytes(), name) for name in READABLE}


def _label_date(value: str) -> date:
    return datetime.strptime(value, "%d/%m/%Y").date()


def test_every_labelled_pdf_is_covered() -> None:
    assert sorted(LABELS) == sorted([*EXPECTED, "rotherham-2012-08-10.pdf"])


def test_rotherham_is_an_html_page_and_is_refused() -> None:
    data = (PDFS / "rotherham-2012-08-10.pdf").read_bytes()
    with pytest.raises(UnreadableDocument) as refused:
        import_document(data, "rotherham-2012-08-10.pdf")
    assert str(refused.value) == "The file is not a PDF: it looks like a web page (HTML) saved with a .pdf name"


@pytest.mark.parametrize("name", READABLE)
def test_recommendations_found(results: dict[str, ImportResult], name: str) -> None:
    found = results[name].recommendations
    assert Counter(r.timescale for r in found) == EXPECTED[name].timescales
    if EXPECTED[name].numbers:
        assert [r.number for r in found] == [str(n) for n in EXPECTED[name].numbers]


@pytest.mark.parametrize("name", READABLE)
def test_recommendation_text_is_free_of_page_furniture(results: dict[str, ImportResult], name: str) -> None:
    for recommendation in results[name].recommendations:
        assert not re.search(r"Inspection of|Ofsted|[\ue000-\uf8ff•]|\s\d{1,2}$|\s{2}", recommendation.text)
        assert recommendation.text[0].isalpha()


@pytest.mark.parametrize("name", READABLE)
def test_authority_and_framework(results: dict[str, ImportResult], name: str) -> None:
    result = results[name]
    assert (result.authority, result.framework) == (EXPECTED[name].authority, EXPECTED[name].framework)
    label = LABELS[name]["local_authority"]
    assert AUTHORITY_ALIASES.get(label, label) in result.authority.lower()


@pytest.mark.parametrize("name", READABLE)
def test_publication_date(results: dict[str, ImportResult], name: str) -> None:
    result = results[name]
    if result.framework == "ILACS":
        # ILACS reports print no publication date: never guess it (not even from the file name).
        assert result.published_on is None
        assert NO_PUBLICATION_DATE in result.warnings
    else:
        assert result.published_on == date.fromisoformat(LABELS[name]["publication_date"])
        assert NO_PUBLICATION_DATE not in result.warnings


@pytest.mark.parametrize("name", READABLE)
def test_inspection_dates(results: dict[str, ImportResult], name: str) -> None:
    label = LABELS[name]
    if label["inspection_start_date"]:
        expected = (_label_date(label["inspection_start_date"]), _label_date(label["inspection_end_date"]))
    else:
        expected = EXPECTED[name].inspected
    assert (results[name].inspection_start_on, results[name].inspection_end_on) == expected


@pytest.mark.parametrize("name", READABLE)
def test_overall_judgement(results: dict[str, ImportResult], name: str) -> None:
    label = LABELS[name]["overall_effectiveness_grade"]
    overall = results[name].overall_judgement
    assert overall is not None
    if label in NO_LABEL:
        assert overall == EXPECTED[name].overall
    else:
        assert overall.lower().startswith(label)


@pytest.mark.parametrize("name", [name for name in READABLE if EXPECTED[name].framework == "ILACS"])
def test_ilacs_judgements_match_labels(results: dict[str, ImportResult], name: str) -> None:
    judgements = results[name].judgements
    assert len(judgements) in {3, 4}
    for column, area in LABEL_AREAS.items():
        label = LABELS[name][column]
        matching = [j.grade for j in judgements if area.search(j.area)]
        if label in NO_LABEL:
            continue
        assert len(matching) == 1, column
        assert matching[0].lower().startswith(label)


@pytest.mark.parametrize("name", [name for name in READABLE if EXPECTED[name].judgements])
def test_older_judgements_match_the_pdf(results: dict[str, ImportResult], name: str) -> None:
    assert {j.area: j.grade for j in results[name].judgements} == EXPECTED[name].judgements
