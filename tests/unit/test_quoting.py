"""A recommendation quoted whole: its addressee's lead-in and its sub-items as the report set them out."""

from __future__ import annotations

import pytest

from tracker.domain.quoting import Block, lead_in, quote_recommendation


@pytest.mark.parametrize(
    ("addressee", "text", "expected"),
    [
        ("The local partnership", "ensure that findings are shared", "The local partnership should:"),
        ("local authority", "Strengthen supervision.", "The local authority should:"),
        ("LSCB", "Ensure that learning from reviews is used.", "The LSCB should:"),
        ("Senior leaders and managers", "Senior leaders and managers need to take urgent action.", ""),
        ("The BSCB", "The BSCB to ensure that audits are undertaken.", ""),
        ("BSCB", "The BSCB to ensure that audits are undertaken.", ""),
        (
            "The Children's Services Department, in partnership with schools",
            "improve attendance",
            ("The Children's Services Department, in partnership with schools should:"),
        ),
        (None, "Improve the quality of plans.", ""),
        ("  ", "Improve the quality of plans.", ""),
    ],
)
def test_the_lead_in_names_the_addressee_unless_the_text_does(addressee: str | None, text: str, expected: str) -> None:
    assert lead_in(addressee, text) == expected


def test_sub_items_stay_a_list_between_the_paragraphs_around_them() -> None:
    text = (
        "ensure that services for disabled children:\n"
        "- are planned with parents\n"
        "• are reviewed each year\n"
        "\n"
        "and report to the board.\n"
        "a) first\n"
        "(ii) second"
    )
    quote = quote_recommendation("The local partnership", text)
    assert quote.lead_in == "The local partnership should:"
    assert quote.blocks == [
        Block("paragraph", ["ensure that services for disabled children:"]),
        Block("list", ["are planned with parents", "are reviewed each year"]),
        Block("paragraph", ["and report to the board."]),
        Block("list", ["first", "second"]),
    ]


def test_text_on_one_line_is_one_paragraph_kept_whole() -> None:
    text = "develop a coordinated strategy - with parents - and partners"
    assert quote_recommendation(None, text).blocks == [Block("paragraph", [text])]


def test_the_importer_s_sub_items_on_their_own_lines_are_a_list() -> None:
    text = "The quality of oversight and monitoring of:\nthe pre-proceedings process\nprivate fostering."
    assert quote_recommendation(None, text).blocks == [
        Block("paragraph", ["The quality of oversight and monitoring of:"]),
        Block("list", ["the pre-proceedings process", "private fostering."]),
    ]


def test_sentences_on_lines_of_their_own_stay_paragraphs() -> None:
    text = "Improve supervision.\nAudit case files each month."
    assert quote_recommendation(None, text).blocks == [
        Block("paragraph", ["Improve supervision."]),
        Block("paragraph", ["Audit case files each month."]),
    ]
