"""Statutory deadlines that follow an inspection report, held as data (DESIGN §4).

Each rule is "N working days from an anchor date, counted beginning with it or after it". The
defaults below are what councils actually did; an inspection's own deadlines are copied from
them and a programme manager can change or override them.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from tracker.domain.working_days import COUNTINGS, Counting, add_working_days

Anchor = Literal["received_on", "published_on"]
Kind = Literal["publish_report", "action_plan", "other"]
ANCHORS: Final[tuple[Anchor, ...]] = ("received_on", "published_on")


# What each anchor date is called in sentences ("30 working days from the date the report was published").
ANCHOR_NAMES: Final[dict[str, str]] = {
    "published_on": "the date the report was published",
    "received_on": "the date the council received the report",
}


def no_date_phrase(missing: str) -> str:
    """ "No date set: the date the council received the report not recorded": one wording everywhere."""
    return f"No date set: {missing} not recorded" if missing else "No date set"


def no_date_text(anchor: str | None) -> str:
    """The no-date wording for a deadline counted from `anchor` (None for a deadline with no rule)."""
    return no_date_phrase(ANCHOR_NAMES.get(anchor, "") if anchor else "")


@dataclass(frozen=True)
class DeadlineRule:
    """A statutory duty to do something within a number of working days of a report."""

    code: str
    framework: str
    kind: Kind
    title: str
    working_days: int
    anchor: Anchor
    counting: Counting
    source: str
    checklist: tuple[str, ...] = ()
    # A duty that follows only when the report sets areas for priority action (a focused visit; an area
    # SEND inspection with outcome 3, the only outcome that sets them).
    only_with_priority_actions: bool = False

    def __post_init__(self) -> None:
        if self.anchor not in ANCHORS:
            raise ValueError(f"Unknown anchor {self.anchor!r}: expected one of {', '.join(ANCHORS)}")
        if self.counting not in COUNTINGS:
            raise ValueError(f"Unknown counting {self.counting!r}: expected one of {', '.join(COUNTINGS)}")
        if self.working_days < 1:
            raise ValueError("A deadline is at least 1 working day after its anchor")


# Who the local publication duty says must have the report: the Leicester JAR paper (§4.11) lists
# "a copy to local partners, a local radio station and a local paper, ... making a copy available
# and ... supplying a copy on demand". Each line is ticked with a date and evidence.
PUBLICATION_CHECKLIST: Final[tuple[str, ...]] = (
    "Copy sent to each relevant partner",
    "Copy sent to at least one local newspaper",
    "Copy sent to at least one local radio station",
    "Copy available for public inspection at the council's offices",
    "Copy supplied to anyone who asks for one",
)

JAR_SOURCE: Final = "Children Act 2004 (Joint Area Reviews) Regulations 2005, SI 2005/1973"
SIF_SOURCE: Final = "Education and Inspections Act 2006 s.137 and SI 2007/462"
SEND_SOURCE: Final = "Children Act 2004 (Joint Area Reviews) Regulations 2015, SI 2015/1792"
FOCUSED_VISIT_SOURCE: Final = (
    "Education and Inspections Act 2006 s.137 and SI 2007/462, as Ofsted applies them to focused visits: "
    "Inspecting local authority children's services (ILACS framework), focused visits, from September 2018 "
    "(Ofsted's statement of 16 August 2018: a final action plan within 70 working days of receiving the "
    "letter, an early draft within 20)"
)
AREA_SEND_SOURCE: Final = (
    "Ofsted and CQC, Area SEND inspections: framework and handbook (updated 6 June 2025), after the "
    "inspection; DfE, Area SEND inspections: support and challenge following inspection (16 May 2023)"
)

STATUTORY_RULES: Final[tuple[DeadlineRule, ...]] = (
    # JAR: the regulations run the 30 days from receipt, but councils counted both periods from
    # publication, beginning with that day, and their dates are the evidence we have: published
    # 3 June 2008 -> report out locally by 14 July 2008 and action plan by 9 September 2008;
    # published 14 August 2006 -> action plan by 20 November 2006.
    DeadlineRule(
        code="jar_publish_report",
        framework="JAR",
        kind="publish_report",
        title="Publish the report locally",
        working_days=30,
        anchor="published_on",
        counting="beginning_with",
        source=JAR_SOURCE,
        checklist=PUBLICATION_CHECKLIST,
    ),
    # The plan is published "in the same way as local publication of the report" (JAR paper §4.11).
    DeadlineRule(
        code="jar_action_plan",
        framework="JAR",
        kind="action_plan",
        title="Publish the action plan",
        working_days=70,
        anchor="published_on",
        counting="beginning_with",
        source=JAR_SOURCE,
        checklist=PUBLICATION_CHECKLIST,
    ),
    # SIF and ILACS: "within 30 working days of receiving it". A period "of" an event is read as
    # excluding the day of the event, so counting starts the working day after receipt.
    DeadlineRule(
        code="sif_publish_report",
        framework="SIF",
        kind="publish_report",
        title="Publish the report locally",
        working_days=30,
        anchor="received_on",
        counting="after",
        source=SIF_SOURCE,
        checklist=PUBLICATION_CHECKLIST,
    ),
    # An ILACS report published 1 April 2022 had its plan due 15 July 2022: exactly 70 working
    # days counted after publication (Easter, May Day and both Jubilee bank holidays excluded).
    DeadlineRule(
        code="sif_written_statement",
        framework="SIF",
        kind="action_plan",
        title="Written statement of proposed action",
        working_days=70,
        anchor="published_on",
        counting="after",
        source=SIF_SOURCE,
    ),
    # Area SEND: "within 70 working days of receiving the report". Counted after receipt, as
    # for SIF and ILACS: the day of an event is not part of a period "of" it, and it is the
    # reading that matches the ILACS evidence above.
    DeadlineRule(
        code="send_written_statement",
        framework="SEND",
        kind="action_plan",
        title="Written statement of action",
        working_days=70,
        anchor="received_on",
        counting="after",
        source=SEND_SOURCE,
    ),
    # A focused visit (a letter under the ILACS framework) sets no deadline unless it finds areas for
    # priority action; then the local authority sends Ofsted an action plan. Counted after receipt, as
    # for ILACS reports.
    DeadlineRule(
        code="focused_visit_draft_plan",
        framework="FOCUSED_VISIT",
        kind="other",
        title="Share an early draft of the priority action plan with Ofsted",
        working_days=20,
        anchor="received_on",
        counting="after",
        source=FOCUSED_VISIT_SOURCE,
        only_with_priority_actions=True,
    ),
    DeadlineRule(
        code="focused_visit_action_plan",
        framework="FOCUSED_VISIT",
        kind="action_plan",
        title="Submit the priority action plan to Ofsted",
        working_days=70,
        anchor="received_on",
        counting="after",
        source=FOCUSED_VISIT_SOURCE,
        only_with_priority_actions=True,
    ),
    # Area SEND (2023 framework): with outcome 3 the local area partnership prepares and submits a priority
    # action plan (area SEND) for the areas for priority action. The 30 working days from publication are
    # as councils have described the deadline; the handbook's own wording of the period was not available
    # when this rule was written: check it there. With outcomes 1 and 2 the partnership updates and
    # publishes its strategic plan, for which no period is set: a programme manager adds that by hand.
    DeadlineRule(
        code="area_send_priority_action_plan",
        framework="AREA_SEND",
        kind="action_plan",
        title="Submit the priority action plan (area SEND)",
        working_days=30,
        anchor="published_on",
        counting="after",
        source=AREA_SEND_SOURCE,
        only_with_priority_actions=True,
    ),
)

# Frameworks that follow another framework's rules. The 2012–13 inspections of looked after children and of
# arrangements for the protection of children were "carried out under section 136 of the Education and
# Inspections Act 2006" (as their reports say), so section 137 applies to them as to SIF and ILACS. APA
# letters carry no statutory follow-up: none is listed for them.
FRAMEWORK_RULES_FROM: Final[dict[str, str]] = {"ILACS": "SIF", "LAC": "SIF"}


def rules_for_framework(framework: str, *, priority_actions: bool = True) -> list[DeadlineRule]:
    """The statutory rules an inspection under `framework` starts with; none for unknown frameworks. Rules
    that follow only areas for priority action are left out when the report sets none."""
    key = framework.strip().upper().replace(" ", "_").replace("-", "_")
    key = FRAMEWORK_RULES_FROM.get(key, key)
    return [
        rule
        for rule in STATUTORY_RULES
        if rule.framework == key and (priority_actions or not rule.only_with_priority_actions)
    ]


def rule_by_code(code: str) -> DeadlineRule | None:
    """The statutory rule with this code, or None."""
    return next((rule for rule in STATUTORY_RULES if rule.code == code), None)


def compute_due_on(
    rule: DeadlineRule,
    *,
    received_on: date | None,
    published_on: date | None,
    holidays: Container[date],
) -> date | None:
    """The rule's last day, its working days counted from its anchor; None while the anchor is unknown."""
    anchor_on = received_on if rule.anchor == "received_on" else published_on
    if anchor_on is None:
        return None
    return add_working_days(anchor_on, rule.working_days, holidays, counting=rule.counting)


__all__ = [
    "ANCHORS",
    "PUBLICATION_CHECKLIST",
    "STATUTORY_RULES",
    "Anchor",
    "DeadlineRule",
    "Kind",
    "compute_due_on",
    "rule_by_code",
    "rules_for_framework",
]
