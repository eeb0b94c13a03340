"""Area SEND reports, focused-visit letters and the flags on what may be wrong, in text written in their layouts."""

from datetime import date

import pytest

from tracker.domain.importer import ExtractedRecommendation, parse_report
from tracker.domain.importer.doubts import flag_items
from tracker.domain.importer.metadata import read_metadata

SEND_REPORT = """Local area partnership report
Area SEND inspection of Rochdale Local
Area Partnership
Inspection dates: 13 to 17 May 2024
Dates of previous inspection: 5 to 9 March 2018
Inspection outcome
There are widespread and/or systemic failings leading to significant concerns about the
experiences and outcomes of children and young people with special educational needs
and/or disabilities (SEND), which the local area partnership must address urgently.
A monitoring inspection will be carried out within approximately 18 months.
Information about the local area partnership
Rochdale Borough Council and NHS Greater Manchester Integrated Care Board (ICB) are
jointly responsible for the planning and commissioning of services for children and young
people with SEND in Rochdale.
What is it like to be a child or young person with SEND in this area?
Too many children and young people wait too long to have their needs identified and met,
and the support they receive while they wait is not good enough for many of them.
Areas for priority action
Responsible body Areas for priority action
Rochdale Borough Council and
NHS Greater Manchester
Integrated Care Board
Leaders at Rochdale Borough Council and NHS Greater
Manchester ICB should improve the strategic oversight of
the SEND partnership so that improvement is quick.
Rochdale Borough Council
Leaders should improve the timeliness of EHC plans. Too
many plans take longer than 20 weeks.
Areas for improvement
Leaders across the partnership should improve the quality of EHC plans so that they set out
the outcomes children and young people need to achieve and the help they need to get there.
Leaders should ensure that annual reviews take place on time. This should include:
• making sure that the views of children and young people are gathered; and
• updating plans promptly after each review.
Local area partnership details
"""


def test_area_send_report() -> None:
    result = parse_report(SEND_REPORT)
    assert (result.document_type, result.framework) == ("area_send", "AREA_SEND")
    assert result.authority == "Rochdale Metropolitan Borough Council"
    assert (result.inspection_start_on, result.inspection_end_on) == (date(2024, 5, 13), date(2024, 5, 17))
    # The report prints no publication date; the previous inspection's dates are not it.
    assert result.published_on is None
    assert result.overall_judgement == "3"
    assert result.judgements == []
    assert [(r.timescale, r.addressee, r.text) for r in result.recommendations] == [
        (
            "immediate",
            "Rochdale Borough Council and NHS Greater Manchester Integrated Care Board",
            "Leaders at Rochdale Borough Council and NHS Greater Manchester ICB should improve the strategic "
            "oversight of the SEND partnership so that improvement is quick.",
        ),
        (
            "immediate",
            "Rochdale Borough Council",
            "Leaders should improve the timeliness of EHC plans. Too many plans take longer than 20 weeks.",
        ),
        (
            "improvement",
            None,
            "Leaders across the partnership should improve the quality of EHC plans so that they set out the "
            "outcomes children and young people need to achieve and the help they need to get there.",
        ),
        (
            "improvement",
            None,
            "Leaders should ensure that annual reviews take place on time. This should include:\nmaking sure that "
            "the views of children and young people are gathered; and\nupdating plans promptly after each review.",
        ),
    ]
    assert result.flags == []


@pytest.mark.parametrize(
    ("paragraph", "outcome"),
    [
        (
            "The local area partnership’s arrangements typically lead to positive experiences and outcomes for "
            "children and young people with SEND.",
            "1",
        ),
        (
            "The local area partnership’s arrangements lead to inconsistent experiences and outcomes for children "
            "and young people with SEND.",
            "2",
        ),
    ],
)
def test_area_send_outcome_from_its_words(paragraph: str, outcome: str) -> None:
    text = f"Area SEND inspection of Rochdale Local Area Partnership\nInspection outcome\n{paragraph}\n"
    assert parse_report(text).overall_judgement == outcome


def test_area_send_report_without_an_outcome_is_flagged() -> None:
    result = parse_report(
        "Area SEND inspection of Rochdale Local Area Partnership\nInspection dates: 1 to 5 May 2024\n"
    )
    assert result.overall_judgement is None
    assert "overall_missing" in {flag.code for flag in result.flags}


FOCUSED_VISIT = """Piccadilly Gate
Store Street
Manchester
M1 2WD

12 March 2023

Jane Smith
Director of Children’s Services
Wigan Council
Town Hall
Wigan

Dear Ms Smith

Focused visit to Wigan local authority children’s services

This letter summarises the findings of the focused visit to Wigan local authority children’s
services on 7 and 8 February 2023. His Majesty’s Inspectors for this visit were A Inspector and
B Inspector.

Headline findings
Children in need of help and protection receive a timely response.

Areas for priority action
• The timeliness of strategy meetings when children are at risk of significant harm.

What needs to improve in this area of social work practice?
• The quality of written plans, so that families know what needs to change.
• Management oversight of children who wait for an allocated social worker.

Main findings
Leaders know their services well.

Ofsted will take the findings from this focused visit into account when planning the next inspection.

Yours sincerely
"""


def test_focused_visit_letter() -> None:
    result = parse_report(FOCUSED_VISIT)
    assert (result.document_type, result.framework) == ("focused_visit", "FOCUSED_VISIT")
    assert result.authority == "Wigan Metropolitan Borough Council"
    assert result.published_on == date(2023, 3, 12)
    assert (result.inspection_start_on, result.inspection_end_on) == (date(2023, 2, 7), date(2023, 2, 8))
    assert [(r.timescale, r.addressee, r.text) for r in result.recommendations] == [
        ("immediate", None, "The timeliness of strategy meetings when children are at risk of significant harm."),
        ("improvement", None, "The quality of written plans, so that families know what needs to change."),
        ("improvement", None, "Management oversight of children who wait for an allocated social worker."),
    ]
    # Focused visits give no judgements: none is missing.
    assert result.flags == []


def test_salutation_is_not_the_authority_of_a_letter() -> None:
    letter = "14 December 2021\nDear Mr Smith\nFocused visit to Sheffield City Council children’s services\n"
    assert read_metadata(letter.splitlines()).authority == "Sheffield City Council"


@pytest.mark.parametrize(
    ("title", "dates", "document_type"),
    [
        ("Inspection of Leeds local authority children’s services", "3 to 7 March 2025", "ilacs_short"),
        ("Inspection of Leeds local authority children’s services", "3 to 14 March 2025", "ilacs"),
        ("Joint area review of Leeds", "3 to 14 March 2008", "jar"),
        ("Inspection of looked after children services", "3 to 7 June 2013", "lac"),
        (
            "Inspection of local authority arrangements for the protection of children",
            "3 to 7 June 2012",
            "safeguarding",
        ),
        ("Area SEND inspection of Leeds Local Area Partnership", "3 to 7 June 2024", "area_send"),
    ],
)
def test_kinds_of_document(title: str, dates: str, document_type: str) -> None:
    result = parse_report(f"{title}\nInspection dates: {dates}\n")
    assert result.document_type == document_type


def test_an_ilacs_report_recalling_a_focused_visit_is_an_ilacs_report() -> None:
    text = (
        "Inspection of Leeds local authority children’s services\nInspection dates: 3 to 14 March 2025\n"
        + "Leaders know their services well.\n" * 20
        + "At the focused visit to Leeds in 2023, inspectors found strengths.\n"
    )
    assert parse_report(text).document_type == "ilacs"


def _item(text: str, timescale: str = "improvement") -> ExtractedRecommendation:
    return ExtractedRecommendation(None, timescale, None, None, text)


def _item_codes(items: list[ExtractedRecommendation]) -> list[set[str]]:
    flag_items(items)
    return [{flag.code for flag in item.flags} for item in items]


@pytest.mark.parametrize(
    ("texts", "codes"),
    [
        # Cut off: the last item of a list without a full stop, or one ending on "and", "of", "the".
        (["Ensure that plans are reviewed.", "Improve the quality of"], [set(), {"mid_sentence"}]),
        (["Ensure that managers and", "Review the plans every month."], [{"mid_sentence"}, set()]),
        # Missing a full stop that every other item in its list has.
        (
            [
                "Review plans every month.",
                "Improve supervision of staff",
                "Ensure visits happen on time.",
                "Audit the case files.",
            ],
            [set(), {"mid_sentence"}, set(), set()],
        ),
        # A list printed without full stops, or in lower case, is how the report prints it.
        (["the quality of plans", "the timeliness of visits", "supervision"], [set(), set(), {"short"}]),
        (["Review plans every month.", "improve the timeliness of visits."], [set(), {"lower_case"}]),
        (["Permanence planning."], [{"short"}]),
        ([" ".join(["Ensure"] + ["that the plans are reviewed"] * 30) + "."], [{"long"}]),
    ],
)
def test_item_flags(texts: list[str], codes: list[set[str]]) -> None:
    assert _item_codes([_item(text) for text in texts]) == codes


def test_a_list_whose_bullets_outnumber_its_items_is_flagged() -> None:
    # Parts under a paragraph that is neither an item nor a lead-in are not read: the count says so.
    text = (
        "What needs to improve?\n"
        "• The quality of assessments.\n"
        "Leaders and inspectors agreed that the other weaknesses are:\n"
        "• the timeliness of visits\n"
        "• the recording of supervision.\n"
    )
    result = parse_report(text)
    assert [r.text for r in result.recommendations] == ["The quality of assessments."]
    assert [flag.code for flag in result.flags] == ["bullet_count"]
    assert "3 bullets or numbers but 1 items" in result.flags[0].message


def test_bullets_after_a_sub_heading_in_a_list_of_bullets_go_on_with_it() -> None:
    text = "What needs to improve?\n• The quality of assessments.\nCare leavers\n• The timeliness of pathway plans.\n"
    assert [(r.theme, r.text) for r in parse_report(text).recommendations] == [
        (None, "The quality of assessments."),
        ("Care leavers", "The timeliness of pathway plans."),
    ]


def test_a_heading_with_nothing_under_it_is_flagged() -> None:
    result = parse_report("Areas for improvement\nThe local authority has made progress.\nSummary\n")
    assert [flag.code for flag in result.flags] == ["empty_section"]
    assert "No recommendations were found. Mark them by hand from the text below." in result.warnings
