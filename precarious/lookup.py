"""KEY → the one record it names: an id, a chapter number, an id prefix or title words."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import regex

from precarious.errors import Ambiguous, NotFound
from precarious.records import Record

_Match = Callable[[Record, str], bool]


def _exact_id(r: Record, key: str) -> bool:
    return r.id == key


def _number(r: Record, key: str) -> bool:
    # "4" is chapter 4; "004" (a leading zero) is an id prefix, never a number.
    return key.isdigit() and str(int(key)) == key and r.number == int(key)


def _id_prefix(r: Record, key: str) -> bool:
    # In a nested corpus "004" still finds "bookA/004_c3ef…": the file name counts too.
    return r.id.startswith(key) or r.id.rpartition("/")[2].startswith(key)


def _title_words(r: Record, key: str) -> bool:
    words = regex.findall(r"\w+", key.casefold())
    title = (r.title or "").casefold()
    return bool(words) and all(w in title for w in words)


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


def find(records: Sequence[Record], key: str) -> Record:
    """The record KEY names, or NotFound / Ambiguous naming the candidates."""
    key = key.strip()
    for how, matches in STRATEGIES:
        found = [r for r in records if matches(r, key)]
        if len(found) == 1:
            return found[0]
        if found:
            names = [describe(r) for r in found]
            raise Ambiguous(
                f"{key!r} matches {len(found)} pages by {how}: {'; '.join(names)}; "
                + (
                    "name the book with --book, or give more of the id"
                    if len({r.book.id for r in found}) > 1
                    else "give more of the id"
                ),
                names,
            )
    raise NotFound(
        f"no page matches {key!r} (by id, chapter number, id prefix or title words) "
        f"among {len(records)} pages; see 'precarious list'"
    )
