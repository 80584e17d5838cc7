"""Keys → books: which book each page joins, and on what evidence. The rules, in order:

1. `by_book_fields`: pages that state a book title and print year join the book of that
   title and year (the books in the order of their first pages).
2. `by_book_title`: a page with a title but no year joins the one book of that title (a
   new one if there is none); with several, it joins none.
3. `by_contents`: a page with no book title joins the one book whose titled pages print
   the same contents list.
4. `choose_contents`: each book's contents list is the one most of its pages print (then
   the longest, then the first to join).
5. `by_chapter_title`: a page still without a book joins the one book whose contents list
   holds its chapter heading.

Titles and contents entries match however they are printed (their letters and digits, case
folded). Only small numbers are kept per page; the keys are read as the rules need them.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

try:  # the blake2 of hashlib, without hashlib's import of OpenSSL (a tenth of start-up)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover (an interpreter without the module)
    from hashlib import blake2b
from precarious.corpus.keys import Key
from precarious.record import Entry
from precarious.values import words, words_key

# How a page joined its book, by rule: a page's `stage` (0: none).
JOINED = (None, "book fields", "book title", "contents", "chapter title")
_NONE = -1
_SEVERAL = -2  # (a contents list printed by the pages of several books)


def title_key(key: Key) -> str:
    """The book title's letters and digits, however the page splits or glues it."""
    b = key.book
    return words_key(b.title_raw or "".join(x or "" for x in (b.title, b.subtitle)))


@lru_cache(maxsize=1024)  # a book's pages print the same list
def contents_key(contents: tuple[Entry, ...]) -> tuple[tuple[int | None, str], ...]:
    """A contents list as its entries' numbers and title letters: lists that differ only in
    punctuation or case are the same list."""
    return tuple((e.number, words_key(e.title)) for e in contents)


@lru_cache(maxsize=4096)
def title_words(text: str | None) -> tuple[str, ...]:
    """The words of a heading or contents entry, for matching."""
    return tuple(words(text))


def chapter_key(number: int | None, title: str | None) -> tuple[int | None, tuple[str, ...]]:
    return number, title_words(title)


class Reads(NamedTuple):
    """What the rules read of every page: its book title's key, its print year (0: none),
    and a digest of its contents list ('': none) and the list's length. Small, and worked
    out where the page is read (a worker process)."""

    title: str
    year: int
    contents: str
    entries: int


def reads(key: Key) -> Reads:
    return Reads(title_key(key), key.book.print_year or 0, *_digest(key.contents))


@lru_cache(maxsize=64)  # the pages of a book print the same list
def _digest(contents: tuple[Entry, ...]) -> tuple[str, int]:
    """A contents list's digest (as contents_key sees it: '' when empty) and length."""
    listed = contents_key(contents)
    if not listed:
        return "", 0
    text = "\x1e".join(f"{n}\x1f{w}" for n, w in listed)
    return blake2b(text.encode(), digest_size=16).hexdigest(), len(listed)


class Grouping:
    """Which book (`group`) each page joined, how (`stage`: an index of JOINED) and through
    which page (`source`, -1: none); why the pages of no book are in none. Per book, in the
    order the rules met them: its print year (0: none), the page whose contents list is the
    book's (`contents`, -1: none), and its pages (`members`).

    `add` each page's Reads in corpus order, then `close()` runs the rules; `Grouping.of`
    does both for keys in memory."""

    def __init__(self, keys: Sequence[Key]) -> None:
        self.keys = keys
        self.why: dict[int, str] = {}
        self.years = array("i")
        self.contents = array("i")
        # Per page while the rules run: its title, year and contents list, as numbers.
        self._titles: dict[str, int] = {"": _NONE}
        self._lists: dict[str, int] = {"": _NONE}
        self._tid = array("i")
        self._year = array("i")  # 0: no year
        self._cid = array("i")
        self._clen: list[int] = []

    @classmethod
    def of(cls, keys: Sequence[Key]) -> Grouping:
        grouping = cls(keys)
        for key in keys:
            grouping.add(reads(key))
        grouping.close()
        return grouping

    def add(self, page: Reads) -> None:
        """The next page, as the rules read it."""
        self._tid.append(self._titles.setdefault(page.title, len(self._titles) - 1))
        self._year.append(page.year)
        cid = self._lists.setdefault(page.contents, len(self._lists) - 1)
        if cid == len(self._clen):
            self._clen.append(page.entries)
        self._cid.append(cid)

    def close(self) -> None:
        """Run the rules over the pages added."""
        n = len(self._tid)
        self.group = array("i", [_NONE]) * n
        self.stage = array("b", [0]) * n
        self.source = array("i", [_NONE]) * n
        self._found: dict[tuple[int, int], int] = {}  # (title, year) → group
        by_book_fields(self)
        by_book_title(self)
        by_contents(self)
        choose_contents(self)
        by_chapter_title(self)
        del self._titles, self._lists, self._tid, self._year, self._cid, self._clen, self._found
        # Each book's pages, in corpus order: one array, sorted by book.
        self._starts = array("i", [0]) * (len(self) + 1)
        for gid in self.group:
            if gid != _NONE:
                self._starts[gid + 1] += 1
        for gid in range(len(self)):
            self._starts[gid + 1] += self._starts[gid]
        self._members = array("i", [0]) * self._starts[-1]
        filled = self._starts[:-1]
        for pos, gid in enumerate(self.group):
            if gid != _NONE:
                self._members[filled[gid]] = pos
                filled[gid] += 1

    def __len__(self) -> int:
        """How many books."""
        return len(self.years)

    def members(self, gid: int) -> array[int]:
        """The positions of book `gid`'s pages, in corpus order."""
        return self._members[self._starts[gid] : self._starts[gid + 1]]

    def year(self, gid: int) -> int | None:
        return self.years[gid] or None

    def _new_group(self, tid: int, year: int) -> int:
        gid = len(self.years)
        self.years.append(year)
        self.contents.append(_NONE)
        self._found[tid, year] = gid
        return gid

    def _join(self, pos: int, gid: int, stage: int, source: int = _NONE) -> None:
        self.group[pos], self.stage[pos], self.source[pos] = gid, stage, source

    def books(self) -> list[int]:
        """The books in the order of their first pages."""
        return sorted(range(len(self)), key=lambda g: self._members[self._starts[g]])

    def loose(self) -> list[tuple[int, str]]:
        """(position, why) of each page in no book, in corpus order."""
        return sorted(self.why.items())


def by_book_fields(g: Grouping) -> None:
    """A page that states its book's title and print year joins that book."""
    for pos, tid in enumerate(g._tid):
        year = g._year[pos]
        if tid != _NONE and year:
            gid = g._found.get((tid, year))
            if gid is None:
                gid = g._new_group(tid, year)
            g._join(pos, gid, 1)


def by_book_title(g: Grouping) -> None:
    """A page with a title and no year joins the one book of that title; with no such book
    it starts one, with several it joins none."""
    titled = [pos for pos, tid in enumerate(g._tid) if tid != _NONE and not g._year[pos]]
    years: dict[int, list[int]] = {}  # title → the years of its books, in book order
    for tid, year in g._found:
        years.setdefault(tid, []).append(year)
    for pos in titled:
        tid = g._tid[pos]
        if tid not in years:
            years[tid] = [0]
            g._new_group(tid, 0)
    for pos in titled:
        tid = g._tid[pos]
        found = years[tid]
        if len(found) == 1:
            g._join(pos, g._found[tid, found[0]], 2)
        else:
            listed = f"{len(found)} books ({', '.join(map(str, found))})"
            g.why[pos] = f"its book title matches {listed} and it states no year"


def by_contents(g: Grouping) -> None:
    """A page with no book title joins the one book whose titled pages print the same
    contents list; the first such page (by rule, then corpus order) is its evidence."""
    lists = len(g._clen)
    book = array("i", [_NONE]) * lists  # contents list → the book of titled pages printing it
    first = array("i", [_NONE]) * lists  # contents list → the first of those pages
    for pos, cid in enumerate(g._cid):
        stage = g.stage[pos]
        if cid != _NONE and stage in (1, 2):
            gid = g.group[pos]
            book[cid] = gid if book[cid] in (_NONE, gid) else _SEVERAL
            at = first[cid]
            if at == _NONE or (stage, pos) < (g.stage[at], at):
                first[cid] = pos
    for pos, cid in enumerate(g._cid):
        if g._tid[pos] == _NONE and cid != _NONE and book[cid] >= 0:
            g._join(pos, book[cid], 3, first[cid])


def choose_contents(g: Grouping) -> None:
    """Each book's contents list: the one most of its pages print, then the longest, then
    that of the first page to join (by rule, then corpus order)."""
    lists = len(g._clen)
    printed: Counter[int] = Counter()  # book * lists + contents list → pages printing it
    for pos, cid in enumerate(g._cid):
        gid = g.group[pos]
        if _NONE not in (cid, gid):
            printed[gid * lists + cid] += 1

    def rank(pos: int) -> tuple[int, int, int, int]:
        cid = g._cid[pos]
        return (-printed[g.group[pos] * lists + cid], -g._clen[cid], g.stage[pos], pos)

    best = array("i", [_NONE]) * len(g)  # book → the page whose list it is
    for pos, cid in enumerate(g._cid):
        gid = g.group[pos]
        if _NONE not in (cid, gid) and (best[gid] == _NONE or rank(pos) < rank(best[gid])):
            best[gid] = pos
    for gid, pos in enumerate(best):
        if pos != _NONE:
            g.contents[gid] = pos


def by_chapter_title(g: Grouping) -> None:
    """A page still without a book (and without a book title) joins the one book whose
    contents list holds its chapter heading; the page that printed that list is its
    evidence."""
    waiting = {
        pos: chapter_key(key.number, key.title)
        for pos in range(len(g.group))
        if g._tid[pos] == _NONE and g.stage[pos] == 0
        for key in [g.keys[pos]]
    }
    if not waiting:
        return
    wanted = {chap for chap in waiting.values() if chap[1]}
    books: dict[tuple[int | None, tuple[str, ...]], list[int]] = {}
    for gid, at in enumerate(g.contents):
        if at == _NONE:
            continue
        entries = {chapter_key(e.number, e.title) for e in g.keys[at].contents}
        for chap in entries & wanted:
            books.setdefault(chap, []).append(gid)
    for pos, chap in waiting.items():
        found = books.get(chap, []) if chap[1] else []
        if len(found) == 1:
            g._join(pos, found[0], 4, g.contents[found[0]])
        elif found:
            g.why[pos] = f"its heading matches the contents of {len(found)} books"
        else:
            g.why[pos] = (
                "it states no book title, and neither its contents list nor its heading "
                "matches a book of the corpus"
            )
