"""The library's Dask example (docs/library.md), run as written with Dask's processes,
gives the books `precarious books --json` gives."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dask
from click.testing import CliRunner

from precarious.cli import cli
from tests.conftest import FIXTURES, ROOT, SEEDS


def example() -> str:
    text = (ROOT / "docs" / "library.md").read_text(encoding="utf-8")
    block = text.split("<!-- dask-example -->\n```python\n", 1)[1]
    return block.split("```", 1)[0]


def run_example(corpus: Path, workdir: Path) -> list[dict[str, object]]:
    code = example().replace('CORPUS = "saved/"', f"CORPUS = {str(corpus)!r}")
    assert str(corpus) in code
    here = Path.cwd()
    os.chdir(workdir)
    try:
        with dask.config.set(scheduler="processes", num_workers=2):
            exec(compile(code, "docs/library.md", "exec"), {})
    finally:
        os.chdir(here)
    found: list[dict[str, object]] = json.loads((workdir / "books.json").read_text())
    return found


def test_the_dask_example_gives_what_books_gives(tmp_path: Path) -> None:
    for corpus in (SEEDS, FIXTURES / "corpus"):
        listed = CliRunner().invoke(cli, ["books", "--json", str(corpus)]).stdout
        assert run_example(corpus, tmp_path) == json.loads(listed)
        assert listed.count('"id"') >= 1
