"""Paths → the page files to read, each with its record id, and a line for every entry
that cannot be read.

Folders are walked folder by folder in name order (a folder's files before its
subfolders); hidden files and folders are skipped; a folder reached again (through a
symlink) is reported, not read twice; a file met twice (named twice, or through a symlink)
is read once. The walk keeps names, not stats: a folder's listing holds each entry's name,
kind and inode (which come with the listing) in a few long texts, given back as the walk
goes; of the files met it keeps the inode numbers, 8 bytes each.
"""

from __future__ import annotations

import os
import stat
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from pathlib import Path

from precarious.errors import UnreadableFile
from precarious.read import reason, shown


class Source(NamedTuple):
    """A file to read and the id its record will have."""

    file: str  # the path, as text: a Path for each of 100,000 files costs a second
    id: str

    @property
    def path(self) -> Path:
        from pathlib import Path

        return Path(self.file)


_SUFFIX = ".txt"
# The spellings of the suffix: "p.txt" and "p.TXT" in one folder would give the same id.
_SPELLINGS = ["." + a + b + c for a in "tT" for b in "xX" for c in "tT"]


Stat = tuple[int, ...]  # (device, inode, size, mtime, ctime[, links]), times in nanoseconds
Folder = tuple[str, Stat]  # a folder and its state (folder_state)


def sources(
    paths: Iterable[str | os.PathLike[str]], folders: list[Folder] | None = None
) -> Iterator[Source | UnreadableFile]:
    """The .txt files of these files and folders (subfolders too), in order, each with its
    id; an UnreadableFile for each bad path or entry. Each folder entered is added to
    `folders`, when given, with what identifies its state.

    The id is the path below the folder given, without ".txt" ("bookA/004_c3ef"), or the
    file stem for a file named directly; when that id is taken, the path as given."""
    roots = [os.fspath(p) for p in paths]
    walk = _Walk(several=len(roots) > 1, folders=folders)
    for root in roots:
        yield from walk.root(root)


class _Met:
    """The files met. A file found in a folder listing is known by its inode, kept in an
    array (8 bytes a file); a file named or reached through a symlink, which may be met
    again under another name, is stat'ed and kept in a set. Only those rare ones are ever
    looked for among all the others."""

    def __init__(self) -> None:
        self.listed: dict[int, array[int]] = {}  # device → inodes
        self.linked: set[tuple[int, int]] = set()

    def listed_first(self, device: int, inode: int) -> bool:
        if (device, inode) in self.linked:
            return False
        self.listed.setdefault(device, array("Q")).append(inode)
        return True

    def linked_first(self, device: int, inode: int) -> bool:
        if (device, inode) in self.linked or inode in self.listed.get(device, ()):
            return False
        self.linked.add((device, inode))
        return True


class _Walk:
    def __init__(self, several: bool, folders: list[Folder] | None) -> None:
        self.met = _Met()
        self.entered = folders
        self.folders: set[tuple[int, int]] = set()  # entered, for one root at a time
        # The ids given, when several paths could give the same one (within one folder
        # only other spellings of the suffix can, and the listing tells).
        self.ids: set[str] | None = set() if several else None

    def root(self, path: str) -> Iterator[Source | UnreadableFile]:
        try:
            info = os.stat(path)
        except OSError as err:
            why = "no such file or folder" if isinstance(err, FileNotFoundError) else reason(err)
            yield UnreadableFile(shown(path), why)
            return
        if stat.S_ISDIR(info.st_mode):
            self.folders = {(info.st_dev, info.st_ino)}
            self._note(path, info)
            found = False
            for item in self._folders(path, info.st_dev):
                found = True
                yield item
            if not found:
                yield UnreadableFile(shown(path), "folder has no .txt files")
        elif not stat.S_ISREG(info.st_mode):
            yield UnreadableFile(shown(path), "not a regular file")
        elif self.met.linked_first(info.st_dev, info.st_ino):
            yield self._source(path, shown(os.path.splitext(os.path.basename(path))[0]))

    def _folders(self, top: str, device: int) -> Iterator[Source | UnreadableFile]:
        """Every .txt file below `top` (entered already), depth first in name order."""
        pending = [(top, "", device, False)]  # (folder, its path below top, device, linked)
        while pending:
            folder, below, device, linked = pending.pop()
            try:
                listing = _listing(folder)
            except OSError as err:
                yield UnreadableFile(shown(folder), reason(err))
                continue
            subfolders = []
            for entry in _entries(listing):
                name, _, code = entry.partition("\0")
                path = os.path.join(folder, name)
                kind, dev, inode = code[0], device, int(code[2:])
                through = linked or kind == "l"
                if kind in "dl":  # a folder, or a link: the target's stat decides
                    try:
                        info = os.stat(path)
                    except OSError as err:
                        why = reason(err) if kind == "d" else f"broken link ({reason(err)})"
                        yield UnreadableFile(shown(path), why)
                        continue
                    kind, dev, inode = _kind(info.st_mode), info.st_dev, info.st_ino
                if kind == "d":
                    if (dev, inode) not in self.folders:
                        self.folders.add((dev, inode))
                        self._note(path, info)
                        subfolders.append((path, f"{below}{name}/", dev, through))
                    else:
                        yield UnreadableFile(shown(path), "folder already read (a symlink loop?)")
                elif not name.casefold().endswith(_SUFFIX):
                    continue
                elif kind != "f":
                    yield UnreadableFile(shown(path), "not a regular file")
                elif (self.met.linked_first if through else self.met.listed_first)(dev, inode):
                    stem = name[: -len(_SUFFIX)]
                    yield self._source(path, shown(below + stem), code[1] == "t")
            pending.extend(reversed(subfolders))  # depth first, in name order

    def _note(self, path: str, info: os.stat_result) -> None:
        if self.entered is not None:
            self.entered.append((path, folder_state(info)))

    def _source(self, path: str, name: str, taken: bool = False) -> Source:
        if self.ids is not None:
            taken = taken or name in self.ids
        if taken:
            name = shown(os.path.splitext(path)[0])
        if self.ids is not None:
            self.ids.add(name)
        return Source(path, name)


def stat_of(path: str) -> Stat | None:
    """What identifies a file's content, (device, inode, size, mtime, ctime), and its link
    count; None when it cannot be stat'ed."""
    try:
        s = os.stat(path)
    except OSError:
        return None
    return s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_nlink


def folder_state(info: os.stat_result) -> Stat:
    """What changes when a folder's entries do: (device, inode, 0, mtime, ctime)."""
    return info.st_dev, info.st_ino, 0, info.st_mtime_ns, info.st_ctime_ns


def _kind(mode: int) -> str:
    return "d" if stat.S_ISDIR(mode) else "f" if stat.S_ISREG(mode) else "o"


# Entries of a listing joined in one text: a folder of 100,000 files is then a hundred
# texts rather than 100,000 small ones kept alive, interleaved with the run's own objects,
# until the last of its files is read.
_CHUNK = 1000


def _entries(listing: list[str]) -> Iterator[str]:
    """The entries of a listing in name order, each chunk let go once given back."""
    while listing:
        yield from listing.pop().split("/")  # (no name holds a slash)


def _listing(folder: str) -> list[str]:
    """A folder's entries that may matter, sorted by name, in chunks of _CHUNK joined by
    '/', the last chunk first (to be popped). Each entry is 'name\\0' + its kind (d folder,
    f file, l symlink, o other) + whether another spelling of its suffix comes first in the
    folder and has its id (t, else -) + its inode. Names sort before what follows them: no
    name holds a NUL, the smallest character."""
    out = []
    odd = False  # a .txt file spelt otherwise ("p.TXT")
    with os.scandir(folder) as entries:
        for e in entries:
            if e.name.startswith("."):
                continue
            try:
                if e.is_symlink():
                    kind = "l"
                elif e.is_dir(follow_symlinks=False):
                    kind = "d"
                elif not e.name.casefold().endswith(_SUFFIX):
                    continue
                else:
                    kind = "f" if e.is_file(follow_symlinks=False) else "o"
                inode = e.inode()
            except OSError:  # gone since the listing, say: stat'ed (and reported) when met
                kind, inode = "d", 0
            odd = odd or not e.name.endswith(_SUFFIX)
            out.append(f"{e.name}\0{kind}-{inode}")
    out.sort()
    if odd:
        out = [_spelling(out, entry) for entry in out]
    chunks = []
    while out:  # from the end, the small texts let go as the chunks are made
        chunks.append("/".join(out[-_CHUNK:]))
        del out[-_CHUNK:]
    return chunks


def _spelling(listing: list[str], entry: str) -> str:
    """The entry, marked 't' when another spelling of its suffix ("p.txt" for "p.TXT") comes
    before it in the sorted listing: that file has the id."""
    name = entry.partition("\0")[0]
    if not name.casefold().endswith(_SUFFIX):
        return entry
    stem = name[: -len(_SUFFIX)]
    for suffix in _SPELLINGS:
        other = stem + suffix
        if other < name:
            at = bisect_left(listing, other + "\0")
            if at < len(listing) and listing[at].startswith(other + "\0"):
                i = len(name) + 2
                return f"{entry[:i]}t{entry[i + 1 :]}"
    return entry
