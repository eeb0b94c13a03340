"""An inspection's statutory deadlines, created from its framework's rules."""

from __future__ import annotations

from tracker.clock import BANK_HOLIDAYS
from tracker.domain.deadline_rules import DeadlineRule, compute_due_on, rules_for_framework
from tracker.extensions import db
from tracker.models import (
    ChecklistItem,
    DeadlineAnchor,
    DeadlineCounting,
    DeadlineKind,
    Inspection,
    StatutoryDeadline,
)


def deadline_from_rule(inspection: Inspection, rule: DeadlineRule) -> StatutoryDeadline:
    """A deadline computed from `rule`, with the rule's checklist of recipients."""
    due_on = compute_due_on(
        rule, received_on=inspection.received_on, published_on=inspection.published_on, holidays=BANK_HOLIDAYS
    )
    return StatutoryDeadline(
        inspection=inspection,
        kind=DeadlineKind(rule.kind),
        title=rule.title,
        rule_code=rule.code,
        rule_source=rule.source,
        working_days=rule.working_days,
        anchor=DeadlineAnchor(rule.anchor),
        counting=DeadlineCounting(rule.counting),
        computed_due_on=due_on,
        due_on=due_on,
        checklist=[ChecklistItem(label=label, position=i) for i, label in enumerate(rule.checklist)],
    )


def create_statutory_deadlines(inspection: Inspection) -> list[StatutoryDeadline]:
    """Add the deadlines the inspection's framework sets (none for frameworks without rules)."""
    deadlines = [deadline_from_rule(inspection, rule) for rule in rules_for_framework(inspection.framework.value)]
    db.session.add_all(deadlines)
    return deadlines
