"""Paths → records for a whole corpus, grouped into books (see precarious.books), with
the evidence one page lends another."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from precarious.books import CorpusBook, arrange
from precarious.errors import PrecariousError
from precarious.reader import page_paths, read_page
from precarious.records import Record, extract_page


@dataclass(frozen=True, slots=True)
class Corpus:
    """The records of the pages that were read (book and placement filled in), what went
    wrong with the other files, and the books the records were grouped into."""

    records: tuple[Record, ...]
    problems: tuple[PrecariousError, ...]
    books: tuple[CorpusBook, ...] = ()
    loose: tuple[tuple[str, str], ...] = ()  # (record id, why it belongs to no book)


def bundled_seeds() -> Path:
    """The corpus shipped with the package (seeds/ in a source checkout)."""
    packaged = Path(str(resources.files("precarious"))) / "seeds"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "seeds"


def extract_all(paths: Iterable[Path | str]) -> Corpus:
    """Read files and folders of pages; a bad file is reported and the rest go on."""
    records: list[Record] = []
    problems: list[PrecariousError] = []
    for item in page_paths(paths):
        if isinstance(item, PrecariousError):
            problems.append(item)
            continue
        try:
            records.append(extract_page(read_page(item.path, item.id)))
        except PrecariousError as err:
            problems.append(err)
    shelf = arrange(records)
    return Corpus(shelf.records, tuple(problems), shelf.books, shelf.loose)
