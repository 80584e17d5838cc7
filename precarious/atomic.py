"""Write a file so that it only ever holds its old content or the whole new one."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from precarious.errors import WriteFailed


def write_atomic(path: Path, text: str | Iterable[str | bytes], force: bool = False) -> None:
    """Write text (a string or chunks of one, as text or UTF-8 bytes) to a temporary file
    beside path, flush it to disk, then rename it over path. On any failure or interruption
    the temporary file is removed and path is untouched. A path that is a device or a pipe
    (/dev/stdout, a FIFO) cannot be renamed over, so it is written directly. A read-only
    file is replaced only with `force`."""
    chunks = [text] if isinstance(text, str) else text
    try:
        target = path.resolve(strict=True) if path.is_symlink() else path  # keep the link
        mode = target.stat().st_mode
    except FileNotFoundError:
        target, mode = path.resolve() if path.is_symlink() else path, None
    except RuntimeError:  # Python 3.11 says a symlink loop so
        raise WriteFailed(str(path), "a symlink loop") from None
    except OSError as err:
        raise WriteFailed(str(path), err.strerror or str(err)) from err
    if mode is not None and stat.S_ISDIR(mode):
        raise WriteFailed(str(path), "is a directory")
    if mode is not None and stat.S_ISREG(mode) and not mode & 0o222 and not force:
        raise WriteFailed(str(path), "is read-only: --force replaces it")
    if mode is not None and not stat.S_ISREG(mode):
        _write_through(path, chunks)
        return
    temporary = target.with_name(f".{target.name}.{os.urandom(4).hex()}.part")
    try:
        # 0o666 less the umask, as for any new file; an existing file keeps its mode.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as err:
        raise WriteFailed(str(path), err.strerror or str(err)) from err
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk.encode() if isinstance(chunk, str) else chunk)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temporary, stat.S_IMODE(mode))
        os.replace(temporary, target)
    except BaseException as err:  # Ctrl-C too: never leave the temporary file behind
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(err, OSError):
            raise WriteFailed(str(path), err.strerror or str(err)) from err
        raise
    _sync_folder(target.parent)


def _write_through(path: Path, chunks: Iterable[str | bytes]) -> None:
    try:
        with path.open("wb") as out:
            for chunk in chunks:
                out.write(chunk.encode() if isinstance(chunk, str) else chunk)
            out.flush()
    except OSError as err:
        raise WriteFailed(str(path), err.strerror or str(err)) from err


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every filesystem allows it, which is harmless."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
