"""The importer on whole documents as text: a JAR report, a council's Cabinet report and a SIF report."""

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from tracker.domain.importer import ExtractedJudgement, ImportResult, parse_report

REPORTS = Path(__file__).parents[1] / "fixtures" / "reports"


def _read(name: str) -> ImportResult:
    return parse_report((REPORTS / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def jar() -> ImportResult:
    return _read("leicestershire-jar-2008.txt")


@pytest.fixture(scope="module")
def cabinet() -> ImportResult:
    return _read("leicester-jar-action-plan-cabinet-2008.txt")


@pytest.fixture(scope="module")
def sif() -> ImportResult:
    return _read("leicester-sif-2015.txt")


def test_jar_recommendations_keep_their_timescale_and_addressee(jar: ImportResult) -> None:
    partnership = "The local partnership"
    department = "The Children's Services Department, in partnership with schools"
    assert [(r.timescale, r.addressee) for r in jar.recommendations] == [
        ("immediate", partnership),
        ("immediate", department),
        ("immediate", department),
        ("six_months", partnership),
        ("six_months", partnership),
        ("six_months", partnership),
        ("longer_term", partnership),
        ("longer_term", partnership),
    ]


def test_jar_reads_an_item_that_lost_its_bullet(jar: ImportResult) -> None:
    assert jar.recommendations[0].text == (
        "ensure that an appropriate way is found to successfully disseminate the findings of this report "
        "to children and young people in the area."
    )
    assert all(r.number is None and r.theme is None for r in jar.recommendations)


def test_jar_ignores_lists_in_the_annexes(jar: ImportResult) -> None:
    texts = " ".join(r.text for r in jar.recommendations)
    assert "part-time staff" not in texts
    assert "Equalities Standard" not in texts


def test_jar_grades_as_printed(jar: ImportResult) -> None:
    assert jar.judgements == [
        ExtractedJudgement("Safeguarding", "3"),
        ExtractedJudgement("Looked after children", "3"),
        ExtractedJudgement("Learning difficulties and/or disabilities", "3"),
        ExtractedJudgement("Service management", "4"),
        ExtractedJudgement("Capacity to improve", "4"),
    ]
    assert jar.overall_judgement is None


def test_jar_details(jar: ImportResult) -> None:
    # "Leicestershire children's services authority area": the council on the list of authorities.
    assert (jar.authority, jar.title, jar.framework) == ("Leicestershire County Council", "Joint area review", "JAR")
    assert jar.published_on == date(2008, 2, 19)
    assert (jar.inspection_start_on, jar.inspection_end_on) == (None, None)
    assert "No inspection dates found: enter them under Inspection details" in jar.warnings


def test_jar_contents_page_is_not_in_the_text(jar: ImportResult) -> None:
    assert "Recomr\tnendations" not in jar.text
    assert "Introdu\tction" not in jar.text


def test_cabinet_report_has_sixteen_recommendations_in_three_timescales(cabinet: ImportResult) -> None:
    assert Counter(r.timescale for r in cabinet.recommendations) == {
        "immediate": 5,
        "six_months": 9,
        "longer_term": 2,
    }
    assert {r.addressee for r in cabinet.recommendations} == {"The local partnership"}


def test_cabinet_report_recommendations_to_cabinet_are_not_inspection_recommendations(cabinet: ImportResult) -> None:
    assert not any("Cabinet is asked" in r.text for r in cabinet.recommendations)
    last = cabinet.recommendations[-1]
    assert last.text == "improve educational attainment by looked after children and young people."


def test_cabinet_report_details(cabinet: ImportResult) -> None:
    assert (cabinet.authority, cabinet.title, cabinet.framework) == ("Leicester City Council", "JAR action plan", "JAR")
    # "The JAR Report was published on 3rd June 2008": the date statutory deadlines count from.
    assert cabinet.published_on == date(2008, 6, 3)
    assert [j.grade for j in cabinet.judgements] == ["3", "3", "2", "2", "2"]


def test_sif_local_authority_and_lscb_numbers_in_order(sif: ImportResult) -> None:
    assert [r.number for r in sif.recommendations] == [str(n) for n in [*range(1, 25), *range(164, 173)]]


def test_sif_timescales_and_addressees(sif: ImportResult) -> None:
    by_number = {r.number: r for r in sif.recommendations}
    assert {by_number[str(n)].timescale for n in range(1, 7)} == {"immediate"}
    assert {by_number[str(n)].timescale for n in range(7, 25)} == {"improvement"}
    assert {by_number[str(n)].timescale for n in range(164, 167)} == {"immediate"}
    assert {by_number[str(n)].timescale for n in range(167, 173)} == {"improvement"}
    assert {by_number[str(n)].addressee for n in range(1, 25)} == {"local authority"}
    assert {by_number[str(n)].addressee for n in range(164, 173)} == {"LSCB"}


def test_sif_themes_come_from_sub_headings(sif: ImportResult) -> None:
    themes = [(r.number, r.theme) for r in sif.recommendations]
    assert themes[0] == ("1", "Leadership and management")
    assert themes[3] == ("4", "Quality of practice")
    assert themes[6] == ("7", "Leadership and management")
    assert themes[14] == ("15", "Children looked after")
    assert themes[20] == ("21", "Care leavers")
    assert themes[24] == ("164", None)
    assert themes[27] == ("167", "Scrutiny, awareness and challenge")
    assert themes[30] == ("170", "Quality and evaluation")


def test_sif_sub_bullets_belong_to_their_recommendation(sif: ImportResult) -> None:
    assert sif.recommendations[0].text == (
        "Put into place an effective performance management framework; this to include\ncomprehensive and "
        "reliable performance data\nclear monitoring and quality assurance arrangements\neffective performance "
        "management of teams and individuals."
    )


def test_sif_judgements_in_words(sif: ImportResult) -> None:
    assert sif.judgements == [
        ExtractedJudgement("Children who need help and protection", "Inadequate"),
        ExtractedJudgement("Children looked after and achieving permanence", "Requires improvement"),
        ExtractedJudgement("Adoption performance", "Good"),
        ExtractedJudgement("Experiences and progress of care leavers", "Requires improvement"),
        ExtractedJudgement("Leadership, management and governance", "Inadequate"),
        ExtractedJudgement("Local Safeguarding Children Board", "Inadequate"),
    ]
    assert sif.overall_judgement == "Inadequate"


def test_sif_details(sif: ImportResult) -> None:
    assert (sif.authority, sif.framework) == ("Leicester City Council", "SIF")
    assert sif.title is not None and sif.title.startswith("Inspection of services for children in need of help")
    assert (sif.inspection_start_on, sif.inspection_end_on) == (date(2015, 1, 14), date(2015, 2, 4))
    assert sif.published_on == date(2015, 3, 20)
    assert sif.warnings == []
