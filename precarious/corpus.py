"""Paths → records for a whole corpus, grouped into books (see precarious.books), with
the evidence one page lends another."""

from __future__ import annotations

import pickle
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar, overload

from precarious.books import CorpusBook, evidence, refiled
from precarious.errors import (
    NotAChapter,
    PrecariousError,
    UnreadableFile,
    WorkerFailed,
)
from precarious.reader import Source, page_paths, read_page, shown
from precarious.records import Book, Entry, Record, evolve, extract_page
from precarious.shelving import Filing, arrange, filing
from precarious.spool import Spool

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from precarious.index import Index, Key


@dataclass(frozen=True, slots=True)
class Corpus:
    """The records of the pages that were read (book and placement filled in), what went
    wrong with the other files, and the books the records were grouped into."""

    records: Sequence[Record]  # a tuple, or Filed: each made when it is asked for
    problems: tuple[PrecariousError, ...]
    books: Sequence[CorpusBook] = ()
    loose: tuple[tuple[str, str], ...] = ()  # (record id, why it belongs to no book)


def bundled_seeds() -> Path:
    """The corpus shipped with the package (seeds/ in a source checkout)."""
    here = Path(__file__).resolve().parent
    packaged = here / "seeds"  # where the wheel puts them
    return packaged if packaged.is_dir() else here.parent / "seeds"


Progress = Callable[[int, int], None]  # (files done, files in all)


# What extract_all keeps of each record (see there).
Keep = Literal["records", "spool", "evidence"]


def extract_all(
    paths: Iterable[Path | str],
    jobs: int = 1,
    progress: Progress | None = None,
    index: Index | None = None,
    keep: Keep = "records",
) -> Corpus:
    """Read files and folders of pages; a bad file is reported and the rest go on.

    With jobs > 1 the pages are read and extracted by that many worker processes; the
    records come back in the same order, so the result is the same with any number of
    jobs. With an index, a file that has not changed since it was last read is not read
    again. `progress` is called as files are done.

    `keep` says what is held in memory. "records": every record. "spool", for output
    that goes through the records once: each record is written to an anonymous
    temporary file as it is made and read back when asked for, and the books are
    worked out on disk too (shelving.arrange), so memory hardly grows with the corpus.
    "evidence", for finding a page or two: only each record's evidence (books.evidence)
    is kept, the records are fetched from the index (or their file) when asked for,
    and the grouping of a corpus whose files have not changed is not worked out again."""
    paths = list(paths)
    if keep == "evidence" and index is None:
        keep = "records"  # nothing to fetch them from but their files, read once already
    # The files as the walk finds them; listed first only when the records are fetched
    # from them later (on 100,000 pages the list is 45 MB). A spooled corpus's walk keeps
    # what it has met on disk too.
    on_disk = keep == "spool"
    walk = page_paths(paths, on_disk)
    found = list(walk) if keep == "evidence" else None
    total = 0  # the files in all, for `progress`: a terminal's bar costs a walk more
    if progress is not None:
        total = len(found) if found is not None else sum(1 for _ in page_paths(paths, on_disk))
    signature = None
    if found is not None and index is not None:
        signature = index.corpus_signature(found)
        cached = index.get_shelf(signature)
        if cached is not None:
            shelf, problems = cached
            fetch = _Fetch(found, index)
            return Corpus(Filed(shelf.records, fetch), problems, shelf.books, shelf.loose)
    errors: list[PrecariousError] = []
    results = _made(walk if found is None else found, jobs, on_disk, index)
    spooled = Spool() if on_disk else None

    def made() -> Iterator[Record | Filing]:
        """The records (or their evidence) as they come; the errors and the spool aside."""
        shared = _Shared()
        for done, result in enumerate(results, 1):
            if isinstance(result, PrecariousError):
                errors.append(result)
            elif isinstance(result, _Packed):
                assert spooled is not None  # (only the spool's records come packed)
                spooled.put_pickled(len(spooled), result.blob)
                yield result.evidence
            else:
                yield shared(result if keep == "records" else evidence(result))
            if progress is not None:
                progress(done, max(done, total))  # (files may be added as the run goes)

    # A spooled corpus is arranged on disk too: in memory that does not grow with it.
    shelf = arrange(made(), on_disk)
    problems = tuple(errors)
    if spooled is not None:
        spooled.seal()
        records = Filed(shelf.records, lambda i, _: spooled[i], forkable=True)
        return Corpus(records, problems, shelf.books, shelf.loose)
    if found is None or index is None:  # keep == "records"
        return Corpus(shelf.records, problems, shelf.books, shelf.loose)
    if signature is not None:
        index.put_shelf(signature, (shelf, problems), found)
    records = Filed(shelf.records, _Fetch(found, index))
    return Corpus(records, problems, shelf.books, shelf.loose)


def evidence_of(records: Sequence[Record]) -> Sequence[Record]:
    """What `find` and the like may look through without fetching every record: the
    evidence of fetched records, the records themselves otherwise."""
    return records.filed if isinstance(records, Filed) else records


def select(records: Sequence[Record], keep: Callable[[Record], bool]) -> Sequence[Record]:
    """The records `keep` says yes to, judged by their evidence (not fetching them all)."""
    if isinstance(records, Filed):
        return records.only([i for i, r in enumerate(records.filed) if keep(r)])
    return [r for r in records if keep(r)]


T = TypeVar("T")
_FORK = sys.platform == "linux"  # elsewhere the default is spawn, and fork is unsafe
_FEW = 256  # files or records: fewer are done sooner than a process pool is started


def mapped(records: Sequence[Record], func: Callable[[Record], T], jobs: int = 1) -> Iterator[T]:
    """func(record) for each record, in order. For records read back from the spool and
    jobs > 1, that many forked processes read them back and run func (which need not
    pickle), and this one only gathers the results: so `list --jobs 2` makes its output
    in parallel too."""
    forkable = isinstance(records, Filed) and records.forkable and _FORK
    if jobs <= 1 or not forkable or len(records) < _FEW:
        yield from map(func, records)
        return
    spans = [(i, min(i + _SPAN, len(records))) for i in range(0, len(records), _SPAN)]
    # In each forked process: its records and func.
    with _pool(jobs, "fork", initializer=_MAPPING.append, initargs=((records, func),)) as pool:
        runs = (
            pool.map(_map_span, spans[at : at + 2 * jobs]) for at in range(0, len(spans), 2 * jobs)
        )
        for results in _one_ahead(runs):
            yield from results


_SPAN = 256  # records a process maps at a time
_MAPPING: list[tuple[Sequence[Record], Callable[[Record], Any]]] = []  # set in a worker


def _map_span(span: tuple[int, int]) -> list[Any]:
    records, func = _MAPPING[0]
    return [func(records[i]) for i in range(*span)]


def _one_ahead(started: Iterable[Iterator[T]]) -> Iterator[T]:
    """Each iterator's items in turn, the next iterator started (taken from `started`) before
    this one is gone through: work handed on a batch ahead, and no more."""
    ahead: deque[Iterator[T]] = deque()
    for iterator in started:
        ahead.append(iterator)
        if len(ahead) > 1:
            yield from ahead.popleft()
    while ahead:
        yield from ahead.popleft()


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
        return evolve(record, contents=contents, book=book)


class _Fetch:
    """Record i of a corpus from the index, or from its file when the index has lost it
    (the corpus's signature says the file is the one that was grouped)."""

    def __init__(self, found: Sequence[Source | PrecariousError], index: Index | None) -> None:
        self.sources = {s.id: s for s in found if isinstance(s, Source)}
        self.index = index

    def __call__(self, i: int, filed: Record) -> Record:
        source = self.sources[filed.id]
        hit = self.index.get(source)[0] if self.index is not None else None
        result = extract_source(source) if hit is None else _relabel(hit, source)
        if isinstance(result, PrecariousError):  # gone or changed since the walk
            raise result
        return result


class Filed(Sequence[Record]):
    """A corpus's records made as they are asked for: each fetched (from the spool, the
    index or its file) and given what arrange decided for its evidence (books.refiled)."""

    def __init__(
        self,
        filed: Sequence[Record],
        fetch: Callable[[int, Record], Record],
        forkable: bool = False,
    ) -> None:
        self.filed, self.fetch = filed, fetch  # fetch(position, its evidence)
        self.forkable = forkable  # a forked process can fetch them too (see `mapped`)

    def only(self, positions: Sequence[int]) -> Filed:
        """The records at these positions, still fetched only when asked for."""
        return Filed(
            tuple(self.filed[i] for i in positions),
            lambda j, filed: self.fetch(positions[j], filed),
            self.forkable,
        )

    def __len__(self) -> int:
        return len(self.filed)

    @overload
    def __getitem__(self, i: int) -> Record: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Record]: ...
    def __getitem__(self, i: int | slice) -> Record | Sequence[Record]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = range(len(self.filed))[i]  # negative positions, and IndexError
        filed = self.filed[i]  # once: from a spooled shelf, each access is an unpickling
        return refiled(self.fetch(i, filed), filed)

    def __iter__(self) -> Iterator[Record]:
        for i in range(len(self.filed)):
            yield self[i]


def extract_source(source: Source | PrecariousError) -> Record | PrecariousError:
    """One file's record, or the error that says why there is none (pure: picklable in,
    picklable out, so that worker processes can run it)."""
    if isinstance(source, PrecariousError):
        return source
    try:
        return extract_page(read_page(source.file, source.id))
    except PrecariousError as err:
        # Without its traceback: the frames it names would keep alive every file of the
        # walk (and whatever else they hold) for as long as the problem is reported.
        return err.with_traceback(None)


class _Packed(NamedTuple):
    """A record as the spool takes it: its evidence's filing, and the record pickled (by the
    worker that made it, so that the parent process neither unpickles nor pickles them)."""

    evidence: Filing
    blob: bytes


_Made = Record | _Packed | PrecariousError


def _pack(result: Record | PrecariousError, blob: bytes | None = None) -> _Packed | PrecariousError:
    """The record packed for the spool (`blob`: its pickle, when it is at hand)."""
    if isinstance(result, PrecariousError):
        return result
    blob = blob or pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    return _Packed(filing(evidence(result)), blob)


def _extract_packed(source: Source | PrecariousError) -> _Packed | PrecariousError:
    return _pack(extract_source(source))


# Files looked up and handed to the workers at a time (see _made).
_WINDOW = 512


def _made(
    found: Iterable[Source | PrecariousError], jobs: int, pack: bool, index: Index | None
) -> Iterator[_Made]:
    """What each file gives, in order: its record (packed for the spool) or its error. With
    an index, an unchanged file's is taken from it and the others' are stored in it.

    Files go through in windows, the next one handed to the workers (or looked up) while
    this one is taken: however large the corpus, about two windows of results wait in
    memory. (A pool's map takes every file at once and keeps every result it runs ahead
    with; the index's hits for every file would be the whole corpus, pickled.)"""
    work: Callable[[Source | PrecariousError], _Made] = _extract_packed if pack else extract_source
    found = iter(found)  # the walk, perhaps, gone through as the files are done
    first = list(islice(found, _FEW))  # enough to know whether a pool is worth starting
    try:
        with _mapper(jobs, len(first)) as run:
            windows = (_window(w, run, work, index, pack) for w in _batched(first, found))
            yield from _one_ahead(windows)
    finally:
        if index is not None:
            index.flush()


def _batched(first: list[T], rest: Iterator[T]) -> Iterator[list[T]]:
    """`first`, then `rest`, in lists of _WINDOW items."""
    items = chain(first, rest)
    while window := list(islice(items, _WINDOW)):
        yield window


_Run = Callable[
    [Callable[[Source | PrecariousError], _Made], list[Source | PrecariousError]], Iterator[_Made]
]


def _window(
    window: list[Source | PrecariousError],
    run: _Run,
    work: Callable[[Source | PrecariousError], _Made],
    index: Index | None,
    pack: bool,
) -> Iterator[_Made]:
    """Start on a window now (its index lookups, its files handed to `run`); the iterator
    gives its results in order, storing the fresh ones in the index."""
    cached: dict[int, _Made] = {}
    keys: dict[int, Key] = {}
    for i, source in enumerate(window):
        if index is not None and isinstance(source, Source):
            hit, blob, key = index.get(source)
            if key is not None:
                keys[i] = key
            if hit is not None:
                labelled = _relabel(hit, source)
                blob = blob if labelled is hit else None  # else pickled again, as relabelled
                cached[i] = _pack(labelled, blob) if pack else labelled
    fresh = run(work, [s for i, s in enumerate(window) if i not in cached])

    def results() -> Iterator[_Made]:
        for i in range(len(window)):
            if i in cached:
                yield cached[i]
                continue
            result = next(fresh)
            if index is not None and i in keys:
                index.put(keys[i], result.blob if isinstance(result, _Packed) else result)
            yield result

    return results()


def _relabel(result: Record | PrecariousError, source: Source) -> Record | PrecariousError:
    """A cached result under the id and path of this run (the same file may be reached
    from another folder)."""
    where = shown(source.file)
    if isinstance(result, Record):
        same = (result.id, result.source) == (source.id, where)
        return result if same else evolve(result, id=source.id, source=where)
    if isinstance(result, UnreadableFile | NotAChapter):
        return type(result)(where, result.reason)
    return result


@contextmanager
def _mapper(jobs: int, files: int) -> Iterator[_Run]:
    """A map over `jobs` worker processes (the results in order), or the plain one when one
    process will do."""
    if jobs <= 1 or files < _FEW:
        yield map
        return
    with _pool(jobs, "fork" if _FORK else "spawn") as pool:
        # Chunks big enough to keep pickling cheap, small enough to spread a window's work.
        yield lambda work, items: pool.map(work, items, chunksize=max(1, len(items) // (jobs * 4)))


@contextmanager
def _pool(jobs: int, start: str, **options: Any) -> Iterator[ProcessPoolExecutor]:
    """A pool of `jobs` processes (started by `start`); a worker that ends abruptly (killed,
    say by the out-of-memory killer) is WorkerFailed, not a traceback."""
    # Imported here: a process pool costs start-up time that one process never needs.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context(start)
    try:
        with ProcessPoolExecutor(jobs, mp_context=context, **options) as pool:
            yield pool
    except BrokenProcessPool:
        raise WorkerFailed from None
