"""One normalizer per value: page ranges, dates, headings, the glued book title.

Each takes the text as printed and returns a value or None; none of them guesses.
"""

from __future__ import annotations

import datetime as dt
import functools

import regex

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
_DAY_MONTH_YEAR = regex.compile(r"^(\d{1,2})\s+(\p{L}+)\.?,?\s+(\d{4})$")
_MONTH_DAY_YEAR = regex.compile(r"^(\p{L}+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_MONTH_YEAR = regex.compile(r"^(\p{L}+)\.?,?\s+(\d{4})$")
_ISO_DATE = regex.compile(r"^\d{4}-\d{2}-\d{2}$")
_RENDER_DATE = regex.compile(
    r"\bRender date:\s*(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))(?!\S)"
)
_ROMAN = regex.compile(
    r"^(?=[mdclxvi])m{0,4}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$", regex.IGNORECASE
)
_ROMAN_VALUES = {"m": 1000, "d": 500, "c": 100, "l": 50, "x": 10, "v": 5, "i": 1}
_PAGE = r"(\d+|[ivxlcdm]+|[IVXLCDM]+)"
# A page range as printed after "pp.": "134 - 179", "ix-xiv"; the end may be missing when cut.
_PAGE_RANGE = regex.compile(rf"^{_PAGE}(\s*[-–—]\s*(?:{_PAGE})?)?")
NUMBERED = regex.compile(r"^(?:chapter\s+)?(\d{1,3})\s*[-–—](?:\s+(.*))?$", regex.IGNORECASE)
# "from Part I - Origins" under a heading; a title that merely starts with "From" is no part.
PART = regex.compile(r"^from\s+((?:part|section|book|volume)\b.*)$", regex.IGNORECASE)
_ENTRY = regex.compile(r"^(?:chapter\s+)?(\d{1,3})\.?\s+(?:[-–—]\s+)?(\S.*)$", regex.IGNORECASE)
# Where a glued "TitleSubtitle" may join: a lower-case letter, digit or closing mark, then a
# capitalised word, with no space between.
_GLUE = regex.compile(r"(?<=[\p{Ll}\p{N}?!)\]’”\"'])(?=\p{Lu}(?:\p{Ll}|\s))")
# Names whose inner capital is not a join: McCarthy, MacArthur, DeGaulle, FitzGerald, …
_NAME_PREFIX = regex.compile(r"(?:^|\s)(?:Mc|Mac|Fitz|De|Di|Da|Du|La|Le|Van|Von|O['’])$")


def iso_date(text: str) -> str | None:
    """'01 June 2011' → '2011-06-01'; 'August 2016' → '2016-08' (no day is invented)."""
    text = text.strip()
    if _ISO_DATE.match(text):
        return _checked(int(text[:4]), int(text[5:7]), int(text[8:]))
    if m := _DAY_MONTH_YEAR.match(text):
        return _checked(int(m[3]), _MONTHS.get(m[2].casefold(), 0), int(m[1]))
    if m := _MONTH_DAY_YEAR.match(text):
        return _checked(int(m[3]), _MONTHS.get(m[1].casefold(), 0), int(m[2]))
    if m := _MONTH_YEAR.match(text):
        month = _MONTHS.get(m[1].casefold())
        return f"{int(m[2]):04d}-{month:02d}" if month else None
    return None


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
    if not _ROMAN.match(text):
        return None
    values = [_ROMAN_VALUES[c] for c in text.casefold()]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def page_number(text: str) -> int | None:
    """A printed page number as an int: arabic or roman."""
    return int(text) if text.isdigit() else roman_to_int(text)


def page_range(text: str, cut: bool) -> tuple[str | None, str | None]:
    """'134 - 179' → ('134', '179'). When `cut` (the text runs to the end of a cut-off
    download) a number that reaches the very end may be missing digits, so it is None."""
    m = _PAGE_RANGE.match(text.strip())
    if not m:
        return None, None
    stripped = text.strip()
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


def heading(text: str) -> tuple[int | None, str | None]:
    """'4 - Russia and the general strike' → (4, 'Russia and …'); 'Preface' → (None, 'Preface')."""
    if m := NUMBERED.match(text):
        return int(m[1]), (m[2] or "").strip() or None
    return None, text.strip() or None


def part(text: str) -> str | None:
    """'from Part I - Origins' → 'Part I - Origins'."""
    m = PART.match(text.strip())
    return m[1].strip() if m else None


def contents_entry(text: str) -> tuple[int | None, str]:
    """'4 Russia and the general strike' → (4, '…'); 'Preface' → (None, 'Preface')."""
    if m := _ENTRY.match(text):
        return int(m[1]), m[2].strip()
    return None, text.strip()


def split_glued_title(glued: str) -> tuple[str, str] | list[int] | None:
    """Split 'The Precarious TruceAnglo-Soviet Relations 1924–27' where title and subtitle
    were glued together. Returns the pair when exactly one join is plausible, the candidate
    offsets when several are, and None when there is none (most likely no subtitle)."""
    joins = [
        m.start() for m in _GLUE.finditer(glued) if not _NAME_PREFIX.search(glued[: m.start()])
    ]
    if not joins:
        return None
    if len(joins) > 1:
        return joins
    at = joins[0]
    return glued[:at].strip(), glued[at:].strip()


@functools.lru_cache(maxsize=4096)  # page numbers repeat; grouping compares them often
def page_key(text: str | None) -> tuple[int, int] | None:
    """Where a printed page falls in a book: roman front matter before arabic pages."""
    if text is None:
        return None
    if text.isdigit():
        return 1, int(text)
    value = roman_to_int(text)
    return None if value is None else (0, value)


_WORDS = regex.compile(r"[\p{L}\p{N}]+")


def words(text: str | None) -> list[str]:
    """The letters-and-digits words of a text, case-folded: punctuation and dashes drop out."""
    return _WORDS.findall((text or "").casefold())


@functools.lru_cache(maxsize=4096)  # titles repeat across the pages of a book
def words_key(text: str | None) -> str:
    """Text reduced to its letters and digits, for matching titles however they are printed:
    'The Precarious TruceAnglo-Soviet Relations 1924–27' == 'The Precarious Truce' +
    'Anglo-Soviet Relations 1924-27'."""
    return "".join(words(text))
