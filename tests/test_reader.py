"""Reading: BOMs, line ends, odd spaces, and files that cannot be pages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from precarious.errors import PrecariousError, UnreadableFile
from precarious.reader import (
    SPACES,
    Source,
    decode,
    normalize,
    page_from_text,
    page_paths,
    read_page,
)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_ends(newline: str) -> None:
    page = page_from_text(newline.join(["a", "b", "c"]) + newline, "x")
    assert page.lines == ("a", "b", "c")
    assert not page.open_end


def test_open_end_is_seen() -> None:
    assert page_from_text("a\nb", "x").open_end
    assert page_from_text("a\nb", "x").lines == ("a", "b")


def test_odd_spaces_fold_for_matching_but_text_is_kept() -> None:
    raw = "Published online by Cambridge University Press:\xa0 01 June 2011\n"
    page = page_from_text(raw, "x")
    assert page.lines == ("Published online by Cambridge University Press: 01 June 2011",)
    assert page.text == raw


def test_normalize_drops_invisibles_and_tabs() -> None:
    assert normalize("\u200bTitle\u00ad\tof\u2009the\u3000book  ") == "Title of the book"


def test_bom_utf8_and_utf16() -> None:
    text = "Summary\nIt was 1924\u201327.\n"
    assert decode(b"\xef\xbb\xbf" + text.encode(), "p") == text
    assert decode(b"\xff\xfe" + text.encode("utf-16-le"), "p") == text
    assert decode(b"\xfe\xff" + text.encode("utf-16-be"), "p") == text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\r\n\t", "empty file"),
        (b"abc\x00def", "binary file (NUL byte at offset 3)"),
        (b"caf\xe9 au lait", "not UTF-8 text (byte 0xe9 at offset 3)"),
    ],
)
def test_bad_bytes(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFile) as err:
        decode(data, "f.txt")
    assert err.value.reason == reason
    assert str(err.value) == f"f.txt: {reason}"


def test_read_page_errors(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="no such file"):
        read_page(tmp_path / "missing.txt")
    with pytest.raises(UnreadableFile, match="is a directory"):
        read_page(tmp_path)


def test_page_paths(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "notes.md").write_text("x")
    empty = tmp_path / "empty"
    empty.mkdir()
    got = list(page_paths([tmp_path, empty, tmp_path / "nope.txt"]))
    assert len(got) == 4
    assert [(s.path, s.id) for s in got[:2] if isinstance(s, Source)] == [
        (tmp_path / "a.txt", "a"),
        (tmp_path / "b.txt", "b"),
    ]
    assert [str(e) for e in got[2:]] == [
        f"{empty}: folder has no .txt files",
        f"{tmp_path / 'nope.txt'}: no such file or folder",
    ]


def test_page_paths_walks_subfolders(tmp_path: Path) -> None:
    for name in ("z.txt", "book1/004.txt", "book1/sub/x.TXT", "book2/004.txt", ".git/h.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "book2" / ".hidden.txt").write_text("x")
    got = [s.id for s in page_paths([tmp_path]) if isinstance(s, Source)]
    assert got == ["z", "book1/004", "book1/sub/x", "book2/004"]


def test_page_paths_gives_a_folders_files_before_the_walk_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk is not listed whole first: on 100,000 files that list held 60 MB."""
    for n in range(5):
        (tmp_path / f"book{n}").mkdir()
        (tmp_path / f"book{n}" / "p.txt").write_text("x")
    listed: list[str] = []
    scandir = os.scandir

    def counted(path: str) -> object:
        listed.append(path)
        return scandir(path)

    monkeypatch.setattr(os, "scandir", counted)
    walk = page_paths([tmp_path])
    first = next(walk)
    assert isinstance(first, Source)
    assert first.id == "book0/p"
    assert len(listed) == 2  # the top folder and book0 only
    assert [s.id for s in walk if isinstance(s, Source)] == [f"book{n}/p" for n in range(1, 5)]
    assert len(listed) == 6


# The files and ids met kept in sets, or on disk: the same walk.
on_disk = pytest.mark.parametrize("on_disk", [False, True], ids=["in-memory", "on-disk"])


@on_disk
def test_page_paths_keeps_ids_unique_and_reads_a_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on_disk: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a/p.txt", "b/p.txt", "c/p.txt", "c/p.TXT"):
        Path(name).parent.mkdir(exist_ok=True)
        Path(name).write_text("x")
    (tmp_path / "a" / "link.txt").symlink_to(tmp_path / "b" / "p.txt")
    Path("d").mkdir()
    Path("d/hard.txt").hardlink_to("c/p.txt")

    def found(*paths: str | Path) -> list[tuple[Path, str]]:
        walk = page_paths(paths, on_disk=on_disk)
        return [(s.path, s.id) for s in walk if isinstance(s, Source)]

    assert found("a", "b", "a/p.txt") == [(Path("a/link.txt"), "link"), (Path("a/p.txt"), "p")]
    assert found("b", Path("a")) == [(Path("b/p.txt"), "p"), (Path("a/p.txt"), "a/p")]
    # p.TXT and p.txt would both be "p"; d/hard.txt is c/p.txt again.
    assert found("c", "d") == [(Path("c/p.TXT"), "p"), (Path("c/p.txt"), "c/p")]


@on_disk
def test_page_paths_reports_loops_and_odd_files(tmp_path: Path, on_disk: bool) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "p.txt").write_text("x")
    (tmp_path / "sub" / "back").symlink_to(tmp_path)
    os.mkfifo(tmp_path / "pipe.txt")
    walk = page_paths([tmp_path], on_disk=on_disk)
    got = [str(x) if isinstance(x, PrecariousError) else x.id for x in walk]
    assert got == [
        f"{tmp_path / 'pipe.txt'}: not a regular file",
        f"{tmp_path / 'sub' / 'back'}: folder already read (a symlink loop?)",
        "sub/p",
    ]


def test_the_space_table_is_unicodes_space_and_control_classes() -> None:
    """normalize() folds by a table; it must hold exactly the characters that are Zs, Cc,
    Zl or Zp, as the regex module's Unicode data says."""
    odd = regex.compile(r"[\p{Zs}\p{Cc}\p{Zl}\p{Zp}]")
    found = {c for c in range(0x110000) if odd.match(chr(c))}
    assert found == set(SPACES)
    assert all(chr(c).isspace() or regex.match(r"\p{Cc}", chr(c)) for c in found)
    assert not any(chr(c).isspace() for c in range(0x110000) if c not in found)


ODD = ["a", " ", "\t", "\u00a0", "\u2009", "\u200b", "\u00ad", "\ufeff", "\u2028", "\x0b"]


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from([*ODD, "\x00", "\x85", "–", "é", "\u3000"]), max_size=20))
def test_normalize_folds_every_odd_space_and_drops_invisibles(line: str) -> None:
    expected = regex.sub(
        r"[\p{Zs}\p{Cc}\p{Zl}\p{Zp}]+", " ", regex.sub(r"[\u00ad\u200b\u2060\ufeff]", "", line)
    )
    assert normalize(line) == expected.strip(" ")


def test_page_paths_reports_a_folder_it_cannot_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok.txt").write_text("x")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "p.txt").write_text("x")
    real = os.scandir

    def refuse(path: str) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr("precarious.reader.os.scandir", refuse)
    got = [str(x) if isinstance(x, PrecariousError) else x.id for x in page_paths([tmp_path])]
    assert got == ["ok", f"{tmp_path / 'locked'}: permission denied"]


def test_the_walk_notes_what_identifies_each_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("hello")
    (source,) = page_paths([tmp_path])
    assert isinstance(source, Source)
    info = (tmp_path / "a.txt").stat()
    assert source.stat == (info.st_dev, info.st_ino, 5, info.st_mtime_ns)
