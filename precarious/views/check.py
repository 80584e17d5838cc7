"""A corpus → findings: what a careful reader would flag before trusting the records.

Every record warning (missing blocks, truncated values) is a finding; so is every file
that gave no record, and what only the whole corpus shows: pages of no book, contents
lists and book fields that disagree with their book, pages saved twice, page ranges that
overlap or run against the contents order.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson

from precarious.corpus.books import BookPage, CorpusBook, entry_text, pages_text, splice_from
from precarious.corpus.grouping import contents_key
from precarious.errors import NotAChapter, PrecariousError, counted
from precarious.read import shown
from precarious.record import SPLIT_GUESSES
from precarious.values import page_key, words_key

if TYPE_CHECKING:
    from precarious.corpus.run import Corpus


class Finding(NamedTuple):
    code: str
    message: str
    path: str
    id: str | None = None  # the record, when the file gave one
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "code": self.code,
            "line": self.line,
            "message": self.message,
        }


def check(corpus: Corpus) -> list[Finding]:
    """Every finding, page by page in corpus order (its warnings, then what its book shows
    of it), then the files that gave no record. The corpus is read with its pages'
    warnings as their output parts (render.page_parts "warnings")."""
    shows: dict[int, list[tuple[str, str]]] = {}  # what only the corpus shows, per page
    for book in corpus.books():
        for pos, code, message in _book_findings(book):
            shows.setdefault(pos, []).append((code, message))
    for pos, why in corpus.grouping.loose():
        shows.setdefault(pos, []).append(("no-book", f"in no book: {why}"))
    out = []
    for pos, file, parts, found in corpus.items():
        path, settled, rid = shown(file), splice_from(found[0]).settled, found[-2]
        out += [
            Finding(w["code"], w["message"], path, rid, w["line"])
            for w in orjson.loads(parts[0])
            if not (settled and w["code"] in SPLIT_GUESSES)
        ]
        out += [Finding(code, message, path, rid) for code, message in shows.get(pos, ())]
    return out + [_problem(p) for p in corpus.problems]


def report(corpus: Corpus, findings: Sequence[Finding]) -> dict[str, Any]:
    """The check of a corpus as the JSON of `precarious check` (schemas/check.json)."""
    return {
        "clean": not findings,
        "files": len(corpus) + len(corpus.problems),
        "pages": len(corpus),
        "books": len(corpus.grouping),
        "findings": [f.to_dict() for f in findings],
    }


def summary(corpus: Corpus, findings: Sequence[Finding]) -> str:
    """One line under the table: 'No findings: 3 files, 1 book.', or how many findings on
    how many of them."""
    files, books = len(corpus) + len(corpus.problems), len(corpus.grouping)
    counts = f"{counted(files, 'file')}, {counted(books, 'book')}"
    if not findings:
        return f"No findings: {counts}."
    flagged = len({f.id or f.path for f in findings})
    return f"{counted(len(findings), 'finding')} on {flagged} of {counts}"


def _problem(err: PrecariousError) -> Finding:
    code = "not-a-chapter" if isinstance(err, NotAChapter) else "unreadable"
    path = str(getattr(err, "path", ""))
    return Finding(code, getattr(err, "reason", str(err)), path)


Found = tuple[int, str, str]  # (page position, code, message)


def _book_findings(book: CorpusBook) -> Iterator[Found]:
    yield from _disagreements(book)
    for page in book.pages:
        p, k = page.splice.placement, page.key
        if p is None:
            continue
        if p.by == "number" and k.title is not None:
            yield (
                page.pos,
                "heading-differs",
                f"the heading differs from the contents: {p.evidence}",
            )
        elif p.entry is None and (k.title is not None or k.number is not None):
            yield page.pos, "not-in-contents", f"not in the book's contents list: {p.evidence}"
        elif p.entry is None:
            yield page.pos, "unplaced", f"the untitled page cannot be placed: {p.evidence}"
    firsts = yield from _duplicates(book)
    yield from _ranges(firsts)


def _disagreements(book: CorpusBook) -> Iterator[Found]:
    """Contents lists, publishers and title splits that differ from the book's."""
    ours = contents_key(book.contents)
    names = {k: entry_text(e) for k, e in zip(ours, book.contents, strict=True)}
    for page in book.pages:
        k = page.key
        theirs = contents_key(k.contents)
        if k.contents and theirs != ours:
            mine = {c: entry_text(e) for c, e in zip(theirs, k.contents, strict=True)}
            lacks = [names[c] for c in ours if c not in mine]
            adds = [mine[c] for c in theirs if c not in names]
            parts = [
                f"{label} {', '.join(map(repr, items))}"
                for label, items in (("lacks", lacks), ("adds", adds))
                if items
            ] or ["has the same entries in another order"]
            yield (
                page.pos,
                "contents-differ",
                f"its contents list differs from the book's (printed by {book.contents_source}): "
                + "; ".join(parts),
            )
        if k.book.publisher and k.book.publisher != book.publisher:
            yield (
                page.pos,
                "book-fields-differ",
                f"publisher {k.book.publisher!r}, where the book's pages say {book.publisher!r}",
            )
        split = (k.book.title, k.book.subtitle)
        if k.book.split_method == "lines" and split != (book.title, book.subtitle):
            yield (
                page.pos,
                "book-fields-differ",
                f"title/subtitle {split[0]!r} / {split[1]!r}, where the book has "
                f"{book.title!r} / {book.subtitle!r}",
            )


def _identity(page: BookPage) -> tuple[object, ...] | None:
    """What makes two pages of one book the same page saved twice."""
    p, k = page.splice.placement, page.key
    if p and p.entry:
        return ("entry", p.entry)
    if k.title or k.number is not None:
        return ("heading", k.number, words_key(k.title))
    if k.first and k.last:
        return ("pages", k.first, k.last)
    return None


def _rank(page: BookPage) -> tuple[int, int, int]:
    return page.key.completeness(page.splice.settled)


def _duplicates(book: CorpusBook) -> Generator[Found, None, list[BookPage]]:
    """Report pages saved more than once; return the most complete page of each."""
    groups: dict[tuple[object, ...], list[BookPage]] = {}
    for page in book.pages:
        key = _identity(page)
        groups.setdefault(key if key is not None else ("page", page.pos), []).append(page)
    firsts = []
    for same in groups.values():
        ranked = sorted(same, key=_rank)
        firsts.append(ranked[0])
        if len(same) < 2:
            continue
        best, rest = ranked[0], ranked[1:]

        def show(page: BookPage) -> str:
            n = len(page.key.codes(page.splice.settled))
            return f"{page.key.id} ({page.key.layout} layout, {counted(n, 'warning')})"

        what = _what(best)
        for page in rest:
            # Judged against each copy: a tie with the second best says nothing of the third.
            verdict = "as complete as" if _rank(best) == _rank(page) else "more complete than"
            yield (
                page.pos,
                "duplicate",
                f"{what} is saved {len(same)} times: {show(best)} is {verdict} {show(page)}",
            )
    return firsts


def _what(page: BookPage) -> str:
    p, k = page.splice.placement, page.key
    if p and p.entry and k.title is None:
        return f"the page {pages_text(k, '–')} (entry {p.entry})"
    label = " ".join(str(x) for x in (k.number, k.title) if x is not None)
    return repr(label) if label else f"the page {pages_text(k, '–')}"


def _ranges(pages: list[BookPage]) -> Iterator[Found]:
    """Overlapping ranges, and ranges that run against the contents order."""
    known = [
        (page_key(p.key.first), page_key(p.key.last), p)
        for p in pages
        if p.key.first and p.key.last
    ]
    spans = sorted(
        ((a, b, p) for a, b, p in known if a and b and a[0] == b[0] and a <= b),
        key=lambda x: x[0],
    )
    for (_, b1, p1), (a2, _, p2) in pairwise(spans):
        if a2[0] == b1[0] and a2 <= b1:
            yield (
                p2.pos,
                "pages-overlap",
                f"pages {pages_text(p2.key, '–')} overlap {_what(p1)} "
                f"({pages_text(p1.key, '–')}, {p1.key.id})",
            )
    placed = sorted(
        (
            (e, a, p)
            for a, _, p in known
            if a and (e := p.splice.placement.entry if p.splice.placement else None)
        ),
        key=lambda x: x[0],
    )
    for (e1, a1, p1), (e2, a2, p2) in pairwise(placed):
        if a2 < a1:
            yield (
                p2.pos,
                "pages-order",
                f"contents entry {e2} starts on page {p2.key.first}, "
                f"before entry {e1} {_what(p1)} ({pages_text(p1.key, '–')}, {p1.key.id}) that "
                "precedes it in the contents list",
            )
