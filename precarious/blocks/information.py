"""The Information section: an "Information" label, the book's title (and subtitle) lines,
then its fields: the page range (", pp. 134 - 179"), DOI, publisher and print year. The list
layout glues them all onto one line ("The Precarious TruceAnglo-Soviet Relations 1924–27,
pp. 134 - 179Publisher: Cambridge University PressPrint publication year: 1977")."""

from __future__ import annotations

import re

from precarious import values
from precarious.blocks.base import Line, Reading, State
from precarious.record import Book, Pages

KIND = "information"
LABELS = ("information",)
MARKERS = {
    "Information": KIND,
    "Publisher:": "publisher",
    "Print publication year:": "year",
}
# The kinds of the section's lines: the label or a glued line, book title lines, fields.
KINDS = frozenset({KIND, "book", "pages", "doi", "publisher", "year"})
# The fields, as they start a line (page layout) or sit inside a glued line (list). No \b
# before the last three: in the glued line they follow a word ("179Publisher: …").
FIELDS = re.compile(
    r"(?P<pages>,?\s*\bpp?\.\s*)|(?P<doi>DOI\s*:\s*)|(?P<publisher>Publisher\s*:\s*)"
    r"|(?P<year>(?i:Print publication year)\s*:\s*)"
)
_YEAR = re.compile(r"\d{4}")


def rule(line: Line, state: State) -> str | None:
    """Book title lines until the first field, then field lines until a line that is none."""
    if state.section != KIND:
        return None
    kind = field_kind(line.text)
    if kind is None:
        if state.fields_seen:
            state.section = None
            return None
        return "book"
    state.fields_seen = True
    return kind


def field_kind(text: str) -> str | None:
    """The field a line holds: one field at its start, or several glued ("information")."""
    found = FIELDS.search(text)
    if found is None:
        return None
    kind = found.lastgroup
    if found.start() > 0 or any(m.lastgroup != kind for m in FIELDS.finditer(text, found.end())):
        return KIND
    return kind


def segments(text: str) -> list[tuple[str, str]]:
    """A line cut at its field markers: [(kind, value)], 'book' for the text before the
    first marker."""
    marks = [(m.start(), m.end(), m.lastgroup or "") for m in FIELDS.finditer(text)]
    if not marks:
        return [("book", text)]
    out: list[tuple[str, str]] = []
    if marks[0][0] > 0:
        out.append(("book", text[: marks[0][0]].strip()))
    for (_, end, kind), nxt in zip(marks, [*marks[1:], (len(text), 0, "")], strict=True):
        out.append((kind, text[end : nxt[0]].strip()))
    return out


def fields(page: Reading) -> list[tuple[int, list[tuple[str, str]]]]:
    """Each line of the section (labels left out) cut into its (field, value) segments. A
    field line without its marker is one cut off inside the marker ("Publishe")."""
    out = []
    for i, kind in enumerate(page.kinds):
        if kind not in KINDS:
            continue
        text = page.texts[i]
        if text.casefold() in LABELS:
            continue
        # A book line has no field marker (the rule saw to it): no need to look again.
        found = [("book", text)] if kind == "book" else segments(text)
        if kind not in ("book", KIND) and found[0][0] == "book":
            found = [(kind, text)]
        out.append((i + 1, found))
    return out


def states_pages(page: Reading) -> bool:
    """Whether the section states a page range (evidence of a chapter page)."""
    return any(kind == "pages" for _, found in fields(page) for kind, _ in found)


def read(page: Reading) -> tuple[Pages | None, Book, str | None]:
    """(pages, book, doi): the page range, the book's title, subtitle, publisher and print
    year, and the DOI. A value the download cut off is null, unless it cannot be longer
    than it is (a four-digit year)."""
    found: dict[str, tuple[int, str, bool]] = {}  # kind → (line, value, cut)
    titles: list[tuple[int, str, bool]] = []  # book title lines: (line, text, cut)
    apart: list[int] = []  # book lines after a field: not part of the title
    glued = False  # the title shares its line with the other fields (list layout)
    for line, parts in fields(page):
        glued = glued or (len(parts) > 1 and parts[0][0] == "book")
        for i, (kind, value) in enumerate(parts):
            cut = page.is_cut(line) and i == len(parts) - 1
            if kind == "book" and not found:
                titles.append((line, value, cut))
            elif kind == "book":
                apart.append(line)
            elif kind not in found:
                found[kind] = (line, value, cut)
    pages = _pages(page, found.get("pages"))
    book = _book(page, titles, glued, apart)
    publisher = _text(page, "publisher", found.get("publisher"))
    year_text = _text(page, "print-year", found.get("year"), whole=_YEAR)
    doi = _text(page, "doi", found.get("doi"), required=False)
    year = int(year_text) if year_text and _YEAR.fullmatch(year_text) else None
    if year_text is not None and year is None:
        line = found["year"][0]
        page.warn("bad-year", f"line {line}: cannot read the year {year_text!r}: left null", line)
    return pages, book._replace(publisher=publisher, print_year=year), doi


def _pages(page: Reading, found: tuple[int, str, bool] | None) -> Pages | None:
    if found is None:
        page.warn("missing-pages", "the page states no page range: pages is null")
        return None
    line, value, cut = found
    first, last = values.page_range(value, cut)
    if first is None and last is None:
        if cut:
            page.cut("pages", line, value)
        else:
            page.warn("bad-pages", f"line {line}: cannot read the page range {value!r}", line)
        return None
    if last is None:
        if cut:
            page.cut("pages", line, value)
        else:
            page.warn("bad-pages", f"line {line}: the page range {value!r} has no end", line)
    count = values.page_count(first, last)
    if first is not None and last is not None and count is None:
        a, b = values.page_key(first), values.page_key(last)
        if a and b and a[0] == b[0] and b < a:
            page.warn(
                "impossible-pages",
                f"line {line}: the page range {value!r} ends before it starts",
                line,
            )
        else:
            page.warn("odd-pages", f"line {line}: cannot count the pages of {value!r}", line)
    return Pages(first, last, count)


def _text(
    page: Reading,
    what: str,
    found: tuple[int, str, bool] | None,
    whole: re.Pattern[str] | None = None,
    required: bool = True,
) -> str | None:
    """A plain value; one that runs into the cut is dropped unless it matches `whole`."""
    if found is None:
        if required:
            page.warn(f"missing-{what}", f"the page states no {what.replace('-', ' ')}")
        return None
    line, value, cut = found
    value = value.strip()
    if cut and not (whole and whole.fullmatch(value)):
        page.cut(what, line, value)
        return None
    return value or None


def _book(
    page: Reading, titles: list[tuple[int, str, bool]], glued: bool, apart: list[int]
) -> Book:
    """The title (and subtitle) lines before the first field. A title line the download cut
    is no value; a cut subtitle leaves the whole title standing."""
    if not titles:
        page.warn("missing-book-title", "the page states no book title")
        return Book()
    line, first, cut = titles[0]
    if cut:
        page.cut("book-title", line, first)
        return Book()
    if glued:
        return glued_book(page, first, line)
    texts = [first]
    for n, text, cut in titles[1:]:
        if cut:
            page.cut("book-subtitle", n, text)
            break
        texts.append(text)
    # A title and its subtitle: lines beyond them are no part of either.
    problems = (
        [f"the book title runs over {len(texts)} lines: kept the first two"]
        if len(texts) > 2
        else []
    )
    texts = texts[:2]
    if apart:
        listed = ", ".join(map(str, apart))
        problems.append(f"book line {listed} is apart from the title: left out")
    if problems:
        page.warn("extra-book-lines", f"line {line}: {'; '.join(problems)}", line)
    return Book(
        title=texts[0],
        subtitle=" ".join(texts[1:]) or None,
        title_raw="\n".join(texts),
        split_method="lines",
    )


def glued_book(page: Reading, glued: str, line: int) -> Book:
    """A book title glued to its subtitle on one line, split by heuristic when it is safe."""
    joins = values.glued_title_joins(glued)
    if not joins:
        return Book(title=glued, title_raw=glued, split_method="unsplit")
    if len(joins) > 1:
        options = " or ".join(repr(glued[:at]) for at in joins)
        page.warn(
            "title-unsplit",
            f"line {line}: the book title {glued!r} looks glued to its subtitle, but it could end "
            f"at {options}: kept whole",
            line,
        )
        return Book(title=glued, title_raw=glued, split_method="unsplit")
    title, subtitle = glued[: joins[0]].strip(), glued[joins[0] :].strip()
    page.warn(
        "title-split-heuristic",
        f"line {line}: the book title and subtitle are glued together; split by heuristic "
        f"into {title!r} / {subtitle!r} (no page in the corpus prints them apart)",
        line,
    )
    return Book(title=title, subtitle=subtitle, title_raw=glued, split_method="heuristic")
