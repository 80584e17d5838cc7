"""What the golden files hold: per input, its block map and its record (or its error); per
corpus, the JSON of the corpus commands (books, toc, check).

`make golden` rewrites the files from this; the diff is then read by hand.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from precarious.blocks import detect
from precarious.cli import main
from precarious.corpus.run import Corpus
from precarious.corpus.walk import Source
from precarious.corpus.walk import sources as walk
from precarious.read import read_page

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
# input folder → golden folder; each folder is one corpus (pages lend each other evidence)
CORPORA = {
    ROOT / "seeds": GOLDEN / "seeds",
    ROOT / "tests" / "fixtures" / "pages": GOLDEN / "pages",
    ROOT / "tests" / "fixtures" / "other": GOLDEN / "other",
    ROOT / "tests" / "fixtures" / "corpus": GOLDEN / "corpus",
    ROOT / "tests" / "fixtures" / "other-books": GOLDEN / "other-books",
}
# golden file of a corpus command → its arguments (run from the project root)
VIEWS = {
    "seeds.books": ["books", "--json", "seeds"],
    "seeds.toc": ["toc", "--json", "--corpus", "seeds"],
    "seeds.check": ["check", "--json", "seeds"],
    "corpus.books": ["books", "--json", "tests/fixtures/corpus"],
    "corpus.toc-harbours": ["toc", "harbours", "--json", "--corpus", "tests/fixtures/corpus"],
    "corpus.toc-truce": ["toc", "truce", "--json", "--corpus", "tests/fixtures/corpus"],
    "corpus.check": ["check", "--json", "tests/fixtures/corpus"],
}
VIEWS_DIR = GOLDEN / "views"


def golden_name(page_id: str) -> str:
    """The golden file of a page: its id, with folders joined by '__'."""
    return page_id.replace("/", "__")


def sources(folder: Path) -> list[Source]:
    return [s for s in walk([folder]) if isinstance(s, Source)]


def expected(folder: Path) -> dict[str, dict[str, Any]]:
    """golden name → golden content for every .txt page of one corpus folder."""
    corpus = Corpus([folder])
    records = {r.id: r.to_dict() for r in corpus.records()}
    errors = {str(getattr(p, "path", "")): str(p) for p in corpus.problems}
    out: dict[str, dict[str, Any]] = {}
    for source in sources(folder):
        shown = source.path.relative_to(ROOT).as_posix()
        blocks = [f"{b.start}-{b.end} {b.kind}" for b in detect(read_page(source.path))]
        content: dict[str, Any] = {"blocks": blocks}
        if source.id in records:
            record = records[source.id]
            record["source"] = shown
            content["record"] = record
        else:
            content["error"] = errors[str(source.path)].replace(str(source.path), shown)
        out[golden_name(source.id)] = content
    return out


@contextlib.contextmanager
def _at_root() -> Iterator[None]:
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(here)


def view(name: str) -> tuple[int, Any]:
    """The exit code and the parsed JSON output of one corpus command."""
    out = io.StringIO()
    with _at_root(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(VIEWS[name])
    return code, json.loads(out.getvalue())


def view_content(name: str) -> dict[str, Any]:
    code, output = view(name)
    return {"args": VIEWS[name], "exit_code": code, "output": output}


def dump(content: dict[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, indent=2) + "\n"


def load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data
