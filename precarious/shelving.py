"""Records → a shelf of books, in memory that does not grow with the corpus: which book
each page joins is worked out in an SQLite work table (see precarious.books for the rules),
then each book is filled in with its pages, a book at a time.

The pages wait in a store while the books are worked out: a list, or for a large corpus a
spool on disk (`arrange(..., on_disk=True)`). Then memory holds the keys of one query at a
time and one book's pages, never every page's: on 100,000 pages the lookups of grouping
alone (the title key of every page, the books holding every contents entry) were 50 MB."""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any, Generic, NamedTuple, Protocol, TypeVar, overload

from precarious.books import CorpusBook, contents_key, fill_book, placements, title_key, title_words
from precarious.errors import temporary_files
from precarious.records import Book, Record, evolve
from precarious.spool import Spool, scratch_database


@dataclass(frozen=True, slots=True)
class Shelf:
    """Every record with its book and placement filled in, the books, and why the pages
    left out of every book were left out."""

    records: Sequence[Record]
    books: Sequence[CorpusBook]
    loose: tuple[tuple[str, str], ...]  # (record id, why it belongs to no book)


def arrange(records: Iterable[Record | Filing], on_disk: bool = False) -> Shelf:
    """Group records into books and place each page in its book's contents list. With
    `on_disk`, the records (gone through once, as they come) wait in a spool on disk, and
    the shelf's records and books are read back from it when asked for. A record may come
    as its Filing."""
    store: _Store = Spool() if on_disk else _Listed()
    db = scratch_database() if on_disk else sqlite3.connect(":memory:", isolation_level=None)
    try:
        # On disk, a failure of the work table's file is one of $TMPDIR (full, unwritable).
        with temporary_files(*[sqlite3.Error] if on_disk else []):
            db.executescript(_SCHEMA)
            # One transaction, never committed: not a write to disk for every statement.
            # (executescript would commit it.)
            db.execute("BEGIN")
            count = _add(db, store, records)
            for index in _INDEXES:
                db.execute(index)
            _group(db, store)
            books = _shelve(db, store, count)
            loose = tuple(
                db.execute("SELECT id, why FROM pages WHERE why IS NOT NULL ORDER BY pos")
            )
    finally:
        db.close()
        title_words.cache_clear()  # a memo for this grouping, not memory held after it
    if isinstance(store, Spool):
        store.seal()
        return Shelf(_Stored(store, range(count)), _Stored(store, books, _with_pages), loose)
    shelved = tuple(_with_pages(store, store[i]) for i in books)
    return Shelf(tuple(store[i] for i in range(count)), shelved, loose)


def _with_pages(store: _Store, shelved: tuple[CorpusBook, list[int]]) -> CorpusBook:
    book, pages = shelved
    return evolve(book, records=tuple(store[at] for at in pages))


class _Store(Protocol):
    """Objects by position (`Spool`, or `_Listed` in memory)."""

    def put(self, at: int, item: object) -> None: ...
    def put_pickled(self, at: int, blob: bytes) -> None: ...
    def __getitem__(self, at: int) -> Any: ...


class _Listed(list[Any]):
    def put(self, at: int, item: object) -> None:
        if at >= len(self):
            self.extend([None] * (at + 1 - len(self)))
        self[at] = item

    def put_pickled(self, at: int, blob: bytes) -> None:
        self.put(at, pickle.loads(blob))


T = TypeVar("T")


class _Stored(Sequence[T], Generic[T]):
    """The objects at these positions of a spool, read back as they are asked for (and
    made whole by `made`)."""

    def __init__(
        self,
        spool: Spool,
        positions: Sequence[int],
        made: Callable[[Spool, Any], T] = lambda spool, item: item,
    ) -> None:
        self.spool, self.positions, self.made = spool, positions, made

    def __len__(self) -> int:
        return len(self.positions)

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...
    def __getitem__(self, i: int | slice) -> T | Sequence[T]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self.made(self.spool, self.spool[self.positions[i]])


# A page's keys: its title key ('' when it prints no book title), print year, contents
# list (a digest of its key, or NULL) and its length, and its chapter heading (a digest of
# its number and title words, or NULL when the heading has no words). Then what grouping decides:
# its group, at which stage it joined (1 book fields, 2 book title, 3 contents, 4 chapter
# title: the order in which a group's pages joined matters for its contents list), how and
# through which record, or why it joins none.
_SCHEMA = """
CREATE TABLE pages (
    pos INTEGER PRIMARY KEY, id TEXT NOT NULL, tkey TEXT NOT NULL, year INTEGER,
    ckey BLOB, clen INTEGER, chap BLOB,
    grp INTEGER, stage INTEGER, how TEXT, src TEXT, why TEXT
);
CREATE TABLE groups (  -- gid: the order in which the books were met
    gid INTEGER PRIMARY KEY, tkey TEXT NOT NULL, year INTEGER, list_pos INTEGER, list_src TEXT
);
CREATE TABLE entries (chap BLOB NOT NULL, gid INTEGER NOT NULL);  -- the books whose
    -- contents list holds an entry (indexed once filled: inserts into an index of random
    -- digests are a read and a write of disk each, once it outgrows the cache)
CREATE TABLE slugs (slug TEXT PRIMARY KEY) WITHOUT ROWID;  -- the book ids taken
CREATE TABLE shelved (first INTEGER PRIMARY KEY, at INTEGER NOT NULL);  -- book, by its first page
"""

_INDEXES = (
    "CREATE INDEX pages_title ON pages (tkey, year)",
    "CREATE INDEX pages_contents ON pages (ckey, stage, pos)",
    "CREATE INDEX pages_group ON pages (grp, pos)",
)

_BATCH = 1024  # rows inserted at a time
_INSERT = "INSERT INTO pages (pos, id, tkey, year, ckey, clen, chap) VALUES (?, ?, ?, ?, ?, ?, ?)"


class Filing(NamedTuple):
    """A record (its evidence, say) made ready for `arrange`: its keys and its pickle. Made
    by the worker process that read the page, it spares the process that arranges the
    corpus unpickling, keying and pickling it again."""

    keys: tuple[Any, ...]
    blob: bytes


def filing(record: Record) -> Filing:
    return Filing(_keys(record), pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))


def _keys(r: Record) -> tuple[Any, ...]:
    """A page's row of the work table, but its position."""
    heading = title_words(r.title)
    return (
        r.id,
        title_key(r),
        r.book.print_year,
        _digest(contents_key(r.contents)) if r.contents else None,
        len(r.contents),
        _digest((r.number, heading)) if heading else None,
    )


def _add(db: sqlite3.Connection, store: _Store, records: Iterable[Record | Filing]) -> int:
    """Store each record and add its keys to the work table; how many there were."""
    rows: list[tuple[Any, ...]] = []
    count = 0
    for count, r in enumerate(records, 1):
        if isinstance(r, Filing):
            store.put_pickled(count - 1, r.blob)
            rows.append((count - 1, *r.keys))
        else:
            store.put(count - 1, r)
            rows.append((count - 1, *_keys(r)))
        if len(rows) == _BATCH:
            db.executemany(_INSERT, rows)
            rows.clear()
    db.executemany(_INSERT, rows)
    return count


def _digest(key: tuple[Any, ...]) -> bytes:
    """A key (of ints, None and text) as 16 bytes: an index of these stays small enough to
    be cached, where one of whole contents lists did not (a different key with the same
    digest is as likely as a guessed 128-bit secret)."""
    return hashlib.blake2b(repr(key).encode(), digest_size=16).digest()


def _group(db: sqlite3.Connection, store: _Store) -> None:
    """Which book each page joins, and how; each book's contents list."""
    x = db.execute
    # Title and year: the book fields decide. A book is met at its first page.
    x(
        "INSERT INTO groups (tkey, year) SELECT tkey, year FROM pages"
        " WHERE tkey != '' AND year IS NOT NULL GROUP BY tkey, year ORDER BY min(pos)"
    )
    x("CREATE INDEX groups_title ON groups (tkey, year)")
    x(
        "UPDATE pages SET stage = 1, how = 'book fields', grp = (SELECT gid FROM groups g"
        " WHERE g.tkey = pages.tkey AND g.year = pages.year)"
        " WHERE tkey != '' AND year IS NOT NULL"
    )
    # A title without a year: the one book of that title (a new one if there is none).
    x(
        "INSERT INTO groups (tkey, year) SELECT tkey, NULL FROM pages"
        " WHERE tkey != '' AND year IS NULL AND tkey NOT IN (SELECT tkey FROM groups)"
        " GROUP BY tkey ORDER BY min(pos)"
    )
    x(
        "UPDATE pages SET stage = 2, how = 'book title',"
        " grp = (SELECT gid FROM groups g WHERE g.tkey = pages.tkey)"
        " WHERE tkey != '' AND year IS NULL"
        " AND (SELECT count(*) FROM groups g WHERE g.tkey = pages.tkey) = 1"
    )
    ambiguous = x(
        "SELECT p.pos, g.year FROM pages p JOIN groups g ON g.tkey = p.tkey"
        " WHERE p.tkey != '' AND p.year IS NULL AND p.stage IS NULL ORDER BY p.pos, g.gid"
    )
    why = []
    for pos, rows in groupby(ambiguous, key=lambda row: row[0]):
        years = [str(year) for _, year in rows]
        listed = f"{len(years)} books ({', '.join(years)})"
        why.append((f"its book title matches {listed} and it states no year", pos))
    db.executemany("UPDATE pages SET why = ? WHERE pos = ?", why)
    # No book title: a contents list like those of the pages of one known book.
    x(
        "UPDATE pages SET stage = 3, how = 'contents',"
        " grp = (SELECT grp FROM pages m WHERE m.ckey = pages.ckey AND m.stage <= 2),"
        " src = (SELECT id FROM pages m WHERE m.ckey = pages.ckey AND m.stage <= 2"
        "        ORDER BY m.stage, m.pos LIMIT 1)"
        " WHERE tkey = '' AND ckey IS NOT NULL AND (SELECT count(DISTINCT grp) FROM pages m"
        "   WHERE m.ckey = pages.ckey AND m.stage <= 2) = 1"
    )
    # Each book's contents list: the one most of its pages print, the longest, then the
    # first to join.
    x(
        "UPDATE groups SET (list_pos, list_src) = (SELECT pos, id FROM ("
        "   SELECT pos, id, count(*) OVER (PARTITION BY ckey) AS n, clen, stage"
        "   FROM pages WHERE grp = groups.gid AND ckey IS NOT NULL)"
        " ORDER BY n DESC, clen DESC, stage, pos LIMIT 1)"
    )
    # … or a chapter heading that is in one known book's contents list.
    for gid, at in list(x("SELECT gid, list_pos FROM groups WHERE list_pos IS NOT NULL")):
        entries = {_digest((e.number, title_words(e.title))) for e in store[at].contents}
        db.executemany("INSERT INTO entries VALUES (?, ?)", ((chap, gid) for chap in entries))
    x("CREATE INDEX entries_chap ON entries (chap, gid)")
    x(
        "UPDATE pages SET stage = 4, how = 'chapter title',"
        " grp = (SELECT gid FROM entries e WHERE e.chap = pages.chap),"
        " src = (SELECT list_src FROM groups g JOIN entries e ON e.gid = g.gid"
        "        WHERE e.chap = pages.chap)"
        " WHERE tkey = '' AND stage IS NULL"
        " AND (SELECT count(*) FROM entries e WHERE e.chap = pages.chap) = 1"
    )
    x(
        "UPDATE pages SET why = (SELECT CASE count(*) WHEN 0 THEN 'it states no book title,"
        " and neither its contents list nor its heading matches a book of the corpus'"
        " ELSE 'its heading matches the contents of ' || count(*) || ' books' END"
        " FROM entries e WHERE e.chap = pages.chap) WHERE tkey = '' AND stage IS NULL"
    )


def _shelve(db: sqlite3.Connection, store: _Store, count: int) -> list[int]:
    """Fill in each book from its pages, and each page's book and placement (put back in
    the store, where the `count` pages are); where the books were put (after the pages),
    in the order of their first pages."""
    groups = db.execute("SELECT gid, tkey, year, list_pos, list_src FROM groups ORDER BY gid")
    taken = _Taken(db)
    at = count - 1
    for gid, tkey, year, list_pos, list_src in list(groups):
        joined = list(
            db.execute("SELECT pos, how, src FROM pages WHERE grp = ? ORDER BY pos", (gid,))
        )
        members = [store[pos] for pos, _, _ in joined]  # in corpus order, however they joined
        contents = store[list_pos].contents if list_pos is not None else ()
        book = fill_book((tkey, year), members, (contents, list_src), taken)
        placed = placements(book.contents, book.records)
        # The pages of a book share their Book (see corpus._Shared): each is filed once.
        made: dict[tuple[int, str, str | None], Book] = {}
        copies: dict[Book, Book] = {}  # most pages end with the same Book: one copy of it
        filed = []
        for (pos, how, src), r in zip(joined, book.records, strict=True):
            ours = made.get((id(r.book), how, src))
            if ours is None:
                ours = evolve(r.book, id=book.id, joined_by=how, joined_source=src)
                ours = made[id(r.book), how, src] = copies.setdefault(ours, ours)
            filed.append(evolve(r, book=ours, placement=placed.get(r.id)))
            store.put(pos, filed[-1])
        at += 1  # the book without its pages (they are in the store already): where they are
        store.put(at, (evolve(book, records=()), [pos for pos, _, _ in joined]))
        db.execute("INSERT INTO shelved VALUES (?, ?)", (joined[0][0], at))
    return [at for (at,) in db.execute("SELECT at FROM shelved ORDER BY first")]


class _Taken:
    """The book ids given so far (`fill_book` makes each one unique)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __contains__(self, slug: object) -> bool:
        return self.db.execute("SELECT 1 FROM slugs WHERE slug = ?", (slug,)).fetchone() is not None

    def add(self, slug: str) -> None:
        self.db.execute("INSERT INTO slugs VALUES (?)", (slug,))
