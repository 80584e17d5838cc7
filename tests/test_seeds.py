"""The issue's table for the bundled seeds, field by field, written out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import SEEDS
from tests.pagemaker import Loaded

BOOK = {
    "title": "The Precarious Truce",
    "subtitle": "Anglo-Soviet Relations 1924\u201327",  # an en dash, as printed
    "publisher": "Cambridge University Press",
    "print_year": 1977,
}
EXPECTED: dict[str, dict[str, Any]] = {
    "000_89d64f6c4c7f9a3b": {
        "layout": "list",
        "number": 4,
        "title": "Russia and the general strike",
        "heading": "Signs of a thaw in the British policy",
        "paragraphs": 2,
        "pages": {"first": "134", "last": "179", "count": 46},
        "published_online": "2011-06-01",
        "captured_at": None,
        "contents": 14,
        "warnings": set(),
    },
    "002_84761bd352faf2a0": {
        "layout": "list",
        "number": None,
        "title": None,
        "heading": None,
        "paragraphs": 3,
        "pages": {"first": "ix", "last": "xiv", "count": 6},
        "published_online": None,
        "captured_at": None,
        "contents": 14,
        "warnings": {"missing-heading", "missing-online-date"},
    },
    "004_c3effe51be84b58d": {
        "layout": "page",
        "number": 6,
        "title": "The rupture of Anglo-Soviet relations",
        "heading": "The British note: prelude to the breach",
        "paragraphs": 2,
        "pages": {"first": "211", "last": "256", "count": 46},
        "published_online": "2011-06-01",
        "captured_at": "2025-01-26T14:26:49.021Z",
        "contents": 0,
        "warnings": set(),
    },
}


@pytest.fixture(scope="module")
def records() -> dict[str, dict[str, Any]]:
    corpus = Loaded(SEEDS)
    assert corpus.problems == []
    return {r.id: r.to_dict() for r in corpus.records}


@pytest.mark.parametrize("rid", sorted(EXPECTED))
def test_seed_fields(records: dict[str, dict[str, Any]], rid: str) -> None:
    want, got = EXPECTED[rid], records[rid]
    assert got["id"] == rid
    assert got["source"].endswith(f"{rid}.txt")
    assert got["layout"] == want["layout"]
    assert got["type"] == "Chapter"
    assert got["number"] == want["number"]
    assert got["title"] == want["title"]
    assert got["authors"] == []
    assert got["summary"]["heading"] == want["heading"]
    assert len(got["summary"]["paragraphs"]) == want["paragraphs"]
    assert got["pages"] == want["pages"]
    assert {k: got["book"][k] for k in BOOK} == BOOK
    assert got["published_online"] == want["published_online"]
    assert got["captured_at"] == want["captured_at"]
    assert len(got["contents"]) == want["contents"]
    assert {w["code"] for w in got["warnings"]} == want["warnings"]


def test_contents_of_the_list_layout(records: dict[str, dict[str, Any]]) -> None:
    for rid in ("000_89d64f6c4c7f9a3b", "002_84761bd352faf2a0"):
        contents = records[rid]["contents"]
        assert contents[0] == {"number": None, "title": "Frontmatter"}
        assert contents[-1] == {"number": None, "title": "Index"}
        assert {"number": 4, "title": "Russia and the general strike"} in contents
        assert [e["number"] for e in contents if e["number"]] == [1, 2, 3, 4, 5, 6]


def test_preface_warnings_say_what_is_missing(records: dict[str, dict[str, Any]]) -> None:
    messages = " ".join(w["message"] for w in records["002_84761bd352faf2a0"]["warnings"])
    assert "chapter heading" in messages
    assert "Published online" in messages


def test_glued_title_split_from_the_page_layout(records: dict[str, dict[str, Any]]) -> None:
    book = records["000_89d64f6c4c7f9a3b"]["book"]
    assert book["title_raw"] == "The Precarious TruceAnglo-Soviet Relations 1924\u201327"
    assert book["title_split"] == {"method": "corpus", "source": "004_c3effe51be84b58d"}
    assert records["004_c3effe51be84b58d"]["book"]["title_split"]["method"] == "lines"


def test_every_key_always_present(records: dict[str, dict[str, Any]]) -> None:
    keys = {
        "id", "source", "layout", "type", "number", "title", "authors", "summary",
        "pages", "book", "published_online", "captured_at", "contents", "warnings",
    }  # fmt: skip
    for record in records.values():
        assert keys <= set(record)
        assert "" not in record.values()
