"""Paths → records for a whole corpus, grouped into books (see precarious.books), with
the evidence one page lends another."""

from __future__ import annotations

import pickle
import sys
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, overload

from precarious.books import CorpusBook, arrange, evidence, refiled
from precarious.errors import NotAChapter, PrecariousError, UnreadableFile, WriteFailed
from precarious.reader import Source, page_paths, read_page, shown
from precarious.records import Book, Entry, Record, extract_page

if TYPE_CHECKING:
    from precarious.index import Index, Key


@dataclass(frozen=True, slots=True)
class Corpus:
    """The records of the pages that were read (book and placement filled in), what went
    wrong with the other files, and the books the records were grouped into."""

    records: Sequence[Record]  # a tuple, or Spooled: read back one at a time
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
    spool: bool = False,
) -> Corpus:
    """Read files and folders of pages; a bad file is reported and the rest go on.

    With jobs > 1 the pages are read and extracted by that many worker processes; the
    records come back in the same order, so the result is the same with any number of
    jobs. With an index, a file that has not changed since it was last read is not read
    again. `progress` is called as files are done.

    With `spool`, for output that goes through the records once (in a third of the memory
    on a large corpus): each record is written to an anonymous temporary file as it is made,
    only its evidence (books.evidence) is kept for grouping, and `records` reads them back
    one at a time. The books then hold that evidence, not full records."""
    found = list(page_paths(paths))
    kept: list[Record] = []
    problems: list[PrecariousError] = []
    results = _results(found, jobs) if index is None else _indexed(found, jobs, index)
    shared = _Shared()
    spooled = _Spool() if spool else None
    for done, result in enumerate(results, 1):
        if isinstance(result, PrecariousError):
            problems.append(result)
        elif spooled is not None:
            spooled.write(result)
            kept.append(shared(evidence(result)))
        else:
            kept.append(shared(result))
        if progress is not None:
            progress(done, len(found))
    del found, results  # the file list: no longer needed while the books are worked out
    shelf = arrange(kept)
    records = shelf.records if spooled is None else spooled.records(shelf.records)
    return Corpus(records, tuple(problems), shelf.books, shelf.loose)


class _Shared:
    """Keeps one copy of each contents list and book (the pages of a book print the same
    ones: a third of what a record holds), however many pages arrive from workers or the
    index."""

    def __init__(self) -> None:
        self.lists: dict[tuple[Entry, ...], tuple[Entry, ...]] = {}
        self.books: dict[Book, Book] = {}

    def __call__(self, record: Record) -> Record:
        contents = self.lists.setdefault(record.contents, record.contents)
        book = self.books.setdefault(record.book, record.book)
        if contents is record.contents and book is record.book:
            return record
        return replace(record, contents=contents, book=book)


class _Spool:
    """Records pickled one after another into an anonymous temporary file (gone when it
    is closed or the process ends, however it ends). A full or unwritable $TMPDIR is
    WriteFailed, not an OSError that would pass for a failure of the output."""

    def __init__(self) -> None:
        with _spooling():
            self.file = tempfile.TemporaryFile()  # noqa: SIM115 (open as long as the corpus)
        self.offsets = array("q")

    def write(self, record: Record) -> None:
        with _spooling():
            self.offsets.append(self.file.tell())
            pickle.dump(record, self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def records(self, filed: Sequence[Record]) -> Spooled:
        with _spooling():
            self.file.flush()
        return Spooled(self.file, self.offsets, tuple(filed))


@contextmanager
def _spooling() -> Iterator[None]:
    try:
        yield
    except OSError as err:
        where = f"a temporary file in {tempfile.gettempdir()}"
        raise WriteFailed(where, err.strerror or str(err)) from None


class Spooled(Sequence[Record]):
    """The corpus's records, read back from the spool as they are asked for, each with
    what arrange decided for it (books.refiled)."""

    def __init__(self, file: BinaryIO, offsets: array[int], filed: tuple[Record, ...]) -> None:
        self.file, self.offsets, self.filed = file, offsets, filed

    def __len__(self) -> int:
        return len(self.filed)

    @overload
    def __getitem__(self, i: int) -> Record: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Record]: ...
    def __getitem__(self, i: int | slice) -> Record | Sequence[Record]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        self.file.seek(self.offsets[i])
        return refiled(pickle.load(self.file), self.filed[i])

    def __iter__(self) -> Iterator[Record]:
        # Each by its offset: a seek within the file's buffer costs no system call, and a
        # lookup in the middle of an iteration cannot lose its place.
        for i in range(len(self.filed)):
            yield self[i]


def extract_source(source: Source | PrecariousError) -> Record | PrecariousError:
    """One file's record, or the error that says why there is none (pure: picklable in,
    picklable out, so that worker processes can run it)."""
    if isinstance(source, PrecariousError):
        return source
    try:
        return extract_page(read_page(source.path, source.id))
    except PrecariousError as err:
        # Without its traceback: the frames it names would keep alive every file of the
        # walk (and whatever else they hold) for as long as the problem is reported.
        return err.with_traceback(None)


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
