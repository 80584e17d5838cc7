"""The floors the tool is measured against: a loop that only reads every page, and a naive
extractor of three fields (chapter heading, page range, print year) with plain regexes.

    python benchmarks/floors.py read CORPUS
    python benchmarks/floors.py naive CORPUS > records.jsonl
"""

from __future__ import annotations

import json
import os
import re
import sys

HEADING = re.compile(r"^(\d+) - (.+)$", re.MULTILINE)
PAGES = re.compile(r"pp\. (\w+) - (\w+)")
YEAR = re.compile(r"Print publication year: (\d{4})")


def pages(top: str) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(top):
        dirs.sort()
        found += [os.path.join(folder, f) for f in sorted(files) if f.endswith(".txt")]
    return found


def read(top: str) -> None:
    total = 0
    for path in pages(top):
        with open(path, "rb") as f:
            total += len(f.read())
    print(total)


def naive(top: str) -> None:
    out = sys.stdout
    for path in pages(top):
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        heading, span, year = HEADING.search(text), PAGES.search(text), YEAR.search(text)
        record = {
            "id": path,
            "number": int(heading[1]) if heading else None,
            "title": heading[2] if heading else None,
            "pages": [span[1], span[2]] if span else None,
            "print_year": int(year[1]) if year else None,
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    {"read": read, "naive": naive}[sys.argv[1]](sys.argv[2])
