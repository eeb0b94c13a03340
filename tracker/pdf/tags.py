"""Finishing touches to WeasyPrint's tagged PDF (PDF/UA-1) that its tagger leaves out, for the accessibility
regulations: table header cells say whether they head a column or a row, a table header repeated on a later page is
a pagination artefact rather than a second set of header cells, and so are the running header and footer (WeasyPrint
marks their text but leaves it out of the structure tree, so it would be content outside any tag) and a draft's
DRAFT watermark, repeated on every page.

WeasyPrint builds the structure tree page by page, so a table that runs over a page break becomes one Table element
per page. A continuation is told apart as a table with no caption (a caption is not repeated) that is the first
thing on its page, with as many header cells as the table before it. Its header row is re-marked as an artefact in
the page's content, dropped from the structure tree, and its data cells point at the first part's header cells.
"""

from __future__ import annotations

from collections.abc import Iterator

import pydyf

Objects = dict[bytes, pydyf.Dictionary]


def finish_tags(_document: object, pdf: pydyf.PDF) -> None:
    """WeasyPrint finisher: header scopes and repeated headers; a no-op on an untagged PDF."""
    if "StructTreeRoot" not in pdf.catalog:
        return
    objects = {obj.reference: obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary)}
    root = objects[pdf.catalog["StructTreeRoot"]]
    watermarks = _drop_watermarks(root, objects)
    elements = list(_walk(root, objects))
    first_on_page = _first_content_on_each_page(elements)
    first: pydyf.Dictionary | None = None
    for table in (element for element in elements if element["S"] == "/Table"):
        if first is not None and _continues(table, first, first_on_page, objects):
            _drop_repeated_header(table, first, objects)
        else:
            first = table
        _scope_headers(table, objects)
    _mark_untagged_as_artefacts(pdf, objects, _tagged_content(root, objects), watermarks)


def _drop_watermarks(root: pydyf.Dictionary, objects: Objects) -> dict[bytes, set[int]]:
    """A draft's DRAFT watermark is the only block beside the document's <main>: WeasyPrint tags its copy on each page
    as a Div directly under the Document. Out of the tree, its text becomes an artefact like the running header.
    Returns the marked-content ids it had on each page."""
    dropped: dict[bytes, set[int]] = {}
    for document in _kids(root, objects):
        watermarks = [kid for kid in _kids(document, objects) if kid["S"] == "/Div"]
        for watermark in watermarks:
            for element in [watermark, *_walk(watermark, objects)]:
                if mcids := _mcids(element):
                    dropped.setdefault(element["Pg"], set()).update(mcids)
        if watermarks:
            references = {kid.reference for kid in watermarks}
            document["K"] = pydyf.Array(kid for kid in document["K"] if kid not in references)
    return dropped


def _walk(element: pydyf.Dictionary, objects: Objects) -> Iterator[pydyf.Dictionary]:
    """Structure elements in document order."""
    for kid in _kids(element, objects):
        yield kid
        yield from _walk(kid, objects)


def _first_content_on_each_page(elements: list[pydyf.Dictionary]) -> set[bytes]:
    """The structure element holding the first marked content of each page."""
    pages: dict[bytes, bytes] = {}
    for element in elements:
        if _mcids(element) and element.get("Pg") not in pages:
            pages[element["Pg"]] = element.reference
    return set(pages.values())


def _continues(table: pydyf.Dictionary, first: pydyf.Dictionary, first_on_page: set[bytes], objects: Objects) -> bool:
    if _child(table, "/Caption", objects) is not None or table.get("Pg") == first.get("Pg"):
        return False
    head, first_head = _child(table, "/THead", objects), _child(first, "/THead", objects)
    if head is None or first_head is None:
        return False
    if len(_header_cells(head, objects)) != len(_header_cells(first_head, objects)):
        return False
    return any(element.reference in first_on_page for element in [table, *_walk(table, objects)])


def _kids(element: pydyf.Dictionary, objects: Objects) -> list[pydyf.Dictionary]:
    kids = element.get("K", [])
    if not isinstance(kids, list):
        kids = [kids]
    return [objects[kid] for kid in kids if isinstance(kid, bytes) and kid in objects and "S" in objects[kid]]


def _child(element: pydyf.Dictionary, tag: str, objects: Objects) -> pydyf.Dictionary | None:
    return next((kid for kid in _kids(element, objects) if kid["S"] == tag), None)


def _scope_headers(table: pydyf.Dictionary, objects: Objects) -> None:
    """Header cells in the table head head columns; those in the body or foot head their rows (the templates put
    `scope="row"` on every body header cell)."""
    for part in _kids(table, objects):
        scope = "/Column" if part["S"] == "/THead" else "/Row"
        for cell in _walk(part, objects):
            if cell["S"] == "/TH":
                cell["A"]["Scope"] = scope


def _drop_repeated_header(table: pydyf.Dictionary, first: pydyf.Dictionary, objects: Objects) -> None:
    head = _child(table, "/THead", objects)
    if head is None:
        return
    first_head = _child(first, "/THead", objects)
    first_ids = [cell.get("ID") for cell in _header_cells(first_head, objects)] if first_head else []
    renamed = {
        cell["ID"].string: first_id
        for cell, first_id in zip(_header_cells(head, objects), first_ids, strict=False)
        if "ID" in cell and first_id is not None
    }
    table["K"] = pydyf.Array(kid for kid in table["K"] if kid != head.reference)
    for cell in _walk(table, objects):
        headers = cell["A"].get("Headers") if cell["S"] == "/TD" and "A" in cell else None
        if headers is not None:
            cell["A"]["Headers"] = pydyf.Array(renamed.get(key.string, key) for key in headers)


def _header_cells(part: pydyf.Dictionary, objects: Objects) -> list[pydyf.Dictionary]:
    return [cell for cell in _walk(part, objects) if cell["S"] == "/TH"]


def _mcids(element: pydyf.Dictionary) -> list[int]:
    kids = element.get("K", [])
    if not isinstance(kids, list):
        kids = [kids]
    return [kid for kid in kids if isinstance(kid, int)]


def _tagged_content(root: pydyf.Dictionary, objects: Objects) -> dict[bytes, set[int]]:
    """The marked-content ids each page's structure elements reach."""
    tagged: dict[bytes, set[int]] = {}
    for element in _walk(root, objects):
        if mcids := _mcids(element):
            tagged.setdefault(element["Pg"], set()).update(mcids)
    return tagged


def _mark_untagged_as_artefacts(
    pdf: pydyf.PDF, objects: Objects, tagged: dict[bytes, set[int]], watermarks: dict[bytes, set[int]]
) -> None:
    """Rewrite `/Span <</MCID n>> BDC` that no structure element reaches as `/Artifact <</Type /Pagination>> BDC`,
    with `/Subtype /Watermark` for a draft's watermark."""
    streams = {obj.reference: obj for obj in pdf.objects if isinstance(obj, pydyf.Stream)}
    for page in pdf.page_references:
        stream = streams.get(objects[page].get("Contents"))
        if stream is None:
            continue
        reached = tagged.get(page, set())
        watermark = watermarks.get(page, set())
        items = stream.stream
        for index, item in enumerate(items):
            if isinstance(item, pydyf.Dictionary) and "MCID" in item and item["MCID"] not in reached and index:
                items[index - 1] = "/Artifact"
                kind = {"Type": "/Pagination"}
                if item["MCID"] in watermark:
                    kind["Subtype"] = "/Watermark"
                items[index] = pydyf.Dictionary(kind)
