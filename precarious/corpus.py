"""Paths → records for a whole corpus, grouped into books (see precarious.books), with
the evidence one page lends another."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from precarious.books import CorpusBook, arrange
from precarious.errors import NotAChapter, PrecariousError, UnreadableFile
from precarious.reader import Source, page_paths, read_page, shown
from precarious.records import Entry, Record, extract_page

if TYPE_CHECKING:
    from precarious.index import Index, Key


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
    paths: Iterable[Path | str],
    jobs: int = 1,
    progress: Progress | None = None,
    index: Index | None = None,
) -> Corpus:
    """Read files and folders of pages; a bad file is reported and the rest go on.

    With jobs > 1 the pages are read and extracted by that many worker processes; the
    records come back in the same order, so the result is the same with any number of
    jobs. With an index, a file that has not changed since it was last read is not read
    again. `progress` is called as files are done."""
    found = list(page_paths(paths))
    records: list[Record] = []
    problems: list[PrecariousError] = []
    results = _results(found, jobs) if index is None else _indexed(found, jobs, index)
    # The pages of a book print the same contents list: keep one copy of it (a third of
    # what a record holds), however many pages arrive from workers or the index.
    lists: dict[tuple[Entry, ...], tuple[Entry, ...]] = {}
    for done, result in enumerate(results, 1):
        if isinstance(result, PrecariousError):
            problems.append(result)
        else:
            shared = lists.setdefault(result.contents, result.contents)
            records.append(
                result if shared is result.contents else replace(result, contents=shared)
            )
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


def _indexed(
    found: list[Source | PrecariousError], jobs: int, index: Index
) -> Iterator[Record | PrecariousError]:
    """_results, taking what the index holds for unchanged files and storing the rest."""
    cached: dict[int, Record | PrecariousError] = {}
    keys: dict[int, Key] = {}
    for i, source in enumerate(found):
        if isinstance(source, Source):
            hit, key = index.get(source)
            if key is not None:
                keys[i] = key
            if hit is not None:
                cached[i] = _relabel(hit, source)
    misses = [s for i, s in enumerate(found) if i not in cached]
    fresh = _results(misses, jobs)
    try:
        for i in range(len(found)):
            if i in cached:
                yield cached[i]
                continue
            result = next(fresh)
            if i in keys:
                index.put(keys[i], result)
            yield result
    finally:
        index.flush()


def _relabel(result: Record | PrecariousError, source: Source) -> Record | PrecariousError:
    """A cached result under the id and path of this run (the same file may be reached
    from another folder)."""
    where = shown(source.path)
    if isinstance(result, Record):
        same = (result.id, result.source) == (source.id, where)
        return result if same else replace(result, id=source.id, source=where)
    if isinstance(result, UnreadableFile | NotAChapter):
        return type(result)(where, result.reason)
    return result


def _results(
    found: list[Source | PrecariousError], jobs: int
) -> Iterator[Record | PrecariousError]:
    if jobs <= 1 or len(found) < 2 * jobs:
        yield from map(extract_source, found)
        return
    # Imported here: a process pool costs start-up time that one process never needs.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        # Chunks big enough to keep pickling cheap, small enough to spread the work.
        chunk = max(1, min(256, len(found) // (jobs * 8)))
        yield from pool.map(extract_source, found, chunksize=chunk)
