"""A page's key: the little that grouping pages into books, placing them in their book's
contents list and checking the corpus need of it (its heading, page range, book fields,
contents list and the counts that rank copies of one page), out of its whole record.

Keys are what worker processes hand back and what the index keeps beside each record: a
JSON array, with the contents list kept apart (the pages of a book all print it). JSON by
orjson: it is never shown, and the json module takes longer to load than a small run.
"""

from functools import lru_cache
from typing import NamedTuple

import orjson

from precarious.record import SPLIT_GUESSES, Book, Entry, Record


class Key(NamedTuple):
    id: str
    number: int | None
    title: str | None
    first: str | None  # the page range as printed
    last: str | None
    book: Book  # the book fields as the page states them
    contents: tuple[Entry, ...]
    layout: str
    warnings: tuple[str, ...]  # the codes of the record's warnings, in order
    filled: int  # how many of the fields that make a page complete it states
    summary: int  # characters of summary

    def codes(self, settled: bool) -> tuple[str, ...]:
        """The warnings' codes; once the title split is settled by another page, without
        the guesses at it."""
        if not settled:
            return self.warnings
        return tuple(c for c in self.warnings if c not in SPLIT_GUESSES)

    def completeness(self, settled: bool) -> tuple[int, int, int]:
        """Sort key of copies of one page, most complete first: fewer warnings, more stated
        fields, more summary."""
        return len(self.codes(settled)), -self.filled, -self.summary


def key_of(record: Record) -> Key:
    """The key of a page's record."""
    r = record
    pages = r.pages
    first, last = (pages.first, pages.last) if pages else (None, None)
    stated = (r.type, r.number, r.title, r.published_online, r.book.title, r.book.publisher)
    filled = sum(v is not None for v in (*stated, r.book.print_year, first, last))
    return Key(
        id=r.id,
        number=r.number,
        title=r.title,
        first=first,
        last=last,
        book=r.book,
        contents=r.contents,
        layout=r.layout,
        warnings=tuple(w.code for w in r.warnings),
        filled=filled,
        summary=sum(len(p) for p in r.summary),
    )


@lru_cache(maxsize=64)  # the pages of a book print the same list
def contents_text(contents: tuple[Entry, ...]) -> bytes:
    """A contents list as JSON, kept once however many pages print it."""
    return orjson.dumps([[e.number, e.title] for e in contents])


def key_text(key: Key) -> bytes:
    """The key as one JSON array, its contents list left out (see contents_text)."""
    b = key.book
    book = [b.title, b.subtitle, b.publisher, b.print_year, b.title_raw, b.split_method]
    heading = [key.id, key.number, key.title, key.first, key.last]
    return orjson.dumps([*heading, book, key.layout, list(key.warnings), key.filled, key.summary])


def key_from(data: bytes | str, contents: tuple[Entry, ...]) -> Key:
    """The key key_text gave, with its contents list; ValueError for anything else."""
    try:
        i, n, t, a, z, book, layout, codes, filled, summary = orjson.loads(data)
        bt, bs, bp, by, br, bm = book
    except (TypeError, ValueError) as err:
        raise ValueError(f"not a key: {err}") from None
    texts = (t, a, z, bt, bs, bp, br, bm)
    if not (
        type(i) is str
        and type(layout) is str
        and all(x is None or type(x) is str for x in texts)
        and all(x is None or type(x) is int for x in (n, by))
        and type(filled) is int
        and type(summary) is int
        and type(codes) is list
        and all(type(c) is str for c in codes)
    ):
        raise ValueError("not a key")
    return Key(
        i, n, t, a, z, Book(bt, bs, bp, by, br, bm), contents, layout, tuple(codes), filled, summary
    )


def contents_from(data: bytes | str) -> tuple[Entry, ...]:
    """The contents list contents_text gave; ValueError for anything else."""
    try:
        entries = tuple(Entry(n, t) for n, t in orjson.loads(data))
    except (TypeError, ValueError) as err:
        raise ValueError(f"not a contents list: {err}") from None
    if not all(
        (e.number is None or type(e.number) is int) and type(e.title) is str for e in entries
    ):
        raise ValueError("not a contents list")
    return entries
