"""The importer's reading rules, one at a time, on small pieces of report text."""

from datetime import date

import pytest

from tracker.domain.importer import ExtractedJudgement, ExtractedRecommendation, Flag, ImportResult, parse_report
from tracker.domain.importer.dates import parse_date, parse_date_range
from tracker.domain.importer.headings import read_heading
from tracker.domain.importer.pdf import strip_page_furniture
from tracker.domain.importer.wording import item_subject

NO_RECOMMENDATIONS = "No recommendations were found. Mark them by hand from the text below."


def _texts(text: str) -> list[str]:
    return [r.text for r in parse_report(text).recommendations]


@pytest.mark.parametrize(
    ("heading", "timescale"),
    [
        ("For immediate action", "immediate"),
        ("Immediately:", "immediate"),
        ("Priority and immediate action", "immediate"),
        ("Priority actions", "immediate"),
        ("4.10.1 For immediate action", "immediate"),
        ("Within three months:", "three_months"),
        ("For action over the next six months", "six_months"),
        ("Within 6 months", "six_months"),
        ("For action in the longer term", "longer_term"),
        ("Within 12 months", "longer_term"),
        ("Areas for improvement:", "improvement"),
        ("What needs to improve?", "improvement"),
        ("Areas for development", "improvement"),
        ("Leadership and management", None),
        ("Recommendations (or OPTIONS)", None),
    ],
)
def test_timescale_headings(heading: str, timescale: str | None) -> None:
    assert read_heading(heading).timescale == timescale


@pytest.mark.parametrize(
    ("heading", "body"),
    [
        ("What does the local authority need to improve?", "local authority"),
        ("What does the LSCB need to improve?", "LSCB"),
        ("What needs to improve?", None),
    ],
)
def test_section_headings_name_the_body_addressed(heading: str, body: str | None) -> None:
    meaning = read_heading(heading)
    assert (meaning.starts_section, meaning.sets_body, meaning.body) == (True, True, body)


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("The local authority and its partners should ensure plans.", "The local authority and its partners"),
        ("The BSCB to ensure that audits happen.", "The BSCB"),
        ("BSCB to ensure that audits happen.", "BSCB"),
        ("Senior leaders and managers need to take urgent action.", "Senior leaders and managers"),
        ("The board should satisfy itself that partners understand thresholds.", "The board"),
        ("Work with partners to develop data on missing children.", None),
        ("The quality of case recording must be improved.", None),
        ("The embedding of the work of the central hub to ensure that responses are effective.", None),
        ("Strategy discussions should always include partner agencies.", None),
        ("ensure that the report is shared", None),
    ],
)
def test_an_item_names_its_own_addressee_only_when_a_body_is_its_subject(text: str, subject: str | None) -> None:
    assert item_subject(text) == subject


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Inspection dates: 24 to 28 April 2023", (date(2023, 4, 24), date(2023, 4, 28))),
        ("27 November to 8 December 2023", (date(2023, 11, 27), date(2023, 12, 8))),
        ("20 May 2014 – 11 June 2014", (date(2014, 5, 20), date(2014, 6, 11))),
        ("14 January – 4 February 2015", (date(2015, 1, 14), date(2015, 2, 4))),
        ("17-28 March 2025", (date(2025, 3, 17), date(2025, 3, 28))),
        ("29/10/2018 to 09/11/2018", (date(2018, 10, 29), date(2018, 11, 9))),
        ("28 July 2016", (date(2016, 7, 28), date(2016, 7, 28))),
        ("30 February 2016", (None, None)),
        ("January/February 2008", (None, None)),
    ],
)
def test_date_ranges(text: str, expected: tuple[date | None, date | None]) -> None:
    assert parse_date_range(text) == expected


def test_inspection_dates_that_wrap_onto_the_next_line() -> None:
    result = parse_report("Inspection date: 20 May 2014 –\n11 June 2014\nReport published 18 July 2014\n")
    assert (result.inspection_start_on, result.inspection_end_on) == (date(2014, 5, 20), date(2014, 6, 11))
    assert result.published_on == date(2014, 7, 18)


def test_ordinal_dates() -> None:
    assert parse_date("The JAR Report was published on 3rd June 2008 and") == date(2008, 6, 3)


def test_bullet_glyphs_line_wraps_and_layout_hyphens_are_undone() -> None:
    text = (
        "Recommendations\n"
        "\uf0b7 Improve multi-\nagency work and the quality of recom-\nmendations to the board\n"
        "\u25fc Review the policy for the 16 to\n17 year-olds\n\n"
        "Further recommendations are written into the plan.\n"
    )
    assert _texts(text) == [
        "Improve multi-agency work and the quality of recommendations to the board",
        "Review the policy for the 16 to 17 year-olds",
    ]


def test_word_second_level_bullets_belong_to_their_numbered_recommendation() -> None:
    text = (
        "Recommendations\n1. Put in place a framework; this to include\no performance data\no audits.\n2. Ensure x.\n"
    )
    # Sub-items as printed, each on a line of its own (the printed plan lists them); the bullets are left off.
    assert _texts(text) == ["Put in place a framework; this to include\nperformance data\naudits.", "Ensure x."]


def test_page_numbers_and_running_headers_between_items_are_dropped() -> None:
    text = (
        "Areas for improvement\n"
        "9. Ensure that assessments are timely.\n10. Ensure that visits are regular.\n11. Improve recording.\n"
        "12. Ensure that the plans for children are reviewed regularly and that\n\n"
        "Anytown Council Inspection of looked after children services\n\n7\n\n"
        "they are shared with the child.\n"
        "13. Improve supervision.\n"
    )
    assert _texts(text)[3:] == [
        "Ensure that the plans for children are reviewed regularly and that they are shared with the child.",
        "Improve supervision.",
    ]


def test_footnote_markers_are_dropped_from_headings() -> None:
    result = parse_report("What needs to improve?1\n• The quality of plans.\n\n1\n\nThe areas are cross-referenced.")
    assert [(r.timescale, r.text) for r in result.recommendations] == [("improvement", "The quality of plans.")]
    assert "improve?1" not in result.text


def test_contents_page_entries_do_not_start_a_section() -> None:
    text = (
        "Contents\nSummary 2\nRecommendations 8\nAnnex A: the APA letter 22\n\n"
        "Summary\nThe service is good.\n"
        "Recommendations\n1. Ensure that plans are reviewed.\n"
    )
    result = parse_report(text)
    assert [r.text for r in result.recommendations] == ["Ensure that plans are reviewed."]
    assert "Recommendations 8" not in result.text


def test_a_section_ends_at_the_next_topic() -> None:
    text = (
        "Recommendations\n1. Ensure that plans are reviewed.\n"
        "The local authority's strengths\n2. The local authority has an effective front door.\n"
        "Summary for children and young people\n• Children are safe.\n"
    )
    assert _texts(text) == ["Ensure that plans are reviewed."]


def test_a_sub_heading_followed_by_findings_ends_the_section() -> None:
    text = "Recommendations\n1. Ensure that plans are reviewed.\nHelp and protection\n2. Children are seen quickly.\n"
    assert _texts(text) == ["Ensure that plans are reviewed."]


def test_lead_in_names_the_addressee_after_an_introductory_clause() -> None:
    text = (
        "Areas for improvement\n"
        "22. In order to improve services for children in Anytown, the local authority should take the "
        "following action.\n"
        "Within three months:\n\u2022 review the 16+ service\n"
    )
    [found] = parse_report(text).recommendations
    assert (found.number, found.timescale, found.addressee, found.theme, found.text) == (
        None,
        "three_months",
        "local authority",
        None,
        "review the 16+ service",
    )


def test_a_lead_in_on_its_own_introduces_recommendations() -> None:
    found = parse_report("The local partnership should:\n• ensure that the report is shared\n• reduce absence\n")
    assert [(r.timescale, r.addressee, r.text) for r in found.recommendations] == [
        ("improvement", "The local partnership", "ensure that the report is shared"),
        ("improvement", "The local partnership", "reduce absence"),
    ]


def test_instructions_whose_bullets_were_lost_are_items() -> None:
    text = (
        "Recommendations\nEnsure that plans are reviewed.\nImprove the supervision of staff.\n"
        "The inspection found no other areas.\n"
    )
    assert _texts(text) == ["Ensure that plans are reviewed.", "Improve the supervision of staff."]


def test_a_numbering_gap_is_reported() -> None:
    result = parse_report("Recommendations\n7. Ensure a.\n8. Ensure b.\n10. Ensure d.\n")
    assert [r.number for r in result.recommendations] == ["7", "8", "10"]
    assert (
        Flag("numbering_gap", "Recommendation 9 may be missing: check it against the text below", "recommendations")
        in result.flags
    )


def test_unknown_layout_gives_the_text_and_a_warning() -> None:
    result = parse_report("Minutes of the meeting\nThe chair welcomed everyone.\nActions: none.")
    assert result.recommendations == []
    assert NO_RECOMMENDATIONS in result.warnings
    assert result.text == "Minutes of the meeting\nThe chair welcomed everyone.\nActions: none."


def test_ilacs_report_has_no_publication_date_and_says_so() -> None:
    text = (
        "Inspection of Anytown local authority children’s services\n"
        "Inspection dates: 3 November to 14 November 2025\n"
        "Judgement Grade\nThe impact of leaders on social work\npractice with children and families\nGood\n"
        "Overall effectiveness Requires improvement to be good\n"
        "The council published its plan on 1 December 2025.\n"
    )
    result = parse_report(text)
    assert (result.framework, result.authority, result.published_on) == ("ILACS", "Anytown", None)
    assert result.judgements == [
        ExtractedJudgement("The impact of leaders on social work practice with children and families", "Good")
    ]
    assert result.overall_judgement == "Requires improvement to be good"
    assert "No publication date found: enter it under Inspection details" in result.warnings


def test_focused_visit_lists_priority_actions_and_lettered_items() -> None:
    text = (
        "Focused visit to Anytown local authority children’s services\n"
        "Inspection dates: 3 to 4 October 2022\n"
        "Areas for priority action\n• The timeliness of strategy meetings.\n"
        "Areas for improvement\na. The quality of plans for children.\nb. Sufficiency of foster homes.\n"
        "Main findings\n1. Leaders know the service well.\n"
    )
    result = parse_report(text)
    assert (result.framework, result.document_type, result.authority) == ("FOCUSED_VISIT", "focused_visit", "Anytown")
    assert [(r.number, r.timescale, r.addressee) for r in result.recommendations] == [
        (None, "immediate", None),
        ("a", "improvement", None),
        ("b", "improvement", None),
    ]


def test_apa_letter_names_the_council_in_its_title() -> None:
    text = (
        "Annual performance assessment of services for children and young people in Anytown 2008\n"
        "Published: 5 December 2008\n"
        "Areas for development\n• Reduce teenage pregnancy rates.\n"
    )
    result = parse_report(text)
    assert (result.framework, result.authority, result.published_on) == ("APA", "Anytown", date(2008, 12, 5))
    assert [r.text for r in result.recommendations] == ["Reduce teenage pregnancy rates."]


def test_json_shape() -> None:
    result = ImportResult(
        authority="Anytown",
        published_on=date(2024, 1, 30),
        judgements=[ExtractedJudgement("Overall", "Good")],
        recommendations=[ExtractedRecommendation("1", "immediate", "LSCB", None, "Ensure x.")],
        warnings=["w"],
        text="not in the JSON",
    )
    assert result.to_json_dict() == {
        "authority": "Anytown",
        "title": None,
        "framework": None,
        "document_type": None,
        "published_on": "2024-01-30",
        "inspection_start_on": None,
        "inspection_end_on": None,
        "overall_judgement": None,
        "judgements": [{"area": "Overall", "grade": "Good"}],
        "recommendations": [
            {
                "number": "1",
                "timescale": "immediate",
                "addressee": "LSCB",
                "theme": None,
                "text": "Ensure x.",
                "flags": [],
            }
        ],
        "warnings": ["w"],
        "flags": [],
    }


def test_pdf_page_furniture_is_stripped_per_page() -> None:
    topics = ["assessments", "plans", "carers", "leaders"]
    pages = [
        f"Inspection of Anytown local authority children’s services {n}\nThe {topic} are good.{n}\n"
        f"Managers check {topic}.\nStaff discuss {topic}.\nVisits about {topic} happen.\n{n} Source: {topic} audit."
        for n, topic in enumerate(topics, start=1)
    ]
    assert strip_page_furniture(pages)[1] == [
        "",
        "The plans are good.2",
        "Managers check plans.",
        "Staff discuss plans.",
        "Visits about plans happen.",
    ]
