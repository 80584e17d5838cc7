"""Whether a page is a book-chapter page at all. Its Type says so when it has one; without
a Type line (a cut-off download) the page needs chapter evidence: a page range, a numbered
heading with an online date, summary or contents, or a contents list with a summary. Any
other page (a journal article, a search listing, a book's landing page) gives no record
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
    support = kinds & {"online", "summary", "contents"}
    if (
        information.states_pages(page)
        or (heading.numbered(page) and support)
        or {"contents", "summary"} <= kinds
    ):
        return
    found = sorted(kinds - {"unknown", "boilerplate"})
    raise NotAChapter(
        page.page.path,
        "no Type line, page range or numbered chapter heading"
        + (f" (found only: {', '.join(found)})" if found else ""),
    )
