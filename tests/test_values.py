"""One test group per normalizer: pages, roman numerals, dates, headings, the title split."""

from __future__ import annotations

import pytest

from precarious import values as norm


@pytest.mark.parametrize(
    ("text", "value"),
    [("i", 1), ("iv", 4), ("ix", 9), ("xiv", 14), ("XL", 40), ("mcmlxxvii", 1977)],
)
def test_roman(text: str, value: int) -> None:
    assert norm.roman_to_int(text) == value


@pytest.mark.parametrize("text", ["", "iiii", "vx", "ic", "abc", "12"])
def test_not_roman(text: str) -> None:
    assert norm.roman_to_int(text) is None


@pytest.mark.parametrize(
    ("text", "cut", "expected"),
    [
        ("134 - 179", False, ("134", "179")),
        ("ix - xiv", False, ("ix", "xiv")),
        ("211-256", False, ("211", "256")),
        ("134 – 179", False, ("134", "179")),
        ("134 - 179", True, ("134", None)),  # the end reaches the cut: maybe "1790"
        ("134 -", True, ("134", None)),
        ("134 - 1", True, ("134", None)),
        ("13", True, (None, None)),
        ("see below", False, (None, None)),
    ],
)
def test_page_range(text: str, cut: bool, expected: tuple[str | None, str | None]) -> None:
    assert norm.page_range(text, cut) == expected


@pytest.mark.parametrize(
    ("first", "last", "count"),
    [("134", "179", 46), ("ix", "xiv", 6), ("1", "1", 1), ("xiv", "3", None), ("9", "2", None)],
)
def test_page_count(first: str, last: str, count: int | None) -> None:
    assert norm.page_count(first, last) == count


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("01 June 2011", "2011-06-01"),
        ("1 Jun 2011", "2011-06-01"),
        ("June 1, 2011", "2011-06-01"),
        ("August 2016", "2016-08"),  # month only: no day is invented
        ("2011-06-01", "2011-06-01"),
        ("31 February 2011", None),
        ("01 June 201", None),  # cut off
        ("01 Juin 2011", None),
        ("", None),
    ],
)
def test_iso_date(text: str, iso: str | None) -> None:
    assert norm.iso_date(text) == iso


def test_render_date() -> None:
    line = "Hostname: x Total loading time: 0 Render date: 2025-01-26T14:26:49.021Z Has data"
    assert norm.render_date(line) == "2025-01-26T14:26:49.021Z"
    assert norm.render_date("Render date: 2025-01-26T14:26:49.02") is None  # cut, no zone
    assert norm.render_date("Render date: 2025-13-26T14:26:49Z") is None


@pytest.mark.parametrize(
    ("text", "number", "title"),
    [
        ("4 - Russia and the general strike", 4, "Russia and the general strike"),
        ("Chapter 1 - Empires", 1, "Empires"),
        ("12 - Conclusions: the end of the truce", 12, "Conclusions: the end of the truce"),
        ("Preface", None, "Preface"),
        ("Introduction: Striving for acceptance", None, "Introduction: Striving for acceptance"),
        ("7 -", 7, None),
    ],
)
def test_heading(text: str, number: int | None, title: str | None) -> None:
    assert norm.heading(text) == (number, title)


@pytest.mark.parametrize(
    ("text", "number", "title"),
    [
        ("4 Russia and the general strike", 4, "Russia and the general strike"),
        ("Introduction: Striving for acceptance", None, "Introduction: Striving for acceptance"),
        ("12 Conclusions: the end", 12, "Conclusions: the end"),
        ("1924 and after", None, "1924 and after"),
    ],
)
def test_contents_entry(text: str, number: int | None, title: str) -> None:
    assert norm.contents_entry(text) == (number, title)


def test_part() -> None:
    assert norm.part("from Part I - Foundations") == "Part I - Foundations"


@pytest.mark.parametrize(
    ("glued", "title"),
    [
        ("The Precarious TruceAnglo-Soviet Relations 1924–27", "The Precarious Truce"),
        ("Who Killed Cock Robin?A Study", "Who Killed Cock Robin?"),
        ("Empires 1914Kings and Queens", "Empires 1914"),
        ("Middlemarch", None),  # no join: most likely no subtitle
        ("The McCarthy Era", None),  # a name's inner capital is not a join
        ("Life of MacArthur", None),
    ],
)
def test_glued_title_joins(glued: str, title: str | None) -> None:
    joins = norm.glued_title_joins(glued)
    assert joins == (() if title is None else (len(title),))


def test_glued_title_joins_ambiguous() -> None:
    # Two plausible joins: the caller keeps the title whole and says so.
    glued = "Cold WarsTheir RiseAnd Fall"
    assert norm.glued_title_joins(glued) == (glued.index("Their"), glued.index("And"))
