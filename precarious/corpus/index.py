"""The index: what each page gave, kept in an SQLite file under the user's cache folder, so
that a large corpus is not read and parsed again for every command; and the grouping of the
last few corpora, so that a lookup (`show KEY`) reads almost nothing.

A page's row is keyed by its path and what identifies its content (device, inode, size,
modification and change times) and by a digest of the package's whole source: a changed
file, or any change of the code, is read again. Rows hold text and numbers only (the key,
the JSON Lines output parts), parsed and checked when read: a row that does not read back
is dropped and counted, never trusted. A corpus's grouping is kept with the state of
every folder it was read from; while none of them has changed, a lookup trusts it, and
reads only the page it shows (whose file is checked itself). A file rewritten in place,
leaving its folder as it was, is caught when it is shown; other pages' grouping can lag
until a run with --no-cache. A damaged, locked or unwritable index is done without.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
import time
import zlib
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from precarious.corpus.grouping import Reads
from precarious.corpus.walk import Stat

if TYPE_CHECKING:
    from precarious.corpus.run import Made

_SETTLED_NS = 2_000_000_000
# The layout of the tables below: an index file of another layout is started afresh.
_LAYOUT = 3
_CORPORA_KEPT = 4

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    path BLOB PRIMARY KEY, stat TEXT NOT NULL, code TEXT NOT NULL,
    key TEXT NOT NULL, contents TEXT NOT NULL, reads TEXT NOT NULL, parts BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS corpora (
    id INTEGER PRIMARY KEY, roots TEXT NOT NULL, code TEXT NOT NULL, stored INTEGER NOT NULL,
    problems TEXT NOT NULL, books TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS folders (
    corpus INTEGER NOT NULL, path BLOB NOT NULL, dev INTEGER NOT NULL, ino INTEGER NOT NULL,
    mtime INTEGER NOT NULL, ctime INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS folders_of ON folders (corpus);
CREATE TABLE IF NOT EXISTS members (
    corpus INTEGER NOT NULL, pos INTEGER NOT NULL, path BLOB NOT NULL, stat TEXT NOT NULL,
    id TEXT NOT NULL, name TEXT NOT NULL, number INTEGER, title TEXT, folded TEXT NOT NULL,
    book TEXT, splice TEXT NOT NULL, PRIMARY KEY (corpus, pos)
);
CREATE INDEX IF NOT EXISTS members_by_id ON members (corpus, id);
CREATE INDEX IF NOT EXISTS members_by_name ON members (corpus, name);
CREATE INDEX IF NOT EXISTS members_by_title ON members (corpus, folded, pos);
"""


_TABLES = {"pages", "corpora", "folders", "members"}


def default_path() -> Path:
    """index.sqlite in the user's cache folder for precarious (platformdirs decides)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("precarious", appauthor=False)) / "index.sqlite"


def describe_cache(path: Path | None = None) -> dict[str, Any]:
    """Where the index is, how big (with its journal files) and how many pages and corpora
    it keeps; nothing is created."""
    path = path or default_path()
    files = [path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))]
    size = sum(f.stat().st_size for f in files if f.exists())
    pages = corpora = 0
    if path.exists():
        with contextlib.suppress(sqlite3.Error):
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                pages = db.execute("SELECT count(*) FROM pages").fetchone()[0]
                corpora = db.execute("SELECT count(*) FROM corpora").fetchone()[0]
            finally:
                db.close()
    return {"path": str(path), "bytes": size, "pages": pages, "corpora": corpora}


def clear_cache(path: Path | None = None) -> int:
    """Remove the index and its journal files; the bytes removed."""
    path = path or default_path()
    removed = 0
    for f in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))):
        with contextlib.suppress(FileNotFoundError):
            removed += f.stat().st_size
            f.unlink()
    return removed


PACKAGE = Path(__file__).resolve().parent.parent


@cache
def code_version(package: Path = PACKAGE) -> str:
    """A digest of every source file of the package and of the Python version: any change
    of the code, in any module, reads every page again."""
    here = package
    crc = zlib.crc32(sys.version.encode())
    adler = zlib.adler32(sys.version.encode())
    for path in sorted(here.rglob("*")):
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
            data = path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes()
            crc, adler = zlib.crc32(data, crc), zlib.adler32(data, adler)
    return f"{crc:08x}{adler:08x}"


def _settled(stat: Stat) -> bool:
    """A file last changed a while ago: one changed in the last seconds could change again
    within the same time stamp and keep its size, so what it gave is not kept."""
    return time.time_ns() - max(stat[3], stat[4]) >= _SETTLED_NS


class Cached(NamedTuple):
    """A page as the index keeps it: its key, contents list, reads and JSON Lines parts."""

    key: bytes
    contents: bytes
    reads: Reads
    parts: list[bytes]


class Index:
    """Look up and store what pages gave and how corpora were grouped. Every failure of the
    database is taken in: a damaged file is moved aside and the index started afresh, a
    locked or unwritable one is done without. `dropped` counts rows that did not read back
    (damaged: removed); `notes` says what the caller should tell the user."""

    def __init__(self, path: Path | None = None, memory: bool = False) -> None:
        """The index at `path` (default_path()), or with `memory` one that lasts as long as
        the process: a table for a lookup when none can be kept."""
        self.path = path or (Path(":memory:") if memory else default_path())
        self.db: sqlite3.Connection | None = None
        self.pending: list[tuple[Any, ...]] = []
        self.dropped = 0
        self.notes: list[str] = []
        if memory:
            self.db = sqlite3.connect(":memory:", isolation_level=None)
            # Its temporary tables in memory too: never spilled to a $TMPDIR that may be full.
            self.db.execute("PRAGMA temp_store = MEMORY")
            self.db.executescript(_SCHEMA)
        else:
            self._open()

    # -- opening ------------------------------------------------------------------------

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not self.path.exists():
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            self.db = sqlite3.connect(self.path, timeout=0.5, isolation_level=None)
            (layout,) = self.db.execute("PRAGMA user_version").fetchone()
            tables = self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            # Empty, of another version of precarious, or missing a table: afresh.
            if layout != _LAYOUT or {name for (name,) in tables} != _TABLES:
                self._clear()
        except sqlite3.OperationalError:  # locked by another run, read-only: do without
            self.close()
        except (sqlite3.DatabaseError, OSError):  # not a database (any more): start afresh
            self._rebuild()

    def _clear(self) -> None:
        """Drop whatever tables the file holds (an older layout's), and make ours."""
        assert self.db is not None
        tables = self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        for (name,) in tables.fetchall():
            self.db.execute(f'DROP TABLE IF EXISTS "{name}"')
        self.db.executescript(_SCHEMA)
        self.db.execute(f"PRAGMA user_version = {_LAYOUT}")

    def _rebuild(self) -> None:
        self.close()
        with contextlib.suppress(OSError):
            self.path.replace(self.path.with_name(self.path.name + ".corrupt"))
            self.notes.append(f"the cache {self.path} was damaged: moved aside, started afresh")
        try:
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            self.db = sqlite3.connect(self.path, timeout=0.5, isolation_level=None)
            self._clear()
        except (sqlite3.DatabaseError, OSError):
            self.db = None

    def _run(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        """A query's rows; none when the database fails (it is then done without)."""
        if self.db is None:
            return []
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.OperationalError:
            return []
        except sqlite3.DatabaseError:
            self._rebuild()
            return []

    # -- pages ----------------------------------------------------------------------------

    def get(self, path: str, stat: Stat) -> Cached | None:
        """What the page at `path` gave, if the index holds it for this same file and code."""
        rows = self._run(
            "SELECT stat, code, key, contents, reads, parts FROM pages WHERE path = ?",
            (_key(path),),
        )
        if not rows:
            return None
        stored, code, key, contents, reads, parts = rows[0]
        if stored != json.dumps(list(stat[:5])) or code != code_version():
            return None
        try:
            from precarious.corpus.keys import contents_from, key_from
            from precarious.corpus.run import unframe

            title, year, digest, entries = json.loads(reads)
            found = Cached(
                _bytes(key), _bytes(contents), Reads(title, year, digest, entries), unframe(parts)
            )
            key_from(found.key, contents_from(found.contents) if found.contents else ())
            if not (
                isinstance(title, str)
                and type(year) is int
                and isinstance(digest, str)
                and type(entries) is int
                and len(found.parts) == 6
            ):
                raise ValueError("not a page")
        except (ValueError, TypeError):
            self.dropped += 1
            self._run("DELETE FROM pages WHERE path = ?", (_key(path),))
            return None
        return found

    def put(self, path: str, made: Made, parts: list[bytes]) -> None:
        """Keep what a page gave (its JSON Lines `parts`), unless its file changed while it
        was read or so recently that it could change again unseen."""
        from precarious.corpus.run import frame

        stat = made.identity[:5]
        if self.db is None or not made.steady or not _settled(stat):
            return
        reads = json.dumps(list(made.reads))
        row = (_key(path), json.dumps(list(stat)), code_version(), made.key, made.contents)
        self.pending.append((*row, reads, frame(parts)))
        if len(self.pending) >= 256:
            self.flush()

    def flush(self) -> None:
        if self.db is None or not self.pending:
            return
        try:
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany(
                    "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?)", self.pending
                )
        except sqlite3.DatabaseError:  # locked by another run, disk full: not kept
            pass
        self.pending.clear()

    def prune(self, folders: Iterable[str], pages: Iterable[str]) -> None:
        """Drop the rows of files below these folders that are not among `pages` (the files
        a run just read there): files gone, or no longer pages."""
        if self.db is None:
            return
        try:
            with self.db:
                self.db.execute("BEGIN")
                self.db.execute("CREATE TEMP TABLE IF NOT EXISTS seen (path BLOB PRIMARY KEY)")
                self.db.execute("DELETE FROM seen")
                self.db.executemany(
                    "INSERT OR IGNORE INTO seen VALUES (?)", ((_key(p),) for p in pages)
                )
                for folder in folders:
                    low = _key(os.path.join(folder, ""))
                    high = low[:-1] + bytes([low[-1] + 1])
                    self.db.execute(
                        "DELETE FROM pages WHERE path >= ? AND path < ?"
                        " AND path NOT IN (SELECT path FROM seen)",
                        (low, high),
                    )
        except sqlite3.DatabaseError:
            pass

    # -- corpora --------------------------------------------------------------------------

    def corpus(self, roots: Sequence[str]) -> int | None:
        """The stored grouping of a corpus of these roots, if none of its folders changed
        since (nor the code)."""
        rows = self._run(
            "SELECT id FROM corpora WHERE roots = ? AND code = ?", (_roots(roots), code_version())
        )
        if not rows:
            return None
        (found,) = rows[0]
        for path, *state in self._run(
            "SELECT path, dev, ino, mtime, ctime FROM folders WHERE corpus = ?", (found,)
        ):
            try:
                now = os.stat(_bytes(path))
            except (OSError, TypeError, ValueError):  # gone, or a damaged row
                return None
            if [now.st_dev, now.st_ino, now.st_mtime_ns, now.st_ctime_ns] != state:
                return None
        return int(found)

    def members(self, corpus: int, where: str = "", args: Sequence[Any] = ()) -> list[Any]:
        """Rows of a stored corpus's pages: (pos, id, number, title, book), `where` narrowing
        them (an SQL condition on id, name, number, folded, book)."""
        sql = "SELECT pos, id, number, title, book FROM members WHERE corpus = ?"
        # Sorted here, not by ORDER BY: that would make SQLite walk the corpus in order
        # rather than use the index on id.
        return sorted(self._run(f"{sql} AND ({where})" if where else sql, (corpus, *args)))

    def count(self, corpus: int, most: int = -1) -> int:
        """How many pages a stored corpus has (at most `most` of them counted)."""
        rows = self._run(
            "SELECT count(*) FROM (SELECT 1 FROM members WHERE corpus = ? LIMIT ?)", (corpus, most)
        )
        return int(rows[0][0]) if rows else 0

    def member(self, corpus: int, pos: int) -> tuple[str, Stat, str] | None:
        """(path, stat, splice) of one page of a stored corpus."""
        rows = self._run(
            "SELECT path, stat, splice FROM members WHERE corpus = ? AND pos = ?", (corpus, pos)
        )
        if not rows:
            return None
        path, stat, splice = rows[0]
        try:
            return os.fsdecode(path), tuple(json.loads(stat)), _text(splice)
        except (ValueError, TypeError):
            self.dropped += 1
            return None

    def facts(self, corpus: int, column: Literal["books", "problems"]) -> list[Any]:
        """A stored corpus's books (book_dict each, in order) or its problems."""
        rows = self._run(f"SELECT {column} FROM corpora WHERE id = ?", (corpus,))
        try:
            found = json.loads(rows[0][0])
        except (IndexError, ValueError, TypeError):
            found = None
        if not isinstance(found, list):
            self.dropped += 1
            return []
        return found

    def keep_corpus(
        self,
        roots: Sequence[str],
        folders: Sequence[tuple[str, Stat]],
        problems: Sequence[list[str]],
        books: Sequence[Any],
        members: Iterable[tuple[Any, ...]],
        *,
        settled: bool = True,
    ) -> int | None:
        """Store a corpus's grouping (only the newest few are kept); its id. Unless told
        otherwise, not while a folder changed too recently to be sure of its time stamp."""
        if self.db is None or (settled and not all(_settled(stat) for _, stat in folders)):
            return None
        try:
            with self.db:
                self.db.execute("BEGIN")
                found = self.db.execute(
                    "INSERT INTO corpora (roots, code, stored, problems, books)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        _roots(roots),
                        code_version(),
                        time.time_ns(),
                        json.dumps(list(problems)),
                        json.dumps(list(books), ensure_ascii=False),
                    ),
                ).lastrowid
                self.db.executemany(
                    "INSERT INTO folders VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        (found, _key(path), dev, ino, mt, ct)
                        for path, (dev, ino, _, mt, ct) in folders
                    ),
                )
                self.db.executemany(
                    "INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    ((found, *row) for row in members),
                )
                old = [
                    (x,)
                    for (x,) in self.db.execute(
                        "SELECT id FROM corpora WHERE roots = ? AND id != ? OR id NOT IN"
                        " (SELECT id FROM corpora ORDER BY stored DESC LIMIT ?)",
                        (_roots(roots), found, _CORPORA_KEPT),
                    )
                ]
                self.db.executemany("DELETE FROM corpora WHERE id = ?", old)
                self.db.executemany("DELETE FROM members WHERE corpus = ?", old)
                self.db.executemany("DELETE FROM folders WHERE corpus = ?", old)
        except sqlite3.DatabaseError:
            return None
        return int(found) if found is not None else None

    # -- closing --------------------------------------------------------------------------

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(sqlite3.DatabaseError):
                self.flush()
                self.db.close()
            self.db = None


def _key(path: str) -> bytes:
    """A file's row: its absolute path, as bytes (any file name is one)."""
    return os.fsencode(os.path.abspath(path))


def _roots(roots: Sequence[str]) -> str:
    """A corpus's key: its roots as named (its pages' ids and paths follow them) and where
    they are."""
    return json.dumps([[root, os.path.abspath(root)] for root in roots])


def _bytes(value: Any) -> bytes:
    if not isinstance(value, bytes):
        raise TypeError("not bytes")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value
