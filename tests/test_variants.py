"""Pages however they were saved: every fixture page as each saving tool leaves it
(tests/variants.py) gives the record of the original, less what the tool removed, and never
a value the original lacks or one made of markup."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.variants import (
    FIELDS,
    KINDS,
    Original,
    Variant,
    originals,
    record_of,
    scores,
    table,
    wrap_kind,
)

ORIGINALS = originals()
SCORES = scores()
# Two summaries of list-layout pages (whose paragraphs no blank line parts) under a wrap that
# hyphenates: the last line of a paragraph is as full as a cut line, so the next paragraph
# joins it. The page cannot tell the two apart; docs/reading.md says so.
HYPHENATED = "wrapped at 66 with hyphenation"
PARAGRAPHS_JOINED = {
    (HYPHENATED, "seeds/002_84761bd352faf2a0.txt", "summary"),
    (HYPHENATED, "tests/fixtures/corpus/harbours/2024/ch2-list.txt", "summary"),
}


def test_the_suite_covers_layouts_books_and_kinds() -> None:
    assert len(ORIGINALS) >= 25
    assert len({o.label["book_title"] for o in ORIGINALS}) >= 8
    assert len(KINDS) >= 20


def test_the_docs_give_the_suites_own_figures() -> None:
    assert table(SCORES) in (ROOT / "docs" / "reading.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_reads_98_percent_of_the_fields(kind: str) -> None:
    score = SCORES[kind]
    assert score.pages >= 8
    assert score.accuracy >= 0.98, score.missed + score.wrong


@pytest.mark.parametrize("kind", KINDS)
def test_no_kind_invents_drops_or_gets_a_value_wrong(kind: str) -> None:
    score = SCORES[kind]
    assert score.invented == []
    assert score.dropped == []
    assert {(kind, page, f) for page, f, _ in score.wrong} <= PARAGRAPHS_JOINED


# -- any way of saving, and any encoding after it -----------------------------------------

LAYOUTS = [
    "markdown clipper",
    "html2text (markdown, wrapped at 78)",
    "reader view (blank line between lines, no site chrome)",
    "notes app paste (tabs, bullets, NBSP)",
    "lynx -dump (indented, '*' bullets, wrapped at 76)",
    "capture cut mid-summary",
    "selection starting at 'Summary'",
]
ENCODINGS = [
    "UTF-8 with BOM",
    "UTF-16 (Notepad 'Unicode')",
    "Windows-1252 (Notepad 'ANSI')",
    "mojibake (UTF-8 read as Windows-1252)",
    "HTML character references",
    "CRLF line ends",
]
# Markup, a link's target or a list's bullet inside a value: never a value of the page.
MARKUP = re.compile(
    r"\]\(|https?://(?!doi\.org/)|\*\*|^#{1,6} |\\[-.*_#\[\]()]|&#?\w+;|^[*+•] |^- |\s{2}"
)


def _values(record: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for value in record.values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            out += [x for x in (item if isinstance(item, tuple) else (item,)) if isinstance(x, str)]
    return out


@settings(deadline=None)
@given(
    original=st.sampled_from(ORIGINALS),
    layout=st.sampled_from([*LAYOUTS, "terminal wrap"]),
    width=st.integers(60, 100),
    encoding=st.sampled_from(ENCODINGS),
)
def test_saved_any_way_then_encoded_any_way(
    original: Original, layout: str, width: int, encoding: str
) -> None:
    """The record of a page saved one way and encoded another: each field the two keep is
    the original's (a list-layout summary may move a paragraph's end under a wrap, not a
    word), no field the original lacks, no value made of markup."""
    make = wrap_kind(width) if layout == "terminal wrap" else KINDS[layout]
    made = make(original)
    if made is None:
        return
    text, label = made
    assert isinstance(text, str)
    encoded = KINDS[encoding](dataclasses.replace(original, text=text, label=label))
    if encoded is None:  # nothing to encode: an ASCII page has no mojibake
        return
    data, label = encoded
    if isinstance(data, str):
        data = data.encode()
    got = record_of(Variant(encoding, original.name, data, label))
    assert got is not None, "dropped"
    for name in FIELDS:
        want, have = label[name], got[name]
        if want is None:
            assert have is None, (name, have)
        elif name == "summary" and "wrap" in layout:
            assert " ".join(have) == " ".join(want)
        else:
            assert have == want, name
    assert [v for v in _values(got) if MARKUP.search(v)] == []
