"""Reading a file: BOMs, line ends, odd spaces, and files that cannot be pages."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from precarious.errors import UnreadableFile
from precarious.read import SPACES, decode, normalize, page_from_text, read_page


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
    assert decode(text.encode(), "p") == (text, "utf-8")
    assert decode(b"\xff\xfe\x00\x00" + text.encode("utf-32-le"), "p") == (text, "utf-32-le")
    assert decode(b"\x00\x00\xfe\xff" + text.encode("utf-32-be"), "p") == (text, "utf-32-be")
    assert decode(b"\xef\xbb\xbf" + text.encode(), "p").text == text
    assert decode(b"\xff\xfe" + text.encode("utf-16-le"), "p").text == text
    assert decode(b"\xfe\xff" + text.encode("utf-16-be"), "p").text == text


def test_legacy_8_bit_files_are_read_and_named() -> None:
    """Notepad's "ANSI": Windows-1252 (its dashes and quotes live in 0x80-0x9F); bytes it
    leaves undefined fall back to Latin-1."""
    text = "Caf\u00e9 \u2018Augur\u2019 1924\u201327\n"
    assert decode(text.encode("cp1252"), "p") == (text, "windows-1252")
    assert decode(b"caf\xe9\x81\n", "p") == ("caf\u00e9\x81\n", "latin-1")
    page = page_from_text(text, "x", encoding="windows-1252")
    assert page.notes == (("encoding", "the file is not UTF-8: read as Windows-1252"),)
    assert page_from_text(text, "x").notes == ()


def test_a_download_cut_inside_a_character_ends_mid_line() -> None:
    data = "Information\n1924\u201327".encode()
    text = decode(data[:-3], "p")
    assert text == ("Information\n1924", "utf-8")
    assert page_from_text(text.text, "x").open_end


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\r\n\t", "empty file"),
        (b"abc\x00def", "binary file (NUL byte at offset 3)"),
        (b"\x01\x02\x03\xff" * 8, "binary file (not UTF-8 at offset 3, control bytes)"),
        (b"\xff\xfeS\x00u", "not UTF-16-LE text (byte 0x75 at offset 2)"),
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
