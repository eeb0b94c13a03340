"""The one vocabulary for statuses, ratings and timescales (tracker/domain/vocabulary.py): every value
has its order and its words, and no other module defines its own copy."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tracker.domain.vocabulary import (
    CLOSED_STATUSES,
    NOT_RATED,
    OPEN_STATUSES,
    RAG_MEANINGS,
    RAG_ORDER,
    RAG_RANK,
    RAG_WORDS,
    RATING_KEYS,
    STATUS_LABELS,
    STATUSES,
    TIMESCALE_LABELS,
    TIMESCALES,
    ActionStatus,
    Rag,
    Timescale,
    rag_key,
    rag_label,
    rag_word,
)

ROOT = Path(__file__).resolve().parents[2]
VOCABULARY = ROOT / "tracker/domain/vocabulary.py"
# The names a copy of the vocabulary would go by.
VOCABULARY_NAMES = {
    "RAG_ORDER",
    "RAG_WORDS",
    "RAG_LABELS",
    "RAG_MEANINGS",
    "RAG_RANK",
    "RAG_VALUES",
    "RATING_KEYS",
    "STATUSES",
    "STATUS_LABELS",
    "OPEN_STATUSES",
    "CLOSED_STATUSES",
    "TIMESCALES",
    "TIMESCALE_LABELS",
    "TIMESCALE_ORDER",
    "Rag",
    "ActionStatus",
    "Timescale",
}


def test_the_stored_values_are_unchanged() -> None:
    """Values are stored as text: changing one needs a migration, not an edit here."""
    assert [s.value for s in ActionStatus] == ["not_started", "in_progress", "complete", "no_longer_required"]
    assert [r.value for r in Rag] == ["red", "amber", "green", "blue"]
    assert [t.value for t in Timescale] == ["immediate", "three_months", "six_months", "longer_term", "improvement"]


def test_every_rating_has_an_order_a_rank_a_word_and_a_meaning() -> None:
    assert RAG_ORDER == tuple(Rag) == (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE)
    assert RATING_KEYS == ("red", "amber", "green", "blue", NOT_RATED)
    assert all(type(key) is str for key in RATING_KEYS)
    assert set(RAG_WORDS) == set(RAG_MEANINGS) == set(RATING_KEYS)
    assert [RAG_RANK[rag] for rag in RAG_ORDER] == [0, 1, 2, 3]
    assert NOT_RATED not in RAG_RANK
    assert [(rag.word, rag.meaning) for rag in Rag] == [
        ("Red", "off track"),
        ("Amber", "at risk"),
        ("Green", "on track"),
        ("Blue", "complete"),
    ]


@pytest.mark.parametrize(
    ("rag", "word", "label"),
    [
        (Rag.RED, "Red", "Red – off track"),
        ("amber", "Amber", "Amber – at risk"),
        ("green", "Green", "Green – on track"),
        (Rag.BLUE, "Blue", "Blue – complete"),
        (NOT_RATED, "Not rated", "Not rated"),
        (None, "Not rated", "Not rated"),
        ("", "Not rated", "Not rated"),
    ],
)
def test_a_rating_reads_the_same_everywhere(rag: str | None, word: str, label: str) -> None:
    assert rag_word(rag) == word
    assert rag_label(rag) == label
    if rag and rag != NOT_RATED:
        assert Rag(rag).label == label
    assert "\N{EN DASH}" in label or label == "Not rated"


def test_the_key_lists_every_rating_then_not_rated() -> None:
    assert rag_key() == [
        ("red", "Red", "off track"),
        ("amber", "Amber", "at risk"),
        ("green", "Green", "on track"),
        ("blue", "Blue", "complete"),
        ("none", "Not rated", "no progress recorded yet"),
    ]


def test_every_status_has_a_label_and_is_either_open_or_closed() -> None:
    assert STATUSES == tuple(ActionStatus)
    assert set(STATUS_LABELS) == set(ActionStatus)
    assert [status.label for status in ActionStatus] == ["Not started", "In progress", "Complete", "No longer required"]
    assert set(OPEN_STATUSES) | set(CLOSED_STATUSES) == set(STATUSES)
    assert not set(OPEN_STATUSES) & set(CLOSED_STATUSES)


def test_every_timescale_has_a_label_in_the_report_s_order() -> None:
    assert TIMESCALES == tuple(Timescale)
    assert set(TIMESCALE_LABELS) == set(Timescale)
    assert [t.label for t in TIMESCALES] == [
        "For immediate action",
        "Within three months",
        "Within six months",
        "In the longer term",
        "Areas for improvement",
    ]


def _defined_names(path: Path) -> set[str]:
    """Names a module binds at its top level by assignment or class (imports are not definitions)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        names.update(target.id for target in targets if isinstance(target, ast.Name))
    return names


def test_no_module_defines_its_own_copy_of_the_vocabulary() -> None:
    copies = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / "tracker").rglob("*.py"))
        if path != VOCABULARY
        for name in _defined_names(path) & VOCABULARY_NAMES
    }
    assert not copies, "import these from tracker.domain.vocabulary instead"


def test_templates_take_not_rated_from_the_vocabulary() -> None:
    """Templates say "Not rated" through the rag_word / rag_label filters, never as their own text."""
    written_out = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "templates").rglob("*.*"))
        if "Not rated" in path.read_text()
    ]
    assert not written_out
