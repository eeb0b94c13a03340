"""The report as HTML: the fragment shown inside the app and the standalone print document."""

from __future__ import annotations

import base64
import hashlib
import re

from flask import current_app, render_template
from markupsafe import Markup

from tracker.domain.charts import rag_by_timescale_chart, rag_over_time_chart, to_svg
from tracker.domain.formatting import format_date
from tracker.domain.report import ReportModel
from tracker.domain.vocabulary import rag_key
from tracker.security import CONTENT_SECURITY_POLICY

STYLESHEET = "css/report.css"
# What a draft says on every page and in its file name, so it can never pass for the issued report.
DRAFT = "DRAFT"
# A trend needs at least two positions to show a direction.
MIN_TREND_POINTS = 2


def chart_svgs(model: ReportModel) -> dict[str, Markup | None]:
    """The charts as inline SVG; the RAG-over-time chart only once there are several reports."""
    trend = None
    if len(model.trend) >= MIN_TREND_POINTS:
        # Built from escaped parts.
        trend = Markup(to_svg(rag_over_time_chart(model.trend)))  # noqa: S704  # nosec B704
    return {
        "by_timescale": Markup(to_svg(rag_by_timescale_chart(model.figures.by_timescale))),  # noqa: S704  # nosec B704
        "over_time": trend,
    }


def template_context(model: ReportModel, *, draft: bool = False) -> dict[str, object]:
    return {
        "model": model,
        "draft": draft,
        "charts": chart_svgs(model),
        "rag_key": rag_key(),
    }


def stylesheet_url() -> str:
    return f"{current_app.static_url_path}/{STYLESHEET}"


def render_fragment(model: ReportModel, *, draft: bool = False) -> Markup:
    """The report's content, for the page inside the app; a draft says so above its title."""
    html = render_template("reports/_report.html", **template_context(model, draft=draft))
    return Markup(html)  # noqa: S704  # nosec B704


def _css_string(text: str) -> str:
    """`text` as a quoted CSS string."""
    cleaned = " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{cleaned}"'


def running_header_css(model: ReportModel, *, draft: bool = False) -> Markup:
    """The running header names the council and the meeting on every page after the first; a draft's says DRAFT
    on every page, the first included."""
    font = 'font-family: Arial, "Liberation Sans", "DejaVu Sans", sans-serif; font-size: 8.5pt; color: #0b0c0c;'
    draft_box = f"@top-center {{ content: {_css_string(DRAFT)}; {font} font-size: 11pt; font-weight: 700; }} "
    css = (
        f"@page {{ @top-left {{ content: {_css_string(model.council)}; {font} }} "
        f"{draft_box if draft else ''}"
        f"@top-right {{ content: {_css_string(model.meeting + ' – as at ' + format_date(model.as_at))}; {font} }} }} "
        "@page :first { @top-left { content: none; } @top-right { content: none; } }"
    )
    # Every value is quoted by _css_string.
    return Markup(css)  # noqa: S704  # nosec B704


def style_hashes(html: str) -> list[str]:
    """CSP sources allowing exactly the document's own <style> blocks (the running header)."""
    blocks = re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in blocks]


def document_csp(html: str) -> str:
    """The page's usual policy, plus the hashes of the document's style blocks."""
    sources = " ".join(["'self'", *style_hashes(html)])
    return CONTENT_SECURITY_POLICY.replace("style-src 'self'", f"style-src {sources}")


def render_document(model: ReportModel, *, draft: bool = False) -> str:
    """A complete A4 print document: the same content with the print stylesheet; WeasyPrint renders it too.

    A draft says DRAFT in its title, above the report's title, in the running header and, in print, across
    every page."""
    return render_template(
        "reports/document.html",
        stylesheet=stylesheet_url(),
        running_header=running_header_css(model, draft=draft),
        **template_context(model, draft=draft),
    )
