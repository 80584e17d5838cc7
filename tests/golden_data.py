"""What a golden file holds for one input: its block map and its record (or its error).

`make golden` rewrites the files from this; the diff is then read by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from precarious import extract_all
from precarious.blocks import detect
from precarious.reader import read_page

ROOT = Path(__file__).resolve().parent.parent
# input folder → golden folder; each folder is one corpus (pages lend each other evidence)
CORPORA = {
    ROOT / "seeds": ROOT / "tests" / "golden" / "seeds",
    ROOT / "tests" / "fixtures" / "pages": ROOT / "tests" / "golden" / "pages",
    ROOT / "tests" / "fixtures" / "other": ROOT / "tests" / "golden" / "other",
}


def expected(folder: Path) -> dict[str, dict[str, Any]]:
    """name → golden content for every .txt page of one corpus folder."""
    corpus = extract_all([folder])
    records = {r.id: r.to_dict() for r in corpus.records}
    errors = {Path(getattr(p, "path", "")).stem: str(p) for p in corpus.problems}
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.txt")):
        blocks = [f"{b.start}-{b.end} {b.kind}" for b in detect(read_page(path))]
        content: dict[str, Any] = {"blocks": blocks}
        if path.stem in records:
            record = records[path.stem]
            record["source"] = path.relative_to(ROOT).as_posix()
            content["record"] = record
        else:
            content["error"] = errors[path.stem].replace(
                str(path), path.relative_to(ROOT).as_posix()
            )
        out[path.stem] = content
    return out


def dump(content: dict[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, indent=2) + "\n"


def load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data
