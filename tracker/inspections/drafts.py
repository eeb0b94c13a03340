"""A report under review: the importer's result as editable fields (the page's buttons are review_edits, its list
of things to check review_notes).

The draft keeps the review form's values exactly as typed (dates as day/month/year parts), so a
button press or a validation error never loses an edit, and nothing touches the inspections
until the reviewer saves.
"""

from __future__ import annotations

import copy
import hashlib
import re
from datetime import UTC, date, datetime
from pathlib import PureWindowsPath
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm.attributes import flag_modified
from werkzeug.datastructures import MultiDict

from tracker import sandbox
from tracker.clock import as_utc
from tracker.extensions import db
from tracker.models import AuditEvent, Framework, ImportDraft, Inspection, Timescale, User

if TYPE_CHECKING:
    from tracker.domain.importer import ImportResult

DETAIL_FIELDS = ("authority", "title", "framework", "inspectorate", "overall_judgement")
DATE_FIELDS = ("inspection_start_on", "inspection_end_on", "received_on", "published_on")
JUDGEMENT_FIELDS = ("area", "grade")
ITEM_FIELDS = ("number", "timescale", "addressee", "theme", "text")
FRAMEWORK_VALUES = frozenset(framework.value for framework in Framework)
DEFAULT_INSPECTORATE = "Ofsted"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_fingerprint(text: str) -> str:
    """The sha256 of pasted text, line endings normalised so the same paste matches itself."""
    return sha256_of(text.replace("\r\n", "\n").strip().encode("utf-8"))


def _date_parts(value: date | None) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)] if value else ["", "", ""]


def fields_from_result(result: ImportResult) -> dict[str, Any]:
    """The review form's starting values: what the importer found, blanks where it found nothing."""
    framework = result.framework if result.framework in FRAMEWORK_VALUES else ""
    return {
        "authority": result.authority or "",
        "title": result.title or "",
        "framework": framework,
        "inspectorate": DEFAULT_INSPECTORATE,
        "overall_judgement": result.overall_judgement or "",
        "inspection_start_on": _date_parts(result.inspection_start_on),
        "inspection_end_on": _date_parts(result.inspection_end_on),
        # The importer cannot know when the council received the report: the reviewer is asked.
        "received_on": ["", "", ""],
        "published_on": _date_parts(result.published_on),
        "judgements": [{"area": j.area, "grade": j.grade} for j in result.judgements],
        "recommendations": [
            {
                "number": item.number or "",
                "timescale": item.timescale,
                "addressee": item.addressee or "",
                "theme": item.theme or "",
                "text": item.text,
            }
            for item in result.recommendations
        ],
    }


def notes_from_result(result: ImportResult) -> list[str | dict[str, str | None]]:
    """What the review page shows first: what the report did not say (plain messages), then what was read but
    may be wrong, each with the field it is about and, for an item, the item's text as read (so the note
    follows the item when it is moved, and goes once the reviewer has changed it)."""
    notes: list[str | dict[str, str | None]] = list(result.warnings)
    notes.extend({"code": flag.code, "message": flag.message, "field": flag.field} for flag in result.flags)
    notes.extend(
        {"code": flag.code, "message": flag.message, "field": "item", "item_text": item.text}
        for item in result.recommendations
        for flag in item.flags
    )
    return notes


def create_draft(result: ImportResult, *, user: User, source_filename: str | None, source_sha256: str) -> ImportDraft:
    draft = ImportDraft(
        user_id=user.id,
        source_filename=source_filename,
        source_sha256=source_sha256,
        source_text=result.text,
        warnings=notes_from_result(result),
        fields=fields_from_result(result),
    )
    db.session.add(draft)
    db.session.flush()
    return draft


def list_drafts(user: User) -> list[ImportDraft]:
    query = select(ImportDraft).where(ImportDraft.user_id == user.id).order_by(ImportDraft.updated_at.desc())
    return list(db.session.scalars(query))


def draft_key(draft: ImportDraft) -> str:
    """What the review page posts back to name the import it shows: its source's sha256 and when it was made.

    The id in the URL is not enough: SQLite gives a deleted draft's id to the next one.
    """
    return f"{draft.source_sha256}/{as_utc(draft.created_at).strftime(_KEY_TIME)}"


_KEY_TIME = "%Y-%m-%dT%H:%M:%S.%f"


def saved_inspection(key: str, user: User) -> Inspection | None:
    """The inspection `user` saved from the import `key` names, if they saved it (the newest, if more than once)."""
    sha256, _, made = key.partition("/")
    try:
        made_at = datetime.strptime(made, _KEY_TIME).replace(tzinfo=UTC)
    except ValueError:
        return None
    query = (
        select(Inspection)
        .join(
            AuditEvent,
            (AuditEvent.entity_type == Inspection.__tablename__)
            & (AuditEvent.entity_id == Inspection.id)
            & (AuditEvent.field == "inspection"),
        )
        .where(Inspection.source_sha256 == sha256, Inspection.created_at >= made_at, AuditEvent.actor_id == user.id)
        .order_by(Inspection.id.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def same_document(draft: ImportDraft) -> list[Inspection]:
    """Inspections this report may already be: the same file or text (sha256), or a report of the same
    authority under the same framework published the same day — or, with no publication date, inspected on
    the same days — since a Word copy or a re-saved PDF of a report has other bytes."""
    same_file = select(Inspection).where(Inspection.source_sha256 == draft.source_sha256)
    found = {inspection.id: inspection for inspection in db.session.scalars(same_file)}
    fields = draft.fields or {}
    authority, framework = _one_line(fields.get("authority", "")), fields.get("framework", "")
    if authority and framework in FRAMEWORK_VALUES:
        published_on = _date_or_none(fields.get("published_on"))
        start_on, end_on = (_date_or_none(fields.get(name)) for name in ("inspection_start_on", "inspection_end_on"))
        same_days: ColumnElement[bool] | None = None
        if published_on:
            same_days = Inspection.published_on == published_on
        elif start_on or end_on:
            same_days = (Inspection.inspection_start_on == start_on) & (Inspection.inspection_end_on == end_on)
        if same_days is not None:
            same_report = (Inspection.framework == Framework(framework)) & same_days
            # "Leicestershire" saved before and "Leicestershire County Council" now are one council.
            for inspection in db.session.scalars(select(Inspection).where(same_report)):
                if same_authority(inspection.authority, authority):
                    found.setdefault(inspection.id, inspection)
    return [found[key] for key in sorted(found)]


def same_authority(one: str, other: str) -> bool:
    """Two names of one council: the same council on the list, or the same words once "Council" and the like
    are set aside."""
    from tracker.domain.importer.authorities import place_key, recognise  # the importer loads with its first use

    first, second = recognise(one), recognise(other)
    if first is not None and second is not None:
        return first.code == second.code
    return place_key(one) == place_key(other)


def _date_or_none(parts: list[str] | None) -> date | None:
    """A draft's day/month/year parts as a date, or None when they are not one (yet)."""
    try:
        day, month, year = (int(part) for part in parts or [])
        return date(year, month, day)
    except (ValueError, OverflowError):  # OverflowError: a day such as 10^23
        return None


def as_formdata(fields: dict[str, Any]) -> MultiDict:
    """The draft's values as the review form would post them."""
    data: MultiDict = MultiDict()
    for name in DETAIL_FIELDS:
        data.add(name, fields.get(name, ""))
    for name in DATE_FIELDS:
        for part in fields.get(name) or ["", "", ""]:
            data.add(name, part)
    for index, row in enumerate(fields.get("judgements", [])):
        for name in JUDGEMENT_FIELDS:
            data.add(f"judgements-{index}-{name}", row.get(name, ""))
    for index, item in enumerate(fields.get("recommendations", [])):
        for name in ITEM_FIELDS:
            data.add(f"recommendations-{index}-{name}", item.get(name, ""))
    return data


def fields_from_formdata(formdata: MultiDict) -> dict[str, Any]:
    """What the reviewer posted, as draft values (unvalidated: kept exactly as typed)."""
    fields: dict[str, Any] = {name: _one_line(formdata.get(name, "")) for name in DETAIL_FIELDS}
    for name in DATE_FIELDS:
        parts = [part.strip() for part in formdata.getlist(name)][:3]
        fields[name] = parts + [""] * (3 - len(parts))
    fields["judgements"] = _rows(formdata, "judgements", JUDGEMENT_FIELDS)
    fields["recommendations"] = _rows(formdata, "recommendations", ITEM_FIELDS)
    for item in fields["recommendations"]:
        if item["timescale"] not in _TIMESCALE_VALUES:
            item["timescale"] = Timescale.IMMEDIATE.value
    return fields


_TIMESCALE_VALUES = frozenset(timescale.value for timescale in Timescale)
_ROW_KEY = re.compile(r"^(?P<list>\w+)-(?P<index>\d+)-(?P<name>\w+)$")


def _one_line(value: str) -> str:
    return " ".join(value.split())


def lines_as_typed(value: str) -> str:
    """Text as typed, with the browser's CRLF line endings made plain new lines."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _rows(formdata: MultiDict, prefix: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    """Indexed rows (`prefix-3-text`) in index order; a row is kept if any of its fields was posted."""
    indexes = sorted(
        {
            int(m["index"])
            for key in formdata
            if (m := _ROW_KEY.match(key)) and m["list"] == prefix and m["name"] in names
        }
    )
    rows = []
    for index in indexes:
        row = {name: formdata.get(f"{prefix}-{index}-{name}", "") for name in names}
        rows.append(
            {name: lines_as_typed(value) if name == "text" else _one_line(value) for name, value in row.items()}
        )
    return rows


def save_fields(draft: ImportDraft, fields: dict[str, Any]) -> None:
    """Replace the draft's values; flagged, because the JSON column cannot see changes inside the dict."""
    draft.fields = copy.deepcopy(fields)
    flag_modified(draft, "fields")


def read_report(data: bytes, filename: str) -> ImportResult:
    """What the importer reads from a report's bytes, read in a child process within the file-reading bounds
    (tracker.sandbox); raises UnreadableDocument with the reason to show."""
    return _read_in_sandbox("report", data, filename)


def _read_in_sandbox(task: str, data: bytes, filename: str) -> ImportResult:
    from tracker.domain.importer import ImportResult, UnreadableDocument  # with the first upload, not at start

    try:
        fields = sandbox.read_untrusted(task, data, filename, sandbox.limits_from(current_app.config))
    except sandbox.Refused as refusal:
        raise UnreadableDocument(str(refusal)) from None
    return ImportResult.from_json_dict(fields)


def import_upload(data: bytes, filename: str, *, user: User) -> ImportDraft:
    """Read an uploaded report into a new draft; raises UnreadableDocument with the reason to show."""
    result = read_report(data, filename)
    return create_draft(result, user=user, source_filename=_base_name(filename), source_sha256=sha256_of(data))


def import_pasted_text(text: str, *, user: User) -> ImportDraft:
    """Read pasted report text into a new draft, in the same bounds as a file: it is as untrusted, and reading
    some text takes time out of proportion to its length."""
    result = _read_in_sandbox("pasted_text", text.encode("utf-8"), "")
    return create_draft(result, user=user, source_filename=None, source_sha256=text_fingerprint(text))


def _base_name(filename: str) -> str:
    # Some browsers send the whole Windows path.
    return PureWindowsPath(filename).name[:300]


def discard(draft: ImportDraft) -> None:
    db.session.delete(draft)
