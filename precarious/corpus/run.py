"""Paths → a corpus, as a map and a reduce.

Pass 1 (the map, in `--jobs` worker processes): each file is read and extracted on its
own, and gives back what only it decides, as text: its key (for grouping) and its output
parts in the format asked for. They wait in one store, in memory until they outgrow it,
then in an anonymous temporary file. Grouping (the reduce) runs over the keys; pass 2
(`Corpus.items`) goes through the pages in order and fills each one's parts with what the
corpus found: its book and its place in the book's contents list.
"""

from __future__ import annotations

import os
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import partial
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, overload

from precarious.blocks import extract_page
from precarious.corpus import books as shelf
from precarious.corpus.grouping import Grouping, Reads, reads
from precarious.corpus.keys import Key, contents_from, contents_text, key_from, key_of, key_text
from precarious.corpus.walk import Source, sources, stat_of
from precarious.errors import PrecariousError, UnreadableFile, WorkerFailed, temporary_files
from precarious.read import page_from_text, read_file, shown
from precarious.record import Entry, Record

if TYPE_CHECKING:
    from precarious.corpus.books import CorpusBook, Splice
    from precarious.corpus.index import Cached, Index

T = TypeVar("T")
Progress = Callable[[int, int], None]  # (files done, files in all)

# Fewer files than this are read by this process: done before a pool would have started.
FEW = 256
# Fewer than this are read without the index: they are read sooner than it is opened.
INDEXED = 64
# Files handed to the workers at a time, the next window while this one is taken.
_WINDOW = 512


class Made(NamedTuple):
    """What one page gives on its own, as text: its key and contents list, what grouping
    reads of it, its output parts, and (for the index, when one is kept) its JSON Lines
    parts."""

    key: bytes
    contents: bytes  # b"" when none
    reads: Reads
    parts: list[bytes]  # UTF-8: passed on as they are
    kept: list[bytes]
    identity: tuple[int, ...]  # (device, inode, size, mtime, ctime, links) as read
    steady: bool  # the file did not change while it was read


def make(source: Source, fmt: str, keep: bool = False) -> Made | PrecariousError:
    """Read and extract one page (pure: picklable in, picklable out, for worker processes).
    `fmt` names the output parts (views.render.page_parts)."""
    where = shown(source.file)
    try:
        read = read_file(source.file, where)
        record = extract_page(page_from_text(read.text, source.id, where, read.encoding))
    except PrecariousError as err:
        # Without its traceback: its frames would keep the page's text alive.
        return err.with_traceback(None)
    except MemoryError:  # this page, not the run (under a memory limit, say)
        return UnreadableFile(where, "out of memory reading it: skipped")
    return made(record, fmt, read.identity, read.steady, keep)


def made(
    record: Record, fmt: str, identity: tuple[int, ...], steady: bool = True, keep: bool = False
) -> Made:
    """What a page's record gives (see Made)."""
    from precarious.views.render import page_parts

    key = key_of(record)
    parts = [part.encode() for part in page_parts(fmt, record)]
    kept = (
        (parts if fmt == "jsonl" else [p.encode() for p in page_parts("jsonl", record)])
        if keep
        else []
    )
    return Made(
        key_text(key),
        contents_text(key.contents) if key.contents else b"",
        reads(key),
        parts,
        kept,
        identity,
        steady,
    )


def frame(parts: Sequence[bytes]) -> bytes:
    """Several byte strings as one: their lengths on a first line, then the bytes."""
    return b"%b\n%b" % (",".join(str(len(p)) for p in parts).encode(), b"".join(parts))


def unframe(data: bytes) -> list[bytes]:
    head, _, body = data.partition(b"\n")
    out, at = [], 0
    for size in map(int, head.split(b",")):
        out.append(body[at : at + size])
        at += size
    return out


class Store:
    """Texts by number: in memory until they outgrow it, then in an anonymous temporary
    file (gone when the run ends, however it ends). A full or unwritable temporary folder
    is WriteFailed."""

    IN_MEMORY = 2 << 20

    def __init__(self) -> None:
        self.memory: bytearray | None = bytearray()
        self.fd = -1
        self.ends = array("q")
        self.pending: list[bytes] = []  # written to the file in one go, before a read

    def add(self, data: bytes) -> int:
        self.ends.append((self.ends[-1] if self.ends else 0) + len(data))
        if self.memory is not None:
            self.memory += data
            if len(self.memory) > self.IN_MEMORY:
                self._to_disk()
        else:
            self.pending.append(data)
            if len(self.pending) >= 256:
                self._flush()
        return len(self.ends) - 1

    def __getitem__(self, i: int) -> bytes:
        start = self.ends[i - 1] if i else 0
        end = self.ends[i]
        if self.memory is not None:
            data = bytes(self.memory[start:end])
        else:
            self._flush()
            with temporary_files(OSError):
                data = os.pread(self.fd, end - start, start)
        return data

    def _to_disk(self) -> None:
        import tempfile

        with temporary_files(OSError), tempfile.TemporaryFile() as file:
            self.fd = os.dup(file.fileno())
            os.write(self.fd, self.memory or b"")
        self.memory = None

    def _flush(self) -> None:
        if self.pending:
            with temporary_files(OSError):
                os.write(self.fd, b"".join(self.pending))  # (appended: the file is ours)
            self.pending.clear()

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class Keys(Sequence[Key]):
    """The keys of a corpus's pages, read back from its store as they are asked for; each
    distinct contents list is kept once."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.at = array("i")  # per page: its key in the store
        self.lists = array("i")  # per page: its contents list in the store (-1: none)
        self.known: dict[int, int] = {}  # a contents list's hash → where it is
        self._read: dict[int, tuple[Entry, ...]] = {}  # a few lists, read back

    def add(self, key: bytes, contents: bytes) -> None:
        self.at.append(self.store.add(key))
        self.lists.append(self._list(contents) if contents else -1)

    def _list(self, data: bytes) -> int:
        at = self.known.get(hash(data))
        if at is not None and self.store[at] == data:
            return at
        added = self.store.add(data)
        self.known.setdefault(hash(data), added)  # (another list of the same hash: kept apart)
        return added

    def __len__(self) -> int:
        return len(self.at)

    @overload
    def __getitem__(self, i: int) -> Key: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Key]: ...
    def __getitem__(self, i: int | slice) -> Key | Sequence[Key]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        at = self.lists[i]
        return key_from(self.store[self.at[i]], self._contents(at) if at >= 0 else ())

    def _contents(self, at: int) -> tuple[Entry, ...]:
        found = self._read.get(at)
        if found is None:
            if len(self._read) >= 64:
                del self._read[next(iter(self._read))]
            found = self._read[at] = contents_from(self.store[at])
        return found


class Corpus:
    """A corpus read (pass 1) and grouped: its pages' keys, files and output parts, the
    files that gave no page (and why), which book each page joined, and its books."""

    def __init__(
        self,
        paths: Iterable[str | os.PathLike[str]],
        fmt: str = "jsonl",
        jobs: int = 1,
        index: Index | Callable[[], Index | None] | None = None,
        progress: Progress | None = None,
        *,
        folders: bool = False,
    ) -> None:
        """Read the pages of these paths (pass 1), each with its output parts in `fmt`, and
        group them. With an index (or a function opening one, called only for a corpus of
        FEW files or more), unchanged files are taken from it and the others kept in it;
        with `folders`, the folders read are noted (see keep)."""
        self.fmt = fmt
        self.roots = [os.fspath(p) for p in paths]
        self.store = Store()
        self.keys = Keys(self.store)
        self.grouping = Grouping(self.keys)
        self.pages = array("i")  # per page: its file, stat and output parts, in the store
        self.problems: list[PrecariousError] = []
        self.folders: list[tuple[str, Any]] | None = [] if folders else None
        total = sum(1 for _ in sources(self.roots)) if progress else 0
        walk = sources(self.roots, self.folders)
        linked: set[tuple[int, ...]] = set()  # files with several names: read once
        tops = [r for r in self.roots if os.path.isdir(r)]
        for done, (source, result) in enumerate(_pass1(tops, walk, fmt, jobs, index), 1):
            if isinstance(result, PrecariousError):
                self.problems.append(result)
            elif result.identity[5] > 1 and result.identity[:2] in linked:
                pass  # another name (a hard link) of a file read already
            else:
                if result.identity[5] > 1:
                    linked.add(result.identity[:2])
                self.keys.add(result.key, result.contents)
                self.grouping.add(result.reads)
                file = source.file.encode("utf-8", "surrogateescape")
                stat = str(list(result.identity[:5])).encode()  # (also its JSON: ints)
                self.pages.append(self.store.add(frame([file, stat, *result.parts])))
            if progress is not None:
                progress(done, max(done, total))
        self.grouping.close()
        self._books: list[CorpusBook] | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def file(self, pos: int) -> str:
        """The path of the file page `pos` was read from."""
        return unframe(self.store[self.pages[pos]])[0].decode("utf-8", "surrogateescape")

    def keep(self, index: Index, settled: bool = True) -> int | None:
        """Keep this corpus's grouping in the index, for lookups (read with `folders`); its
        number there."""
        from precarious.errors import NotAChapter

        assert self.folders is not None
        books = self.books()
        problems = [
            [
                "not-a-chapter" if isinstance(p, NotAChapter) else "unreadable",
                str(getattr(p, "path", "")),
                str(getattr(p, "reason", p)),
            ]
            for p in self.problems
        ]
        facts = [[b.id, b.title, b.subtitle, b.print_year] for b in books]

        def members() -> Iterator[tuple[Any, ...]]:
            splices = {p.pos: p.splice for b in books for p in b.pages}
            for pos, key in enumerate(self.keys):
                file, stat = unframe(self.store[self.pages[pos]])[:2]
                splice = splices.get(pos) or shelf.Splice(key.book)
                yield (
                    pos,
                    file,
                    stat.decode(),  # (JSON already, as pass 1 wrote it)
                    key.id,
                    key.id.rpartition("/")[2],
                    key.number,
                    key.title,
                    (key.title or "").casefold(),
                    splice.book.id,
                    shelf.splice_text(splice),
                )

        return index.keep_corpus(
            self.roots, self.folders, problems, facts, members(), settled=settled
        )

    def books(self) -> list[CorpusBook]:
        """The books, in the order of their first pages."""
        if self._books is None:
            self._books = shelf.in_order(shelf.shelve(self.grouping))
        return self._books

    def splice(self, pos: int) -> Splice:
        """What the corpus found of page `pos`."""
        gid = self.grouping.group[pos]
        if gid < 0:
            return shelf.Splice(self.keys[pos].book)
        book = next(b for b in self.books() if b.pages[0].pos == self.grouping.members(gid)[0])
        return next(p.splice for p in book.pages if p.pos == pos)

    def record(self, pos: int) -> Record:
        """Page `pos`'s record, read again from its file, with what the corpus found."""
        file = self.file(pos)
        where = shown(file)
        read = read_file(file, where)
        page = page_from_text(read.text, self.keys[pos].id, where, read.encoding)
        return self.splice(pos).apply(extract_page(page))

    def items(self) -> Iterator[tuple[int, str, list[bytes], list[str]]]:
        """Pass 2: each page's position, file, output parts and what the corpus adds to
        them (render.splice_parts), in corpus order. What the corpus adds is worked out a
        book at a time and kept in the store meanwhile."""
        from precarious.views.render import splice_parts

        at = array("i", [-1]) * len(self)
        for book in shelf.shelve(self.grouping):
            for page in book.pages:
                found = splice_parts(self.fmt, page.key, page.splice)
                at[page.pos] = self.store.add(frame([f.encode() for f in found]))
        for pos in range(len(self)):
            if at[pos] < 0:  # a page in no book
                key = self.keys[pos]
                found = splice_parts(self.fmt, key, shelf.Splice(key.book))
            else:
                found = [f.decode() for f in unframe(self.store[at[pos]])]
            file, _, *parts = unframe(self.store[self.pages[pos]])
            yield pos, file.decode("utf-8", "surrogateescape"), parts, found

    def records(self, book: str | None = None) -> Iterator[Record]:
        """The records (of the book of this id), from their parts: a corpus read as
        "jsonl"."""
        import json

        from precarious.views.render import page_item

        for _, _, parts, found in self.items():
            record = Record.from_dict(json.loads(page_item("jsonl", parts, found)))
            if book is None or record.book.id == book:
                yield record

    def close(self) -> None:
        self.store.close()


def _pass1(
    roots: Sequence[str],
    found: Iterator[Source | PrecariousError],
    fmt: str,
    jobs: int,
    opened: Index | Callable[[], Index | None] | None,
) -> Iterator[tuple[Source, Made | PrecariousError]]:
    """Each file (in order) with what it gives: from the index when it holds the file as
    it is, else made (by `jobs` processes when there are files enough), and kept in it."""
    first = list(islice(found, FEW))
    index = opened() if callable(opened) and len(first) >= INDEXED else None
    if not callable(opened):
        index = opened
    work = partial(_make, fmt=fmt, keep=index is not None)
    walk = chain(first, found)
    seen: list[str] = []
    with _mapper(1 if len(first) < FEW else jobs) as run:
        windows = (_window(w, run, work, index) for w in _batched(walk, _WINDOW))
        for source, result in _one_ahead(windows):
            if index is not None and isinstance(result, Made):
                seen.append(source.file)
            yield source, result
    if index is not None:
        index.flush()
        index.prune(roots, seen)


def _make(source: Source, fmt: str, keep: bool) -> Made | PrecariousError:
    return make(source, fmt, keep)  # (looked up when called: a test may stand in for it)


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    items = iter(items)
    while window := list(islice(items, size)):
        yield window


_Run = Callable[[Callable[[Source], Any], list[Source]], Iterator[Any]]


def _window(
    window: list[Source | PrecariousError],
    run: _Run,
    work: Callable[[Source], Made | PrecariousError],
    index: Index | None,
) -> Iterator[tuple[Source, Made | PrecariousError]]:
    """Start on a window now (its index lookups, its files handed to `run`); the iterator
    gives its results in order, storing the fresh ones in the index."""
    cached: dict[int, Made] = {}
    todo: list[Source] = []
    fmt = work.keywords["fmt"]  # type: ignore[attr-defined]
    for i, item in enumerate(window):
        if isinstance(item, Source):
            stat = stat_of(item.file) if index is not None else None
            hit = index.get(item.file, stat) if index is not None and stat else None
            if hit is not None and stat is not None:
                cached[i] = _from_index(_relabeled(hit, item), fmt, stat)
            else:
                todo.append(item)
    fresh = run(work, todo)

    def results() -> Iterator[tuple[Source, Made | PrecariousError]]:
        for i, item in enumerate(window):
            if isinstance(item, PrecariousError):
                yield Source("", ""), item
                continue
            result = cached[i] if i in cached else next(fresh)
            if index is not None and i not in cached and isinstance(result, Made):
                index.put(item.file, result, result.kept)
            yield item, result

    return results()


def _relabeled(cached: Cached, source: Source) -> Cached:
    """A page as the index kept it, under the id and path it has in this run (the same file
    may be read under another name, or from another folder)."""
    import json

    from precarious.record import SCHEMA_VERSION

    key, head = cached.key, cached.parts[0]
    where = shown(source.file)
    label = (
        f'{{"schema_version": "{SCHEMA_VERSION}", "id": {json.dumps(source.id, ensure_ascii=False)}'
    )
    label += f', "source": {json.dumps(where, ensure_ascii=False)}'
    if head.startswith(label.encode() + b', "layout": '):
        return cached
    at = head.index(b', "layout": ')  # (no unescaped quote is inside a string)
    parts = [label.encode() + head[at:], *cached.parts[1:]]
    relabeled = key_from(key, ())._replace(id=source.id)
    return cached._replace(key=key_text(relabeled), parts=parts)


def _from_index(cached: Cached, fmt: str, stat: tuple[int, ...]) -> Made:
    """A page as the index kept it, its parts in `fmt`."""
    parts = cached.parts
    if fmt != "jsonl":
        import json

        from precarious.views.render import page_item, page_parts, splice_parts

        key = key_from(cached.key, contents_from(cached.contents) if cached.contents else ())
        line = page_item("jsonl", parts, splice_parts("jsonl", key, shelf.Splice(key.book)))
        record = Record.from_dict(json.loads(line))
        parts = [p.encode() for p in page_parts(fmt, record)]
    return Made(cached.key, cached.contents, cached.reads, parts, [], stat, True)


def _one_ahead(started: Iterable[Iterator[T]]) -> Iterator[T]:
    """Each iterator's items in turn, the next iterator started (taken from `started`) before
    this one is gone through: work handed on a window ahead, and no more."""
    ahead: deque[Iterator[T]] = deque()
    for iterator in started:
        ahead.append(iterator)
        if len(ahead) > 1:
            yield from ahead.popleft()
    while ahead:
        yield from ahead.popleft()


@contextmanager
def _mapper(jobs: int) -> Iterator[_Run]:
    """map(work, items) in this process, or by a pool of `jobs` processes (a window's map
    started now, gone through later). Interrupted (a signal, Ctrl-C, an error), the workers
    are stopped at once rather than let finish; they also end if this process is killed."""
    if jobs <= 1:
        yield map
        return
    # Imported here: a process pool costs start-up time that one process never needs.
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    chunk = max(1, _WINDOW // (4 * jobs))
    pool = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_worker_start, initargs=(os.getpid(),)
    )
    try:
        yield lambda work, items: pool.map(work, items, chunksize=chunk)
    except BrokenProcessPool:  # a worker killed, by the out-of-memory killer say
        _stop(pool)
        raise WorkerFailed from None
    except RuntimeError as err:  # "can't start new thread": no memory left for one
        _stop(pool)
        raise WorkerFailed(f"cannot start a worker ({err}); run with --jobs 1") from None
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)


def _stop(pool: Any) -> None:
    """Stop a pool's workers now, their work unfinished."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with suppress(OSError, ValueError):
            process.terminate()


def _worker_start(parent: int) -> None:
    """A worker leaves Ctrl-C and the run's end to its parent, and dies with it: a parent
    killed outright (SIGKILL) must not leave workers waiting for work forever."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    with suppress(Exception):  # Linux only: prctl(PR_SET_PDEATHSIG, SIGTERM)
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    if os.getppid() != parent:  # the parent was gone already
        os._exit(1)
