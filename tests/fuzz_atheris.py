"""Coverage-guided fuzzing of the core with atheris (libFuzzer), run by `make fuzz`.

Any exception that is not the tool's own error is a crash: libFuzzer saves the input under
.fuzz/crashes/, and it becomes a regression test by copying it into tests/fixtures/crashes/.
"""

from __future__ import annotations

import json
import sys

import atheris

with atheris.instrument_imports():
    from precarious.blocks import detect, extract_page
    from precarious.errors import PrecariousError
    from precarious.read import decode, page_from_text
    from precarious.views.export import bibtex_fields, csl_items, ris_record


def one_input(data: bytes) -> None:
    try:
        text = decode(data, "fuzz.txt").text
    except PrecariousError:
        return
    page = page_from_text(text, "fuzz")
    blocks = detect(page)
    covered = [n for b in blocks for n in range(b.start, b.end + 1)]
    if covered != list(range(1, len(page.lines) + 1)):
        raise AssertionError("a line is in no block, or in two")
    try:
        record = extract_page(page, blocks)
    except PrecariousError:
        return
    json.dumps(record.to_dict(), ensure_ascii=False).encode("utf-8")
    for item in csl_items([record]):
        bibtex_fields(item)
        ris_record(item)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
