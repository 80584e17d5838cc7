"""Corpus → findings: what a careful reader would flag before trusting the records.

Every record warning (missing blocks, truncated values) is a finding; so is every file
that gave no record, and what only the whole corpus shows: pages of no book, contents
lists and book fields that disagree with their book, pages saved twice, page ranges that
overlap or run against the contents order.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from precarious.books import CorpusBook, contents_key, entry_text
from precarious.corpus import Corpus, evidence_of
from precarious.errors import NotAChapter, PrecariousError
from precarious.normalize import page_key, words_key
from precarious.records import Pages, Record, evolve, pages_text


@dataclass(frozen=True, slots=True)
class Finding:
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
    """Every finding, file by file in corpus order, then the files that gave no record.

    Full records are fetched a book at a time (each once): a spooled corpus is checked
    without holding every record, only its findings."""
    records = corpus.records
    filed = evidence_of(records)  # what the books hold: each record's evidence
    at = {r.id: i for i, r in enumerate(filed)}
    found: dict[str, list[Finding]] = {}
    for book in corpus.books:
        full = tuple(records[at[r.id]] for r in book.records)
        for r in full:
            found[r.id] = _warnings(r)
        for f in _book_findings(evolve(book, records=full)):
            found[f.id or ""].append(f)
    for rid, why in corpus.loose:
        r = records[at[rid]]
        found[rid] = [*_warnings(r), _finding(r, "no-book", f"in no book: {why}")]
    out: list[Finding] = []
    for i, r in enumerate(filed):
        # Every record of a grouped corpus is in a book or loose; one that was not grouped
        # (a Corpus made by hand) has its warnings only.
        out += found[r.id] if r.id in found else _warnings(records[i])
    return out + [_problem(p) for p in corpus.problems]


def _warnings(r: Record) -> list[Finding]:
    return [Finding(w.code, w.message, r.source, r.id, w.line) for w in r.warnings]


def _finding(r: Record, code: str, message: str) -> Finding:
    return Finding(code, message, r.source, r.id)


def _problem(err: PrecariousError) -> Finding:
    code = "not-a-chapter" if isinstance(err, NotAChapter) else "unreadable"
    path = str(getattr(err, "path", ""))
    return Finding(code, getattr(err, "reason", str(err)), path)


def _book_findings(book: CorpusBook) -> Iterator[Finding]:
    yield from _disagreements(book)
    for r in book.records:
        p = r.placement
        if p is None:
            continue
        if p.by == "number" and r.title is not None:
            yield _finding(
                r, "heading-differs", f"the heading differs from the contents: {p.evidence}"
            )
        elif p.entry is None and (r.title is not None or r.number is not None):
            yield _finding(r, "not-in-contents", f"not in the book's contents list: {p.evidence}")
        elif p.entry is None:
            yield _finding(r, "unplaced", f"the untitled page cannot be placed: {p.evidence}")
    firsts = yield from _duplicates(book)
    yield from _ranges(book, firsts)


def _disagreements(book: CorpusBook) -> Iterator[Finding]:
    """Contents lists, publishers and title splits that differ from the book's."""
    ours = contents_key(book.contents)
    names = {k: entry_text(e) for k, e in zip(ours, book.contents, strict=True)}
    for r in book.records:
        theirs = contents_key(r.contents)
        if r.contents and theirs != ours:
            mine = {k: entry_text(e) for k, e in zip(theirs, r.contents, strict=True)}
            lacks = [names[k] for k in ours if k not in mine]
            adds = [mine[k] for k in theirs if k not in names]
            parts = [
                f"{label} {', '.join(map(repr, items))}"
                for label, items in (("lacks", lacks), ("adds", adds))
                if items
            ] or ["has the same entries in another order"]
            yield _finding(
                r,
                "contents-differ",
                f"its contents list differs from the book's (printed by {book.contents_source}): "
                + "; ".join(parts),
            )
        if r.book.publisher and r.book.publisher != book.publisher:
            yield _finding(
                r,
                "book-fields-differ",
                f"publisher {r.book.publisher!r}, where the book's pages say {book.publisher!r}",
            )
        split = (r.book.title, r.book.subtitle)
        if r.book.split_method == "lines" and split != (book.title, book.subtitle):
            yield _finding(
                r,
                "book-fields-differ",
                f"title/subtitle {split[0]!r} / {split[1]!r}, where the book has "
                f"{book.title!r} / {book.subtitle!r}",
            )


def _identity(r: Record) -> tuple[object, ...] | None:
    """What makes two pages of one book the same page saved twice."""
    if r.placement and r.placement.entry:
        return ("entry", r.placement.entry)
    if r.title or r.number is not None:
        return ("heading", r.number, words_key(r.title))
    if r.pages and r.pages.first and r.pages.last:
        return ("pages", r.pages.first, r.pages.last)
    return None


def completeness(r: Record) -> tuple[int, int, int]:
    """Sort key, most complete first: fewer warnings, more stated fields, more summary."""
    pages = r.pages or Pages(None, None, None)
    values = (r.type, r.number, r.title, r.published_online, r.book.title, r.book.publisher)
    filled = sum(v is not None for v in (*values, r.book.print_year, pages.first, pages.last))
    return len(r.warnings), -filled, -sum(len(p) for p in r.summary)


def _duplicates(book: CorpusBook) -> Generator[Finding, None, list[Record]]:
    """Report pages saved more than once; return the most complete page of each."""
    groups: dict[tuple[object, ...], list[Record]] = {}
    for r in book.records:
        key = _identity(r)
        groups.setdefault(key if key is not None else ("record", r.id), []).append(r)
    firsts = []
    for same in groups.values():
        ranked = sorted(same, key=completeness)
        firsts.append(ranked[0])
        if len(same) < 2:
            continue
        best, rest = ranked[0], ranked[1:]

        def show(r: Record) -> str:
            n = len(r.warnings)
            return f"{r.id} ({r.layout} layout, {n} warning{'' if n == 1 else 's'})"

        tie = completeness(best) == completeness(rest[0])
        verdict = "as complete as" if tie else "more complete than"
        what = _what(best)
        for r in rest:
            yield _finding(
                r,
                "duplicate",
                f"{what} is saved {len(same)} times: {show(best)} is {verdict} {show(r)}",
            )
    return firsts


def _what(r: Record) -> str:
    if r.placement and r.placement.entry and r.title is None:
        return f"the page {pages_text(r, '–')} (entry {r.placement.entry})"
    label = " ".join(str(x) for x in (r.number, r.title) if x is not None)
    return repr(label) if label else f"the page {pages_text(r, '–')}"


def _ranges(book: CorpusBook, pages: list[Record]) -> Iterator[Finding]:
    """Overlapping ranges, and ranges that run against the contents order."""
    known = [
        (page_key(r.pages.first), page_key(r.pages.last), r)
        for r in pages
        if r.pages and r.pages.first and r.pages.last
    ]
    spans = sorted(
        ((a, b, r) for a, b, r in known if a and b and a[0] == b[0] and a <= b),
        key=lambda x: x[0],
    )
    for (_, b1, r1), (a2, _, r2) in pairwise(spans):
        if a2[0] == b1[0] and a2 <= b1:
            yield _finding(
                r2,
                "pages-overlap",
                f"pages {pages_text(r2, '–')} overlap {_what(r1)} ({pages_text(r1, '–')}, {r1.id})",
            )
    placed = sorted(
        ((r.placement.entry, a, r) for a, _, r in known if a and r.placement and r.placement.entry),
        key=lambda x: x[0],
    )
    for (e1, a1, r1), (e2, a2, r2) in pairwise(placed):
        if a2 < a1:
            yield _finding(
                r2,
                "pages-order",
                f"contents entry {e2} starts on page {r2.pages.first if r2.pages else '?'}, "
                f"before entry {e1} {_what(r1)} ({pages_text(r1, '–')}, {r1.id}) that precedes it "
                "in the contents list",
            )
