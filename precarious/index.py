"""An index of extracted pages in an SQLite file under the user's cache directory, so that a
large corpus is not read and parsed again for every command.

Each page is keyed by the file's identity (device and inode: the same file however it is
reached), size and modification time and by the parser version (a checksum of the code
that turns a file into a record): a file that changed or was replaced, or code that
changed, is read again, and a file that is gone is never asked for. A page entry holds
only what the file gave on its own (a record before its book is worked out, or the error).

For lookups (`show KEY`), the index also keeps the grouping of the last few corpora, under
a signature of every file of the corpus (its id, path and key) and of the parsing and
grouping code: a corpus with any file added, removed, moved or changed has another
signature and is grouped afresh, so nothing stale can reach the output.

A corrupt, locked or unwritable index is set aside and the run goes on without it: it
never makes a command fail.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import sqlite3
import sys
import time
import zlib
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from precarious.errors import PrecariousError
from precarious.reader import Source, shown
from precarious.records import Record

Result = Record | PrecariousError
Key = tuple[str, int, int]  # ("device:inode", size, mtime in ns)
_SETTLED_NS = 2_000_000_000
# The modules whose code decides what a file's record is, and how records are grouped.
_PARSER = ("reader.py", "blocks.py", "normalize.py", "records.py", "errors.py")
_GROUPING = ("books.py", "corpus.py")
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS pages (
        file TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        parser TEXT NOT NULL,
        result BLOB NOT NULL
    )""",
    # A corpus's grouping (shelving.Shelf of evidence, and the files' problems), under the
    # signature of every file of the corpus: only the last few corpora are kept.
    """CREATE TABLE IF NOT EXISTS shelves (
        signature TEXT PRIMARY KEY,
        stored INTEGER NOT NULL,
        shelf BLOB NOT NULL
    )""",
)
_SHELVES_KEPT = 4


def default_path() -> Path:
    """$XDG_CACHE_HOME/precarious/index.sqlite (~/.cache when XDG_CACHE_HOME is unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "precarious" / "index.sqlite"


@cache
def parser_version(modules: tuple[str, ...] = _PARSER) -> str:
    """A checksum of the parsing code and the Python version: any change re-reads every
    file. (CRC-32, not a cryptographic hash: it only has to tell versions apart, and
    importing hashlib would cost more start-up time than the whole check.)"""
    crc = zlib.crc32(sys.version.encode())
    here = Path(__file__).parent
    for name in modules:
        crc = zlib.crc32((here / name).read_bytes(), crc)
    return f"{crc:08x}"


def _settled(mtimes: Iterable[int]) -> bool:
    """Files last changed at these times (ns) have been still for a while. A file changed
    within the last seconds could change again within the same mtime tick and keep its
    size: what it gave is not kept until then."""
    now = time.time_ns()
    return all(now - mtime >= _SETTLED_NS for mtime in mtimes)


class Index:
    """Look up and store what each file gave; every failure of the database is swallowed
    (the caller then simply extracts the file)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self.db: sqlite3.Connection | None = None
        self.pending: list[tuple[str, int, int, str, bytes]] = []
        self._open()

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=0.5)
            for table in _SCHEMA:
                self.db.execute(table)
            self.db.execute("SELECT 1 FROM pages LIMIT 1").fetchone()  # not a database?
        except sqlite3.OperationalError:  # locked by another run, read-only: do without
            self.close()
        except (sqlite3.DatabaseError, OSError):  # not a database (any more): start afresh
            self._rebuild()

    def _rebuild(self) -> None:
        """A corrupt file is moved aside and a new index started; if even that fails
        (a locked or read-only cache), the run goes on without one."""
        self.close()
        with contextlib.suppress(OSError):
            self.path.replace(self.path.with_name(self.path.name + ".corrupt"))
        try:
            self.db = sqlite3.connect(self.path, timeout=0.5)
            for table in _SCHEMA:
                self.db.execute(table)
        except (sqlite3.DatabaseError, OSError):
            self.db = None

    def get(self, source: Source) -> tuple[Result | None, bytes | None, Key | None]:
        """The cached result for this file if it is still the same file, its pickle (to be
        passed on as it is), and the file's key."""
        key = _key(source)
        if self.db is None or key is None:
            return None, None, key
        try:
            row = self.db.execute(
                "SELECT result FROM pages WHERE file = ? AND size = ? AND mtime_ns = ? "
                "AND parser = ?",
                (*key, parser_version()),
            ).fetchone()
            if row is None:
                return None, None, key
            return pickle.loads(row[0]), row[0], key
        except sqlite3.OperationalError:
            return None, None, key
        except (sqlite3.DatabaseError, pickle.UnpicklingError, EOFError, AttributeError):
            self._rebuild()
            return None, None, key

    def put(self, key: Key, result: Result | bytes) -> None:
        """Store what a file gave (or its pickle, when it was pickled already)."""
        if self.db is None or not _settled([key[2]]):
            return
        blob = result if isinstance(result, bytes) else pickle.dumps(result, protocol=5)
        self.pending.append((*key, parser_version(), blob))
        if len(self.pending) >= 500:
            self.flush()

    def corpus_signature(self, found: Sequence[Source | PrecariousError]) -> str:
        """What a corpus's grouping depends on: every file's id, path and key (or the
        problem the walk met), in order, and the parsing and grouping code. A hash strong
        enough that two corpora never share one: a shelf found by it is never stale."""
        import hashlib  # only a lookup needs it; it costs start-up time

        digest = hashlib.sha256(parser_version(_PARSER + _GROUPING).encode())
        for s in found:
            item = (s.id, shown(s.file), s.stat) if isinstance(s, Source) else str(s)
            digest.update(repr(item).encode("utf-8", "surrogateescape") + b"\0")
        return digest.hexdigest()

    def get_shelf(self, signature: str) -> Any | None:
        """The grouping stored for a corpus of this signature, if any."""
        if self.db is None:
            return None
        try:
            row = self.db.execute(
                "SELECT shelf FROM shelves WHERE signature = ?", (signature,)
            ).fetchone()
            return None if row is None else _loads_large(row[0])
        except sqlite3.OperationalError:
            return None
        except (sqlite3.DatabaseError, pickle.UnpicklingError, EOFError, AttributeError):
            self._rebuild()
            return None

    def put_shelf(
        self, signature: str, shelf: object, found: Sequence[Source | PrecariousError]
    ) -> None:
        """Store a corpus's grouping, unless one of its files changed in the last seconds;
        only the newest few corpora are kept."""
        if self.db is None or not _settled(
            s.stat[3] for s in found if isinstance(s, Source) and s.stat
        ):
            return
        try:
            with self.db:
                self.db.execute(
                    "INSERT OR REPLACE INTO shelves VALUES (?, ?, ?)",
                    (signature, time.time_ns(), pickle.dumps(shelf, protocol=5)),
                )
                self.db.execute(
                    "DELETE FROM shelves WHERE signature NOT IN "
                    "(SELECT signature FROM shelves ORDER BY stored DESC LIMIT ?)",
                    (_SHELVES_KEPT,),
                )
        except sqlite3.DatabaseError:  # locked by another run, disk full: not our business
            pass

    def flush(self) -> None:
        if self.db is None or not self.pending:
            return
        try:
            with self.db:
                self.db.executemany(
                    "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)", self.pending
                )
        except sqlite3.DatabaseError:  # locked by another run, disk full: not our business
            pass
        self.pending.clear()

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(sqlite3.DatabaseError):
                self.flush()
                self.db.close()
            self.db = None


def _loads_large(blob: bytes) -> Any:
    """pickle.loads of a corpus's grouping without the cycle collector. Unpickling creates
    an object graph of hundreds of thousands of records with no cycles in it; the collector
    would go through it again and again as it grows (half the time of a warm `show` on
    100,000 pages) and find nothing to free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(blob)
    finally:
        if enabled:
            gc.enable()


def _key(source: Source) -> Key | None:
    """("device:inode", size, mtime in ns), from the walk's stat when it made one; None when
    the file cannot be stat'ed."""
    if source.stat is None:
        try:
            info = os.stat(source.file)
        except OSError:
            return None
        dev, ino, size, mtime = info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns
    else:
        dev, ino, size, mtime = source.stat
    return f"{dev}:{ino}", size, mtime
