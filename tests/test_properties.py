"""Properties over generated and mutated pages (hypothesis): never crash with anything but
the tool's own error, every line in exactly one block, never half a value, always
inside the record schema."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from precarious import NotAChapter, PrecariousError, extract
from precarious.blocks import detect
from precarious.books import arrange
from precarious.reader import Source, decode, page_from_text, page_paths, read_page
from precarious.records import Record, extract_page
from tests.conftest import FIXTURES, SEEDS
from tests.contract import assert_valid

PAGES = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] + [
    p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "pages").glob("*.txt"))
]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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
        extract(decode(data, "fuzz.txt"), name="fuzz")


@FAST
@given(st.text(max_size=2000))
def test_any_text_is_partitioned_and_raises_only_our_errors(text: str) -> None:
    assert_partition(text)
    with contextlib.suppress(PrecariousError):
        extract(text, name="fuzz")


lines_of_pages = st.sampled_from(PAGES).map(lambda t: t.splitlines())


@FAST
@given(lines_of_pages, st.data())
def test_mutated_pages(lines: list[str], data: st.DataObject) -> None:
    """Delete, duplicate and swap lines, change line ends: still a partition, no crash."""
    lines = list(lines)
    for _ in range(data.draw(st.integers(0, 4))):
        if not lines:
            break
        i = data.draw(st.integers(0, len(lines) - 1))
        j = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["delete", "duplicate", "swap", "nbsp"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(j, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines[i] = lines[i].replace(" ", "\xa0")
    newline = data.draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(lines)
    assert_partition(text)
    with contextlib.suppress(NotAChapter):
        assert_valid(extract(text, name="m").to_dict())


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
    for s in page_paths([FIXTURES / "corpus"])
    if isinstance(s, Source) and "misc/search" not in s.id
]


def stated(r: Record) -> tuple[object, ...]:
    return (r.number, r.title, r.pages, r.summary, r.contents, r.type, r.published_online)


@FAST
@given(st.lists(st.sampled_from(CORPUS_PAGES), unique_by=lambda r: r.id, min_size=1))
def test_books_never_rewrite_what_a_page_states(records: list[Record]) -> None:
    shelf = arrange(records)
    assert [r.id for r in shelf.records] == [r.id for r in records]
    for alone, r in zip(records, shelf.records, strict=True):
        assert_valid(r.to_dict())
        assert stated(r) == stated(alone)
        assert (r.book.publisher, r.book.print_year) == (
            alone.book.publisher,
            alone.book.print_year,
        )
        p = r.placement
        if p is not None and p.inferred_title is not None:
            assert r.title is None  # an inference lives in placement only
    in_books = [r.id for b in shelf.books for r in b.records]
    loose = [rid for rid, _ in shelf.loose]
    assert sorted(in_books + loose) == sorted(r.id for r in records)  # each page once
    for book in shelf.books:
        for r in book.records:
            assert r.book.id == book.id
            if r.placement and r.placement.entry is not None:
                assert 1 <= r.placement.entry <= len(book.contents)
