"""Paths → records for a whole corpus, grouped into books (see precarious.books), with
the evidence one page lends another."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from precarious.books import CorpusBook, arrange
from precarious.errors import PrecariousError
from precarious.reader import Source, page_paths, read_page
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
    here = Path(__file__).resolve().parent
    packaged = here / "seeds"  # where the wheel puts them
    return packaged if packaged.is_dir() else here.parent / "seeds"


Progress = Callable[[int, int], None]  # (files done, files in all)


def extract_all(
    paths: Iterable[Path | str], jobs: int = 1, progress: Progress | None = None
) -> Corpus:
    """Read files and folders of pages; a bad file is reported and the rest go on.

    With jobs > 1 the pages are read and extracted by that many worker processes; the
    records come back in the same order, so the result is the same with any number of
    jobs. `progress` is called as files are done."""
    found = list(page_paths(paths))
    records: list[Record] = []
    problems: list[PrecariousError] = []
    for done, result in enumerate(_results(found, jobs), 1):
        if isinstance(result, PrecariousError):
            problems.append(result)
        else:
            records.append(result)
        if progress is not None:
            progress(done, len(found))
    shelf = arrange(records)
    return Corpus(shelf.records, tuple(problems), shelf.books, shelf.loose)


def extract_source(source: Source | PrecariousError) -> Record | PrecariousError:
    """One file's record, or the error that says why there is none (pure: picklable in,
    picklable out, so that worker processes can run it)."""
    if isinstance(source, PrecariousError):
        return source
    try:
        return extract_page(read_page(source.path, source.id))
    except PrecariousError as err:
        return err


def _results(
    found: list[Source | PrecariousError], jobs: int
) -> Iterator[Record | PrecariousError]:
    if jobs <= 1 or len(found) < 2 * jobs:
        yield from map(extract_source, found)
        return
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        # Chunks big enough to keep pickling cheap, small enough to spread the work.
        chunk = max(1, min(256, len(found) // (jobs * 8)))
        yield from pool.map(extract_source, found, chunksize=chunk)
