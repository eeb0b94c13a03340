"""Real reports that show the patterns of issue 13, each read right (what they print, checked by eye)."""

from datetime import date
from pathlib import Path

import pytest

from tracker.domain.importer import ExtractedJudgement, ImportResult, import_document

PDFS = Path(__file__).parents[1] / "fixtures" / "pdfs"
DOCUMENTS = (
    "corpus/barking-and-dagenham-2014-07-07.pdf",
    "corpus/cornwall-2019-11-05.pdf",
    "corpus/essex-2014-03-21.pdf",
    "corpus/hillingdon-2014-02-11.pdf",
    "corpus/isles-of-scilly-2016-06-27.pdf",
    "corpus/lancashire-2018-08-17.pdf",
    "corpus/plymouth-2015-01-06.pdf",
    "more/area-send-halton-2024-01-26.pdf",
    "more/focused-visit-luton-2018-07-05.pdf",
    "more/focused-visit-sheffield-2021-12-14.pdf",
)


@pytest.fixture(scope="module")
def read() -> dict[str, ImportResult]:
    """Each PDF imported once for the module: extraction is the slow part."""
    return {name: import_document((PDFS / name).read_bytes(), Path(name).name) for name in DOCUMENTS}


def _item(result: ImportResult, opening: str) -> str:
    [text] = [r.text for r in result.recommendations if r.text.startswith(opening)]
    return text


def test_plural_verb_headlines_give_the_overall_judgement(read: dict[str, ImportResult]) -> None:
    # "Children’s services in Lancashire require improvement to be good"
    assert read["corpus/lancashire-2018-08-17.pdf"].overall_judgement == "Requires improvement to be good"
    # "The overall judgement is that children’s services require improvement"
    assert read["corpus/plymouth-2015-01-06.pdf"].overall_judgement == "Requires improvement"


def test_lscb_judgement_printed_without_a_verb(read: dict[str, ImportResult]) -> None:
    lscb = ExtractedJudgement("Local Safeguarding Children Board", "Requires improvement")
    assert lscb in read["corpus/essex-2014-03-21.pdf"].judgements
    assert lscb in read["corpus/hillingdon-2014-02-11.pdf"].judgements


def test_authority_wrapped_over_two_lines_and_a_letter_s_salutation(read: dict[str, ImportResult]) -> None:
    # "London Borough of Barking and" / "Dagenham"; "Dear Mr Macilwraith" above the title.
    assert read["corpus/barking-and-dagenham-2014-07-07.pdf"].authority == "London Borough of Barking and Dagenham"
    assert read["more/focused-visit-sheffield-2021-12-14.pdf"].authority == "Sheffield City Council"


def test_lead_in_bullet_with_nested_parts(read: dict[str, ImportResult]) -> None:
    result = read["corpus/cornwall-2019-11-05.pdf"]
    assert len(result.recommendations) == 3
    assert _item(result, "The provision of suitable accommodation") == (
        "The provision of suitable accommodation for 16- and 17-year-old homeless young people, including:\n"
        "sufficiency of accommodation\nassessment and support available to young people\nmanagement oversight "
        "of the use of any unregulated provision."
    )


def test_wrapped_lines_with_heading_words_are_kept(read: dict[str, ImportResult]) -> None:
    assert _item(read["corpus/hillingdon-2014-02-11.pdf"], "Ensure that partners are appropriately engaged").endswith(
        "identifying risks and strengths to keep children safe."
    )
    assert _item(read["corpus/barking-and-dagenham-2014-07-07.pdf"], "Ensure the annual report").endswith(
        "achieving improved outcomes for children."
    )


def test_a_sub_heading_after_a_full_width_line_is_the_next_theme(read: dict[str, ImportResult]) -> None:
    result = read["corpus/plymouth-2015-01-06.pdf"]
    assert _item(result, "Improve the electronic social care record system").endswith("quality of service.")
    [item] = [r for r in result.recommendations if r.text.startswith("Robustly challenge commissioners")]
    assert item.theme == "Child protection medicals"


def test_an_item_the_report_repeats_under_another_number_is_kept(read: dict[str, ImportResult]) -> None:
    numbers = [
        r.number
        for r in read["corpus/isles-of-scilly-2016-06-27.pdf"].recommendations
        if r.text.startswith("Continue to pursue the appointment")
    ]
    assert numbers == ["3", "6"]


def test_area_send_table_across_a_page_break(read: dict[str, ImportResult]) -> None:
    result = read["more/area-send-halton-2024-01-26.pdf"]
    assert (result.document_type, result.overall_judgement, result.authority) == (
        "area_send",
        "3",
        "Halton Borough Council",
    )
    assert (result.inspection_start_on, result.published_on) == (date(2023, 11, 20), None)
    body = "Halton Borough Council and NHS Cheshire and Merseyside Integrated Care Board (ICB)"
    assert [(r.timescale, r.addressee) for r in result.recommendations] == [("immediate", body)] * 5 + [
        ("improvement", None)
    ] * 4
    assert _item(result, "Leaders across education, health and social care should improve the joint") == (
        "Leaders across education, health and social care should improve the joint commissioning of services to "
        "ensure that children, young people and their families receive sufficient support to have their needs "
        "met effectively."
    )
    assert result.flags == []


def test_focused_visit_bullets_of_several_sentences(read: dict[str, ImportResult]) -> None:
    result = read["more/focused-visit-luton-2018-07-05.pdf"]
    assert (result.published_on, result.inspection_start_on, result.inspection_end_on) == (
        date(2018, 7, 5),
        date(2018, 6, 12),
        date(2018, 6, 13),
    )
    assert len(result.recommendations) == 10
    assert _item(result, "Audit activity has largely focused").endswith(
        "as you further implement your model of practice."
    )


@pytest.mark.parametrize("name", DOCUMENTS)
def test_read_without_doubts(read: dict[str, ImportResult], name: str) -> None:
    result = read[name]
    assert result.flags == []
    assert not any(item.flags for item in result.recommendations)
