"""Properties over generated and mutated pages (hypothesis): never crash with anything but
the tool's own error, every line in exactly one block, nothing invented (every value is in
the input), never half a value, every missing field explained by a warning, always inside
the record schema."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from precarious import NotAChapter, PrecariousError, extract
from precarious.blocks import detect, extract_page
from precarious.blocks.base import strip_bullet
from precarious.blocks.contents import merge_printings
from precarious.corpus import arranged, books_of
from precarious.corpus.keys import key_of
from precarious.corpus.run import Corpus, Store
from precarious.corpus.walk import Source, sources
from precarious.read import decode, page_from_text, read_page
from precarious.record import Entry, Record
from tests.conftest import FIXTURES, SEEDS
from tests.contract import assert_valid

PAGES = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] + [
    p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "pages").glob("*.txt"))
]
# How many examples: the profile decides (tests/conftest.py): few in `make test`, many in
# `make fuzz`.
FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_partition(text: str) -> None:
    page = page_from_text(text, "p")
    blocks = detect(page)
    covered = [n for b in blocks for n in range(b.start, b.end + 1)]
    assert covered == list(range(1, len(page.lines) + 1))
    for b in blocks:
        assert b.lines == page.lines[b.start - 1 : b.end]


@FAST
@given(st.binary(max_size=2000))
def test_any_bytes_raise_only_our_errors(data: bytes) -> None:
    with contextlib.suppress(PrecariousError):
        extract(decode(data, "fuzz.txt").text, name="fuzz")


@FAST
@given(st.text(max_size=2000))
def test_any_text_is_partitioned_and_raises_only_our_errors(text: str) -> None:
    assert_partition(text)
    with contextlib.suppress(PrecariousError):
        extract(text, name="fuzz")


lines_of_pages = st.sampled_from(PAGES).map(lambda t: t.splitlines())
# Site chrome as saved pages carry it, to be dropped anywhere into a page.
BOILERPLATE = [
    "Skip to main content Accessibility help",
    "×",
    "Hostname: page-component-7dd5485656-abcde Total loading time: 0 Render date: "
    "2025-01-26T14:26:49.021Z Has data issue: false hasContentIssue false",
    "Get access",
    "Access options",
    "Save PDF",
    "Cited by",
    "Share",
    "Log in",
    "We use cookies to distinguish you from other users.",
]
SPACES = [" ", "  ", "\t", "\xa0", "\u2009", " \u200b"]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A page with lines deleted, duplicated, swapped or added from the site chrome, spaces
    changed, and any line ending."""
    lines = list(draw(lines_of_pages))
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        j = draw(st.integers(0, max(len(lines) - 1, 0)))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "chrome", "spaces"]))
        if not lines:
            lines = [draw(st.sampled_from(BOILERPLATE))]
        elif op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(j, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "chrome":
            lines.insert(j, draw(st.sampled_from(BOILERPLATE)))
        else:
            lines[i] = lines[i].replace(" ", draw(st.sampled_from(SPACES)))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return newline.join(lines) + draw(st.sampled_from(["", newline]))


@FAST
@given(mutated())
def test_the_shortcut_through_the_rules_gives_the_kinds_the_rules_give(text: str) -> None:
    page = page_from_text(text, "p")
    with mock.patch("precarious.blocks._bulk", return_value=False):
        by_the_rules = detect(page)
    assert detect(page) == by_the_rules


@FAST
@given(mutated())
def test_mutated_pages(text: str) -> None:
    """Still a partition, no crash but the tool's own errors, and a record within the schema
    that states only what the text states and says why each required field is missing."""
    assert_partition(text)
    try:
        record = extract(text, name="m").to_dict()
    except NotAChapter:
        return
    assert_valid(record)
    assert_stated_in(record, text)
    assert_missing_is_explained(record)


def _normalized(text: str) -> list[str]:
    """The input's lines, whitespace normalized and list bullets ("- ") taken off."""
    return [strip_bullet(line) for line in page_from_text(text, "p").lines]


def assert_stated_in(record: dict[str, Any], text: str) -> None:
    """Every string value is in the input (after whitespace normalization, bullets off),
    within one line (a subtitle printed over several lines: across them). Numbers are
    printed in the input; computed values (page count, ISO date) are traceable to a line
    that holds their parts."""
    lines = _normalized(text)
    one, joined = "\n".join(lines), " ".join(lines)

    def stated(value: str | None, what: str) -> None:
        if value is not None:
            assert value in one or value in joined, (what, value)

    book = record["book"]
    for key in ("type", "title", "part", "doi", "captured_at"):
        stated(record[key], key)
    for key in ("title", "subtitle", "publisher"):
        stated(book[key], f"book.{key}")
    for part in (book["title_raw"] or "").split("\n"):
        stated(part or None, "book.title_raw")
    for author in record["authors"]:
        stated(author["name"], "author")
        for affiliation in (author["affiliation"] or "").split("; "):
            stated(affiliation or None, "affiliation")
    stated(record["summary"]["heading"], "summary.heading")
    for paragraph in record["summary"]["paragraphs"]:
        stated(paragraph, "summary paragraph")
    for entry in record["contents"]:
        stated(entry["title"], "contents entry")
        stated(None if entry["number"] is None else str(entry["number"]), "entry number")
    pages = record["pages"] or {}
    stated(pages.get("first"), "pages.first")
    stated(pages.get("last"), "pages.last")
    if pages.get("count") is not None:
        assert pages["first"] is not None
        assert pages["last"] is not None
    for number in (record["number"], book["print_year"]):
        stated(None if number is None else str(number), "number")
    if record["published_online"] is not None:  # "01 June 2011" → 2011-06-01
        year, *rest = (int(p) for p in record["published_online"].split("-"))
        numbers = [year, *rest[1:]]  # the month may be printed as a name
        assert any(
            "online" in line.casefold()
            and all(regex.search(rf"(?<!\d)0*{n}(?!\d)", line) for n in numbers)
            for line in lines
        ), record["published_online"]


# A required field left null, and the warnings that can explain it.
EXPLAINED = {
    "type": {"missing-type", "truncated-type"},
    "title": {"missing-heading", "truncated-title"},
    "published_online": {"missing-online-date", "truncated-online-date", "bad-date"},
    "summary": {"missing-summary", "truncated-summary"},
    "pages": {"missing-pages", "truncated-pages", "bad-pages"},
    "pages.last": {"truncated-pages", "bad-pages"},
    "book.title": {"missing-book-title", "truncated-book-title"},
    "book.publisher": {"missing-publisher", "truncated-publisher"},
    "book.print_year": {"missing-print-year", "truncated-print-year", "bad-year"},
}


def assert_missing_is_explained(record: dict[str, Any]) -> None:
    codes = {w["code"] for w in record["warnings"]}
    book, pages = record["book"], record["pages"]
    missing = {
        "type": record["type"] is None,
        "title": record["title"] is None and record["number"] is None,
        "published_online": record["published_online"] is None,
        "summary": not record["summary"]["paragraphs"],
        "pages": pages is None,
        "pages.last": pages is not None and pages["last"] is None,
        "book.title": book["title"] is None,
        "book.publisher": book["publisher"] is None,
        "book.print_year": book["print_year"] is None,
    }
    for field, is_missing in missing.items():
        if is_missing:
            assert codes & EXPLAINED[field], (field, sorted(codes))


def _scalars(record: dict[str, object]) -> dict[str, object]:
    book = record["book"]
    pages = record["pages"] or {}
    summary = record["summary"]
    assert isinstance(book, dict)
    assert isinstance(pages, dict)
    assert isinstance(summary, dict)
    return {
        "type": record["type"],
        "number": record["number"],
        "title": record["title"],
        "part": record["part"],
        "summary.heading": summary["heading"],
        "pages.first": pages.get("first"),
        "pages.last": pages.get("last"),
        "pages.count": pages.get("count"),
        "book.publisher": book["publisher"],
        "book.print_year": book["print_year"],
        "book.title": book["title"],
        "book.subtitle": book["subtitle"],
        "published_online": record["published_online"],
        "captured_at": record["captured_at"],
        "doi": record["doi"],
    }


@FAST
@given(st.sampled_from(PAGES), st.data())
def test_a_cut_off_page_never_has_half_a_value(full_text: str, data: st.DataObject) -> None:
    """Any prefix of a page: each scalar is null or equal to the full page's value."""
    cut = data.draw(st.integers(1, len(full_text)))
    full = extract(full_text, name="full").to_dict()
    try:
        prefix = extract(full_text[:cut], name="cut").to_dict()
    except PrecariousError:
        return
    assert_valid(prefix)
    assert_stated_in(prefix, full_text[:cut])
    assert_missing_is_explained(prefix)
    for key, value in _scalars(prefix).items():
        assert value is None or value == _scalars(full)[key], (key, full_text[:cut][-40:])
    paragraphs = prefix["summary"]["paragraphs"]
    whole = full["summary"]["paragraphs"]
    if paragraphs:
        assert paragraphs[:-1] == whole[: len(paragraphs) - 1]
        assert whole[len(paragraphs) - 1].startswith(paragraphs[-1])
        if paragraphs[-1] != whole[len(paragraphs) - 1]:
            assert any(w["code"] == "truncated-summary" for w in prefix["warnings"])


def test_regression_cut_inside_the_label_after_the_summary() -> None:
    """Found by the property above: a page cut to "T" of "Type" must not gain a paragraph."""
    text = (FIXTURES / "pages" / "authors_part.txt").read_text(encoding="utf-8")
    cut = text[: text.index("Type\nChapter") + 1]
    record = extract(cut, name="cut").to_dict()
    assert record["summary"]["paragraphs"] == extract(text).to_dict()["summary"]["paragraphs"]
    assert any(w["code"] == "truncated-summary" for w in record["warnings"])


# -- the corpus: grouping and placement never rewrite what a page states ---------------------

CORPUS_PAGES = [
    extract_page(read_page(s.path, s.id))
    for s in sources([FIXTURES / "corpus"])
    if isinstance(s, Source) and "misc/search" not in s.id
]


def stated(r: Record) -> tuple[object, ...]:
    return (r.number, r.title, r.pages, r.summary, r.contents, r.type, r.published_online)


@FAST
@given(st.lists(st.sampled_from(CORPUS_PAGES), unique_by=lambda r: r.id, min_size=1))
def test_books_never_rewrite_what_a_page_states(records: list[Record]) -> None:
    found = arranged(records)
    assert [r.id for r in found] == [r.id for r in records]
    for alone, r in zip(records, found, strict=True):
        assert_valid(r.to_dict())
        assert stated(r) == stated(alone)
        assert (r.book.publisher, r.book.print_year) == (
            alone.book.publisher,
            alone.book.print_year,
        )
        p = r.placement
        if p is not None and p.inferred_title is not None:
            assert r.title is None  # an inference lives in placement only
    books = books_of(map(key_of, records))
    in_books = [p.key.id for b in books for p in b.pages]
    assert len(in_books) == len(set(in_books))  # each page in one book at most
    by_id = {r.id: r for r in found}
    for book in books:
        for p in book.pages:
            assert by_id[p.key.id].book.id == book.id
            if p.splice.placement and p.splice.placement.entry is not None:
                assert 1 <= p.splice.placement.entry <= len(book.contents)
    assert {r.id for r in found if r.book.id is None} == {r.id for r in records} - set(in_books)


@FAST
@given(records=st.lists(st.sampled_from(CORPUS_PAGES), unique_by=lambda r: r.id, min_size=1))
def test_a_corpus_read_from_its_files_is_arranged_as_the_library_arranges(
    records: list[Record],
) -> None:
    # What `list` does (pass 1, the store spilling to a temporary file, grouping, pass 2)
    # only changes where the pages wait, never a decision.
    with tempfile.TemporaryDirectory() as scratch, mock.patch.object(Store, "IN_MEMORY", 4096):
        folder = Path(scratch)
        for r in records:
            (folder / f"{r.id.replace('/', '__')}.txt").write_bytes(Path(r.source).read_bytes())
        corpus = Corpus([folder])
        renamed = [extract_page(read_page(s.path, s.id)) for s in sources([folder])]
        assert [r.to_dict() for r in corpus.records()] == [
            r.to_dict()
            for r in arranged(renamed)  # type: ignore[arg-type]
        ]


@pytest.mark.parametrize("end", ["pp. 134 -", "pp. 134 - 1", "pp. 134 - 17", "pp. 13"])
def test_a_page_cut_inside_its_page_range_never_has_a_half_number(end: str) -> None:
    """The issue's example: cut after "pp. 134 -", pages.last is null, never "1"."""
    text = (SEEDS / "000_89d64f6c4c7f9a3b.txt").read_text(encoding="utf-8")
    record = extract(text[: text.index(end) + len(end)], name="cut").to_dict()
    assert record["pages"] is None or record["pages"]["last"] is None
    assert record["pages"] is None or record["pages"]["first"] in ("134", None)
    assert "truncated-pages" in {w["code"] for w in record["warnings"]}


@given(st.lists(st.builds(Entry, st.none() | st.integers(1, 3), st.sampled_from("abc"))))
def test_the_contents_printed_twice_are_merged_as_one_printing(entries: list[Entry]) -> None:
    # A printing starts at each repeat of the first entry; the first printing is kept and
    # each later one adds the entries not seen yet, in order.
    printings: list[list[Entry]] = []
    for e in entries:
        if not printings or e == entries[0]:
            printings.append([])
        printings[-1].append(e)
    expected = printings[0] if printings else []
    for printing in printings[1:]:
        for e in printing:
            if e not in expected:
                expected.append(e)
    assert merge_printings(list(entries)) == expected
