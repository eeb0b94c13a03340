"""Reading a tagged PDF back with pikepdf: its structure tree, and the marked content each text run sits in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf

TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}


@dataclass
class Tree:
    """The structure elements of a tagged PDF in document order, and the marked content they reach."""

    elements: list[pikepdf.Dictionary] = field(default_factory=list)
    reached: set[tuple[int, int]] = field(default_factory=set)  # (page index, MCID)


def structure(pdf: pikepdf.Pdf) -> Tree:
    """Walk the structure tree from its root, in document order."""
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    tree = Tree()

    def walk(element: pikepdf.Dictionary) -> None:
        tree.elements.append(element)
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
            if isinstance(kid, int):
                tree.reached.add((pages[element.Pg.objgen], int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                tree.reached.add((pages[kid.Pg.objgen], int(kid.MCID)))

    root = pdf.Root.StructTreeRoot.K
    for top in root if isinstance(root, pikepdf.Array) else [root]:
        walk(top)
    return tree


def content(pdf: pikepdf.Pdf) -> Iterator[tuple[int, int | None, str, bool, float]]:
    """Each text-showing operator: (page index, MCID it is inside or None, its tag, whether it is outside any mark,
    its font size)."""
    for index, page in enumerate(pdf.pages):
        stack: list[tuple[str, int | None]] = []
        size = 0.0
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name == "BDC":
                properties = operands[1]
                mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
                stack.append((str(operands[0]), None if mcid is None else int(mcid)))
            elif name == "BMC":
                stack.append((str(operands[0]), None))
            elif name == "EMC":
                stack.pop()
            elif name == "Tf":
                size = float(operands[1])
            elif name in TEXT_OPERATORS:
                tag, mcid = next(((t, m) for t, m in reversed(stack) if m is not None or t == "/Artifact"), ("", None))
                yield index, mcid, tag, not stack, size


def tag(element: pikepdf.Dictionary) -> str:
    return str(element.S)
