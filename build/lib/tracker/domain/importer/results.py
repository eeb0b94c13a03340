"""What the importer hands back: plain dataclasses, serialisable for the review page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

# The frameworks whose statutory follow-up differs. A focused visit is an ILACS visit and the 2023 area SEND
# framework replaced the 2016 one, but each sets its own deadlines.
FRAMEWORKS = ("JAR", "APA", "SIF", "ILACS", "FOCUSED_VISIT", "LAC", "SEND", "AREA_SEND", "other")
# The framework family a framework belongs to, as the inspectorates name them.
FRAMEWORK_FAMILY = {"FOCUSED_VISIT": "ILACS", "AREA_SEND": "SEND"}
# The kinds of document within the frameworks: their layouts differ.
DOCUMENT_TYPES = (
    "jar",
    "apa",
    "lac",
    "safeguarding",
    "sif",
    "ilacs",
    "ilacs_short",
    "focused_visit",
    "area_send",
    "other",
)


@dataclass(frozen=True)
class Flag:
    """Why something read may be wrong: `code` for programs, `message` for the reviewer, `field` for where."""

    code: str
    message: str
    field: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": self.field}


@dataclass
class ExtractedJudgement:
    """One row of a report's judgements table, with the grade as printed."""

    area: str
    grade: str


@dataclass
class ExtractedRecommendation:
    """One recommendation as the report states it, with what about it may need checking."""

    number: str | None
    timescale: str
    addressee: str | None
    theme: str | None
    text: str
    flags: list[Flag] = field(default_factory=list)


@dataclass
class ImportResult:
    """Everything read from one report, for a programme manager to review.

    `warnings` say what was not found; `flags` say, field by field, what was found but may be wrong (each
    recommendation carries its own). Both are shown before anything else on the review page.
    """

    authority: str | None = None
    title: str | None = None
    framework: str | None = None
    document_type: str | None = None
    published_on: date | None = None
    inspection_start_on: date | None = None
    inspection_end_on: date | None = None
    overall_judgement: str | None = None
    judgements: list[ExtractedJudgement] = field(default_factory=list)
    recommendations: list[ExtractedRecommendation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    text: str = ""

    def flag(self, code: str, message: str, field_name: str | None = None) -> None:
        """Record a doubt about a field (or the document, with no field), once."""
        flag = Flag(code, message, field_name)
        if flag not in self.flags:
            self.flags.append(flag)

    def to_json_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (dates as ISO strings); the cleaned text is left out."""
        return {
            "authority": self.authority,
            "title": self.title,
            "framework": self.framework,
            "document_type": self.document_type,
            "published_on": _iso(self.published_on),
            "inspection_start_on": _iso(self.inspection_start_on),
            "inspection_end_on": _iso(self.inspection_end_on),
            "overall_judgement": self.overall_judgement,
            "judgements": [{"area": j.area, "grade": j.grade} for j in self.judgements],
            "recommendations": [
                {
                    "number": r.number,
                    "timescale": r.timescale,
                    "addressee": r.addressee,
                    "theme": r.theme,
                    "text": r.text,
                    "flags": [flag.to_json_dict() for flag in r.flags],
                }
                for r in self.recommendations
            ],
            "warnings": list(self.warnings),
            "flags": [flag.to_json_dict() for flag in self.flags],
        }

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> ImportResult:
        """The result back from to_json_dict's data (and the text, under "text", if given)."""
        return cls(
            authority=data["authority"],
            title=data["title"],
            framework=data["framework"],
            document_type=data.get("document_type"),
            published_on=_date(data["published_on"]),
            inspection_start_on=_date(data["inspection_start_on"]),
            inspection_end_on=_date(data["inspection_end_on"]),
            overall_judgement=data["overall_judgement"],
            judgements=[ExtractedJudgement(**judgement) for judgement in data["judgements"]],
            recommendations=[
                ExtractedRecommendation(
                    **{key: value for key, value in item.items() if key != "flags"},
                    flags=[Flag(**flag) for flag in item.get("flags", [])],
                )
                for item in data["recommendations"]
            ],
            warnings=list(data["warnings"]),
            flags=[Flag(**flag) for flag in data.get("flags", [])],
            text=data.get("text", ""),
        )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
