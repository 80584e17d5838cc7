"""Pure normalizers of printed values: dates, page ranges, roman numerals, headings, contents
entries, the glued book title, and the word keys that match titles however they are printed.

Each takes the text as printed and returns a value or None; none of them guesses.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
# "01 June 2011", "June 1, 2011", "August 2016", "2011-06-01". [^\W\d_] is a letter.
_DATE = re.compile(
    r"(?P<iso>\d{4}-\d{2}-\d{2})"
    r"|(?P<d1>\d{1,2})\s+(?P<m1>[^\W\d_]+)\.?,?\s+(?P<y1>\d{4})"
    r"|(?P<m2>[^\W\d_]+)\.?\s+(?P<d2>\d{1,2}),?\s+(?P<y2>\d{4})"
    r"|(?P<m3>[^\W\d_]+)\.?,?\s+(?P<y3>\d{4})"
)
_RENDER_DATE = re.compile(
    r"\bRender date:\s*(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))(?!\S)"
)
_ROMAN = re.compile(
    r"(?=[mdclxvi])m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})", re.IGNORECASE
)
_ROMAN_VALUES = {"m": 1000, "d": 500, "c": 100, "l": 50, "x": 10, "v": 5, "i": 1}
_PAGE = r"(\d+|[ivxlcdm]+|[IVXLCDM]+)"
# A page range as printed after "pp.": "134 - 179", "ix-xiv"; the end may be missing when cut.
_PAGE_RANGE = re.compile(rf"{_PAGE}(\s*[-–—]\s*(?:{_PAGE})?)?")
# "4 - Russia and the general strike", "Chapter 1 - Origins"
NUMBERED = re.compile(r"(?:chapter\s+)?(\d{1,3})\s*[-–—](?:\s+(.*))?$", re.IGNORECASE)
# "from Part I - Origins" under a heading; a title that merely starts with "From" is no part.
PART = re.compile(r"from\s+((?:part|section|book|volume)\b.*)$", re.IGNORECASE)
_ENTRY = re.compile(r"(?:chapter\s+)?(\d{1,3})\.?\s+(?:[-–—]\s+)?(\S.*)$", re.IGNORECASE)
# Names whose inner capital is not a join of title and subtitle: McCarthy, MacArthur, …
_NAME_PREFIX = re.compile(r"(?:^|\s)(?:Mc|Mac|Fitz|De|Di|Da|Du|La|Le|Van|Von|O['’])$")
# What may end a title right before its glued subtitle's capital: a closing mark.
_CLOSERS = frozenset("?!)]’”\"'")
_WORDS = re.compile(r"[^\W_]+")  # letters and digits


def iso_date(text: str) -> str | None:
    """'01 June 2011' → '2011-06-01'; 'August 2016' → '2016-08' (no day is invented)."""
    m = _DATE.fullmatch(text.strip())
    if m is None:
        return None
    if m["iso"]:
        iso = m["iso"]
        return _checked(int(iso[:4]), int(iso[5:7]), int(iso[8:]))
    if m["d1"]:
        return _checked(int(m["y1"]), _MONTHS.get(m["m1"].casefold(), 0), int(m["d1"]))
    if m["d2"]:
        return _checked(int(m["y2"]), _MONTHS.get(m["m2"].casefold(), 0), int(m["d2"]))
    month = _MONTHS.get(m["m3"].casefold())
    return f"{int(m['y3']):04d}-{month:02d}" if month else None


def _checked(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def render_date(text: str) -> str | None:
    """The 'Render date: …' stamp of a saved page, as printed, when it is a whole timestamp."""
    m = _RENDER_DATE.search(text)
    if not m:
        return None
    try:
        dt.datetime.fromisoformat(m[1])
    except ValueError:
        return None
    return m[1]


def roman_to_int(text: str) -> int | None:
    """'xiv' → 14; None for anything that is not a well-formed roman numeral."""
    if not _ROMAN.fullmatch(text):
        return None
    values = [_ROMAN_VALUES[c] for c in text.casefold()]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def page_number(text: str) -> int | None:
    """A printed page number as an int: arabic or roman."""
    return int(text) if text.isdigit() else roman_to_int(text)


def page_range(text: str, cut: bool) -> tuple[str | None, str | None]:
    """'134 - 179' → ('134', '179'). When `cut` (the text runs to the end of a cut-off
    download) a number that reaches the very end may be missing digits, so it is None."""
    stripped = text.strip()
    m = _PAGE_RANGE.match(stripped)
    if not m:
        return None, None
    first = m[1] if (m.end(1) < len(stripped) or not cut) else None
    last = m[3] if (m[3] and (m.end(3) < len(stripped) or not cut)) else None
    return first, last


def page_count(first: str | None, last: str | None) -> int | None:
    """Pages in the range, counted only when both ends are the same kind of number."""
    if first is None or last is None or first.isdigit() != last.isdigit():
        return None
    a, b = page_number(first), page_number(last)
    if a is None or b is None or b < a:
        return None
    return b - a + 1


@functools.lru_cache(maxsize=4096)  # page numbers repeat; grouping compares them often
def page_key(text: str | None) -> tuple[int, int] | None:
    """Where a printed page falls in a book: roman front matter before arabic pages."""
    if text is None:
        return None
    if text.isdigit():
        return 1, int(text)
    value = roman_to_int(text)
    return None if value is None else (0, value)


def heading(text: str) -> tuple[int | None, str | None]:
    """'4 - Russia and the general strike' → (4, 'Russia and …'); 'Preface' → (None, 'Preface')."""
    if m := NUMBERED.match(text):
        return int(m[1]), (m[2] or "").strip() or None
    return None, text.strip() or None


# A part's own heading: "Part I - Foundations", "Part 2: Sources".
_OWN_PART = re.compile(
    r"part\s+(?:[IVXLC]+|\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"\s*[-–—:.]\s*(\S.*)$",
    re.IGNORECASE,
)


def own_part(title: str) -> str | None:
    """'Part I - Foundations' → 'Foundations': the title of a part's own heading."""
    m = _OWN_PART.match(title)
    return m[1].strip() if m else None


def part(text: str) -> str | None:
    """'from Part I - Origins' → 'Part I - Origins'."""
    m = PART.match(text.strip())
    return m[1].strip() if m else None


def contents_entry(text: str) -> tuple[int | None, str]:
    """'4 Russia and the general strike' → (4, '…'); 'Preface' → (None, 'Preface')."""
    if m := _ENTRY.match(text):
        return int(m[1]), m[2].strip()
    return None, text.strip()


@functools.lru_cache(maxsize=256)  # the pages of a book glue the same title
def glued_title_joins(glued: str) -> tuple[int, ...]:
    """Where 'The Precarious TruceAnglo-Soviet Relations 1924–27' may join a title and its
    subtitle glued together: after a lower-case letter, digit or closing mark, before a
    capitalised word, with no space between (and not inside a name such as McCarthy).
    One join is a split; none, most likely no subtitle; several, no safe split."""
    kinds = [unicodedata.category(c) for c in glued]
    return tuple(
        at
        for at in range(1, len(glued) - 1)
        if kinds[at] == "Lu"
        and (kinds[at + 1] == "Ll" or glued[at + 1].isspace())
        and (kinds[at - 1] == "Ll" or kinds[at - 1][0] == "N" or glued[at - 1] in _CLOSERS)
        and not _NAME_PREFIX.search(glued[:at])
    )


def words(text: str | None) -> list[str]:
    """The letters-and-digits words of a text, case-folded: punctuation and dashes drop out."""
    return _WORDS.findall((text or "").casefold())


@functools.lru_cache(maxsize=4096)  # titles repeat across the pages of a book
def words_key(text: str | None) -> str:
    """Text reduced to its letters and digits, for matching titles however they are printed:
    'The Precarious TruceAnglo-Soviet Relations 1924–27' == 'The Precarious Truce' +
    'Anglo-Soviet Relations 1924-27'."""
    return "".join(words(text))
