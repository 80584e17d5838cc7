"""Paths → Page: decoding, byte-order marks, newlines and odd spaces.

The original text is kept for provenance; `lines` is the normalized form that
the block rules match against.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

import regex

from precarious.errors import PrecariousError, UnreadableFile, temporary_files

if TYPE_CHECKING:
    import sqlite3

# CRLF, CR and LF all end a line; nothing else does (U+2028 and friends become spaces).
_NEWLINE = regex.compile(r"\r\n|\r|\n")
# NBSP, thin spaces, tabs, control characters and other separators (Unicode Zs, Cc, Zl,
# Zp) count as one space; invisible characters that only get in the way of matching are
# dropped. A translation table, not a pattern: this runs on every line of every page.
_ZS = [0x20, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]
_CC = [*range(0x00, 0x20), *range(0x7F, 0xA0)]
SPACES: dict[int, str | None] = {c: " " for c in [*_ZS, *_CC, 0x2028, 0x2029]}
INVISIBLE = (0x00AD, 0x200B, 0x2060, 0xFEFF)
_CLEAN = str.maketrans(SPACES | dict.fromkeys(INVISIBLE))

# A saved page is well under 1 MB; a file over this is not a page, and reading it whole
# would cost its size in memory. It is skipped unread.
MAX_BYTES = 32 * 1024 * 1024

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


@dataclass(frozen=True, slots=True)
class Page:
    """One saved page: its name (the record id), where it came from and its text."""

    name: str
    path: str
    text: str
    lines: tuple[str, ...]
    open_end: bool  # the last line has no newline: a cut-off download ends like this

    def line(self, number: int) -> str:
        """The normalized line `number` (1-based)."""
        return self.lines[number - 1]


def normalize(line: str) -> str:
    """One line as the rules see it: odd spaces folded to one space, trimmed."""
    if not (line.isascii() and line.isprintable()):  # most lines have plain spaces at most
        line = line.translate(_CLEAN)
    # Only plain spaces are left (the table maps every other str.isspace character). Most
    # lines are tidy already: split and join only those that are not (half the cost).
    if "  " in line or line[:1] == " " or line[-1:] == " ":
        return " ".join(line.split())
    return line


def decode(data: bytes, path: str) -> str:
    """Bytes → text: UTF-8 (BOM optional), or UTF-16 when it starts with its BOM."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom) :], name
            break
    if encoding == "utf-8" and b"\x00" in data:
        offset = data.index(b"\x00")
        raise UnreadableFile(path, f"binary file (NUL byte at offset {offset})")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        bad = data[err.start : err.start + 1].hex()
        raise UnreadableFile(
            path, f"not {encoding.upper()} text (byte 0x{bad} at offset {err.start})"
        ) from None
    if not text.strip():
        raise UnreadableFile(path, "empty file")
    return text


def page_from_text(text: str, name: str, path: str = "") -> Page:
    """A Page from text already decoded (the library entry point for strings)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    raw = _NEWLINE.split(text) if "\r" in text else text.split("\n")  # the usual case, in C
    open_end = raw[-1] != ""
    if not open_end:
        raw.pop()  # the final newline ends the last line; it does not start a new one
    return Page(
        name=name,
        path=path or name,
        text=text,
        lines=tuple(normalize(line) for line in raw),
        open_end=open_end,
    )


def shown(path: Path | str) -> str:
    """A path as printable text: bytes of a file name that are not UTF-8 as \\xNN."""
    return os.fspath(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def read_page(path: Path | str, name: str | None = None) -> Page:
    """Read one file as a Page (its id `name`, the file stem by default), or raise
    UnreadableFile saying why not. Only regular files are read (a FIFO would block), and
    at most MAX_BYTES of them."""
    where = shown(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # O_NONBLOCK: a FIFO cannot hang us
    except OSError as err:
        raise UnreadableFile(where, _reason(err)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile(where, "is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(where, "not a regular file")
        if info.st_size > MAX_BYTES:
            raise UnreadableFile(where, _too_large(info.st_size))
        with os.fdopen(fd, "rb", closefd=False) as file:
            data = _read_at_most(file, info.st_size, MAX_BYTES)
    except OSError as err:
        raise UnreadableFile(where, _reason(err)) from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:  # it grew while we read it
        raise UnreadableFile(where, _too_large(len(data)))
    return page_from_text(decode(data, where), name or shown(Path(path).stem), where)


def _read_at_most(file: BinaryIO, expected: int, limit: int) -> bytes:
    """The file's bytes, up to limit + 1 (so that a file that grew past it shows): one read
    of the size stat gave, sized so that no buffer of the whole limit is allocated."""
    chunks = [file.read(expected + 1)]
    total = len(chunks[0])
    while chunks[-1] and total <= limit:
        chunks.append(file.read(min(1 << 20, limit + 1 - total)))
        total += len(chunks[-1])
    return b"".join(chunks)


def _too_large(size: int) -> str:
    limit = MAX_BYTES // 2**20
    return f"too large for a saved page ({size / 2**20:.0f} MB; the limit is {limit} MB): skipped"


def _reason(err: OSError) -> str:
    if isinstance(err, FileNotFoundError):
        return "no such file"
    if isinstance(err, IsADirectoryError):
        return "is a directory"
    if isinstance(err, PermissionError):
        return "permission denied"
    return err.strerror or str(err)


@dataclass(frozen=True, slots=True)
class Source:
    """A file to read, the id its record will have, and what identifies the file's content
    for the index: (device, inode, size, mtime in ns) as the walk found it."""

    file: str  # the path, as text: a Path for each of 100,000 files costs a second
    id: str
    stat: tuple[int, int, int, int] | None = None

    @property
    def path(self) -> Path:
        return Path(self.file)


def page_paths(
    paths: Iterable[Path | str], on_disk: bool = False
) -> Iterator[Source | PrecariousError]:
    """Expand folders (and their subfolders) to their .txt files; yield an error for each
    bad path. A file met twice (named twice, or through a symlink) is read once.

    The id is the path below the folder given, without ".txt" ("bookA/004_c3ef"), or the
    file stem for a file named directly; when that id is taken, the path as given.

    With `on_disk`, the files and ids met are kept in an SQLite table in a temporary file,
    not in sets: for a walk gone through as it goes, whose memory should not grow with the
    corpus (on 100,000 files, the sets take 15 MB)."""
    if not on_disk:
        yield from _sources(paths, _Met())
        return
    # Imported here: a walk in memory does not need them.
    import sqlite3

    from precarious.spool import scratch_database

    with temporary_files(sqlite3.Error), closing(scratch_database()) as db:
        yield from _sources(paths, _MetOnDisk(db))


def _sources(paths: Iterable[Path | str], met: _Met) -> Iterator[Source | PrecariousError]:
    for path in paths:
        p = Path(path)
        items: Iterable[tuple[str, str, os.stat_result] | PrecariousError]
        if p.is_dir():
            # Not listed first: a list of 100,000 stat results is 60 MB.
            items = _or_else(_walk(p), UnreadableFile(shown(path), "folder has no .txt files"))
        elif p.is_file():
            items = [(os.fspath(p), shown(p.stem), p.stat())]
        elif p.exists():
            items = [UnreadableFile(shown(path), "not a regular file")]
        else:
            items = [UnreadableFile(shown(path), "no such file or folder")]
        for item in items:
            if isinstance(item, PrecariousError):
                yield item
                continue
            file, name, info = item
            if not met.new_file(info.st_dev, info.st_ino):
                continue
            if not met.new_id(name):
                name = shown(os.path.splitext(file)[0])
                met.new_id(name)
            yield Source(file, name, (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns))


class _Met:
    """The files a walk has met (the same file however reached: its device and inode) and
    the ids it has given."""

    def __init__(self) -> None:
        self.files: set[int] = set()  # (device, inode) as one int: half the size of a pair
        self.ids: set[str] = set()

    def new_file(self, device: int, inode: int) -> bool:
        """Whether this file is met for the first time (now it has been met)."""
        return _first(self.files, device << 64 | inode)

    def new_id(self, name: str) -> bool:
        """Whether this id is free (now it is taken)."""
        return _first(self.ids, name)


class _MetOnDisk(_Met):
    """The same, in a table of a database on disk."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        db.execute("CREATE TABLE met (key BLOB PRIMARY KEY) WITHOUT ROWID")
        db.execute("BEGIN")  # never committed: not a write to disk for each file

    def new_file(self, device: int, inode: int) -> bool:
        return self._first(b"f" + (device << 64 | inode).to_bytes(16))

    def new_id(self, name: str) -> bool:
        return self._first(b"i" + name.encode())

    def _first(self, key: bytes) -> bool:
        return self.db.execute("INSERT OR IGNORE INTO met VALUES (?)", (key,)).rowcount == 1


T = TypeVar("T")


def _first(met: set[T], item: T) -> bool:
    """Whether `item` is new to `met` (now it is in it)."""
    if item in met:
        return False
    met.add(item)
    return True


def _or_else(items: Iterator[T], otherwise: T) -> Iterator[T]:
    """The items, or `otherwise` when there are none."""
    empty = True
    for item in items:
        empty = False
        yield item
    if empty:
        yield otherwise


def _walk(top: Path) -> Iterator[tuple[str, str, os.stat_result] | PrecariousError]:
    """(file, id, its stat) for every .txt file below `top`, folder by folder in name order,
    a folder's files before its subfolders; hidden files and folders are skipped, and a
    folder that cannot be listed or is reached again through a symlink is reported. One
    stat per file: the folder listing says which entries are files."""
    try:
        info = os.stat(top)
    except OSError as err:  # gone since it was found to be a folder
        yield UnreadableFile(shown(top), _reason(err))
        return
    visited = {(info.st_dev, info.st_ino)}  # folders, known as files are (not by realpath)
    pending = [(os.fspath(top), "")]  # (folder, its path below top)
    while pending:
        folder, below = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as err:
            yield UnreadableFile(shown(folder), _reason(err))
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                try:
                    info = entry.stat()
                except OSError as err:  # gone since the listing
                    yield UnreadableFile(shown(entry.path), _reason(err))
                    continue
                if (info.st_dev, info.st_ino) in visited:
                    yield UnreadableFile(shown(entry.path), "folder already read (a symlink loop?)")
                else:
                    visited.add((info.st_dev, info.st_ino))
                    subfolders.append((entry.path, f"{below}{entry.name}/"))
            elif entry.name.casefold().endswith(".txt"):
                if not entry.is_file():
                    yield UnreadableFile(shown(entry.path), "not a regular file")
                    continue
                try:
                    info = entry.stat()
                except OSError as err:  # gone since the listing
                    yield UnreadableFile(shown(entry.path), _reason(err))
                    continue
                yield entry.path, shown(below + entry.name[:-4]), info
        pending.extend(reversed(subfolders))  # depth first, in name order
