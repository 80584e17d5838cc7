"""Whether a page is a book-chapter page at all. Its Type says so when it has one. Without a
Type line (a capture cut before it, or one that starts below it) the page must show it by
signals that only a chapter page gives together:

- a page range;
- a numbered chapter heading, with an online date, a summary or the book's contents;
- the book's contents and a summary;
- a heading and a summary, with an online date or authors under the heading.

A summary counts when it is labelled "Summary": journal articles label theirs "Abstract".
Any other page (a journal article, a search listing, a book's landing page) gives no record
rather than a record with guessed chapter fields."""

from __future__ import annotations

from precarious.blocks import heading, information
from precarious.blocks.base import Reading
from precarious.errors import NotAChapter

TYPES = frozenset({"chapter"})


def check(page: Reading, type_: str | None) -> None:
    """Raise NotAChapter, saying why, for a page that is not a chapter page."""
    if type_ is not None:
        if type_.casefold() not in TYPES:
            raise NotAChapter(page.page.path, f"its Type is {type_!r}")
        return
    kinds = set(page.buckets)
    summary = any(t.casefold() == "summary" for _, t in page.lines("summary"))
    if (
        information.states_pages(page)
        or (heading.numbered(page) and (summary or kinds & {"online", "contents"}))
        or (summary and "contents" in kinds)
        or (summary and "heading" in kinds and kinds & {"online", "authors"})
    ):
        return
    found = sorted(kinds - {"unknown", "boilerplate"})
    raise NotAChapter(
        page.page.path,
        "no Type line, page range or numbered chapter heading"
        + (f" (found only: {', '.join(found)})" if found else ""),
    )
