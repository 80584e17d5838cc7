"""Inputs the fuzzers and properties once broke on, kept as tests: each file in
tests/fixtures/crashes/ must pass every property of a page."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from precarious import NotAChapter, UnreadableFile, extract
from precarious.read import decode
from precarious.views.export import bibtex_fields, csl_items, ris_record
from tests.conftest import FIXTURES
from tests.contract import assert_valid
from tests.test_properties import assert_missing_is_explained, assert_partition, assert_stated_in

CRASHES = sorted((FIXTURES / "crashes").glob("*"))


def test_there_are_regressions_to_run() -> None:
    assert CRASHES


@pytest.mark.parametrize("path", CRASHES, ids=lambda p: p.name)
def test_a_former_crash(path: Path) -> None:
    try:
        text = decode(path.read_bytes(), path.name).text
    except UnreadableFile:
        return  # refused with the tool's own error: that is the expected outcome
    assert_partition(text)
    with contextlib.suppress(NotAChapter):
        record = extract(text, name=path.stem).to_dict()
        assert_valid(record)
        assert_stated_in(record, text)
        assert_missing_is_explained(record)


def test_a_former_crash_exports(tmp_path: Path) -> None:
    """The fuzzer's inputs also go through every export (one crashed in RIS)."""

    for path in CRASHES:
        try:
            text = decode(path.read_bytes(), path.name).text
            record = extract(text, name=path.stem)
        except (UnreadableFile, NotAChapter):
            continue
        for item in csl_items([record]):
            assert ris_record(item)["type_of_reference"] == "CHAP"
            assert bibtex_fields(item) is not None
