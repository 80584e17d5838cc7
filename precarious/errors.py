"""The tool's own errors. The core raises these; only the CLI turns them into messages."""

from __future__ import annotations


def counted(n: int, noun: str) -> str:
    """'1 file', '3 files': a count in a message."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


class PrecariousError(Exception):
    """Base of every error precarious raises on purpose."""


class UnreadableFile(PrecariousError):
    """A path that cannot be read as a page: missing, empty, binary, undecodable."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type[UnreadableFile], tuple[str, str]]:
        return type(self), (self.path, self.reason)  # picklable: workers send these back


class NotAChapter(PrecariousError):
    """A readable page that is not a Cambridge Core book-chapter page."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: not a Cambridge Core chapter page: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type[NotAChapter], tuple[str, str]]:
        return type(self), (self.path, self.reason)


class NotFound(PrecariousError):
    """No page matches what the user asked for."""


class Ambiguous(PrecariousError):
    """Several pages match what the user asked for."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


class WriteFailed(PrecariousError):
    """An output file could not be written; the file named is left as it was."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path = path
        self.reason = reason


class WorkerFailed(PrecariousError):
    """A worker process ended abruptly: killed, by the out-of-memory killer say."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "a worker process ended abruptly (killed, or out of memory?); run again, "
            "or with --jobs 1"
        )


class temporary_files:  # (named as the context managers of contextlib are)
    """Errors of these kinds, raised while temporary files are written (a full or unwritable
    $TMPDIR), as WriteFailed: one clear line, not an error that would pass for the output's.
    (A class: it wraps every write to the spool, and contextmanager costs microseconds.)"""

    def __init__(self, *kinds: type[Exception]) -> None:
        self.kinds = kinds

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, _: object
    ) -> None:
        if kind is None or not issubclass(kind, self.kinds):
            return
        import tempfile  # (here: most runs never fail so)

        reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise WriteFailed(f"a temporary file in {tempfile.gettempdir()}", reason) from None
