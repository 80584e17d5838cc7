"""Every input has a golden file, reviewed by hand; the records must match it exactly.
So must the JSON of the corpus commands (books, toc, check) on the seeds and on the
multi-book fixture corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden_data import (
    CORPORA,
    VIEWS,
    VIEWS_DIR,
    dump,
    expected,
    golden_name,
    load,
    sources,
    view_content,
)

CASES = [
    (folder, golden, golden_name(s.id))
    for folder, golden in CORPORA.items()
    for s in sources(folder)
]


@pytest.mark.parametrize(("folder", "golden", "name"), CASES, ids=[c[2] for c in CASES])
def test_matches_golden(folder: Path, golden: Path, name: str) -> None:
    path = golden / f"{name}.json"
    assert path.exists(), f"no golden file for {name}: run `make golden` and review it"
    assert dump(expected(folder)[name]) == dump(load(path))


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_matches_golden(name: str) -> None:
    path = VIEWS_DIR / f"{name}.json"
    assert path.exists(), f"no golden file for {name}: run `make golden` and review it"
    assert dump(view_content(name)) == dump(load(path))


def test_no_orphan_goldens() -> None:
    for folder, golden in CORPORA.items():
        inputs = {golden_name(s.id) for s in sources(folder)}
        assert {p.stem for p in golden.glob("*.json")} <= inputs
    assert {p.stem for p in VIEWS_DIR.glob("*.json")} <= set(VIEWS)


def test_every_corpus_has_inputs() -> None:
    assert all(len(sources(folder)) >= 3 for folder in CORPORA)
