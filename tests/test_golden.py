"""Every input has a golden file, reviewed by hand; the records must match it exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden_data import CORPORA, dump, expected, load

CASES = [
    (folder, golden, path.stem)
    for folder, golden in CORPORA.items()
    for path in sorted(folder.glob("*.txt"))
]


@pytest.mark.parametrize(("folder", "golden", "name"), CASES, ids=[c[2] for c in CASES])
def test_matches_golden(folder: Path, golden: Path, name: str) -> None:
    path = golden / f"{name}.json"
    assert path.exists(), f"no golden file for {name}: run `make golden` and review it"
    assert dump(expected(folder)[name]) == dump(load(path))


def test_no_orphan_goldens() -> None:
    for folder, golden in CORPORA.items():
        inputs = {p.stem for p in folder.glob("*.txt")}
        assert {p.stem for p in golden.glob("*.json")} <= inputs


def test_every_corpus_has_inputs() -> None:
    assert all(len(list(folder.glob("*.txt"))) >= 3 for folder in CORPORA)
