"""Bytes → text → lines: encodings, byte-order marks, mojibake, markup, newlines and odd
spaces.

A page's `text` is the file's text with its newlines made '\n' (and mojibake repaired);
`lines` is the normalized form the block rules match against, one per line of `text`.
"""

import os
import stat
from typing import NamedTuple

from precarious import markup, repair
from precarious.errors import UnreadableFile

# NBSP, thin spaces, tabs, control characters and other separators (Unicode Zs, Cc, Zl,
# Zp) count as one space; invisible characters that only get in the way of matching are
# dropped. Every one of them is a character str.isprintable() refuses, so a printable line
# (nearly every line) skips the table.
_ZS = [0x20, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]
_CC = [*range(0x00, 0x20), *range(0x7F, 0xA0)]
SPACES: dict[int, str | None] = {c: " " for c in [*_ZS, *_CC, 0x2028, 0x2029]}
INVISIBLE = (0x00AD, 0x200B, 0x2060, 0xFEFF)
_CLEAN = str.maketrans(SPACES | dict.fromkeys(INVISIBLE))

# Limits no saved page comes near (a page is some 10-50 KB, a few hundred lines, its longest
# line a summary paragraph of a few thousand characters), so that no file can cost more
# than some tens of MB of memory: a file over MAX_BYTES is skipped unread, one over the
# others is skipped once read.
MAX_BYTES = 8 * 1024 * 1024
MAX_LINES = 20_000
MAX_LINE = 100_000  # characters

# UTF-32's BOMs first: the UTF-32-LE one starts with UTF-16-LE's.
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Bytes no text file holds (C0 controls but tab, newlines and form feed): a file that is not
# UTF-8 and has them is no Windows-1252 text either.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])


class Page(NamedTuple):
    """One saved page: its name (the record id), where it came from and its text."""

    name: str
    path: str
    text: str
    lines: tuple[str, ...]  # one per line of text, as the rules read it
    open_end: bool  # the last line has no newline: a cut-off download ends like this
    # What reading the file took that the reader should know: (warning code, message).
    notes: tuple[tuple[str, str], ...] = ()


def normalize(line: str) -> str:
    """One line as the rules see it: odd spaces folded to one space, trimmed."""
    if not line.isprintable():
        line = line.translate(_CLEAN)
    # Only plain spaces are left; most lines are tidy already.
    if "  " in line or line[:1] == " " or line[-1:] == " ":
        return " ".join(line.split())
    return line


class Text(NamedTuple):
    """A file's text and the encoding it was read in."""

    text: str
    encoding: str


def decode(data: bytes, path: str) -> Text:
    """Bytes → text: UTF-8 (BOM optional); UTF-16 or UTF-32 when they start with their BOM;
    otherwise, when the bytes are not UTF-8, the legacy 8-bit encoding Windows editors save
    ("ANSI": Windows-1252, a superset of Latin-1's printable characters)."""
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
        if encoding != "utf-8":
            bad = data[err.start : err.start + 1].hex()
            raise UnreadableFile(
                path, f"not {encoding.upper()} text (byte 0x{bad} at offset {err.start})"
            ) from None
        if err.reason == "unexpected end of data":
            # A download cut inside a character: the text up to it (the page ends mid-line,
            # which is how the rules know it was cut).
            text = data[: err.start].decode(encoding)
        else:
            text, encoding = _legacy(data, path, err.start)
    if not text.strip():
        raise UnreadableFile(path, "empty file")
    return Text(text, encoding)


def _legacy(data: bytes, path: str, offset: int) -> Text:
    """Bytes that are not UTF-8 as Windows-1252 (Latin-1 for the five bytes it leaves
    undefined), unless control bytes show they are no text at all."""
    controls = sum(map(data.count, _CONTROL_BYTES))
    if controls * 100 > len(data):
        raise UnreadableFile(path, f"binary file (not UTF-8 at offset {offset}, control bytes)")
    try:
        return Text(data.decode("cp1252"), "windows-1252")
    except UnicodeDecodeError:
        return Text(data.decode("latin-1"), "latin-1")


def page_from_text(text: str, name: str, path: str = "", encoding: str = "utf-8") -> Page:
    """A Page from text already decoded (the library entry point for strings): mojibake
    repaired, markdown read as the text it marks up, HTML character references decoded."""
    notes: list[tuple[str, str]] = []
    if encoding not in _UNICODE:
        notes.append(("encoding", f"the file is not UTF-8: read as {_NAMES[encoding]}"))
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.isascii():
        text, repaired = repair.mojibake(text)
        if repaired:
            notes.append(("mojibake", repaired))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    _bounded(text, path or name)
    raw = text.split("\n")
    open_end = raw[-1] != ""
    if not open_end:
        raw.pop()  # the final newline ends the last line; it does not start a new one
    if markup.is_markdown(text):
        lines = tuple(map(normalize, markup.plain_lines(text, len(raw))))
        text = repair.references(text)  # as the reader sees it (markdown decodes its own)
    elif "&" in text and text != (decoded := repair.references(text)):
        text = decoded
        lines = tuple(map(normalize, text.split("\n")[: len(raw)]))
    else:
        lines = _normalized(text, raw)
    return Page(name, path or name, text, lines, open_end, tuple(notes))


def _bounded(text: str, where: str) -> None:
    """UnreadableFile for a text beyond what any page holds (MAX_LINES, MAX_LINE): such a
    file would cost far more to read than it could give."""
    if len(text) <= MAX_LINE:
        return  # (nearly every page: too short to break either limit)
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise UnreadableFile(
            where,
            f"{lines:,} lines, more than a saved page has (the limit is {MAX_LINES:,}): skipped",
        )
    longest = max(map(len, text.split("\n")))
    if longest > MAX_LINE:
        raise UnreadableFile(
            where,
            f"a line of {longest:,} characters, longer than a saved page has (the limit is "
            f"{MAX_LINE:,}): skipped",
        )


_UNICODE = frozenset({"utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"})
_NAMES = {"windows-1252": "Windows-1252", "latin-1": "Latin-1"}


def _normalized(text: str, raw: list[str]) -> tuple[str, ...]:
    """normalize() of every line, the common cases quickly: lines with nothing but plain
    spaces (nearly all) need no table, and most of those no respacing."""
    if not all(map(str.isprintable, raw)):
        return tuple(map(normalize, raw))
    if "  " not in text and " \n" not in text and "\n " not in text:
        if raw and (raw[0][:1] == " " or raw[-1][-1:] == " "):
            return tuple(map(normalize, raw))
        return tuple(raw)
    return tuple(
        " ".join(line.split()) if "  " in line or line[:1] == " " or line[-1:] == " " else line
        for line in raw
    )


# What must not reach a terminal as it is: C0 and C1 controls (ESC starts the sequences
# that move the cursor or retitle the window), bidirectional overrides and isolates (which
# reorder what follows), and line and paragraph separators (which forge a line).
_UNSAFE = str.maketrans(
    {
        c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}")
        for c in (
            *range(0x00, 0x09),
            *range(0x0B, 0x20),
            *range(0x7F, 0xA0),
            *range(0x202A, 0x202F),
            *range(0x2066, 0x206A),
            0x2028,
            0x2029,
            0x200E,
            0x200F,
            0x061C,
        )
    }
)


def printable(text: str) -> str:
    """Text as it may go to a terminal or stderr: the characters that could act on the
    terminal shown escaped ('\\x1b', '\\u202e'); a newline, too, where one line is meant."""
    if text.isprintable():
        return text
    return text.translate(_UNSAFE).replace("\n", "\\n")


def shown(path: str | os.PathLike[str]) -> str:
    """A path as printable text: bytes of a file name that are not UTF-8 as \\xNN."""
    return os.fspath(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class Read(NamedTuple):
    """A file's text, what identifies it (device, inode, size, mtime and ctime in ns, link
    count) and whether that was the same before and after the read."""

    text: str
    encoding: str
    identity: tuple[int, int, int, int, int, int]
    steady: bool


def read_file(path: str, where: str | None = None) -> Read:
    """One file's text, or UnreadableFile saying why not. Only regular files are read (a
    FIFO would block), and at most MAX_BYTES of them."""
    where = where or shown(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # O_NONBLOCK: a FIFO cannot hang us
    except OSError as err:
        raise UnreadableFile(where, reason(err)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile(where, "is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(where, "not a regular file")
        if info.st_size > MAX_BYTES:
            raise UnreadableFile(where, _too_large(info.st_size))
        data = _read_at_most(fd, info.st_size, MAX_BYTES)
        after = os.fstat(fd)
    except OSError as err:
        raise UnreadableFile(where, reason(err)) from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:  # it grew while we read it
        raise UnreadableFile(where, _too_large(len(data)))
    identity = (
        after.st_dev,
        after.st_ino,
        after.st_size,
        after.st_mtime_ns,
        after.st_ctime_ns,
        after.st_nlink,
    )
    steady = (info.st_size, info.st_mtime_ns, info.st_ctime_ns) == identity[2:5]
    return Read(*decode(data, where), identity, steady)


def read_page(path: str | os.PathLike[str], name: str | None = None) -> Page:
    """Read one file as a Page (its id `name`, the file stem by default), or raise
    UnreadableFile saying why not."""
    where = shown(path)
    read = read_file(os.fspath(path), where)
    stem = os.path.splitext(os.path.basename(os.fspath(path)))[0]
    return page_from_text(read.text, name or shown(stem), where, read.encoding)


def _read_at_most(fd: int, expected: int, limit: int) -> bytes:
    """The file's bytes, up to limit + 1 (so that a file that grew past it shows): reads of
    the size stat gave, sized so that no buffer of the whole limit is allocated."""
    chunks = [os.read(fd, expected + 1)]
    total = len(chunks[0])
    while chunks[-1] and total <= limit:
        chunks.append(os.read(fd, min(1 << 20, limit + 1 - total)))
        total += len(chunks[-1])
    return b"".join(chunks)


def _too_large(size: int) -> str:
    limit = MAX_BYTES // 2**20
    return f"too large for a saved page ({size / 2**20:.0f} MB; the limit is {limit} MB): skipped"


def reason(err: OSError) -> str:
    """What an OSError met reading a path means, in a few words."""
    if isinstance(err, FileNotFoundError):
        return "no such file"
    if isinstance(err, IsADirectoryError):
        return "is a directory"
    if isinstance(err, PermissionError):
        return "permission denied"
    return err.strerror or str(err)
