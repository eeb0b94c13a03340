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
    title = root.find(f"{SVG}title").text
    assert title.startswith("Actions by RAG rating and timescale. ")
    assert "For immediate action: 14 actions (2 Red, 3 Amber, 5 Green, 3 Blue, 1 Not rated)" in title
    assert root.get("aria-labelledby") == "c1-title"
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


def _count_texts(chart) -> list[Text]:  # noqa: ANN001
    return [s for s in chart.shapes if isinstance(s, Text) and s.text.isdigit()]


def test_every_segment_carries_its_count_even_when_it_is_too_small_to_hold_it() -> None:
    rows = [
        TimescaleRow("immediate", "For immediate action", {"red": 3, "amber": 10, "green": 30, "none": 1}, 44, 0),
        TimescaleRow("six_months", "Within six months", {"green": 20, "blue": 1, "none": 1}, 22, 0),
    ]
    chart = rag_by_timescale_chart(rows)
    labels = _count_texts(chart)
    assert sorted(t.text for t in labels) == ["1", "1", "1", "10", "20", "3", "30"]
    # The two 1s at the end of the second bar sit side by side, not on top of each other.
    ones = sorted((t for t in labels if t.text == "1"), key=lambda t: (t.y, t.x))
    assert abs(ones[1].x - ones[2].x) >= 10 or ones[1].y != ones[2].y
    assert all(0 <= t.x <= chart.width and 0 <= t.y <= chart.height for t in labels)


def test_small_segments_of_the_trend_chart_carry_their_count_beside_the_column() -> None:
    points = [
        TrendPoint(date(2026, 10, 31), {"red": 0, "amber": 10, "green": 30, "blue": 0, "none": 3}),
        TrendPoint(date(2026, 11, 26), {"red": 7, "amber": 9, "green": 15, "blue": 10, "none": 2}),
    ]
    chart = rag_over_time_chart(points)
    counts = sorted(t.text for t in _count_texts(chart))
    # Each segment's count, plus each column's total.
    assert counts == sorted(["10", "30", "3", "7", "9", "15", "10", "2", "43", "43"])
    labels = [t for t in _count_texts(chart) if t.text in ("2", "3")]
    assert len({(round(t.y), round(t.x)) for t in labels}) == 2
