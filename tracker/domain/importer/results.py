"""What the importer hands back: plain dataclasses, serialisable for the review page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

FRAMEWORKS = ("JAR", "APA", "SIF", "ILACS", "LAC", "other")


@dataclass
class ExtractedJudgement:
    """One row of a report's judgements table, with the grade as printed."""

    area: str
    grade: str


@dataclass
class ExtractedRecommendation:
    """One recommendation as the report states it."""

    number: str | None
    timescale: str
    addressee: str | None
    theme: str | None
    text: str


@dataclass
class ImportResult:
    """Everything read from one report, for a programme manager to review."""

    authority: str | None = None
    title: str | None = None
    framework: str | None = None
    published_on: date | None = None
    inspection_start_on: date | None = None
    inspection_end_on: date | None = None
    overall_judgement: str | None = None
    judgements: list[ExtractedJudgement] = field(default_factory=list)
    recommendations: list[ExtractedRecommendation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    text: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (dates as ISO strings); the cleaned text is left out."""
        return {
            "authority": self.authority,
            "title": self.title,
            "framework": self.framework,
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
                }
                for r in self.recommendations
            ],
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> ImportResult:
        """The result back from to_json_dict's data (and the text, under "text", if given)."""
        return cls(
            authority=data["authority"],
            title=data["title"],
            framework=data["framework"],
            published_on=_date(data["published_on"]),
            inspection_start_on=_date(data["inspection_start_on"]),
            inspection_end_on=_date(data["inspection_end_on"]),
            overall_judgement=data["overall_judgement"],
            judgements=[ExtractedJudgement(**judgement) for judgement in data["judgements"]],
            recommendations=[ExtractedRecommendation(**item) for item in data["recommendations"]],
            warnings=list(data["warnings"]),
            text=data.get("text", ""),
        )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
