"""Paths → records for a whole corpus, with the evidence one page lends another.

A page of the list layout prints the book title glued to its subtitle
("The Precarious TruceAnglo-Soviet Relations 1924–27"); a page of the same book
in the page layout prints them on separate lines. That page's split is used for
every glued title that matches it exactly, before any heuristic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from precarious.errors import PrecariousError
from precarious.reader import page_paths, read_page
from precarious.records import Record, extract_page

_SPLIT_GUESSES = frozenset({"title-split-heuristic", "title-unsplit"})


@dataclass(frozen=True, slots=True)
class Corpus:
    """The records of the pages that were read, and what went wrong with the others."""

    records: tuple[Record, ...]
    problems: tuple[PrecariousError, ...]


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
            records.append(extract_page(read_page(item)))
        except PrecariousError as err:
            problems.append(err)
    return Corpus(tuple(apply_title_evidence(records)), tuple(problems))


def apply_title_evidence(records: list[Record]) -> list[Record]:
    """Split glued book titles the way another page of the corpus prints them."""
    printed: dict[str, Record] = {}
    for r in records:
        if r.book.split_method == "lines" and r.book.title and r.book.subtitle:
            printed.setdefault(r.book.title + r.book.subtitle, r)
    return [_split_from(r, printed.get(r.book.title_raw or "")) for r in records]


def _split_from(record: Record, evidence: Record | None) -> Record:
    if evidence is None or record.book.split_method not in ("heuristic", "unsplit"):
        return record
    book = replace(
        record.book,
        title=evidence.book.title,
        subtitle=evidence.book.subtitle,
        split_method="corpus",
        split_source=evidence.id,
    )
    warnings = tuple(w for w in record.warnings if w.code not in _SPLIT_GUESSES)
    return replace(record, book=book, warnings=warnings)
