"""Check records against the truth file the generator writes beside its pages."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def load_truth(corpus: Path) -> dict[str, dict[str, Any]]:
    lines = (corpus / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


def stated(record: dict[str, Any]) -> dict[str, Any]:
    """The fields of a record the truth file describes, in its terms."""
    book, pages = record["book"], record["pages"]
    return {
        "number": record["number"],
        "title": record["title"],
        "pages": None if pages is None else [pages["first"], pages["last"]],
        "book": ": ".join(x for x in (book["title"], book["subtitle"]) if x) or None,
        "publisher": book["publisher"],
        "print_year": book["print_year"],
        "published_online": record["published_online"],
        "paragraphs": len(record["summary"]["paragraphs"]),
    }


def mismatches(truth: dict[str, dict[str, Any]], records: Iterable[dict[str, Any]]) -> list[str]:
    """Every way the records differ from the truth. A whole page must match it exactly; a
    page cut off mid-download may leave a field null (a range without its end, fewer
    paragraphs, a book title without its cut subtitle), never state another value, and may
    yield no record at all."""
    found = {r["id"]: r for r in records}
    problems = []
    for page_id, want in truth.items():
        record = found.get(page_id)
        if record is None:
            if not want["cut"]:
                problems.append(f"{page_id}: no record")
            continue
        for key, value in stated(record).items():
            expected = want[key]
            if value == expected or (want["cut"] and _partial(key, value, expected)):
                continue
            problems.append(f"{page_id}: {key} is {value!r}, the page states {expected!r}")
    return problems


def _partial(key: str, value: Any, expected: Any) -> bool:
    if value is None:
        return True
    if key == "paragraphs":
        return bool(value <= expected)
    if key == "pages":
        return bool(value[0] == expected[0] and value[1] is None)
    if key == "book":  # the title stated whole, its subtitle cut and left null
        return bool(expected.startswith(f"{value}: "))
    return False
