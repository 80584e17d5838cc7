"""Records → books: which pages belong to which book, the book's own facts, and where each
page sits in the book's contents list.

A page joins a book by what it prints: its book title and print year; failing those, a
contents list, or a chapter heading, that matches exactly one known book. The book's facts
come from the best evidence in its group: the title/subtitle split of a page printing them
on separate lines, and the publisher and contents list that most of its pages agree on.

A page that prints no title is placed in the contents list only when the evidence leaves one
entry: the same pages as a placed page, or its page range between two placed neighbours.
The inferred title goes into `placement`, never into `title`.

These are the rules; `precarious.shelving.arrange` applies them to a corpus.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from precarious.normalize import page_key, words, words_key
from precarious.records import Book, Entry, Placement, Record, evolve, pages_text

_SPLIT_GUESSES = frozenset({"title-split-heuristic", "title-unsplit"})


@dataclass(frozen=True, slots=True)
class CorpusBook:
    """A book as the corpus knows it: its facts and its pages, in corpus order."""

    id: str
    title: str | None
    subtitle: str | None
    publisher: str | None
    print_year: int | None
    contents: tuple[Entry, ...]
    contents_source: str | None  # the record whose contents list is the book's
    records: tuple[Record, ...]

    def covered(self) -> int:
        """How many contents entries have a page in the corpus."""
        return len({r.placement.entry for r in self.records if r.placement and r.placement.entry})


def title_key(record: Record) -> str:
    b = record.book
    return words_key(b.title_raw or "".join(x or "" for x in (b.title, b.subtitle)))


@functools.lru_cache(maxsize=1024)  # a book at a time: each of its pages meets its contents
def title_words(text: str | None) -> tuple[str, ...]:
    """words(text), as a tuple: the words of a heading or contents entry, for matching."""
    return tuple(words(text))


def contents_key(contents: Sequence[Entry]) -> tuple[tuple[int | None, str], ...]:
    return tuple((e.number, words_key(e.title)) for e in contents)


def evidence(record: Record) -> Record:
    """The part of a record that `arrange` reads (its heading, pages, book and contents),
    so that a large corpus can be arranged without holding every summary; `refiled` puts
    the decision back on the full record."""
    return evolve(
        record,
        source="",
        type=None,
        part=None,
        authors=(),
        summary_heading=None,
        summary=(),
        published_online=None,
        captured_at=None,
        doi=None,
        warnings=(),
    )


def refiled(record: Record, filed: Record) -> Record:
    """The full record with what `arrange` decided for its evidence: its book (id, how it
    joined, a title split learnt from another page) and its placement."""
    warnings = record.warnings
    if filed.book.split_method == "corpus":  # the guesses _split_from drops
        warnings = tuple(w for w in warnings if w.code not in _SPLIT_GUESSES)
    return evolve(record, book=filed.book, placement=filed.placement, warnings=warnings)


class Taken(Protocol):
    """The book ids given so far: a set, or a table of them."""

    def __contains__(self, slug: object, /) -> bool: ...
    def add(self, slug: str, /) -> None: ...


def fill_book(
    group: tuple[str, int | None],
    members: list[Record],
    contents: tuple[tuple[Entry, ...], str | None],
    taken: Taken,
) -> CorpusBook:
    """The book's facts from its pages; glued titles split as a page prints them apart."""
    printed = next((r for r in members if r.book.split_method == "lines"), None)
    if printed is not None:
        title, subtitle = printed.book.title, printed.book.subtitle
        learnt: dict[int, Book] = {}  # a shared Book split once
        members = [_split_from(r, printed, learnt) for r in members]
    else:
        pairs = Counter((r.book.title, r.book.subtitle) for r in members if r.book.title)
        title, subtitle = pairs.most_common(1)[0][0]
    publishers = Counter(r.book.publisher for r in members if r.book.publisher)
    slug = "-".join(words(title)) or "book"
    slug = f"{slug}-{group[1]}" if group[1] is not None else slug
    n, base = 1, slug
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return CorpusBook(
        id=slug,
        title=title,
        subtitle=subtitle,
        publisher=publishers.most_common(1)[0][0] if publishers else None,
        print_year=group[1],
        contents=contents[0],
        contents_source=contents[1],
        records=tuple(members),
    )


def _split_from(record: Record, printed: Record, learnt: dict[int, Book]) -> Record:
    if record.book.split_method not in ("heuristic", "unsplit"):
        return record
    book = learnt.get(id(record.book))
    if book is None:
        book = learnt[id(record.book)] = evolve(
            record.book,
            title=printed.book.title,
            subtitle=printed.book.subtitle,
            split_method="corpus",
            split_source=printed.id,
        )
    warnings = tuple(w for w in record.warnings if w.code not in _SPLIT_GUESSES)
    return evolve(record, book=book, warnings=warnings)


def _begins(entry: Entry, title: str | None) -> bool:
    """The entry's title starts with these words ("Introduction: Striving …")."""
    head = title_words(title)
    return bool(head) and title_words(entry.title)[: len(head)] == head


def _entry_of(record: Record, contents: Sequence[Entry]) -> list[int]:
    """The positions (1-based) of the entries the page's heading names."""
    if record.number is not None:
        return [at for at, e in enumerate(contents, 1) if e.number == record.number]
    title = title_words(record.title)
    exact = [
        at for at, e in enumerate(contents, 1) if e.number is None and title_words(e.title) == title
    ]
    if exact or not title:
        return exact
    # "Introduction" heads the entry "Introduction: Striving for acceptance"
    return [at for at, e in enumerate(contents, 1) if e.number is None and _begins(e, record.title)]


def entry_text(entry: Entry) -> str:
    return entry.title if entry.number is None else f"{entry.number} {entry.title}"


def placements(contents: tuple[Entry, ...], members: Sequence[Record]) -> dict[str, Placement]:
    """Each page's place in the contents list: by its heading, or inferred when decisive."""
    if not contents:
        return {}
    out: dict[str, Placement] = {}
    pending: list[Record] = []
    for r in members:
        if r.title is None and r.number is None:
            pending.append(r)
        else:
            out[r.id] = _by_heading(r, contents)
    while pending:
        placed = [(p.entry, r) for r in members if (p := out.get(r.id)) and p.entry]
        found = {
            r.id: _by_pages(r, placed, contents) or _by_order(r, placed, contents) for r in pending
        }
        # Two different pages cannot both be the one entry left: then neither is decided.
        claims = Counter(
            (p.entry, pages_text(r, "–")) for r in pending if (p := found[r.id]).entry is not None
        )
        entries = Counter(entry for entry, _ in claims)
        decided = [r for r in pending if (e := found[r.id].entry) is not None and entries[e] == 1]
        if not decided:
            for r in pending:
                p = found[r.id]
                if p.entry is not None:  # a conflicting claim: report its candidates instead
                    p = Placement(
                        None,
                        None,
                        f"{p.evidence}; but another untitled page fits it too",
                        candidates=((p.entry, contents[p.entry - 1]),),
                    )
                out[r.id] = p
            break
        for r in decided:
            out[r.id] = found[r.id]
        pending = [r for r in pending if r not in decided]
    return out


def _by_heading(r: Record, contents: tuple[Entry, ...]) -> Placement:
    hits = _entry_of(r, contents)
    heading = " ".join(str(x) for x in (r.number, r.title) if x is not None)
    if len(hits) != 1:
        where = f"{len(hits)} contents entries" if hits else "no contents entry"
        return Placement(None, None, f"the heading {heading!r} matches {where}")
    at = hits[0]
    entry = contents[at - 1]
    if _begins(entry, r.title):
        return Placement(at, "heading", f"the heading {heading!r} is contents entry {at}")
    differs = f", whose title is {entry.title!r}" if r.title is not None else ""
    return Placement(at, "number", f"chapter {r.number} is contents entry {at}{differs}")


def _by_pages(
    r: Record, placed: list[tuple[int, Record]], contents: tuple[Entry, ...]
) -> Placement | None:
    """An untitled page with the same pages as a placed page is that page saved again."""
    if r.pages is None or r.pages.first is None or r.pages.last is None:
        return None
    for at, other in placed:
        if other.pages and (other.pages.first, other.pages.last) == (r.pages.first, r.pages.last):
            return Placement(
                at,
                "pages",
                f"the same pages ({pages_text(r, '–')}) as {other.id}, "
                f"which is contents entry {at}",
                inferred_title=contents[at - 1].title,
            )
    return None


def _by_order(
    r: Record, placed: list[tuple[int, Record]], contents: tuple[Entry, ...]
) -> Placement:
    """The entries an untitled page can be, given the page ranges of its placed neighbours."""
    taken = {at for at, _ in placed}
    key = page_key(r.pages.first) if r.pages else None
    low, high = 0, len(contents) + 1
    reasons: list[str] = []
    if key is None:
        reasons.append("the page states no page range that can be ordered")
    else:
        below: Record | None = None
        above: Record | None = None
        for at, other in placed:
            k = page_key(other.pages.first) if other.pages else None
            if k is not None and k < key and at > low:
                low, below = at, other
            if k is not None and k > key and at < high:
                high, above = at, other
        bounds = [
            f"{word} {entry_text(contents[at - 1])!r} ({pages_text(near, '–')}, {near.id})"
            for word, near, at in (("after", below, low), ("before", above, high))
            if near is not None
        ]
        if bounds:
            reasons.append(f"pages {pages_text(r, '–')} come {' and '.join(bounds)}")
    fits = [at for at in range(low + 1, high) if at not in taken]
    if key is not None and key[0] == 0:
        fits = [at for at in fits if contents[at - 1].number is None]
        reasons.append("roman page numbers are front matter, not a numbered chapter")
    names = ", ".join(repr(entry_text(contents[at - 1])) for at in fits)
    evidence = "; ".join(reasons)
    if len(fits) == 1:
        at = fits[0]
        return Placement(
            at, "order", f"{evidence}: only {names} fits", inferred_title=contents[at - 1].title
        )
    verdict = f"{len(fits)} entries fit: {names}" if fits else "no free entry fits"
    return Placement(
        None,
        None,
        f"{evidence}: {verdict}" if evidence else verdict,
        candidates=tuple((at, contents[at - 1]) for at in fits),
    )


# -- the book views ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TocEntry:
    """One contents entry and the pages of the corpus placed on it."""

    position: int
    entry: Entry
    records: tuple[Record, ...]

    @property
    def status(self) -> str:
        """present (a page states it), inferred (only an untitled page fits it), or missing."""
        if not self.records:
            return "missing"
        stated = any(r.placement and r.placement.by in ("heading", "number") for r in self.records)
        return "present" if stated else "inferred"


def toc(book: CorpusBook) -> tuple[list[TocEntry], list[Record]]:
    """The book's contents in order with the pages on each entry, and its unplaced pages."""
    entries = [
        TocEntry(
            at,
            entry,
            tuple(r for r in book.records if r.placement and r.placement.entry == at),
        )
        for at, entry in enumerate(book.contents, 1)
    ]
    unplaced = [r for r in book.records if r.placement is None or r.placement.entry is None]
    return entries, unplaced


def book_dict(book: CorpusBook) -> dict[str, Any]:
    """A book for `books --json`: its facts and what the corpus holds of it."""
    return {
        "id": book.id,
        "title": book.title,
        "subtitle": book.subtitle,
        "publisher": book.publisher,
        "print_year": book.print_year,
        "pages": len(book.records),
        "entries": len(book.contents),
        "covered": book.covered(),
        "contents_source": book.contents_source,
        "records": [r.id for r in book.records],
    }


def toc_dict(book: CorpusBook) -> dict[str, Any]:
    """A book's contents for `toc --json`: every entry with its pages, then unplaced pages."""
    entries, unplaced = toc(book)

    def page(r: Record) -> dict[str, Any]:
        p = r.placement
        return {
            "id": r.id,
            "pages": None if r.pages is None else {"first": r.pages.first, "last": r.pages.last},
            "by": None if p is None else p.by,
            "evidence": None if p is None else p.evidence,
        }

    return {
        "book": {k: v for k, v in book_dict(book).items() if k != "records"},
        "entries": [
            {
                "entry": t.position,
                "number": t.entry.number,
                "title": t.entry.title,
                "status": t.status,
                "records": [page(r) for r in t.records],
            }
            for t in entries
        ],
        "unplaced": [
            {
                **page(r),
                "candidates": [
                    {"entry": at, "number": e.number, "title": e.title}
                    for at, e in (r.placement.candidates if r.placement else ())
                ],
            }
            for r in unplaced
        ],
    }
