"""Small list-layout chapter pages for tests of the corpus views (books, toc, check)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from precarious.corpus.books import CorpusBook
from precarious.corpus.lookup import Shelf, open_shelf
from precarious.corpus.run import Corpus
from precarious.errors import PrecariousError
from precarious.record import Record

ALPHA = ["Frontmatter", "Contents", "Preface", "Acknowledgements", "Introduction", "1 One", "2 Two"]


def page(
    heading: str | None = "1 - One",
    pages: str | None = "1 - 20",
    *,
    contents: Sequence[str] = ALPHA,
    book: str | None = "Alpha Book",
    year: str | None = "2000",
    publisher: str = "Cambridge University Press",
) -> str:
    """A complete list-layout page; leave a part out with None."""
    bullets = "".join(f"- {c}\n" for c in contents)
    text = f"Book contents\n{bullets}" if contents else ""
    if heading:
        text += f"{heading}\nPublished online by Cambridge University Press: 01 June 2011\n"
    text += bullets + "Summary\nA first paragraph of the summary, ending as sentences do.\n"
    info = book or ""
    if pages:
        info += f", pp. {pages}"
    info += f"Publisher: {publisher}"
    if year:
        info += f"Print publication year: {year}"
    return text + f"- Type\n- Chapter\n- Information\n- {info}\n"


class Loaded:
    """A corpus read as the commands read it, its parts at hand for tests: its records
    (with their books and placements), books (in the order of their first pages), pages
    in no book ((id, why)), and files that gave no record."""

    def __init__(self, *paths: Path) -> None:
        self.corpus = Corpus(paths)
        self.records: list[Record] = list(self.corpus.records())
        self.books: list[CorpusBook] = self.corpus.books()
        keys = self.corpus.keys
        self.loose = tuple((keys[pos].id, why) for pos, why in self.corpus.grouping.loose())
        self.problems: list[PrecariousError] = self.corpus.problems

    def shelf(self) -> Shelf:
        """The corpus as lookups see it."""
        return open_shelf(self.corpus.roots, 1, None)  # type: ignore[arg-type]


def corpus(folder: Path, pages: dict[str, str]) -> Loaded:
    """Write the pages (name → text) into folder and read them as one corpus."""
    for name, text in pages.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return Loaded(folder)
