"""Grouped pages → books: each book's own facts, and where each of its pages sits in its
contents list.

A book's facts come from the best evidence among its pages: the title/subtitle split of a
page printing them on separate lines (which also settles the split of pages that glue
them), and the publisher most of its pages state. A page that prints no title is placed in
the contents list only when the evidence leaves one entry: the same pages as a placed
page, or its page range between two placed neighbours. The inferred title goes into
`placement`, never into `title`.
"""

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple, TypeVar

from precarious.corpus.grouping import JOINED, Grouping, title_words
from precarious.corpus.keys import Key
from precarious.record import SPLIT_GUESSES, Book, Entry, Placement, Record
from precarious.values import page_key, words

_GUESSED = frozenset({"heuristic", "unsplit"})
T = TypeVar("T")


class Splice(NamedTuple):
    """What the corpus adds to a page's own record: its book (id, how it joined, a title
    split learnt from another page), its placement, and whether the warnings that only
    guessed the title split are dropped."""

    book: Book
    placement: Placement | None = None
    settled: bool = False  # the title split was learnt from another page

    def apply(self, record: Record) -> Record:
        """The page's record with what the corpus found."""
        warnings = record.warnings
        if self.settled:
            warnings = tuple(w for w in warnings if w.code not in SPLIT_GUESSES)
        return record._replace(book=self.book, placement=self.placement, warnings=warnings)


class BookPage(NamedTuple):
    """A page of a book: where it is in the corpus, its key, and what the corpus adds."""

    pos: int
    key: Key
    splice: Splice


class CorpusBook(NamedTuple):
    """A book as the corpus knows it: its facts and its pages, in corpus order."""

    id: str
    title: str | None
    subtitle: str | None
    publisher: str | None
    print_year: int | None
    contents: tuple[Entry, ...]
    contents_source: str | None  # the page whose contents list is the book's
    pages: tuple[BookPage, ...]

    def covered(self) -> int:
        """How many contents entries have a page in the corpus."""
        return len({entry for p in self.pages if (entry := _entry(p)) is not None})


def shelve(grouping: Grouping) -> Iterator[CorpusBook]:
    """Every book of a grouping with its pages, in the order the rules met the books: each
    book's id is its title's words and year ("the-precarious-truce-1977"), made unique in
    that order ("…-2")."""
    taken: set[str] = set()
    for gid in range(len(grouping)):
        yield _book(grouping, gid, taken)


def _book(grouping: Grouping, gid: int, taken: set[str]) -> CorpusBook:
    keys = grouping.keys
    members = [(pos, keys[pos]) for pos in grouping.members(gid)]
    at = grouping.contents[gid]
    contents = keys[at].contents if at >= 0 else ()
    year = grouping.year(gid)
    # The title and subtitle: as a page prints them apart, else as most pages state.
    printed = next((k for _, k in members if k.book.split_method == "lines"), None)
    if printed is not None:
        title, subtitle = printed.book.title, printed.book.subtitle
    else:
        pairs = Counter((k.book.title, k.book.subtitle) for _, k in members if k.book.title)
        title, subtitle = _most(pairs)
    slug = "-".join(words(title)) or "book"
    slug = base = f"{slug}-{year}" if year is not None else slug
    n = 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    publishers = Counter(k.book.publisher for _, k in members if k.book.publisher)
    placed = placements(contents, members)
    pages = []
    for pos, key in members:
        own, settled = key.book, False
        if printed is not None and own.split_method in _GUESSED:
            own, settled = _split_as(own, printed), True
        source = grouping.source[pos]
        own = own._replace(
            id=slug,
            joined_by=JOINED[grouping.stage[pos]],
            joined_source=keys[source].id if source >= 0 else None,
        )
        pages.append(BookPage(pos, key, Splice(own, placed.get(pos), settled)))
    return CorpusBook(
        id=slug,
        title=title,
        subtitle=subtitle,
        publisher=_most(publishers) if publishers else None,
        print_year=year,
        contents=contents,
        contents_source=keys[at].id if at >= 0 else None,
        pages=tuple(pages),
    )


def _most(counted: Counter[T]) -> T:
    """What most pages state, the first of them on a tie (Counter.most_common(1), without
    its import of heapq)."""
    return max(counted.items(), key=lambda item: item[1])[0]


def in_order(books: Iterable[CorpusBook]) -> list[CorpusBook]:
    """Books in the order of their first pages."""
    return sorted(books, key=lambda b: b.pages[0].pos)


def _split_as(book: Book, printed: Key) -> Book:
    return book._replace(
        title=printed.book.title,
        subtitle=printed.book.subtitle,
        split_method="corpus",
        split_source=printed.id,
    )


# -- placement in the contents list ------------------------------------------------------


def _begins(entry: Entry, title: str | None) -> bool:
    """The entry's title starts with these words ("Introduction: Striving …")."""
    head = title_words(title)
    return bool(head) and title_words(entry.title)[: len(head)] == head


def _entry_of(key: Key, contents: Sequence[Entry]) -> list[int]:
    """The positions (1-based) of the entries the page's heading names."""
    if key.number is not None:
        return [at for at, e in enumerate(contents, 1) if e.number == key.number]
    title = title_words(key.title)
    exact = [
        at for at, e in enumerate(contents, 1) if e.number is None and title_words(e.title) == title
    ]
    if exact or not title:
        return exact
    # "Introduction" heads the entry "Introduction: Striving for acceptance"
    return [at for at, e in enumerate(contents, 1) if e.number is None and _begins(e, key.title)]


def entry_text(entry: Entry) -> str:
    return entry.title if entry.number is None else f"{entry.number} {entry.title}"


def pages_text(key: Key, dash: str = "-") -> str:
    """'134-179', '134-?' when the end is unknown, '' when the page states no range."""
    return "" if key.first is None else f"{key.first}{dash}{key.last or '?'}"


def placements(
    contents: tuple[Entry, ...], members: Sequence[tuple[int, Key]]
) -> dict[int, Placement]:
    """Each page's place in the contents list: by its heading, or inferred when decisive."""
    if not contents:
        return {}
    out: dict[int, Placement] = {}
    pending: list[tuple[int, Key]] = []
    for pos, k in members:
        if k.title is None and k.number is None:
            pending.append((pos, k))
        else:
            out[pos] = _by_heading(k, contents)
    while pending:
        placed = [(p.entry, k) for pos, k in members if (p := out.get(pos)) and p.entry]
        found = {
            pos: _by_pages(k, placed, contents) or _by_order(k, placed, contents)
            for pos, k in pending
        }
        # Two different pages cannot both be the one entry left: then neither is decided.
        claims = Counter(
            (p.entry, pages_text(k, "–")) for pos, k in pending if (p := found[pos]).entry
        )
        entries = Counter(entry for entry, _ in claims)
        decided = {pos for pos, _ in pending if (e := found[pos].entry) and entries[e] == 1}
        if not decided:
            for pos, _ in pending:
                p = found[pos]
                if p.entry is not None:  # a conflicting claim: report its candidates instead
                    p = Placement(
                        None,
                        None,
                        f"{p.evidence}; but another untitled page fits it too",
                        candidates=((p.entry, contents[p.entry - 1]),),
                    )
                out[pos] = p
            break
        for pos in decided:
            out[pos] = found[pos]
        pending = [(pos, k) for pos, k in pending if pos not in decided]
    return out


def _by_heading(k: Key, contents: tuple[Entry, ...]) -> Placement:
    hits = _entry_of(k, contents)
    heading = " ".join(str(x) for x in (k.number, k.title) if x is not None)
    if len(hits) != 1:
        where = f"{len(hits)} contents entries" if hits else "no contents entry"
        return Placement(None, None, f"the heading {heading!r} matches {where}")
    at = hits[0]
    entry = contents[at - 1]
    if _begins(entry, k.title):
        return Placement(at, "heading", f"the heading {heading!r} is contents entry {at}")
    differs = f", whose title is {entry.title!r}" if k.title is not None else ""
    return Placement(at, "number", f"chapter {k.number} is contents entry {at}{differs}")


def _by_pages(
    k: Key, placed: list[tuple[int, Key]], contents: tuple[Entry, ...]
) -> Placement | None:
    """An untitled page with the same pages as a placed page is that page saved again."""
    if k.first is None or k.last is None:
        return None
    for at, other in placed:
        if (other.first, other.last) == (k.first, k.last):
            return Placement(
                at,
                "pages",
                f"the same pages ({pages_text(k, '–')}) as {other.id}, "
                f"which is contents entry {at}",
                inferred_title=contents[at - 1].title,
            )
    return None


def _by_order(k: Key, placed: list[tuple[int, Key]], contents: tuple[Entry, ...]) -> Placement:
    """The entries an untitled page can be, given the page ranges of its placed neighbours."""
    taken = {at for at, _ in placed}
    key = page_key(k.first)
    low, high = 0, len(contents) + 1
    reasons: list[str] = []
    if key is None:
        reasons.append("the page states no page range that can be ordered")
    else:
        below: Key | None = None
        above: Key | None = None
        for at, other in placed:
            o = page_key(other.first)
            if o is not None and o < key and at > low:
                low, below = at, other
            if o is not None and o > key and at < high:
                high, above = at, other
        bounds = [
            f"{word} {entry_text(contents[at - 1])!r} ({pages_text(near, '–')}, {near.id})"
            for word, near, at in (("after", below, low), ("before", above, high))
            if near is not None
        ]
        if bounds:
            reasons.append(f"pages {pages_text(k, '–')} come {' and '.join(bounds)}")
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


class TocEntry(NamedTuple):
    """One contents entry and the pages of the corpus placed on it."""

    position: int
    entry: Entry
    pages: tuple[BookPage, ...]

    @property
    def status(self) -> str:
        """present (a page states it), inferred (only an untitled page fits it), or missing."""
        if not self.pages:
            return "missing"
        stated = any(_by(p) in ("heading", "number") for p in self.pages)
        return "present" if stated else "inferred"


def _by(page: BookPage) -> str | None:
    p = page.splice.placement
    return None if p is None else p.by


def toc(book: CorpusBook) -> tuple[list[TocEntry], list[BookPage]]:
    """The book's contents in order with the pages on each entry, and its unplaced pages."""
    entries = [
        TocEntry(at, entry, tuple(p for p in book.pages if _entry(p) == at))
        for at, entry in enumerate(book.contents, 1)
    ]
    unplaced = [p for p in book.pages if _entry(p) is None]
    return entries, unplaced


def _entry(page: BookPage) -> int | None:
    p = page.splice.placement
    return None if p is None else p.entry


def book_dict(book: CorpusBook) -> dict[str, Any]:
    """A book for `books --json`: its facts and what the corpus holds of it."""
    return {
        "id": book.id,
        "title": book.title,
        "subtitle": book.subtitle,
        "publisher": book.publisher,
        "print_year": book.print_year,
        "pages": len(book.pages),
        "entries": len(book.contents),
        "covered": book.covered(),
        "contents_source": book.contents_source,
        "records": [p.key.id for p in book.pages],
    }


def toc_dict(book: CorpusBook) -> dict[str, Any]:
    """A book's contents for `toc --json`: every entry with its pages, then unplaced pages."""
    entries, unplaced = toc(book)

    def page(p: BookPage) -> dict[str, Any]:
        placement = p.splice.placement
        k = p.key
        return {
            "id": k.id,
            "pages": None if k.first is None else {"first": k.first, "last": k.last},
            "by": None if placement is None else placement.by,
            "evidence": None if placement is None else placement.evidence,
        }

    return {
        "book": {k: v for k, v in book_dict(book).items() if k != "records"},
        "entries": [
            {
                "entry": t.position,
                "number": t.entry.number,
                "title": t.entry.title,
                "status": t.status,
                "records": [page(p) for p in t.pages],
            }
            for t in entries
        ],
        "unplaced": [
            {
                **page(p),
                "candidates": [
                    {"entry": at, "number": e.number, "title": e.title}
                    for at, e in (p.splice.placement.candidates if p.splice.placement else ())
                ],
            }
            for p in unplaced
        ],
    }


# -- a page's splice as text, kept while a corpus is written -------------------------------


def splice_text(splice: Splice) -> str:
    import orjson

    b, p = splice.book, splice.placement
    placement = None
    if p is not None:
        candidates = [[at, e.number, e.title] for at, e in p.candidates]
        placement = [p.entry, p.by, p.evidence, p.inferred_title, candidates]
    return orjson.dumps([list(b), placement, splice.settled]).decode()


def splice_from(text: str) -> Splice:
    import orjson

    book, p, settled = orjson.loads(text)
    placement = None
    if p is not None:
        entry, by, evidence, inferred, candidates = p
        pairs = tuple((at, Entry(number, title)) for at, number, title in candidates)
        placement = Placement(entry, by, evidence, inferred, pairs)
    return Splice(Book(*book), placement, settled)
