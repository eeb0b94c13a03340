"""The patterns seen on reports the importer had never met (issue 13), each in text written in that pattern."""

from datetime import date

import pytest

from tracker.domain.importer import ExtractedJudgement, ImportResult, parse_report


def _read(text: str) -> ImportResult:
    return parse_report(text)


def _texts(result: ImportResult) -> list[str]:
    return [r.text for r in result.recommendations]


def _codes(result: ImportResult) -> set[str]:
    return {flag.code for flag in result.flags}


SIF_OPENING = (
    "{council}\n"
    "Inspection of services for children in need of help and\n"
    "protection, children looked after and care leavers\n"
    "and\n"
    "Review of the effectiveness of the local safeguarding children\n"
    "board\n"
    "Inspection date: 2 March 2015 – 26 March 2015\n"
    "Report published: 12 May 2015\n"
)


# 1. SIF headlines with a plural verb


@pytest.mark.parametrize(
    ("headline", "grade"),
    [
        ("Children’s services in Bedford Borough require improvement to be good", "Requires improvement to be good"),
        ("The overall judgement is that children’s services require improvement", "Requires improvement"),
        ("Children's services in Anytown require improvement", "Requires improvement"),
        ("Children’s services in Anytown are inadequate", "Inadequate"),
        ("The overall judgement is requires improvement", "Requires improvement"),
    ],
)
def test_sif_headline_with_a_plural_verb_is_the_overall_judgement(headline: str, grade: str) -> None:
    result = _read(SIF_OPENING.format(council="Bedford Borough Council") + f"{headline}\n")
    assert result.overall_judgement == grade
    assert "overall_missing" not in _codes(result)


def test_lscb_headline_without_a_verb_is_its_judgement() -> None:
    text = SIF_OPENING.format(council="Anytown") + (
        "The effectiveness of the Local Safeguarding Children Board (LSCB) requires\nimprovement\n"
    )
    assert ExtractedJudgement("Local Safeguarding Children Board", "Requires improvement") in _read(text).judgements


# 2. Authority taken from the wrong words


@pytest.mark.parametrize(
    ("first_line", "authority"),
    [
        ("Metropolitan Borough of Barnsley Council", "Barnsley Metropolitan Borough Council"),
        ("London Borough of Barking and\nDagenham", "London Borough of Barking and Dagenham"),
        ("Royal Borough of Kensington and\nChelsea", "Royal Borough of Kensington and Chelsea"),
        ("Kingston Upon Hull City Council", "Hull City Council"),
        ("Council of the Isles of Scilly", "Council of the Isles of Scilly"),
        ("City of York Council", "City of York Council"),
    ],
)
def test_the_authority_is_the_council_on_the_list(first_line: str, authority: str) -> None:
    result = _read(SIF_OPENING.format(council=first_line))
    assert result.authority == authority
    assert "authority_not_listed" not in _codes(result)


def test_council_alone_or_a_salutation_is_never_the_authority() -> None:
    letter = (
        "4 December 2008\nMr John Smith\nDirector of Children's Services\nCouncil\nDear Mr Smith\n"
        "Annual performance assessment of services for children and young people in Rochdale 2008\n"
    )
    assert _read(letter).authority == "Rochdale Metropolitan Borough Council"
    assert _read("Council\nInspection of children’s social care services\n").authority is None


def test_an_authority_not_on_the_list_is_kept_as_printed_and_flagged() -> None:
    result = _read("Inspection of Anytown local authority children’s services\nInspection dates: 3 to 7 March 2025\n")
    assert result.authority == "Anytown"
    [flag] = [flag for flag in result.flags if flag.code == "authority_not_listed"]
    assert flag.field == "authority"
    assert "Anytown" in flag.message


def test_a_council_abolished_since_is_the_one_in_being_at_the_time() -> None:
    jar = "Dorset children’s services authority area\nJoint area review\nPublished: 10 March 2008\n"
    assert _read(jar).authority == "Dorset County Council"
    today = "Inspection of Dorset local authority children’s services\nInspection dates: 3 to 7 March 2025\n"
    assert _read(today).authority == "Dorset Council"


# 3. Judgements whose grade wraps in its column


def test_a_wrapped_grade_around_its_area_is_read() -> None:
    text = SIF_OPENING.format(council="Anytown") + (
        "Children’s services in Anytown require improvement to be good\n"
        "1. Children who need help and protection Good\n"
        "Requires\n"
        "2. Children looked after and achieving permanence\n"
        "improvement\n"
        "2.1 Adoption performance Good\n"
        "Requires\n"
        "2.2 Experiences and progress of care leavers\n"
        "improvement to be good\n"
        "3. Leadership, management and governance Good\n"
    )
    judgements = {j.area: j.grade for j in _read(text).judgements}
    assert judgements["Children looked after and achieving permanence"] == "Requires improvement"
    assert judgements["Experiences and progress of care leavers"] == "Requires improvement to be good"
    assert len(judgements) == 5


def test_a_judgement_the_framework_always_gives_is_flagged_when_missing() -> None:
    text = (
        "Inspection of Anytown local authority children’s services\n"
        "Inspection dates: 3 to 14 March 2025\n"
        "Judgement Grade\n"
        "The impact of leaders on social work practice with children and families Good\n"
        "The experiences and progress of children in care Good\n"
        "Overall effectiveness Good\n"
    )
    messages = [flag.message for flag in _read(text).flags if flag.code == "judgement_missing"]
    assert any("children who need help and protection" in message for message in messages)
    assert any("care leavers" in message for message in messages)


# 4. ILACS bullets with a lead-in and nested sub-items


def test_a_bullet_with_a_lead_in_and_nested_parts_is_one_recommendation() -> None:
    text = (
        "What needs to improve?\n"
        "• The quality of oversight and monitoring of:\n"
        "− the pre-proceedings process\n"
        "− permanence planning for children in care\n"
        "− private fostering.\n"
        "• The timeliness of return home interviews.\n"
    )
    assert _texts(_read(text)) == [
        "The quality of oversight and monitoring of:\nthe pre-proceedings process\npermanence planning for "
        "children in care\nprivate fostering.",
        "The timeliness of return home interviews.",
    ]


def test_parts_in_lower_case_under_a_lead_in_with_the_same_bullet_are_parts() -> None:
    text = "What needs to improve?\n• Management oversight, including:\n• of supervision\n• of audits.\n"
    assert _texts(_read(text)) == ["Management oversight, including:\nof supervision\nof audits."]


# 5. Lines and sentences lost or moved


def _wrapped_report(body: str) -> str:
    """Body text in a column as PDFs wrap it, with enough lines to tell the column's width."""
    filler = (
        "Social workers know their children well and visit them regularly, and managers\n"
        "oversee their work through supervision that is regular and reflective of practice.\n"
    ) * 5
    return f"{filler}\n{body}\n\n{filler}"


def test_a_wrapped_line_with_a_heading_word_in_it_is_not_lost() -> None:
    text = _wrapped_report(
        "Recommendations\n"
        "• Ensure that partners are engaged in developing the multi-agency approach, so that\n"
        "there is full engagement in identifying risks and strengths to keep children safe.\n"
        "• Ensure the annual report and business plan focus on evaluating the progress made\n"
        "outcomes for children.\n"
    )
    assert _texts(_read(text)) == [
        "Ensure that partners are engaged in developing the multi-agency approach, so that there is full "
        "engagement in identifying risks and strengths to keep children safe.",
        "Ensure the annual report and business plan focus on evaluating the progress made outcomes for children.",
    ]


def test_a_second_sentence_of_a_numbered_item_stays_with_it_and_is_not_the_next_theme() -> None:
    text = (
        "Areas for improvement\n"
        "Leadership and management\n"
        "7. Ensure that the quality of supervision improves.\n"
        "Managers should record the reasons for their decisions\n"
        "on every child’s file.\n"
        "8. Review the effectiveness of the early help offer.\n"
    )
    result = _read(text)
    assert [(r.number, r.theme, r.text) for r in result.recommendations] == [
        (
            "7",
            "Leadership and management",
            "Ensure that the quality of supervision improves. Managers should record the reasons for their "
            "decisions on every child’s file.",
        ),
        ("8", "Leadership and management", "Review the effectiveness of the early help offer."),
    ]


def test_an_item_split_by_a_page_break_is_one_item() -> None:
    page_one = "Recommendations\n9. Ensure that the board’s business plan is reviewed.\n10. The annual report"
    page_two = "should demonstrate the impact of the board’s work.\n11. Review the training offer."
    footer = "Inspection of Anytown, Review of the LSCB\n12"
    text = f"{page_one}\n\n{footer}\n\n{page_two}\n"
    assert [(r.number, r.text) for r in _read(text).recommendations] == [
        ("9", "Ensure that the board’s business plan is reviewed."),
        ("10", "The annual report should demonstrate the impact of the board’s work."),
        ("11", "Review the training offer."),
    ]


def test_the_last_group_of_lscb_items_under_a_sub_heading_is_read() -> None:
    text = (
        "What does the LSCB need to improve?\n"
        "Areas for improvement\n"
        "Governance\n"
        "167. Ensure that the board’s business plan sets measurable targets.\n"
        "Outcomes for children who go missing\n"
        "170. Ensure that return home interviews are analysed to inform the board’s work.\n"
        "171. Monitor the impact of the missing children protocol.\n"
        "Information about this inspection\n"
        "172. Inspectors looked at 120 cases.\n"
    )
    result = _read(text)
    assert [(r.number, r.addressee, r.theme) for r in result.recommendations] == [
        ("167", "LSCB", "Governance"),
        ("170", "LSCB", "Outcomes for children who go missing"),
        ("171", "LSCB", "Outcomes for children who go missing"),
    ]


# 6. Addressees


def test_the_local_authority_list_before_the_lscb_section_is_the_local_authority_s() -> None:
    text = SIF_OPENING.format(council="Anytown") + (
        "Recommendations\n"
        "1. Ensure that assessments are timely.\n"
        "2. Improve the quality of supervision.\n"
        "The Local Safeguarding Children Board (LSCB)\n"
        "Recommendations\n"
        "130. Ensure that the board evaluates multi-agency training.\n"
    )
    assert [(r.number, r.addressee) for r in _read(text).recommendations] == [
        ("1", "local authority"),
        ("2", "local authority"),
        ("130", "LSCB"),
    ]


@pytest.mark.parametrize(
    "item",
    [
        "Services for care leavers should be reviewed so that all have a pathway plan.",
        "The quality of services for disabled children must improve.",
        "Senior leaders should ensure that supervision is regular.",
    ],
)
def test_the_first_words_of_an_item_are_never_its_addressee(item: str) -> None:
    text = SIF_OPENING.format(council="Anytown") + f"What does the local authority need to improve?\n1. {item}\n"
    assert [(r.addressee, r.text) for r in _read(text).recommendations] == [("local authority", item)]


# 7. Spurious items


def test_saying_there_are_no_priority_actions_is_not_an_item() -> None:
    text = (
        "Priority and immediate action\n"
        "• The inspection did not find any areas for priority and immediate action.\n"
        "Areas for improvement\n"
        "1. Improve the timeliness of assessments.\n"
    )
    result = _read(text)
    assert [(r.timescale, r.text) for r in result.recommendations] == [
        ("improvement", "Improve the timeliness of assessments.")
    ]
    assert "empty_section" not in _codes(result)


def test_ofsted_complaints_text_is_not_an_item() -> None:
    text = (
        "Areas for improvement\n"
        "Leaders should improve the quality of EHC plans.\n"
        "If you are not happy with the inspection or the report, you can complain to Ofsted.\n"
    )
    assert _texts(_read(text)) == ["Leaders should improve the quality of EHC plans."]


# 8. JAR variants


def test_jar_bullet_with_a_leading_space_and_an_item_with_no_bullet_are_read() -> None:
    text = (
        "Recommendations\n"
        "For immediate action\n"
        "The local partnership should:\n"
        " - ensure that the findings of this report are shared with children and young people.\n"
        " – reduce unauthorised absence in secondary schools.\n"
        "For action in the longer term\n"
        "The local partnership should:\n"
        "improve the availability of suitable accommodation for care leavers.\n"
        "Equality and diversity\n"
    )
    assert [(r.timescale, r.addressee, r.text) for r in _read(text).recommendations] == [
        (
            "immediate",
            "The local partnership",
            "ensure that the findings of this report are shared with children and young people.",
        ),
        ("immediate", "The local partnership", "reduce unauthorised absence in secondary schools."),
        (
            "longer_term",
            "The local partnership",
            "improve the availability of suitable accommodation for care leavers.",
        ),
    ]


# 9. APA letters

APA_LETTER = """Alexandra House
33 Kingsway
London WC2B 6SE
T 08456 404040
www.ofsted.gov.uk

17 December 2008

Mrs Jane Doe
Director of Children’s Services
Knowsley Metropolitan Borough Council
Municipal Buildings
Huyton L36 9YU

Dear Mrs Doe

Annual performance assessment of services for children and young people in
Knowsley Metropolitan Borough Council 2008

This letter summarises the findings of the annual performance assessment (APA) for 2008.

Assessment judgement area APA grade
Overall effectiveness of children’s services 3
Being healthy 3
Staying safe 3
Enjoying and achieving 2
Making a positive contribution 3
Achieving economic well-being 2
Capacity to improve, including the management of
children’s services 3

Being healthy
Grade 3
Children and young people in Knowsley are generally healthy.
Major strengths
• Good access to child and adolescent mental health services.
Important weaknesses and areas for development
• Reduce the rate of teenage conceptions, which remains high.
• Improve the take-up of dental checks by looked after
children.

Staying safe
Grade 3
Major strengths
• Robust multi-agency arrangements for child protection.
Important weaknesses and areas for development
• Ensure that all initial assessments are completed within timescales.

Enjoying and achieving
Grade 2
Major strengths
• Improving results at Key Stage 2.
Important weaknesses and areas for development
• Raise attainment at Key Stage 4.

Making a positive contribution
Grade 3
Major strengths
• Young people are well involved in shaping services.

Achieving economic well-being
Grade 2
Important weaknesses and areas for development
• Reduce the proportion of young people not in education, employment or training.

Capacity to improve, including the management of children’s services
Grade 3
Major strengths
• Strong partnership working.
Important weaknesses and areas for development
• Strengthen the use of performance data by managers.

Yours sincerely

Juliet Winstanley
Divisional Manager, Local Services Inspection
"""


def test_apa_letter_grades_and_areas_for_development() -> None:
    result = _read(APA_LETTER)
    assert (result.document_type, result.framework) == ("apa", "APA")
    assert result.authority == "Knowsley Metropolitan Borough Council"
    assert result.published_on == date(2008, 12, 17)
    assert result.overall_judgement == "3"
    assert [(j.area, j.grade) for j in result.judgements] == [
        ("Being healthy", "3"),
        ("Staying safe", "3"),
        ("Enjoying and achieving", "2"),
        ("Making a positive contribution", "3"),
        ("Achieving economic well-being", "2"),
        ("Capacity to improve, including the management of children's services", "3"),
    ]
    assert [(r.timescale, r.addressee, r.theme, r.text) for r in result.recommendations] == [
        ("improvement", None, "Being healthy", "Reduce the rate of teenage conceptions, which remains high."),
        ("improvement", None, "Being healthy", "Improve the take-up of dental checks by looked after children."),
        ("improvement", None, "Staying safe", "Ensure that all initial assessments are completed within timescales."),
        ("improvement", None, "Enjoying and achieving", "Raise attainment at Key Stage 4."),
        (
            "improvement",
            None,
            "Achieving economic well-being",
            "Reduce the proportion of young people not in education, employment or training.",
        ),
        (
            "improvement",
            None,
            "Capacity to improve, including the management of children's services",
            "Strengthen the use of performance data by managers.",
        ),
    ]
    assert result.flags == []


def test_apa_letter_without_the_table_takes_each_section_s_grade() -> None:
    text = APA_LETTER.split("Assessment judgement area")[0] + "Being healthy\nGrade 4\nStaying safe Grade 2\n"
    result = _read(text)
    assert [(j.area, j.grade) for j in result.judgements][:2] == [("Being healthy", "4"), ("Staying safe", "2")]
    assert "overall_missing" in _codes(result)


# 10. No recommendations found


def test_an_ilacs_list_made_only_of_lead_in_items_is_not_lost() -> None:
    text = (
        "Inspection of Anytown local authority children’s services\n"
        "What needs to improve?\n"
        "• The provision of suitable accommodation for homeless 16- and 17-year-olds, including:\n"
        "̶ sufficiency of accommodation\n"
        "̶ management oversight of the use of unregulated provision.\n"
        "The experiences and progress of children who need help and protection: good\n"
        "1. Children benefit from good services.\n"
    )
    assert _texts(_read(text)) == [
        "The provision of suitable accommodation for homeless 16- and 17-year-olds, including:\nsufficiency of "
        "accommodation\nmanagement oversight of the use of unregulated provision."
    ]
