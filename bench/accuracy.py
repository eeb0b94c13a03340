"""How often the importer reads real reports right: every document in tests/fixtures with an expected file.

    .venv/bin/python bench/accuracy.py [--details] [--expected DIR ...] [--documents DIR]

Expected files (tests/fixtures/expected/**.json, format in the README's "Accuracy" section) are written by a
person reading each document. For each field the report counts documents read right, read wrong, and of the
wrong ones how many the importer flagged for the reviewer (a wrong field that is not flagged is a silent
failure); flags on fields read right are counted too, as noise. Recommendations are matched by their text
after whitespace normalisation: precision (found items that are real), recall (real items found), and for
matched items whether the addressee, timescale and theme agree. Then the same per document type, and the
seconds each document took. `--details` lists every difference, document by document.

Exits with status 1 when a document takes 2 seconds of CPU or more, or the whole run a minute of CPU or more (the wall
clock is printed too; on a shared machine it counts the neighbours' work).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, Python puts bench/ on the path, not the project: the tracker package needs both.
sys.path.insert(0, str(ROOT))

from tracker.domain.importer import UnreadableDocument, import_document  # noqa: E402

try:  # the framework family a finer framework belongs to ("FOCUSED_VISIT" is an ILACS visit)
    from tracker.domain.importer.results import FRAMEWORK_FAMILY
except ImportError:  # an importer from before the families were named
    FRAMEWORK_FAMILY = {}
try:  # the list of councils, to tell "Hull City Council" and "Kingston upon Hull" are one
    from tracker.domain.importer.authorities import recognise
except ImportError:  # an importer from before the list: names compared without their council words

    def recognise(name: str | None) -> None:
        return None


FIXTURES = ROOT / "tests" / "fixtures"
DOCUMENT_SECONDS = 2.0
RUN_SECONDS = 60.0
OVERALL = "overall effectiveness"
FIELDS = (
    "document_type",
    "framework",
    "authority",
    "inspection_start_on",
    "inspection_end_on",
    "published_on",
    "overall_judgement",
)
# Which field a warning of an importer without structured flags is about (the wording of its messages).
_WARNING_FIELDS = (
    ("local authority", "authority"),
    ("publication date", "published_on"),
    ("inspection dates", "inspection_start_on"),
    ("framework", "framework"),
    ("recommendation", "recommendations"),
)
# Words that differ between the ways one council is named: "Barnsley" = "Barnsley Metropolitan Borough Council".
_COUNCIL_WORDS = re.compile(
    r"\b(?:the|council|of|city|county|borough|metropolitan|district|royal|london|corporation|children'?s services"
    r"|local authority)\b"
)


def normalise(text: str | None) -> str:
    """Whitespace made single spaces; the comparison of item texts."""
    return " ".join((text or "").split())


def folded(text: str | None) -> str:
    """Case and apostrophes set aside; "require improvement" in a sentence is the grade "requires improvement"."""
    text = normalise(text).casefold().replace("’", "'")
    return re.sub(r"^require improvement", "requires improvement", text)


def authority_key(name: str | None) -> str:
    """A council's name without the words that vary between its forms ("London Borough of", "Council")."""
    key = _COUNCIL_WORDS.sub(" ", folded(name).replace("&", " and "))
    return " ".join(re.sub(r"[^\w ]", " ", key).split())


def field_value(name: str, value: Any) -> str:
    """A field as compared: dates as ISO strings, names and grades case-folded."""
    if value is None or value == "":
        return ""
    if name == "authority":
        listed = recognise(str(value))
        return f"#{listed.code}" if listed else authority_key(str(value))
    if name == "framework":
        return folded(FRAMEWORK_FAMILY.get(str(value), str(value)))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return folded(str(value))


def flagged_fields(result: Any) -> set[str]:
    """Fields the importer told the reviewer to check: structured flags, or warnings by their words."""
    fields = {flag.field for flag in getattr(result, "flags", []) if getattr(flag, "field", None)}
    for warning in getattr(result, "warnings", []):
        text = str(warning).lower()
        fields.update(name for words, name in _WARNING_FIELDS if words in text)
    if "inspection_start_on" in fields:
        fields.add("inspection_end_on")
    return fields


def item_flagged(item: Any) -> bool:
    return bool(getattr(item, "flags", None))


@dataclass
class Tally:
    """Right / wrong counts for one field, with how many of each were flagged."""

    right: int = 0
    wrong: int = 0
    wrong_flagged: int = 0
    right_flagged: int = 0

    def add(self, ok: bool, flagged: bool) -> None:
        if ok:
            self.right += 1
            self.right_flagged += flagged
        else:
            self.wrong += 1
            self.wrong_flagged += flagged

    def row(self, label: str) -> str:
        total = self.right + self.wrong
        share = f"{100 * self.right / total:.1f}%" if total else "–"
        silent = self.wrong - self.wrong_flagged
        counts = f"{self.right} | {self.wrong} | {self.wrong_flagged} | {silent} | {self.right_flagged}"
        return f"| {label} | {counts} | {share} |"


@dataclass
class Items:
    """Recommendation items: matched by text, and the fields of matched items."""

    expected: int = 0
    found: int = 0
    matched: int = 0
    missed_flagged: int = 0
    extra_flagged: int = 0
    flagged_right: int = 0
    addressee: Tally = field(default_factory=Tally)
    timescale: Tally = field(default_factory=Tally)
    theme: Tally = field(default_factory=Tally)
    documents_with_items: int = 0
    documents_with_items_found: int = 0

    def merge(self, other: Items) -> None:
        for name in (
            "expected",
            "found",
            "matched",
            "missed_flagged",
            "extra_flagged",
            "flagged_right",
            "documents_with_items",
            "documents_with_items_found",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("addressee", "timescale", "theme"):
            mine, theirs = getattr(self, name), getattr(other, name)
            for part in ("right", "wrong", "wrong_flagged", "right_flagged"):
                setattr(mine, part, getattr(mine, part) + getattr(theirs, part))


@dataclass
class DocumentScore:
    """Everything measured on one document."""

    name: str
    document_type: str
    seconds: float
    cpu_seconds: float = 0.0
    fields: dict[str, tuple[bool, bool]] = field(default_factory=dict)
    judgements: Tally = field(default_factory=Tally)
    items: Items = field(default_factory=Items)
    differences: list[str] = field(default_factory=list)
    refused: str | None = None


def score_document(expected: dict[str, Any], result: Any, seconds: float) -> DocumentScore:
    score = DocumentScore(expected["document"], expected.get("document_type") or "other", seconds)
    flagged = flagged_fields(result)
    for name in FIELDS:
        want, got = expected.get(name), getattr(result, name, None)
        ok = field_value(name, want) == field_value(name, got)
        score.fields[name] = (ok, name in flagged)
        if not ok:
            mark = " (flagged)" if name in flagged else ""
            score.differences.append(f"{name}: expected {want!r}, got {got!r}{mark}")
    _score_judgements(score, expected.get("judgements") or [], result, flagged)
    _score_items(score, expected.get("recommendations") or [], getattr(result, "recommendations", []), flagged)
    return score


def area_key(area: str) -> str:
    """A judged area as compared: "The effectiveness of the Local Safeguarding Children Board (LSCB)" and
    "Local Safeguarding Children Board" are one row."""
    key = re.sub(r"\([^)]*\)", "", folded(area)).rstrip(" .:")
    key = re.sub(r"^(?:the )?(?:effectiveness of )?(?:the )?", "", key)
    return " ".join(key.split())


def _score_judgements(score: DocumentScore, expected: list[dict[str, str]], result: Any, flagged: set[str]) -> None:
    found_grades = {area_key(j.area): folded(j.grade) for j in getattr(result, "judgements", [])}
    # The importer keeps the overall effectiveness grade in its own field, not among the rows.
    found_grades.setdefault(OVERALL, folded(getattr(result, "overall_judgement", None)) or None)
    expected_areas = {area_key(j["area"]) for j in expected}
    for judgement in expected:
        area, grade = area_key(judgement["area"]), folded(judgement["grade"])
        ok = found_grades.get(area) == grade
        score.judgements.add(ok, "judgements" in flagged)
        if not ok:
            score.differences.append(
                f"judgement {judgement['area']!r}: expected {judgement['grade']!r}, got {found_grades.get(area)!r}"
            )
    for j in getattr(result, "judgements", []):
        if area_key(j.area) not in expected_areas:
            score.judgements.add(False, "judgements" in flagged)
            score.differences.append(f"judgement not in the document: {j.area!r} {j.grade!r}")


def _score_items(score: DocumentScore, expected: list[dict[str, Any]], found: list[Any], flagged: set[str]) -> None:
    items = score.items
    items.expected, items.found = len(expected), len(found)
    items.documents_with_items = 1 if expected else 0
    items.documents_with_items_found = 1 if expected and found else 0
    unmatched = defaultdict(list)
    for item in found:
        unmatched[normalise(item.text)].append(item)
    missed = []
    for want in expected:
        candidates = unmatched.get(normalise(want["text"]))
        if not candidates:
            missed.append(want)
            continue
        got = candidates.pop(0)
        items.matched += 1
        is_flagged = item_flagged(got)
        items.flagged_right += is_flagged
        for name in ("addressee", "timescale", "theme"):
            ok = _item_field(name, want.get(name)) == _item_field(name, getattr(got, name, None))
            getattr(items, name).add(ok, is_flagged)
            if not ok:
                score.differences.append(
                    f"item {_short(want['text'])}: {name} expected {want.get(name)!r}, got {getattr(got, name, None)!r}"
                )
    list_flagged = "recommendations" in flagged
    items.missed_flagged = len(missed) if list_flagged else 0
    extras = [item for group in unmatched.values() for item in group]
    items.extra_flagged = sum(1 for item in extras if item_flagged(item) or list_flagged)
    for want in missed:
        score.differences.append(f"missed{' (list flagged)' if list_flagged else ''}: {_short(want['text'], 150)}")
    for item in extras:
        mark = " (flagged)" if item_flagged(item) or list_flagged else ""
        score.differences.append(f"extra{mark}: {_short(item.text, 150)}")


def _item_field(name: str, value: str | None) -> str:
    """An item's field as compared: an addressee with or without "the" ("the local authority") is one body."""
    text = folded(value)
    return re.sub(r"^the ", "", text) if name == "addressee" else text


def _short(text: str, length: int = 60) -> str:
    text = normalise(text)
    return repr(text if len(text) <= length else f"{text[: length - 1]}…")


def expected_files(directories: Iterable[Path]) -> list[Path]:
    """Every expected file, once per document (the first directory given wins)."""
    chosen: dict[str, Path] = {}
    for directory in directories:
        for path in sorted(directory.rglob("*.json")):
            chosen.setdefault(str(path.relative_to(directory)), path)
    return [chosen[key] for key in sorted(chosen)]


def run(expected_dirs: list[Path], documents: Path) -> list[DocumentScore]:
    scores = []
    for path in expected_files(expected_dirs):
        expected = json.loads(path.read_text(encoding="utf-8"))
        document = documents / expected["document"]
        if not document.exists():
            print(f"skipped, document not found: {document}", file=sys.stderr)
            continue
        data = document.read_bytes()
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            result = import_document(data, document.name)
        except UnreadableDocument as refused:
            score = DocumentScore(expected["document"], expected.get("document_type") or "other", 0.0)
            score.refused = str(refused)
            scores.append(score)
            continue
        score = score_document(expected, result, time.perf_counter() - started)
        score.cpu_seconds = time.process_time() - cpu_started
        scores.append(score)
    return scores


def field_table(scores: list[DocumentScore]) -> list[str]:
    lines = [
        "| field | right | wrong | wrong, flagged | wrong, silent | right, flagged anyway | right % |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in FIELDS:
        tally = Tally()
        for score in scores:
            if name in score.fields:
                tally.add(*score.fields[name])
        lines.append(tally.row(name))
    judgements = Tally()
    items = Items()
    for score in scores:
        for part in ("right", "wrong", "wrong_flagged", "right_flagged"):
            setattr(judgements, part, getattr(judgements, part) + getattr(score.judgements, part))
        items.merge(score.items)
    lines.append(judgements.row("judgements (each row)"))
    for name in ("addressee", "timescale", "theme"):
        lines.append(getattr(items, name).row(f"items: {name} (matched items)"))
    return lines


def item_lines(scores: list[DocumentScore]) -> list[str]:
    items = Items()
    for score in scores:
        items.merge(score.items)
    precision = 100 * items.matched / items.found if items.found else 100.0
    recall = 100 * items.matched / items.expected if items.expected else 100.0
    extra, missed = items.found - items.matched, items.expected - items.matched
    return [
        f"Recommendation items: {items.expected} expected, {items.found} found, {items.matched} matched by text.",
        f"Precision {precision:.1f}% ({extra} found items not in the document, {items.extra_flagged} of them flagged);"
        f" recall {recall:.1f}% ({missed} missed, {items.missed_flagged} of them under a flagged list).",
        f"Documents with recommendations where any were found: {items.documents_with_items_found} of"
        f" {items.documents_with_items}. Matched items carrying a flag anyway: {items.flagged_right}.",
    ]


def type_table(scores: list[DocumentScore]) -> list[str]:
    lines = [
        "| document type | documents | fields right | fields wrong (silent) | judgements right / all"
        " | items precision | items recall | addressee right / matched | slowest, s of CPU |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    by_type: dict[str, list[DocumentScore]] = defaultdict(list)
    for score in scores:
        by_type[score.document_type].append(score)
    for document_type in sorted(by_type):
        group = by_type[document_type]
        fields = Counter()
        for score in group:
            for ok, flagged in score.fields.values():
                fields["right" if ok else "wrong"] += 1
                fields["silent"] += not ok and not flagged
        items = Items()
        for score in group:
            items.merge(score.items)
        judged = sum(s.judgements.right + s.judgements.wrong for s in group)
        precision = f"{100 * items.matched / items.found:.1f}%" if items.found else "–"
        recall = f"{100 * items.matched / items.expected:.1f}%" if items.expected else "–"
        addressed = items.addressee.right + items.addressee.wrong
        lines.append(
            f"| {document_type} | {len(group)} | {fields['right']} | {fields['wrong']} ({fields['silent']})"
            f" | {sum(s.judgements.right for s in group)} / {judged} | {precision} | {recall}"
            f" | {items.addressee.right} / {addressed} | {max(s.cpu_seconds for s in group):.2f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--expected", type=Path, action="append", help="expected files (default: tests/fixtures/expected)"
    )
    parser.add_argument("--documents", type=Path, default=FIXTURES, help="where the documents are (tests/fixtures)")
    parser.add_argument("--details", action="store_true", help="list every difference, document by document")
    args = parser.parse_args(argv)
    started, cpu_started = time.perf_counter(), time.process_time()
    scores = run(args.expected or [FIXTURES / "expected"], args.documents)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if not scores:
        print("No expected files with their documents found.")
        return 1
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{len(scores)} documents, {elapsed:.1f} s in all ({cpu:.1f} s of CPU; load average {load}).\n")
    print("\n".join(field_table(scores)))
    print()
    print("\n".join(item_lines(scores)))
    print()
    print("\n".join(type_table(scores)))
    # On a shared machine the wall clock counts the neighbours' work too: the limits are held to CPU time.
    slow = [score for score in scores if score.cpu_seconds >= DOCUMENT_SECONDS]
    slowest = max(scores, key=lambda score: score.cpu_seconds)
    print(
        f"\nSlowest document: {slowest.name}, {slowest.cpu_seconds:.2f} s of CPU ({slowest.seconds:.2f} s);"
        f" {len(slow)} took {DOCUMENT_SECONDS:.0f} s of CPU or more."
    )
    for score in scores:
        if score.refused:
            print(f"Refused: {score.name}: {score.refused}")
    if args.details:
        for score in scores:
            if score.differences:
                print(f"\n## {score.name} ({score.document_type}, {score.seconds:.2f} s)")
                print("\n".join(f"- {difference}" for difference in score.differences))
    return 1 if slow or cpu >= RUN_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
