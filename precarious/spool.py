"""Objects kept on disk by position, and work tables on disk: for a corpus too large to
hold in memory."""

from __future__ import annotations

import os
import pickle
import sqlite3
import tempfile
from array import array
from typing import Any

from precarious.errors import temporary_files


class Spool:
    """Objects pickled into an anonymous temporary file (gone when it is closed or the
    process ends, however it ends), each read back by its position. Putting a position
    again replaces what it holds. A forked process can read it too: by position, not by
    seek, as forked processes share the file's offset. A full or unwritable $TMPDIR is
    WriteFailed, not an OSError that would pass for a failure of the output."""

    def __init__(self) -> None:
        with temporary_files(OSError):
            self.file = tempfile.TemporaryFile()  # noqa: SIM115 (open as long as the spool)
        # Where each position's pickle starts and how long it is: 16 bytes a position.
        self.starts = array("q")
        self.sizes = array("q")
        self.end = 0
        self.unflushed = False

    def __len__(self) -> int:
        return len(self.starts)

    def put(self, at: int, item: object) -> None:
        self.put_pickled(at, pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))

    def put_pickled(self, at: int, blob: bytes) -> None:
        """Put an object already pickled (by the worker process that made it, say)."""
        if at >= len(self.starts):
            grow = at + 1 - len(self.starts)
            self.starts.extend(array("q", bytes(8 * grow)))
            self.sizes.extend(array("q", bytes(8 * grow)))
        with temporary_files(OSError):
            self.file.write(blob)
        self.starts[at], self.sizes[at] = self.end, len(blob)
        self.end += len(blob)
        self.unflushed = True

    def seal(self) -> None:
        """Write out what is buffered: before a process forks, so that it reads it all."""
        if self.unflushed:
            with temporary_files(OSError):
                self.file.flush()
            self.unflushed = False

    def __getitem__(self, at: int) -> Any:
        self.seal()
        return pickle.loads(os.pread(self.file.fileno(), self.sizes[at], self.starts[at]))


def scratch_database() -> sqlite3.Connection:
    """An SQLite database in a temporary file, gone when it is closed: work tables for a
    corpus too large for memory. Its cache is small, 256 KiB: the kernel caches the file
    anyway, and the default 2 MB is memory that grows with the corpus up to there."""
    db = sqlite3.connect("", isolation_level=None)
    db.execute("PRAGMA cache_size = -256")
    return db
