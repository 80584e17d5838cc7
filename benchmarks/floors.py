"""The floors the tool is measured against: a loop that only reads every page, and a naive
extractor of three fields (chapter heading, page range, print year) with plain regexes.
A third floor is not a program but a part of the tool's own work: writing its records as
JSON Lines, timed alone (it prints the median seconds of three passes).

    python benchmarks/floors.py read CORPUS
    python benchmarks/floors.py naive CORPUS > records.jsonl
    python benchmarks/floors.py encode RECORDS.jsonl
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time

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


def encode(records: str) -> None:
    """Seconds json.dumps takes to write these records as `list --jsonl` writes them: what
    the output alone costs, before anything is read or parsed."""
    with open(records, encoding="utf-8") as f:
        items = [json.loads(line) for line in f]
    times = []
    for _ in range(3):
        start = time.perf_counter()
        for item in items:
            json.dumps(item, ensure_ascii=False)
        times.append(time.perf_counter() - start)
    print(statistics.median(times))


if __name__ == "__main__":
    {"read": read, "naive": naive, "encode": encode}[sys.argv[1]](sys.argv[2])
