"""The report's charts: text labels and patterns, so colour is never the only signal."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

from tracker.domain.charts import Rect, Text, rag_by_timescale_chart, rag_over_time_chart, to_svg
from tracker.domain.report import TimescaleRow, TrendPoint

SVG = "{http://www.w3.org/2000/svg}"
ROWS = [
    TimescaleRow("immediate", "For immediate action", {"red": 2, "amber": 3, "green": 5, "blue": 3, "none": 1}, 14, 2),
    TimescaleRow("longer_term", "In the longer term", {"red": 0, "amber": 0, "green": 1, "blue": 0, "none": 0}, 1, 0),
]


def test_bars_are_labelled_with_timescale_counts_and_a_worded_legend() -> None:
    chart = rag_by_timescale_chart(ROWS)
    texts = [s.text for s in chart.shapes if isinstance(s, Text)]
    assert "For immediate action" in texts and "In the longer term" in texts
    assert {"2", "3", "5"} <= set(texts)
    assert "14 in all" in texts
    for legend in ("Red – off track", "Amber – at risk", "Green – on track", "Blue – complete"):
        assert legend in texts
    segments = [s for s in chart.shapes if isinstance(s, Rect) and s.rag and s.y > 20 and s.y < 60]
    assert [s.rag for s in segments] == ["red", "amber", "green", "blue", "none"]
    # Widths are proportional to counts: 14 actions fill the bar area of the longest row.
    assert round(sum(s.width for s in segments)) == 390


def test_the_svg_is_well_formed_has_a_title_and_a_pattern_per_rating() -> None:
    svg = to_svg(rag_by_timescale_chart(ROWS, key="c1"))
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Actions by RAG rating and timescale"
    assert (
        "For immediate action: 14 actions (2 Red, 3 Amber, 5 Green, 3 Blue, 1 Not rated)"
        in root.find(f"{SVG}desc").text
    )
    patterns = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    assert patterns == {"c1-red", "c1-amber", "c1-green", "c1-blue", "c1-none"}
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect")}
    assert "url(#c1-red)" in fills


def test_labels_are_escaped() -> None:
    rows = [TimescaleRow("x", "Health & <care>", {"red": 1}, 1, 0)]
    svg = to_svg(rag_by_timescale_chart(rows))
    assert "Health &amp; &lt;care&gt;" in svg
    ElementTree.fromstring(svg)


def test_the_trend_chart_has_a_column_per_report_with_its_date_and_total() -> None:
    points = [
        TrendPoint(date(2026, 6, 1), {"red": 4, "amber": 6, "green": 20, "blue": 2}),
        TrendPoint(date(2026, 9, 1), {"red": 2, "amber": 5, "green": 22, "blue": 8}),
    ]
    chart = rag_over_time_chart(points)
    texts = [s.text for s in chart.shapes if isinstance(s, Text)]
    assert "1 Jun 2026" in texts and "1 Sep 2026" in texts
    assert "32" in texts and "37" in texts
    ElementTree.fromstring(to_svg(chart))
