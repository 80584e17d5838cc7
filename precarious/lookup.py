"""KEY → the one page or book it names: tried by a few strategies in order; the first that
matches anything decides, and more than one match is an error naming the candidates."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

import regex

from precarious.books import CorpusBook
from precarious.errors import Ambiguous, NotFound
from precarious.records import Record

T = TypeVar("T")
_Match = Callable[[Record, str], bool]


def _exact_id(r: Record, key: str) -> bool:
    return r.id == key


def _number(r: Record, key: str) -> bool:
    # "4" is chapter 4; "004" (a leading zero) is an id prefix, never a number.
    return key.isdigit() and str(int(key)) == key and r.number == int(key)


def _id_prefix(r: Record, key: str) -> bool:
    # In a nested corpus "004" still finds "bookA/004_c3ef…": the file name counts too.
    return r.id.startswith(key) or r.id.rpartition("/")[2].startswith(key)


def _words_in(key: str, text: str) -> bool:
    words = regex.findall(r"\w+", key.casefold())
    return bool(words) and all(w in text.casefold() for w in words)


def _title_words(r: Record, key: str) -> bool:
    return _words_in(key, r.title or "")


# Tried in order; the first that matches anything decides.
STRATEGIES: tuple[tuple[str, _Match], ...] = (
    ("id", _exact_id),
    ("chapter number", _number),
    ("id prefix", _id_prefix),
    ("title words", _title_words),
)


def describe(r: Record) -> str:
    """A record in one short phrase, for messages: '4 Russia and … (000_89d6…, in book-id)'."""
    label = " ".join(str(x) for x in (r.number, r.title) if x is not None) or "untitled"
    book = f", in {r.book.id}" if r.book.id else ""
    return f"{label} ({r.id}{book})"


def describe_book(book: CorpusBook) -> str:
    year = f" ({book.print_year})" if book.print_year is not None else ""
    return f"{book.title or 'untitled'}{year} [{book.id}]"


# Candidates an error message names: a key that matches hundreds of pages of a large
# corpus gets a line a person can read (the error's `candidates` keep every one).
NAMED = 10


def listing(names: Sequence[str], most: int = NAMED) -> str:
    """'a; b; c', or the first `most` and how many more: a bounded list for one message."""
    shown = "; ".join(names[:most])
    return shown if len(names) <= most else f"{shown}; and {len(names) - most} more"


def _pick(
    items: Sequence[T],
    key: str,
    strategies: Sequence[tuple[str, Callable[[T], bool]]],
    *,
    noun: str,
    name: Callable[[T], str],
    hint: Callable[[list[T]], str],
    see: str,
) -> T:
    for how, matches in strategies:
        found = [x for x in items if matches(x)]
        if len(found) == 1:
            return found[0]
        if found:
            names = [name(x) for x in found]
            raise Ambiguous(
                f"{key!r} matches {len(found)} {noun}s by {how}: {listing(names)}; " + hint(found),
                names,
            )
    hows = [how for how, _ in strategies]
    raise NotFound(
        f"no {noun} matches {key!r} (by {', '.join(hows[:-1])} or {hows[-1]}) "
        f"among {len(items)} {noun}s; see '{see}'"
    )


def _page_hint(found: list[Record]) -> str:
    if len({r.book.id for r in found}) > 1:
        return "name the book with --book, or give more of the id"
    return "give more of the id"


def _flip(matches: _Match, key: str, r: Record) -> bool:
    return matches(r, key)


def find(records: Sequence[Record], key: str) -> Record:
    """The record KEY names, or NotFound / Ambiguous naming the candidates."""
    key = key.strip()
    return _pick(
        records,
        key,
        [(how, partial(_flip, matches, key)) for how, matches in STRATEGIES],
        noun="page",
        name=describe,
        hint=_page_hint,
        see="precarious list",
    )


def find_book(books: Sequence[CorpusBook], text: str) -> CorpusBook:
    """The book TEXT names: its id, an id prefix, or words of its title, subtitle and year."""
    text = text.strip()
    strategies: list[tuple[str, Callable[[CorpusBook], bool]]] = [
        ("id", lambda b: b.id == text),
        ("id prefix", lambda b: b.id.startswith(text)),
        ("title words", lambda b: _words_in(text, f"{b.title} {b.subtitle} {b.print_year}")),
    ]
    return _pick(
        books,
        text,
        strategies,
        noun="book",
        name=describe_book,
        hint=lambda _: "give more of the title or the book id",
        see="precarious books",
    )
