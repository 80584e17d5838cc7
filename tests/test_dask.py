"""The README's Dask example, run as written (on the bundled seeds, with Dask's local
scheduler), gives the same bytes as `precarious list --jsonl`."""

from __future__ import annotations

import os
from pathlib import Path

import dask
from click.testing import CliRunner

from precarious.cli import cli
from tests.conftest import FIXTURES, ROOT, SEEDS


def example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- dask-example -->\n```python\n", 1)[1]
    return block.split("```", 1)[0]


def run_example(corpus: Path, workdir: Path) -> str:
    code = example().replace('CORPUS = "saved/"', f"CORPUS = {str(corpus)!r}")
    assert str(corpus) in code
    here = Path.cwd()
    os.chdir(workdir)
    try:
        with dask.config.set(scheduler="processes", num_workers=2):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(here)
    return (workdir / "records.jsonl").read_text(encoding="utf-8")


def test_the_dask_example_gives_what_list_gives(tmp_path: Path) -> None:
    for corpus in (SEEDS, FIXTURES / "corpus"):
        listed = CliRunner().invoke(cli, ["list", "--jsonl", str(corpus)]).stdout
        assert run_example(corpus, tmp_path) == listed
        assert listed.count("\n") >= 3
