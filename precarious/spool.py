"""Objects kept on disk by position, for a corpus too large to hold in memory."""

from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from precarious.errors import WriteFailed


class Spool:
    """Objects pickled into an anonymous temporary file (gone when it is closed or the
    process ends, however it ends), each read back by its position. Putting a position
    again replaces what it holds. A forked process can read it too: by position, not by
    seek, as forked processes share the file's offset. A full or unwritable $TMPDIR is
    WriteFailed, not an OSError that would pass for a failure of the output."""

    def __init__(self) -> None:
        with _spooling():
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
        with _spooling():
            self.file.write(blob)
        self.starts[at], self.sizes[at] = self.end, len(blob)
        self.end += len(blob)
        self.unflushed = True

    def seal(self) -> None:
        """Write out what is buffered: before a process forks, so that it reads it all."""
        if self.unflushed:
            with _spooling():
                self.file.flush()
            self.unflushed = False

    def __getitem__(self, at: int) -> Any:
        self.seal()
        return pickle.loads(os.pread(self.file.fileno(), self.sizes[at], self.starts[at]))


@contextmanager
def _spooling() -> Iterator[None]:
    try:
        yield
    except OSError as err:
        where = f"a temporary file in {tempfile.gettempdir()}"
        raise WriteFailed(where, err.strerror or str(err)) from None
