"""Charts for the progress report as plain shapes, written out as SVG (and drawn by other renderers).

Colour is never the only signal: each rating has its own fill pattern, every segment carries
its count (inside it, or beside it with a leader line when it is too small), and the legend
names each rating in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Final

from tracker.domain.formatting import format_short_date
from tracker.domain.report.model import TimescaleRow, TrendPoint
from tracker.domain.vocabulary import RAG_MEANINGS, RAG_WORDS, RATING_KEYS

FONT_FAMILY: Final = "Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
INK: Final = "#0b0c0c"
GRID: Final = "#b1b4b6"
# GOV.UK colours; the pattern, not the hue, is what tells the ratings apart in greyscale.
RAG_FILL: Final = {"red": "#d4351c", "amber": "#f47738", "green": "#00703c", "blue": "#1d70b8", "none": "#ffffff"}
RAG_PATTERN: Final = {"red": "stripes", "amber": "dots", "green": "solid", "blue": "grid", "none": "outline"}


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    rag: str | None = None
    fill: str = "#ffffff"
    stroke: str | None = None


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"
    size: float = 12
    bold: bool = False


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID


Shape = Rect | Text | Line


@dataclass(frozen=True)
class Chart:
    key: str
    width: int
    height: int
    title: str
    description: str
    shapes: tuple[Shape, ...]


LABEL_WIDTH: Final = 200
BAR_HEIGHT: Final = 24
ROW_HEIGHT: Final = 36
# Room above each bar for the counts of segments too narrow to hold them.
LABEL_BAND: Final = 16
COUNT_SIZE: Final = 11
COUNT_LINE: Final = 13


def _count_width(count: int) -> float:
    """About how wide a count is at COUNT_SIZE, bold."""
    return 7.0 * len(str(count))


def _fits(count: int, room: float) -> bool:
    return room >= _count_width(count) + 12


def _count_label(x_centre: float, y_centre: float, count: int) -> list[Shape]:
    """A count in a white box inside a segment."""
    box_width = 8 + _count_width(count)
    return [
        Rect(x_centre - box_width / 2, y_centre - 8, box_width, 16, fill="#ffffff"),
        Text(x_centre, y_centre + 4, str(count), anchor="middle", size=COUNT_SIZE, bold=True),
    ]


def _legend(y: float, width: int, rags: tuple[str, ...] = RATING_KEYS) -> list[Shape]:
    """Swatches with their pattern and the rating's word and meaning, in two columns."""
    shapes: list[Shape] = []
    column_width = (width - 20) / 2
    for index, rag in enumerate(rags):
        x = 10 + (index % 2) * column_width
        row_y = y + (index // 2) * 22
        shapes.append(Rect(x, row_y, 26, 16, rag=rag, stroke=INK))
        shapes.append(Text(x + 34, row_y + 12, f"{RAG_WORDS[rag]} – {RAG_MEANINGS[rag]}", size=12))
    return shapes


def _legend_height(rags: tuple[str, ...] = RATING_KEYS) -> int:
    return ((len(rags) + 1) // 2) * 22


def _counts_above(segments: list[tuple[float, int]], bar_top: float) -> list[Shape]:
    """Counts of narrow segments (centre, count) written above the bar, left to right without
    overlapping, each joined to its segment by a short leader line."""
    shapes: list[Shape] = []
    free_from = float("-inf")
    for centre, count in segments:
        half = _count_width(count) / 2
        label_x = max(centre, free_from + half + 4)
        free_from = label_x + half
        shapes.append(Line(centre, bar_top, label_x, bar_top - 4, stroke=INK))
        shapes.append(Text(label_x, bar_top - 5, str(count), anchor="middle", size=COUNT_SIZE, bold=True))
    return shapes


def rag_by_timescale_chart(rows: list[TimescaleRow], key: str = "rag-by-timescale") -> Chart:
    """Stacked horizontal bars: one per timescale, a patterned segment per rating, counts written in
    (above the bar, with a leader line, for segments too narrow to hold theirs)."""
    width = 680
    bar_area = width - LABEL_WIDTH - 90
    largest = max([row.total for row in rows] + [1])
    scale = bar_area / largest
    narrow = any(count and not _fits(count, scale * count) for row in rows for count in row.counts.values())
    band = LABEL_BAND if narrow else 0
    row_height = ROW_HEIGHT + band
    shapes: list[Shape] = [Text(LABEL_WIDTH, 14, "Number of actions by rating", size=12, bold=True)]
    top = 26
    for index, row in enumerate(rows):
        y = top + index * row_height + band
        shapes.append(Text(LABEL_WIDTH - 8, y + BAR_HEIGHT / 2 + 4, row.label, anchor="end", size=12))
        x = float(LABEL_WIDTH)
        outside: list[tuple[float, int]] = []
        for rag in RATING_KEYS:
            count = row.counts.get(rag, 0)
            if not count:
                continue
            segment = scale * count
            shapes.append(Rect(x, y, segment, BAR_HEIGHT, rag=rag, stroke=INK))
            if _fits(count, segment):
                shapes.extend(_count_label(x + segment / 2, y + BAR_HEIGHT / 2, count))
            else:
                outside.append((x + segment / 2, count))
            x += segment
        shapes.extend(_counts_above(outside, y))
        shapes.append(Text(x + 8, y + BAR_HEIGHT / 2 + 4, f"{row.total} in all", size=12))
    axis_bottom = top + (len(rows) - 1) * row_height + band + BAR_HEIGHT
    shapes.insert(0, Line(LABEL_WIDTH, top + band - 4, LABEL_WIDTH, axis_bottom + 4, stroke=INK))
    legend_top = axis_bottom + 20
    shapes.extend(_legend(legend_top, width))
    height = legend_top + _legend_height() + 4
    return Chart(
        key=key,
        width=width,
        height=int(height),
        title="Actions by RAG rating and timescale",
        description=_describe_rows(rows),
        shapes=tuple(shapes),
    )


def _describe_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts.get(rag, 0)} {RAG_WORDS[rag]}" for rag in RATING_KEYS if counts.get(rag, 0))


def _describe_rows(rows: list[TimescaleRow]) -> str:
    parts = [f"{row.label}: {row.total} actions ({_describe_counts(row.counts) or 'none'})" for row in rows]
    return "; ".join(parts) + "."


def rag_over_time_chart(points: list[TrendPoint], key: str = "rag-over-time") -> Chart:
    """Stacked columns, one per report's as-at date, so members see the plan's direction of travel."""
    width = 680
    plot_top, plot_height = 44, 200
    left = 60
    slot = (width - left - 20) / max(len(points), 1)
    column = min(70.0, slot * 0.6)
    largest = max([sum(p.counts.values()) for p in points] + [1])
    shapes: list[Shape] = [
        Text(left, 14, "Number of actions by rating at each report", size=12, bold=True),
        Line(left, plot_top + plot_height, width - 20, plot_top + plot_height, stroke=INK),
    ]
    for index, point in enumerate(points):
        x = left + slot * index + (slot - column) / 2
        y = float(plot_top + plot_height)
        # Counts of segments too short to hold them go beside the column, stacked upwards without overlapping.
        free_below = float("inf")
        for rag in RATING_KEYS:
            count = point.counts.get(rag, 0)
            if not count:
                continue
            segment = plot_height * count / largest
            y -= segment
            shapes.append(Rect(x, y, column, segment, rag=rag, stroke=INK))
            if segment >= 18 and _fits(count, column):
                shapes.extend(_count_label(x + column / 2, y + segment / 2, count))
                continue
            label_y = min(y + segment / 2 + 4, free_below - COUNT_LINE)
            free_below = label_y
            shapes.append(Line(x + column, y + segment / 2, x + column + 6, label_y - 4, stroke=INK))
            shapes.append(Text(x + column + 8, label_y, str(count), size=COUNT_SIZE, bold=True))
        shapes.append(Text(x + column / 2, y - 6, str(sum(point.counts.values())), anchor="middle", size=12, bold=True))
        shapes.append(Text(x + column / 2, plot_top + plot_height + 18, _axis_date(point.as_at), anchor="middle"))
    shapes.append(Text(left, plot_top + plot_height + 36, "Position as at each report", size=12))
    legend_top = plot_top + plot_height + 52
    shapes.extend(_legend(legend_top, width))
    height = legend_top + _legend_height() + 4
    description = "; ".join(f"as at {_axis_date(p.as_at)}: {_describe_counts(p.counts)}" for p in points) + "."
    return Chart(key, width, int(height), "RAG ratings over time", description, tuple(shapes))


def _axis_date(day: date) -> str:
    return format_short_date(day)


# ---------------------------------------------------------------------------------------------
# SVG.


def _pattern_defs(key: str) -> str:
    """One pattern per rating; ids carry the chart's key so two charts can share a page."""
    tiles = {
        "stripes": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#ffffff" stroke-width="2"/>',
        "dots": '<circle cx="4" cy="4" r="1.8" fill="#0b0c0c"/>',
        "solid": "",
        "grid": '<path d="M0,4 h8 M4,0 v8" stroke="#ffffff" stroke-width="1.5"/>',
        "outline": "",
    }
    parts = []
    for rag in RATING_KEYS:
        parts.append(
            f'<pattern id="{key}-{rag}" patternUnits="userSpaceOnUse" width="8" height="8">'
            f'<rect width="8" height="8" fill="{RAG_FILL[rag]}"/>{tiles[RAG_PATTERN[rag]]}</pattern>'
        )
    return "<defs>" + "".join(parts) + "</defs>"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _shape_svg(shape: Shape, key: str) -> str:
    if isinstance(shape, Rect):
        fill = f"url(#{key}-{shape.rag})" if shape.rag else shape.fill
        stroke = f' stroke="{shape.stroke}" stroke-width="1"' if shape.stroke else ""
        return (
            f'<rect x="{_number(shape.x)}" y="{_number(shape.y)}" width="{_number(shape.width)}" '
            f'height="{_number(shape.height)}" fill="{fill}"{stroke}/>'
        )
    if isinstance(shape, Line):
        return (
            f'<line x1="{_number(shape.x1)}" y1="{_number(shape.y1)}" x2="{_number(shape.x2)}" '
            f'y2="{_number(shape.y2)}" stroke="{shape.stroke}" stroke-width="1"/>'
        )
    weight = ' font-weight="bold"' if shape.bold else ""
    return (
        f'<text x="{_number(shape.x)}" y="{_number(shape.y)}" text-anchor="{shape.anchor}" '
        f'font-size="{_number(shape.size)}"{weight} fill="{INK}">{escape(shape.text)}</text>'
    )


def alternative_text(chart: Chart) -> str:
    """What the chart shows in words, figures included: the PDF's and the Word file's alternative text."""
    return f"{chart.title}. {chart.description}"


def to_svg(chart: Chart) -> str:
    """The chart as an inline SVG element whose title states its figures: screen readers read it in the page, and
    WeasyPrint makes it the tagged PDF figure's alternative text (it reads the title, not the description)."""
    title_id = f"{chart.key}-title"
    body = "".join(_shape_svg(shape, chart.key) for shape in chart.shapes)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-report-chart" viewBox="0 0 {chart.width} {chart.height}" '
        f'width="{chart.width}" height="{chart.height}" role="img" aria-labelledby="{title_id}" '
        f'font-family="{FONT_FAMILY}">'
        f'<title id="{title_id}">{escape(alternative_text(chart))}</title>'
        f"{_pattern_defs(chart.key)}{body}</svg>"
    )
