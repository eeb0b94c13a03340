"""An action plan as spreadsheet rows: the columns we write, and checking rows someone uploads.

Export and import share `COLUMNS`, so a plan exported and imported again comes back the same.
Rows arrive as {header: cell} with cells as text, numbers or dates (openpyxl gives datetimes);
every row is checked and every problem reported with its line number, never just the first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from tracker.domain.action_order import next_reference
from tracker.domain.cell_dates import DateProblem, parse_date
from tracker.domain.progress import narrative_reason, rating_mismatch
from tracker.domain.text import single_line
from tracker.domain.vocabulary import CLOSED_STATUSES, RAG_ORDER, STATUS_LABELS, STATUSES, ActionStatus, Rag


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    max_length: int | None = None


COLUMNS: Final[tuple[Column, ...]] = (
    Column("recommendation", "Recommendation", ("recommendation number", "rec", "rec no")),
    Column("recommendation_text", "Recommendation text", ("recommendation wording",)),
    Column("timescale", "Timescale"),
    Column("reference", "Reference", ("ref", "action reference", "action ref"), 20),
    Column("title", "Action", ("action title", "title"), 300),
    Column("description", "Description", ("detail", "details"), 5000),
    Column("owner_email", "Owner email", ("lead officer email", "owner e-mail", "email")),
    Column("owner_name", "Owner", ("lead officer",)),
    Column("lead_agency", "Lead agency", ("agency",), 200),
    Column("start_on", "Start date", ("start",)),
    Column("due_on", "Due date", ("due", "deadline", "target date")),
    Column("success_criteria", "Success criteria", ("measures", "success criteria / measures"), 5000),
    Column("status", "Status"),
    Column("rag", "RAG", ("rag rating", "rating")),
    Column("latest_progress", "Latest progress", ("progress", "narrative"), 2000),
    # Which action a row is, and the version of it that was downloaded (tracker_key): how an edited plan updates.
    Column("tracker_id", "Tracker ID", ("tracker key",)),
)
HEADERS: Final = tuple(column.header for column in COLUMNS)
REQUIRED_KEYS: Final = ("recommendation", "title")
# Written for people reading the sheet; an import takes the owner from the email and the
# recommendation's wording and timescale from the recommendation.
READ_ONLY_KEYS: Final = ("recommendation_text", "timescale", "owner_name")
# Paragraphs; every other text column is one line, as the action form's fields are (tracker.forms.single_line).
MULTI_LINE_KEYS: Final = ("description", "success_criteria", "latest_progress")
# What says which recommendation a row belongs to, rather than what the action is.
_RECOMMENDATION_KEYS: Final = ("recommendation", "recommendation_text", "timescale")

# What people type in a spreadsheet, besides the labels themselves ("In progress", "Red – off track").
STATUS_ALIASES: Final = {"completed": ActionStatus.COMPLETE}
RAG_ALIASES: Final = {"r": Rag.RED, "a": Rag.AMBER, "g": Rag.GREEN, "b": Rag.BLUE, "complete": Rag.BLUE}

# Spreadsheet programs read a cell starting with one of these as a formula.
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# "A123-v7": not a number or a time, so neither Excel nor a CSV reader changes it.
_TRACKER_KEY = re.compile(r"^A(\d{1,12})-v(\d{1,12})$", re.IGNORECASE)


def cell_text(value: object) -> str:
    """A cell as trimmed text; whole numbers typed as numbers ("2" read back as 2.0) stay whole."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    # A leading apostrophe is how our CSV export keeps a formula-like cell as text.
    if text.startswith("'") and text[1:2] in FORMULA_PREFIXES:
        text = text[1:]
    return text


def protect_from_formulas(text: str) -> str:
    """Text a spreadsheet program will show as text, not run as a formula (for CSV)."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def tracker_key(action_id: int, version: int) -> str:
    """The cell that ties a downloaded row to its action and the version of it downloaded."""
    return f"A{action_id}-v{version}"


def parse_tracker_key(text: str) -> tuple[int, int] | None:
    """(action id, version) from a Tracker ID cell; None when it is not one we wrote."""
    match = _TRACKER_KEY.match(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def header_map(headers: Iterable[object]) -> dict[int, str]:
    """Column index → column key for the headers we recognise (case and spacing ignored)."""
    names: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.header, *column.aliases):
            names[_normalise(name)] = column.key
    found: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = names.get(_normalise(cell_text(header)))
        if key and key not in found.values():
            found[index] = key
    return found


def missing_headers(mapping: Mapping[int, str]) -> list[str]:
    """The required columns a sheet lacks, by their header."""
    present = set(mapping.values())
    return [column.header for column in COLUMNS if column.key in REQUIRED_KEYS and column.key not in present]


def _normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9/]+", " ", text.lower()).strip()


@dataclass
class PlanRow:
    """One checked row of a plan: what it says, and what is wrong with it."""

    line: int
    recommendation: str = ""
    reference: str = ""
    title: str = ""
    description: str = ""
    owner_email: str = ""
    lead_agency: str = ""
    start_on: date | None = None
    due_on: date | None = None
    success_criteria: str = ""
    status: str = ActionStatus.NOT_STARTED
    rag: str | None = None
    latest_progress: str = ""
    tracker_id: str = ""
    errors: list[str] = field(default_factory=list)
    # The action in the plan this row updates (its Tracker ID), and the version of it the sheet was downloaded at.
    action_id: int | None = None
    sheet_version: int = 0
    # Cells left blank: on a row that updates an action, a blank date, status or rating leaves it as it is.
    blank: frozenset[str] = frozenset()
    # The file left the reference blank: the row was given the next free number.
    numbered: bool = False
    # The file left the due date blank: the row was given the default for its recommendation's timescale.
    due_from_timescale: bool = False

    @property
    def has_progress(self) -> bool:
        """Whether the row says anything about progress, so importing it records a progress update."""
        return self.status != ActionStatus.NOT_STARTED or bool(self.rag) or bool(self.latest_progress)

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class PlanContext:
    """What rows are checked against: the inspection's recommendations, people and existing references."""

    recommendations: frozenset[str]
    owner_emails: frozenset[str]
    # People with an account who cannot own actions (viewers, deactivated): email → why not.
    refused_owners: Mapping[str, str] = field(default_factory=dict)
    published_on: date | None = None
    existing_references: frozenset[tuple[str, str]] = frozenset()
    # The plan's live actions by id: (recommendation number, reference), for rows with their Tracker ID.
    own_references: Mapping[int, tuple[str, str]] = field(default_factory=dict)


def _text_cells(row: PlanRow, cells: Mapping[str, object]) -> None:
    for column in COLUMNS:
        if column.key in READ_ONLY_KEYS or column.key in ("start_on", "due_on", "status", "rag"):
            continue
        text = cell_text(cells.get(column.key))
        if column.key not in MULTI_LINE_KEYS:
            text = single_line(text)  # a cell typed with Alt+Enter
        else:
            text = text.replace("\r\n", "\n").replace("\r", "\n")  # as Excel on Windows saves a CSV
        if column.max_length is not None and len(text) > column.max_length:
            row.errors.append(f"{column.header} must be {column.max_length:,} characters or fewer")
            text = text[: column.max_length]
        setattr(row, column.key, text)
    row.owner_email = row.owner_email.lower()


def _date_cell(row: PlanRow, cells: Mapping[str, object], key: str, header: str) -> None:
    try:
        setattr(row, key, parse_date(cells.get(key)))
    except DateProblem as problem:
        shown = cell_text(cells.get(key))
        if problem.recognised:
            row.errors.append(f"{header} “{shown}” must be a real date")
        else:
            row.errors.append(f"{header} “{shown}” is not a date: use the form 9/9/2008")


def _status_and_rag(row: PlanRow, cells: Mapping[str, object]) -> None:
    problems = len(row.errors)
    status_text = cell_text(cells.get("status"))
    if status_text:
        words = status_text.lower()
        status = STATUS_ALIASES.get(words, words.replace(" ", "_"))
        if status in STATUSES:
            row.status = status
        else:
            row.errors.append(f"Status “{status_text}” is not one of: {', '.join(STATUS_LABELS.values())}")
    rag_text = cell_text(cells.get("rag"))
    if rag_text:
        # "Red – off track" is how the tracker labels a rating; the colour word comes first.
        word = re.split(r"[\s–-]+", rag_text.lower())[0]
        rag = RAG_ALIASES.get(word, word)
        if rag in RAG_ORDER:
            row.rag = rag
        else:
            row.errors.append(f"RAG “{rag_text}” is not one of: {', '.join(r.word for r in RAG_ORDER)}")
    if len(row.errors) == problems and row.action_id is None:
        _check_progress(row)  # a row updating an action is checked as a progress update (tracker.domain.plan_updates)


def _check_progress(row: PlanRow) -> None:
    """The progress form's rules (tracker.domain.progress): Blue goes with a closed status and only with one,
    and a Red or Amber rating, completion or "no longer required" needs the latest progress to say why.

    A blank RAG is taken as the suggested one; a rating other than the suggestion needs no narrative here,
    because an imported rating was given when the spreadsheet was kept, not today.
    """
    if row.rag and (mismatch := rating_mismatch(row.status, row.rag)):
        row.errors.append(mismatch)
        return
    rag = row.rag or (Rag.BLUE if row.status in CLOSED_STATUSES else "")
    reason = narrative_reason(row.status, rag, rag)
    if reason and not row.latest_progress:
        row.errors.append(f"{reason} in “Latest progress”")


def _check_meaning(row: PlanRow, context: PlanContext) -> None:
    if not row.recommendation:
        row.errors.append("Enter the recommendation number")
    elif row.recommendation not in context.recommendations:
        row.errors.append(f"There is no recommendation {row.recommendation} in this inspection")
    if not row.title:
        row.errors.append("Enter the action")
    if row.owner_email and not _EMAIL.match(row.owner_email):
        row.errors.append(f"Owner email “{row.owner_email}” is not an email address")
    elif row.owner_email in context.refused_owners:
        row.errors.append(context.refused_owners[row.owner_email])
    elif row.owner_email and row.owner_email not in context.owner_emails:
        row.errors.append(f"Nobody has an account with the email address {row.owner_email}")
    if row.due_on and context.published_on and row.due_on < context.published_on:
        row.errors.append("Due date must be on or after the report's publication date")
    if row.due_on and row.start_on and row.due_on < row.start_on:
        row.errors.append("Due date must be on or after the start date")
    key = _reference_key(row.recommendation, row.reference)
    own = context.own_references.get(row.action_id) if row.action_id else None
    if row.reference and key in _existing_keys(context) and (own is None or key != _reference_key(*own)):
        row.errors.append(f"Action {row.reference} is already in the plan")
    if own is not None and row.recommendation and row.recommendation != own[0]:
        row.errors.append(
            f"Action {own[1]} is under recommendation {own[0]}: move it to another recommendation in the tracker"
        )


def _match_action(row: PlanRow, context: PlanContext) -> None:
    """A row whose Tracker ID names a live action of this plan updates it; a blank reference keeps the action's.

    Any other Tracker ID (an action since deleted, or another inspection's plan copied) makes a new action."""
    if not row.tracker_id:
        return
    parsed = parse_tracker_key(row.tracker_id)
    if parsed is None:
        row.errors.append(
            f"Tracker ID “{row.tracker_id}” has been changed: put back the one downloaded, or leave it blank "
            "for a new action"
        )
    elif parsed[0] in context.own_references:
        row.action_id, row.sheet_version = parsed
        if not row.reference:
            row.reference = context.own_references[parsed[0]][1]


def _reference_key(recommendation: str, reference: str) -> tuple[str, str]:
    """References compare as the add-action form compares them: trimmed, case ignored."""
    return recommendation, reference.strip().lower()


def _existing_keys(context: PlanContext) -> set[tuple[str, str]]:
    return {_reference_key(number, reference) for number, reference in context.existing_references}


def check_row(line: int, cells: Mapping[str, object], context: PlanContext) -> PlanRow:
    """One row ({column key: cell}) read and checked."""
    row = PlanRow(line=line)
    row.blank = frozenset(key for key in ("start_on", "due_on", "status", "rag") if not cell_text(cells.get(key)))
    _text_cells(row, cells)
    _match_action(row, context)
    _date_cell(row, cells, "start_on", "Start date")
    _date_cell(row, cells, "due_on", "Due date")
    _status_and_rag(row, cells)
    _check_meaning(row, context)
    return row


def check_rows(rows: Iterable[tuple[int, Mapping[str, object]]], context: PlanContext) -> list[PlanRow]:
    """Every row checked; a reference used twice under one recommendation is an error on the second.

    A valid row with a blank reference is numbered after the plan's references and every reference
    the file gives, wherever it gives them, so a number it takes is never also taken later in the file.
    """
    checked: list[PlanRow] = []
    seen: set[tuple[str, str]] = set()
    matched: set[int | None] = {None}
    for line, cells in rows:
        row = check_row(line, cells, context)
        key = _reference_key(row.recommendation, row.reference)
        if row.reference and key in seen:
            row.errors.append(f"Action {row.reference} appears more than once for this recommendation")
        seen.add(key)
        if row.action_id is not None and row.action_id in matched:
            row.errors.append(f"Tracker ID {row.tracker_id} is on more than one row: keep it on one")
        matched.add(row.action_id)
        checked.append(row)
    _number_blank_references(checked, context)
    return checked


def _number_blank_references(rows: list[PlanRow], context: PlanContext) -> None:
    used: dict[str, list[str]] = {}
    for number, reference in context.existing_references:
        used.setdefault(number, []).append(reference)
    for row in rows:
        if row.reference:
            used.setdefault(row.recommendation, []).append(row.reference)
    for row in rows:
        if row.reference or not row.is_valid:
            continue
        row.reference = next_reference(row.recommendation, used.get(row.recommendation, []))
        row.numbered = True
        used.setdefault(row.recommendation, []).append(row.reference)


def is_blank(cells: Mapping[str, object]) -> bool:
    """Nothing in the row about an action: an empty row, or an exported recommendation that has no actions."""
    return all(cell_text(value) == "" for key, value in cells.items() if key not in _RECOMMENDATION_KEYS)


__all__ = [
    "COLUMNS",
    "HEADERS",
    "Column",
    "DateProblem",
    "PlanContext",
    "PlanRow",
    "cell_text",
    "check_row",
    "check_rows",
    "header_map",
    "is_blank",
    "missing_headers",
    "parse_date",
    "parse_tracker_key",
    "protect_from_formulas",
    "tracker_key",
]
