"""KEY → the one page or book it names: tried by a few strategies in order; the first that
matches anything decides, and more than one match is an error naming the candidates.

A lookup sees a corpus as a table of its pages (a `Shelf`): the one the index kept of its
last reading, when none of its folders changed since, else one made now (and kept).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from precarious.errors import (
    Ambiguous,
    NotAChapter,
    NotFound,
    PrecariousError,
    UnreadableFile,
    temporary_files,
)

if TYPE_CHECKING:
    from precarious.corpus.index import Index
    from precarious.corpus.run import Corpus, Progress
    from precarious.record import Record

T = TypeVar("T")


class Page(NamedTuple):
    """What a KEY is matched against: a page's position, id, heading and book."""

    pos: int
    id: str
    number: int | None
    title: str | None
    book: str | None  # its book's id


class BookFacts(NamedTuple):
    """What a book is looked up by."""

    id: str
    title: str | None
    subtitle: str | None
    print_year: int | None


def strategies(key: str) -> list[tuple[str, str, tuple[Any, ...]]]:
    """The ways a KEY names pages, in the order they are tried: (name, SQL condition on the
    pages' id, name (the file name), number and folded (casefolded title), arguments)."""
    words = re.findall(r"\w+", key.casefold())
    # "4" is chapter 4; "004" (a leading zero) is an id prefix, never a number.
    number = key.isdigit() and str(int(key)) == key and len(key) < 10
    after = _after(key)
    prefix = "(id >= ? AND id < ?) OR (name >= ? AND name < ?)"
    scan = "substr(id, 1, ?) = ? OR substr(name, 1, ?) = ?"  # (a KEY ending in U+10FFFF)
    # Title words look through the index of folded titles alone (?1 is the corpus).
    titles = " AND ".join(["instr(t.folded, ?) > 0"] * len(words))
    return [
        ("id", "id = ?", (key,)),
        ("chapter number", "number = ?" if number else "0", (int(key),) if number else ()),
        # In a nested corpus "004" still finds "bookA/004_c3ef…": the file name counts too.
        ("id prefix", prefix, (key, after) * 2)
        if after
        else ("id prefix", scan, (len(key), key) * 2),
        (
            "title words",
            f"pos IN (SELECT t.pos FROM members AS t WHERE t.corpus = ?1 AND {titles})"
            if words
            else "0",
            tuple(words),
        ),
    ]


def _after(key: str) -> str | None:
    """The first string after every string that starts with KEY: ids (and file names)
    that start with KEY are a range of the index, where a substring would scan them all."""
    if not key:
        return None
    last = ord(key[-1]) + 1
    last = 0xE000 if 0xD800 <= last < 0xE000 else last  # (no surrogates in UTF-8)
    return key[:-1] + chr(last) if last <= 0x10FFFF else None


def describe(r: Page) -> str:
    """A page in one short phrase, for messages: '4 Russia and … (000_89d6…, in book-id)'."""
    label = " ".join(str(x) for x in (r.number, r.title) if x is not None) or "untitled"
    book = f", in {r.book}" if r.book else ""
    return f"{label} ({r.id}{book})"


def describe_book(book: BookFacts | Any) -> str:
    year = f" ({book.print_year})" if book.print_year is not None else ""
    return f"{book.title or 'untitled'}{year} [{book.id}]"


# Candidates an error message names: a key that matches hundreds of pages of a large
# corpus gets a line a person can read (the error's `candidates` keep every one).
NAMED = 10


def listing(names: Sequence[str], most: int = NAMED) -> str:
    """'a; b; c', or the first `most` and how many more: a bounded list for one message."""
    shown = "; ".join(names[:most])
    return shown if len(names) <= most else f"{shown}; and {len(names) - most} more"


def _ambiguous(
    key: str, found: Sequence[T], noun: str, how: str, *, name: Callable[[T], str], hint: str
) -> Ambiguous:
    names = [name(x) for x in found]
    return Ambiguous(
        f"{key!r} matches {len(found)} {noun}s by {how}: {listing(names)}; {hint}", names
    )


def _not_found(key: str, noun: str, hows: Sequence[str], among: int, see: str) -> NotFound:
    return NotFound(
        f"no {noun} matches {key!r} (by {', '.join(hows[:-1])} or {hows[-1]}) "
        f"among {among} {noun}s; see '{see}'"
    )


def _words_in(key: str, text: str) -> bool:
    words = re.findall(r"\w+", key.casefold())
    return bool(words) and all(w in text.casefold() for w in words)


def find_book(books: Sequence[T], text: str) -> T:
    """The book TEXT names: its id, an id prefix, or words of its title, subtitle and year
    (books are anything with id, title, subtitle and print_year)."""
    text = text.strip()
    if not text:  # (every id starts with it)
        raise NotFound("an empty book name names no book; see 'precarious books'")
    tests: list[tuple[str, Callable[[Any], bool]]] = [
        ("id", lambda b: b.id == text),
        ("id prefix", lambda b: b.id.startswith(text)),
        ("title words", lambda b: _words_in(text, f"{b.title} {b.subtitle} {b.print_year}")),
    ]
    for how, matches in tests:
        found = [b for b in books if matches(b)]
        if len(found) == 1:
            return found[0]
        if found:
            hint = "give more of the title or the book id"
            raise _ambiguous(text, found, "book", how, name=describe_book, hint=hint)
    raise _not_found(text, "book", [how for how, _ in tests], len(books), "precarious books")


def choose_book(books: Sequence[T], text: str | None) -> T:
    """The book TEXT names (find_book); with none named, the corpus's one book, or
    Ambiguous naming them when it holds several."""
    if text is not None:
        return find_book(books, text)
    if len(books) == 1:
        return books[0]
    names = [describe_book(b) for b in books]
    raise Ambiguous(
        f"the corpus holds {len(names)} books; name one: {listing(names)}"
        + ("; see 'precarious books'" if len(names) > NAMED else ""),
        names,
    )


class Stale(PrecariousError):
    """The page a lookup found changed since the corpus was grouped."""


class Shelf:
    """A corpus as lookups see it: its pages in a table of an index (`corpus` there), its
    books, the files that gave no page, and the corpus itself when it was read now."""

    def __init__(self, index: Index, corpus: int, fresh: Corpus | None = None) -> None:
        self.index, self.corpus, self.fresh = index, corpus, fresh
        self.problems: list[PrecariousError] = [
            (NotAChapter if kind == "not-a-chapter" else UnreadableFile)(path, reason)
            for kind, path, reason in index.facts(corpus, "problems")
        ]

    @cached_property
    def books(self) -> list[BookFacts]:
        """The corpus's books (read when --book names one: a page is found without them)."""
        return [BookFacts(*b) for b in self.index.facts(self.corpus, "books")]

    def __len__(self) -> int:
        return self.index.count(self.corpus)

    def __bool__(self) -> bool:
        return self.index.count(self.corpus, most=1) > 0

    def find(self, key: str, book: str | None = None) -> Page:
        """The page KEY names (in the book of this id), or NotFound / Ambiguous naming the
        candidates."""
        key = key.strip()
        if not key:  # (every id starts with it)
            raise NotFound("an empty KEY names no page; see 'precarious list'")
        within = " AND book = ?" if book is not None else ""
        hows = []
        for how, where, args in strategies(key):
            hows.append(how)
            rows = self.index.members(
                self.corpus, f"({where}){within}", (*args, *[book] * bool(book))
            )
            found = [Page(*row) for row in rows]
            if len(found) == 1:
                return found[0]
            if found:
                hint = (
                    "name the book with --book, or give more of the id"
                    if len({p.book for p in found}) > 1
                    else "give more of the id"
                )
                raise _ambiguous(key, found, "page", how, name=describe, hint=hint)
        among = len(self.index.members(self.corpus, "book = ?", (book,)) if book else self)
        raise _not_found(key, "page", hows, among, "precarious list")

    def record(self, pos: int) -> Record:
        """The record of the page at `pos`, with what the corpus found; Stale when its file
        changed since the corpus was grouped."""
        import json

        from precarious.corpus.books import splice_from
        from precarious.corpus.keys import contents_from, key_from
        from precarious.corpus.walk import stat_of
        from precarious.record import Record
        from precarious.views.render import page_item, splice_parts

        if self.fresh is not None:
            return self.fresh.record(pos)
        found = self.index.member(self.corpus, pos)
        if found is None:
            raise Stale("the index lost the page")
        path, stat, splice = found
        now = stat_of(path)
        if now is None or now[:5] != stat:
            raise Stale(f"{path} changed")
        cached = self.index.get(path, stat)
        if cached is None:
            raise Stale(f"{path} is no longer in the index")
        key = key_from(cached.key, contents_from(cached.contents) if cached.contents else ())
        line = page_item("jsonl", cached.parts, splice_parts("jsonl", key, splice_from(splice)))
        return Record.from_dict(json.loads(line))


def pick(
    keys: Sequence[str],
    shelf: Callable[[bool], Shelf],
    page: Callable[[str], Record],
    book: str | None = None,
) -> list[Record]:
    """The records the KEYs name, each once, in the order named. A KEY that is the path of
    a page is that page (`page` reads it); any other is looked up in the corpus, in the
    book --book names: `shelf(fresh)` opens it once, and afresh when the page found changed
    since it was grouped. UnreadableFile, NotFound or Ambiguous when a KEY names none."""
    from precarious.read import shown

    opened: Shelf | None = None
    within: str | None = None
    chosen: dict[str, Record] = {}
    for key in keys:
        if os.path.isdir(key) and key.casefold().endswith(".txt"):
            raise UnreadableFile(shown(key), "is a directory, not a page")
        if os.path.exists(key) and not os.path.isdir(key):  # (a FIFO is refused when read)
            record = page(key)
        else:
            if opened is None:
                opened = shelf(False)
                within = find_book(opened.books, book).id if book is not None else None
            try:
                record = opened.record(opened.find(key, within).pos)
            except Stale:  # its page changed since the corpus was grouped: group afresh
                opened = shelf(True)
                record = opened.record(opened.find(key, within).pos)
        chosen.setdefault(record.id, record)
    return list(chosen.values())


def open_shelf(
    roots: Sequence[str],
    jobs: int,
    index: Index | None,
    progress: Progress | None = None,
    fresh: bool = False,
) -> Shelf:
    """The corpus of these roots as a Shelf: the one the index kept while none of its
    folders changed (unless `fresh`), else read now and kept."""
    from precarious.corpus.index import Index
    from precarious.corpus.run import Corpus

    names = [str(r) for r in roots]
    if index is not None and not fresh and (found := index.corpus(names)) is not None:
        return Shelf(index, found)
    corpus = Corpus(roots, "none", jobs, index, progress, folders=True)
    kept = corpus.keep(index) if index is not None else None
    if index is None or kept is None:  # no index, or one that cannot keep it: in memory
        import sqlite3

        with temporary_files(sqlite3.Error, OSError):  # memory full: one line, as for files
            index = Index(memory=True)
            kept = corpus.keep(index, settled=False)
    assert kept is not None  # (an index in memory keeps it)
    return Shelf(index, kept, corpus)
