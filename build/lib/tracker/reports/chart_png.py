"""Charts as PNG pictures for Word (python-docx cannot embed SVG): the same shapes, drawn with Pillow."""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from tracker.domain.charts import INK, RAG_FILL, RAG_PATTERN, Chart, Line, Rect, Text

SCALE = 3  # drawn at three times the SVG's size so it prints sharply
FONT_FILES = {
    False: (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ),
    True: (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
}


@cache
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in FONT_FILES[bold]:
        if Path(candidate).is_file():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size)


def _tile(pattern: str, fill: str) -> Image.Image:
    """One 8×8 pattern tile (scaled), matching the SVG pattern of the same name."""
    size = 8 * SCALE
    tile = Image.new("RGB", (size, size), fill)
    draw = ImageDraw.Draw(tile)
    if pattern == "stripes":
        for offset in (-size, 0, size):
            draw.line([(offset, size), (offset + size, 0)], fill="#ffffff", width=2 * SCALE)
    elif pattern == "dots":
        centre, radius = 4 * SCALE, 1.8 * SCALE
        draw.ellipse([centre - radius, centre - radius, centre + radius, centre + radius], fill=INK)
    elif pattern == "grid":
        draw.line([(0, 4 * SCALE), (size, 4 * SCALE)], fill="#ffffff", width=int(1.5 * SCALE))
        draw.line([(4 * SCALE, 0), (4 * SCALE, size)], fill="#ffffff", width=int(1.5 * SCALE))
    return tile


def _box(shape: Rect) -> tuple[int, int, int, int]:
    return (
        round(shape.x * SCALE),
        round(shape.y * SCALE),
        round((shape.x + shape.width) * SCALE),
        round((shape.y + shape.height) * SCALE),
    )


def _draw_rect(image: Image.Image, draw: ImageDraw.ImageDraw, shape: Rect) -> None:
    left, top, right, bottom = _box(shape)
    if right <= left or bottom <= top:
        return
    if shape.rag:
        tile = _tile(RAG_PATTERN[shape.rag], RAG_FILL[shape.rag])
        area = Image.new("RGB", (right - left, bottom - top))
        for x in range(0, right - left, tile.width):
            for y in range(0, bottom - top, tile.height):
                area.paste(tile, (x, y))
        image.paste(area, (left, top))
    else:
        draw.rectangle([left, top, right - 1, bottom - 1], fill=shape.fill)
    if shape.stroke:
        draw.rectangle([left, top, right - 1, bottom - 1], outline=shape.stroke, width=SCALE)


def _draw_text(draw: ImageDraw.ImageDraw, shape: Text) -> None:
    anchor = {"start": "ls", "middle": "ms", "end": "rs"}[shape.anchor]
    font = _font(round(shape.size * SCALE), shape.bold)
    draw.text((shape.x * SCALE, shape.y * SCALE), shape.text, fill=INK, font=font, anchor=anchor)


def chart_png(chart: Chart) -> bytes:
    """The chart drawn as a PNG, white background, at SCALE times its size."""
    image = Image.new("RGB", (chart.width * SCALE, chart.height * SCALE), "#ffffff")
    draw = ImageDraw.Draw(image)
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            _draw_rect(image, draw, shape)
        elif isinstance(shape, Line):
            draw.line(
                [(shape.x1 * SCALE, shape.y1 * SCALE), (shape.x2 * SCALE, shape.y2 * SCALE)],
                fill=shape.stroke,
                width=SCALE,
            )
        else:
            _draw_text(draw, shape)
    output = BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()
