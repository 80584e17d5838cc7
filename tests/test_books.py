"""Books: grouping pages by their evidence, book facts, and placing pages in the contents."""

from __future__ import annotations

from pathlib import Path

import pytest

from precarious.corpus.books import BookPage, toc
from precarious.corpus.lookup import (
    NAMED,
    BookFacts,
    Shelf,
    Stale,
    choose_book,
    find_book,
    listing,
    open_shelf,
    pick,
)
from precarious.corpus.run import Corpus
from precarious.errors import Ambiguous, NotFound
from precarious.record import Record
from tests.conftest import SEEDS
from tests.pagemaker import ALPHA, corpus, page


def by_id(records: list[Record]) -> dict[str, Record]:
    return {r.id: r for r in records}


def ids(pages: list[BookPage] | tuple[BookPage, ...]) -> list[str]:
    return [p.key.id for p in pages]


def test_pages_of_one_book_share_its_facts(tmp_path: Path) -> None:
    c = corpus(tmp_path, {"a": page(), "b": page("2 - Two", "21 - 40")})
    (book,) = c.books
    assert (book.id, book.title, book.subtitle, book.print_year) == (
        "alpha-book-2000",
        "Alpha Book",
        None,
        2000,
    )
    assert [r.book.id for r in c.records] == ["alpha-book-2000"] * 2
    assert [r.placement.entry for r in c.records if r.placement] == [6, 7]


def test_a_page_printing_the_split_fixes_every_glued_title(tmp_path: Path) -> None:
    glued = page(book="Alpha BookA Study of Things")
    split = (
        "2 - Two\nPublished online by Cambridge University Press: 01 June 2011\n\nSummary\n\n"
        "A paragraph.\n\nType\nChapter\nInformation\nAlpha Book\nA Study of Things\n"
        ", pp. 21 - 40\nPublisher: Cambridge University Press\nPrint publication year: 2000\n"
    )
    c = corpus(tmp_path, {"a": glued, "b": split})
    record = by_id(c.records)["a"]
    assert (record.book.title, record.book.subtitle) == ("Alpha Book", "A Study of Things")
    assert (record.book.split_method, record.book.split_source) == ("corpus", "b")
    assert not [w for w in record.warnings if w.code.startswith("title-")]


def test_same_title_other_year_is_another_book(tmp_path: Path) -> None:
    c = corpus(tmp_path, {"a": page(), "b": page(year="2010"), "c": page(year=None)})
    assert [b.id for b in c.books] == ["alpha-book-2000", "alpha-book-2010"]
    assert by_id(c.records)["c"].book.id is None
    assert c.loose == (("c", "its book title matches 2 books (2000, 2010) and it states no year"),)


def test_a_page_without_book_fields_joins_by_contents(tmp_path: Path) -> None:
    c = corpus(tmp_path, {"a": page(), "0cut": page("2 - Two", book=None, pages=None)})
    cut = by_id(c.records)["0cut"]
    assert ids(c.books[0].pages) == ["0cut", "a"]  # corpus order
    assert cut.book.title is None  # the page does not state it: nothing is copied in
    assert (cut.book.id, cut.book.joined_by, cut.book.joined_source) == (
        "alpha-book-2000",
        "contents",
        "a",
    )


def test_a_page_without_book_fields_joins_by_its_heading(tmp_path: Path) -> None:
    c = corpus(tmp_path, {"a": page(), "cut": page("2 - Two", contents=[], book=None)})
    cut = by_id(c.records)["cut"]
    assert (cut.book.id, cut.book.joined_by) == ("alpha-book-2000", "chapter title")


def test_a_heading_in_two_books_joins_neither(tmp_path: Path) -> None:
    other = page(book="Beta BookOther Things", contents=["1 One", "2 Two"])
    c = corpus(tmp_path, {"a": page(), "b": other, "cut": page("2 - Two", contents=[], book=None)})
    assert by_id(c.records)["cut"].book.id is None
    assert dict(c.loose)["cut"] == "its heading matches the contents of 2 books"


def test_untitled_page_between_placed_neighbours_is_inferred(tmp_path: Path) -> None:
    c = corpus(
        tmp_path,
        {
            "pref": page("Preface", "ix - x"),
            "ack": page(None, "xi - xii"),
            "intro": page("Introduction", "1 - 10"),
        },
    )
    ack = by_id(c.records)["ack"]
    assert ack.title is None  # an inference never becomes the title
    assert ack.placement is not None
    assert (ack.placement.entry, ack.placement.by, ack.placement.inferred_title) == (
        4,
        "order",
        "Acknowledgements",
    )
    assert ack.placement.evidence == (
        "pages xi–xii come after 'Preface' (ix–x, pref) and before 'Introduction' (1–10, intro); "
        "roman page numbers are front matter, not a numbered chapter: only 'Acknowledgements' fits"
    )
    entries, unplaced = toc(c.books[0])
    assert [t.status for t in entries] == [
        "missing",
        "missing",
        "present",
        "inferred",
        "present",
        "missing",
        "missing",
    ]
    assert unplaced == []


def test_untitled_page_with_several_candidates_stays_unplaced(tmp_path: Path) -> None:
    c = corpus(tmp_path, {"ack": page(None, "xi - xii"), "intro": page("Introduction", "1 - 10")})
    ack = by_id(c.records)["ack"]
    assert ack.placement is not None
    assert ack.placement.entry is None
    assert ack.placement.inferred_title is None
    assert [e.title for _, e in ack.placement.candidates] == ALPHA[:4]
    assert ids(toc(c.books[0])[1]) == [ack.id]


def test_an_arabic_untitled_page_may_be_a_numbered_chapter(tmp_path: Path) -> None:
    c = corpus(tmp_path, {"one": page("1 - One", "1 - 20"), "x": page(None, "21 - 40")})
    x = by_id(c.records)["x"]
    assert x.placement is not None
    assert (x.placement.entry, x.placement.inferred_title) == (7, "Two")
    assert x.number is None
    assert x.title is None


def test_untitled_page_with_the_pages_of_a_placed_page_is_that_page(tmp_path: Path) -> None:
    c = corpus(tmp_path, {"one": page(), "again": page(None)})
    again = by_id(c.records)["again"]
    assert again.placement is not None
    assert (again.placement.entry, again.placement.by) == (6, "pages")


def test_two_untitled_pages_cannot_both_be_the_one_entry_left(tmp_path: Path) -> None:
    c = corpus(
        tmp_path,
        {
            "pref": page("Preface", "ix - x"),
            "p": page(None, "xi - xi"),
            "q": page(None, "xii - xii"),
            "intro": page("Introduction", "1 - 10"),
        },
    )
    for name in ("p", "q"):
        placement = by_id(c.records)[name].placement
        assert placement is not None
        assert placement.entry is None
        assert placement.evidence.endswith("but another untitled page fits it too")


def test_a_book_without_contents_places_nothing(tmp_path: Path) -> None:
    c = corpus(tmp_path, {"a": page(contents=[]), "b": page("2 - Two", contents=[])})
    assert [r.placement for r in c.records] == [None, None]
    entries, unplaced = toc(c.books[0])
    assert (entries, ids(unplaced)) == ([], [r.id for r in c.records])


def test_find_book(tmp_path: Path) -> None:
    other = page(book="Beta BookOther Things", year="2000")
    c = corpus(tmp_path, {"a": page(), "b": other, "c": page(year="2010")})
    assert find_book(c.books, "beta-book-2000").id == "beta-book-2000"
    assert find_book(c.books, "beta").id == "beta-book-2000"
    assert find_book(c.books, "ALPHA 2010").id == "alpha-book-2010"
    with pytest.raises(Ambiguous, match="'alpha' matches 2 books by id prefix"):
        find_book(c.books, "alpha")
    with pytest.raises(NotFound, match="no book matches 'gamma'"):
        find_book(c.books, "gamma")


def test_a_key_matching_many_pages_names_a_few_and_counts_the_rest(tmp_path: Path) -> None:
    pages = {f"p{i:02}": page(book=f"Book {i:02}", year=str(2000 + i)) for i in range(NAMED + 3)}
    c = corpus(tmp_path, pages)
    with pytest.raises(Ambiguous) as caught:
        c.shelf().find("1")
    message = str(caught.value)
    assert message.startswith(f"'1' matches {NAMED + 3} pages by chapter number: 1 One (p00, ")
    assert "(p09, in book-09-2009); and 3 more; name the book with --book" in message
    assert "p10" not in message
    assert caught.value.candidates[-1] == "1 One (p12, in book-12-2012)"  # every one kept
    assert len(caught.value.candidates) == NAMED + 3


def test_listing_is_bounded() -> None:
    assert listing(["a", "b"]) == "a; b"
    assert listing([str(i) for i in range(NAMED)]) == "; ".join(str(i) for i in range(NAMED))
    assert listing(["a", "b", "c"], most=2) == "a; b; and 1 more"


def test_pick_reads_a_path_as_its_page_and_looks_every_other_key_up() -> None:
    opened: list[bool] = []

    def shelf(fresh: bool) -> Shelf:
        opened.append(fresh)
        return open_shelf([str(SEEDS)], 1, None)

    def page(path: str) -> Record:
        return Corpus([path], "none").record(0)

    ch6 = SEEDS / "004_c3effe51be84b58d.txt"
    by_path = page(str(ch6))
    assert by_path.number == 6
    records = pick(["4", str(ch6), "4", by_path.id], shelf, page)
    assert [r.number for r in records] == [4, by_path.number]  # each once, in order named
    assert opened == [False]  # the corpus opened once, for the keys that are not paths
    assert pick([str(ch6)], shelf, page) == [by_path]
    assert opened == [False]
    with pytest.raises(NotFound):
        pick(["no such page"], shelf, page)
    with pytest.raises(NotFound, match="no book matches 'no such book'"):
        pick(["4"], shelf, page, book="no such book")
    for blank in ("", "  "):  # every id starts with it: an error, not all pages listed
        with pytest.raises(NotFound, match="an empty KEY names no page"):
            pick([blank], shelf, page)
        with pytest.raises(NotFound, match="an empty book name names no book"):
            pick(["4"], shelf, page, book=blank)


def test_pick_groups_afresh_when_the_page_found_changed_since() -> None:
    opened: list[bool] = []
    real = open_shelf([str(SEEDS)], 1, None)

    class Changed(Shelf):
        def __init__(self) -> None:
            self.__dict__.update(real.__dict__)

        def record(self, pos: int) -> Record:
            raise Stale("changed")

    def shelf(fresh: bool) -> Shelf:
        opened.append(fresh)
        return real if fresh else Changed()

    (record,) = pick(["4"], shelf, lambda path: pytest.fail("no KEY is a path"))
    assert record.number == 4
    assert opened == [False, True]


def test_choose_book_takes_the_one_book_or_names_them_all() -> None:
    books = [BookFacts(f"b{i}", f"Title {i}", None, 1977) for i in (1, 2)]
    assert choose_book(books[:1], None) is books[0]
    assert choose_book(books, "b2") is books[1]
    with pytest.raises(Ambiguous, match="the corpus holds 2 books; name one: Title 1"):
        choose_book(books, None)
