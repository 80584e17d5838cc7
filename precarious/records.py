"""[Block] → Record: one normalizer per field, warnings for everything left null.

A value is taken only when the page states it in full. A value that runs to the
end of a cut-off download (the last line, with no newline after it) may be
missing characters, so it is left null with a `truncated-…` warning, unless it
cannot be longer than it is (a four-digit year, a whole timestamp).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any, TypeVar

import regex

from precarious import normalize as norm
from precarious.blocks import (
    FIELD_MARKERS,
    INFO_KINDS,
    ONLINE,
    Block,
    detect,
    is_label,
    strip_bullet,
)
from precarious.errors import NotAChapter
from precarious.reader import Page, page_from_text

# The SchemaVer (MODEL-REVISION-ADDITION) of record.schema.json, which to_dict() follows.
SCHEMA_VERSION = "1-0-0"
CHAPTER_TYPES = frozenset({"chapter"})
_AFTER_SUMMARY = ("type", "information")  # the labels a summary is followed by
_AFFILIATION = regex.compile(r"^(.*?)\s*\bAffiliations?\s*:\s*(.*)$", regex.IGNORECASE)
_NAME_MARKS = "*†‡§¶"
_YEAR = regex.compile(r"\d{4}")
_SENTENCE_END = (".", ";", ",", ":")
# Missing one of these on a page that ends mid-line means the download was cut.
_END_FIELDS = frozenset(
    {"missing-type", "missing-pages", "missing-publisher", "missing-print-year"}
)


T = TypeVar("T")


def evolve(obj: T, /, **changes: Any) -> T:
    """dataclasses.replace for these frozen records, without its inspection of every field
    on every call (it runs several times for each page of a corpus)."""
    names = obj.__match_args__  # type: ignore[attr-defined]  # the fields, in order
    values = [changes.pop(name) if name in changes else getattr(obj, name) for name in names]
    if changes:
        raise TypeError(f"{type(obj).__name__} has no field {', '.join(changes)}")
    return type(obj)(*values)


class _Pickled:
    """Pickles as a call of the class with its fields, in order: dataclasses' own slots
    pickling looks the fields up for every object, which made unpickling a corpus from
    worker processes or the index several times slower."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        cls = type(self)
        fields = _FIELDS.get(cls)
        if fields is None:  # the fields, in order: got in one call (a record has dozens)
            fields = _FIELDS[cls] = attrgetter(*cls.__match_args__)  # type: ignore[attr-defined]
        return cls, fields(self)


_FIELDS: dict[type, attrgetter[Any]] = {}  # (every such class has two fields or more)


@dataclass(frozen=True, slots=True)
class Author(_Pickled):
    name: str
    affiliation: str | None = None


@dataclass(frozen=True, slots=True)
class Pages(_Pickled):
    first: str | None
    last: str | None
    count: int | None

    def text(self, dash: str = "-") -> str:
        """'134-179'; '134-?' when the end is not known."""
        return f"{self.first or '?'}{dash}{self.last or '?'}"


@dataclass(frozen=True, slots=True)
class Book(_Pickled):
    title: str | None = None
    subtitle: str | None = None
    publisher: str | None = None
    print_year: int | None = None
    title_raw: str | None = None  # the title as printed, before any split
    split_method: str | None = None  # lines | corpus | heuristic | unsplit
    split_source: str | None = None  # the record whose page printed the split, for "corpus"
    id: str | None = None  # the corpus book this page belongs to (set by precarious.books)
    joined_by: str | None = None  # book fields | book title | contents | chapter title
    joined_source: str | None = None  # the record whose contents list or entry matched


@dataclass(frozen=True, slots=True)
class Entry(_Pickled):
    number: int | None
    title: str


@dataclass(frozen=True, slots=True)
class Placement(_Pickled):
    """Where a page sits in its book's contents list, and why we think so."""

    entry: int | None  # 1-based position in the book's contents; None when unplaced
    by: str | None  # heading | number | pages | order; None when unplaced
    evidence: str
    inferred_title: str | None = None  # the entry's title, for a page that prints none
    candidates: tuple[tuple[int, Entry], ...] = ()  # the entries still possible when unplaced


@dataclass(frozen=True, slots=True)
class RecordWarning(_Pickled):
    code: str
    message: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Record(_Pickled):
    """One chapter page, normalized. `to_dict()` is the only JSON shape."""

    id: str
    source: str
    layout: str
    type: str | None = None
    number: int | None = None
    title: str | None = None
    part: str | None = None
    authors: tuple[Author, ...] = ()
    summary_heading: str | None = None
    summary: tuple[str, ...] = ()
    pages: Pages | None = None
    book: Book = field(default_factory=Book)
    published_online: str | None = None
    captured_at: str | None = None
    doi: str | None = None
    contents: tuple[Entry, ...] = ()
    placement: Placement | None = None  # set by precarious.books from the whole corpus
    warnings: tuple[RecordWarning, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The record contract: every key always present, null when absent."""
        book = self.book
        return {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "source": self.source,
            "layout": self.layout,
            "type": self.type,
            "number": self.number,
            "title": self.title,
            "part": self.part,
            "authors": [{"name": a.name, "affiliation": a.affiliation} for a in self.authors],
            "summary": {"heading": self.summary_heading, "paragraphs": list(self.summary)},
            "pages": None
            if self.pages is None
            else {"first": self.pages.first, "last": self.pages.last, "count": self.pages.count},
            "book": {
                "title": book.title,
                "subtitle": book.subtitle,
                "publisher": book.publisher,
                "print_year": book.print_year,
                "title_raw": book.title_raw,
                "title_split": None
                if book.split_method is None
                else {"method": book.split_method, "source": book.split_source},
                "id": book.id,
                "joined": None
                if book.joined_by is None
                else {"by": book.joined_by, "source": book.joined_source},
            },
            "published_online": self.published_online,
            "captured_at": self.captured_at,
            "doi": self.doi,
            "contents": [{"number": e.number, "title": e.title} for e in self.contents],
            "placement": None if self.placement is None else _placement_dict(self.placement),
            "warnings": [
                {"code": w.code, "message": w.message, "line": w.line} for w in self.warnings
            ],
        }


def _placement_dict(p: Placement) -> dict[str, Any]:
    return {
        "entry": p.entry,
        "by": p.by,
        "inferred_title": p.inferred_title,
        "candidates": [
            {"entry": at, "number": e.number, "title": e.title} for at, e in p.candidates
        ],
        "evidence": p.evidence,
    }


def schema_text() -> str:
    """The JSON Schema (draft 2020-12) of `Record.to_dict()`, as shipped in the package."""
    return (Path(__file__).parent / "record.schema.json").read_text(encoding="utf-8")


def pages_text(record: Record, dash: str = "-") -> str:
    """'134-179', '134-?' when the end is unknown, '' when there are no pages."""
    return "" if record.pages is None else record.pages.text(dash)


def extract(text: str, name: str = "page", path: str = "") -> Record:
    """The record of one page's text. Raises NotAChapter for any other kind of page."""
    return extract_page(page_from_text(text, name, path))


def extract_page(page: Page, blocks: list[Block] | None = None) -> Record:
    """The record of one Page (its blocks are detected unless given)."""
    return _Builder(page, detect(page) if blocks is None else blocks).record()


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Builder:
    """Reads the fields out of one page's blocks, collecting warnings on the way."""

    def __init__(self, page: Page, blocks: list[Block]) -> None:
        self.page = page
        self.blocks = blocks
        self.warnings: list[RecordWarning] = []
        self.cut_line = len(page.lines) if page.open_end else None

    def warn(self, code: str, message: str, line: int | None = None) -> None:
        self.warnings.append(RecordWarning(code, message, line))

    def lines(self, *kinds: str) -> list[tuple[int, str]]:
        """The non-blank lines of every block of these kinds, in page order, bullets removed."""
        found = [
            (n, strip_bullet(t)) for b in self.blocks if b.kind in kinds for n, t in b.text_lines()
        ]
        return [(n, t) for n, t in found if t]

    def is_cut(self, line: int) -> bool:
        return line == self.cut_line

    def cut(self, what: str, line: int, text: str) -> None:
        self.warn(
            f"truncated-{what}",
            f"line {line}: the page ends inside the {what.replace('-', ' ')} "
            f"({_short(text)!r}): left null",
            line,
        )

    # -- the fields -------------------------------------------------------------

    def record(self) -> Record:
        kinds = {b.kind for b in self.blocks}
        type_ = self.type_()
        self.check_chapter(kinds, type_)
        number, title, part = self.heading()
        heading_, paragraphs = self.summary()
        pages, book, doi = self.information()
        record = Record(
            id=self.page.name,
            source=self.page.path,
            layout=self.layout(),
            type=type_,
            number=number,
            title=title,
            part=part,
            authors=self.authors(),
            summary_heading=heading_,
            summary=paragraphs,
            pages=pages,
            book=book,
            published_online=self.online(),
            captured_at=self.captured_at(),
            doi=doi,
            contents=self.contents(),
        )
        self.unknown()
        self.truncation()
        return evolve(record, warnings=tuple(self.warnings))

    def layout(self) -> str:
        """'page' when blank lines separate the blocks, 'list' for the compact dash list."""
        lines = self.page.lines
        first = next(i for i, line in enumerate(lines) if line)
        last = max(i for i, line in enumerate(lines) if line)
        return "page" if "" in lines[first:last] else "list"

    def check_chapter(self, kinds: set[str], type_: str | None) -> None:
        """Refuse pages that are not book chapters rather than guess chapter fields."""
        if type_ is not None:
            if type_.casefold() not in CHAPTER_TYPES:
                raise NotAChapter(self.page.path, f"its Type is {type_!r}")
            return
        headings = [norm.heading(t)[0] for _, t in self.lines("heading")]
        numbered = any(n is not None for n in headings)
        has_pages = any(k == "pages" for _, segs in self.info_segments for k, _ in segs)
        support = kinds & {"online", "summary", "contents"}
        if has_pages or (numbered and support) or {"contents", "summary"} <= kinds:
            return
        found = sorted(kinds - {"unknown", "boilerplate"})
        raise NotAChapter(
            self.page.path,
            "no Type line, page range or numbered chapter heading"
            + (f" (found only: {', '.join(found)})" if found else ""),
        )

    def type_(self) -> str | None:
        values = [(n, t) for n, t in self.lines("type") if not is_label(t)]
        if not values:
            self.warn("missing-type", "the page states no Type: type is null")
            return None
        line, text = values[0]
        if self.is_cut(line):
            self.cut("type", line, text)
            return None
        return text

    def heading(self) -> tuple[int | None, str | None, str | None]:
        number = title = part = None
        seen = False
        for line, text in self.lines("heading"):
            if (value := norm.part(text)) is not None:
                if self.is_cut(line):
                    self.cut("part", line, text)
                else:
                    part = value
                continue
            if seen:
                self.warn(
                    "extra-heading",
                    f"line {line}: a second heading {_short(text)!r}: ignored",
                    line,
                )
                continue
            seen = True
            number, title = norm.heading(text)
            if self.is_cut(line) and title is not None:
                self.cut("title", line, text)
                title = None
        if not seen:
            self.warn(
                "missing-heading",
                "the page has no chapter heading: number and title are null",
            )
        return number, title, part

    def online(self) -> str | None:
        found = self.lines("online")
        if not found:
            self.warn(
                "missing-online-date",
                "the page has no 'Published online' line: published_online is null",
            )
            return None
        line, text = found[0]
        value = ONLINE.sub("", text, count=1)
        date = norm.iso_date(value)
        if date is None:
            if self.is_cut(line):
                self.cut("online-date", line, text)
            else:
                self.warn(
                    "bad-date", f"line {line}: cannot read the date {value!r}: left null", line
                )
        return date

    def captured_at(self) -> str | None:
        for _, text in self.lines("boilerplate"):
            if "Render date" in text:
                return norm.render_date(text)
        return None

    def authors(self) -> tuple[Author, ...]:
        authors: list[Author] = []
        awaiting = False  # a bare "Affiliation:" line: the next line is the affiliation
        for line, text in self.lines("authors"):
            if self.is_cut(line):
                self.cut("authors", line, text)
                break
            m = _AFFILIATION.match(text)
            name = (m[1] if m else text).rstrip(_NAME_MARKS).strip()  # "*" alone is no name
            if m and name:
                authors.append(Author(name, m[2] or None))
                awaiting = not m[2]
            elif m:
                awaiting = not m[2]
                if m[2]:
                    self._affiliate(authors, m[2], line)
            elif awaiting:
                self._affiliate(authors, text, line)
                awaiting = False
            elif name:
                authors.append(Author(name))
        return tuple(authors)

    def _affiliate(self, authors: list[Author], affiliation: str, line: int) -> None:
        if not authors:
            self.warn(
                "orphan-affiliation", f"line {line}: an affiliation with no author: ignored", line
            )
            return
        last = authors[-1]
        joined = affiliation if last.affiliation is None else f"{last.affiliation}; {affiliation}"
        authors[-1] = evolve(last, affiliation=joined)

    def summary(self) -> tuple[str | None, tuple[str, ...]]:
        found = self.lines("summary")
        texts = [(n, t) for n, t in found if not is_label(t)]
        if not found:
            self.warn("missing-summary", "the page has no summary")
            return None, ()
        # Nothing after the summary: the download may have stopped inside it, mid-line
        # (open_end) or at a line break, so a lone short line could be either part.
        ends_here = self.blocks[-1].kind == "summary"
        mid_line = ends_here and self.page.open_end  # the last summary line itself is cut
        heading = None
        cut_text = texts[-1][1].casefold() if texts and mid_line else ""
        if cut_text and any(label.startswith(cut_text) for label in _AFTER_SUMMARY):
            line, text = texts.pop()
            self.warn(
                "truncated-summary",
                f"line {line}: the page ends in {text!r}, which may be a paragraph or the label "
                "after the summary: left out",
                line,
            )
            mid_line = False  # what is left ends at a line break
        if len(texts) == 1 and ends_here and (mid_line or _heading_shaped(texts[0][1])):
            line, text = texts[0]
            self.warn(
                "truncated-summary",
                f"line {line}: the page ends after one summary line {_short(text)!r}: "
                "it may be a heading or the start of a paragraph, so it is left out",
                line,
            )
            return None, ()
        if len(texts) > 1 and _heading_shaped(texts[0][1]):
            heading, texts = texts[0][1], texts[1:]
        if texts and mid_line:
            line = texts[-1][0]
            self.warn(
                "truncated-summary",
                f"line {line}: the page ends inside this summary paragraph: it may be cut off",
                line,
            )
        if not texts:
            self.warn("missing-summary", "the summary has no paragraphs")
        return heading, tuple(t for _, t in texts)

    def information(self) -> tuple[Pages | None, Book, str | None]:
        values: dict[str, tuple[int, str, bool]] = {}  # kind → (line, value, cut)
        titles: list[tuple[int, str, bool]] = []  # book title lines: (line, text, cut)
        glued = False  # the title shares its line with the other fields (list layout)
        for line, segments in self.info_segments:
            glued = glued or (len(segments) > 1 and segments[0][0] == "book")
            for i, (kind, value) in enumerate(segments):
                cut = self.is_cut(line) and i == len(segments) - 1
                if kind == "book":
                    titles.append((line, value, cut))
                elif kind not in values:
                    values[kind] = (line, value, cut)
        pages = self.pages(values.get("pages"))
        book = self.book(titles, glued)
        publisher = self.text_field("publisher", values.get("publisher"))
        year_text = self.text_field("print-year", values.get("year"), whole=_YEAR)
        doi = self.text_field("doi", values.get("doi"), required=False)
        year = int(year_text) if year_text and _YEAR.fullmatch(year_text) else None
        if year_text is not None and year is None:
            line = values["year"][0]
            self.warn(
                "bad-year", f"line {line}: cannot read the year {year_text!r}: left null", line
            )
        return pages, evolve(book, publisher=publisher, print_year=year), doi

    @cached_property
    def info_segments(self) -> list[tuple[int, list[tuple[str, str]]]]:
        """Each Information line (labels left out) cut into its (field, value) segments.
        A field line without its marker is one cut off inside the marker ("Publishe")."""
        out = []
        for b in self.blocks:
            if b.kind not in INFO_KINDS:
                continue
            for n, raw in b.text_lines():
                text = strip_bullet(raw)
                if is_label(text):
                    continue
                segments = _segments(text)
                if b.kind not in ("book", "information") and segments[0][0] == "book":
                    segments = [(b.kind, text)]
                out.append((n, segments))
        return out

    def pages(self, found: tuple[int, str, bool] | None) -> Pages | None:
        if found is None:
            self.warn("missing-pages", "the page states no page range: pages is null")
            return None
        line, value, cut = found
        first, last = norm.page_range(value, cut)
        if first is None and last is None:
            if cut:
                self.cut("pages", line, value)
            else:
                self.warn("bad-pages", f"line {line}: cannot read the page range {value!r}", line)
            return None
        if last is None:
            if cut:
                self.cut("pages", line, value)
            else:
                self.warn("bad-pages", f"line {line}: the page range {value!r} has no end", line)
        count = norm.page_count(first, last)
        if first is not None and last is not None and count is None:
            a, b = norm.page_key(first), norm.page_key(last)
            if a and b and a[0] == b[0] and b < a:
                self.warn(
                    "impossible-pages",
                    f"line {line}: the page range {value!r} ends before it starts",
                    line,
                )
            else:
                self.warn("odd-pages", f"line {line}: cannot count the pages of {value!r}", line)
        return Pages(first, last, count)

    def text_field(
        self,
        what: str,
        found: tuple[int, str, bool] | None,
        whole: regex.Pattern[str] | None = None,
        required: bool = True,
    ) -> str | None:
        """A plain value; one that runs into the cut is dropped unless it matches `whole`."""
        if found is None:
            if required:
                self.warn(f"missing-{what}", f"the page states no {what.replace('-', ' ')}")
            return None
        line, value, cut = found
        value = value.strip()
        if cut and not (whole and whole.fullmatch(value)):
            self.cut(what, line, value)
            return None
        return value or None

    def book(self, titles: list[tuple[int, str, bool]], glued: bool) -> Book:
        if not titles:
            self.warn("missing-book-title", "the page states no book title")
            return Book()
        for line, text, cut in titles:
            if cut:
                self.cut("book-title", line, text)
                return Book()
        line = titles[0][0]
        if glued:
            return glued_book(titles[0][1], self.warn, line)
        # The title and its subtitle are printed on adjacent lines; a book line further
        # down is not part of them (it is kept in its block and named here).
        run = 1
        while run < len(titles) and titles[run][0] == titles[run - 1][0] + 1:
            run += 1
        texts = [t for _, t, _ in titles[:run]]
        apart = [n for n, _, _ in titles[run:]]
        problems = [f"the book title runs over {len(texts)} lines"] if len(texts) > 2 else []
        if apart:
            listed = ", ".join(map(str, apart))
            problems.append(f"book line {listed} is apart from the title: left out")
        if problems:
            self.warn("extra-book-lines", f"line {line}: {'; '.join(problems)}", line)
        return Book(
            title=texts[0],
            subtitle=" ".join(texts[1:]) or None,
            title_raw="\n".join(texts),
            split_method="lines",
        )

    def contents(self) -> tuple[Entry, ...]:
        entries: list[str] = []
        for line, text in self.lines("contents"):
            if is_label(text):
                continue
            if self.is_cut(line):
                self.cut("contents", line, text)
                break
            entries.append(text)
        return _entries(tuple(entries))

    def unknown(self) -> None:
        for b in self.blocks:
            if b.kind == "unknown":
                first = next(t for _, t in b.text_lines())
                where = f"line {b.start}" if b.start == b.end else f"lines {b.start}-{b.end}"
                self.warn("unknown-lines", f"{where} not recognised: {_short(first)!r}", b.start)

    def truncation(self) -> None:
        """Say so once when the download looks cut off: it ends mid-line, and a value was cut
        or the fields a whole page ends with (Type, Information) are missing."""
        if not self.page.open_end:
            return
        if any(w.code.startswith("truncated-") or w.code in _END_FIELDS for w in self.warnings):
            n = len(self.page.lines)
            self.warn(
                "truncated", f"the page ends mid-line at line {n}: the download looks cut off", n
            )


def glued_book(glued: str, warn: Any, line: int | None) -> Book:
    """A book title glued to its subtitle on one line, split by heuristic when it is safe."""
    split = norm.split_glued_title(glued)
    if split is None:
        return Book(title=glued, title_raw=glued, split_method="unsplit")
    if isinstance(split, list):
        options = " or ".join(repr(glued[:at]) for at in split)
        warn(
            "title-unsplit",
            f"line {line}: the book title {glued!r} looks glued to its subtitle, but it could end "
            f"at {options}: kept whole",
            line,
        )
        return Book(title=glued, title_raw=glued, split_method="unsplit")
    title, subtitle = split
    warn(
        "title-split-heuristic",
        f"line {line}: the book title and subtitle are glued together; split by heuristic "
        f"into {title!r} / {subtitle!r} (no page in the corpus prints them apart)",
        line,
    )
    return Book(title=title, subtitle=subtitle, title_raw=glued, split_method="heuristic")


def _segments(text: str) -> list[tuple[str, str]]:
    """Cut an Information line at its field markers: [(kind, value)], 'book' for the text
    before the first marker."""
    marks = sorted(
        (m.start(), m.end(), kind) for kind, rx in FIELD_MARKERS.items() for m in rx.finditer(text)
    )
    if not marks:
        return [("book", text)]
    out: list[tuple[str, str]] = []
    if marks[0][0] > 0:
        out.append(("book", text[: marks[0][0]].strip()))
    for (_, end, kind), nxt in zip(marks, [*marks[1:], (len(text), 0, "")], strict=True):
        out.append((kind, text[end : nxt[0]].strip()))
    return out


def _heading_shaped(text: str) -> bool:
    """A summary's own heading is short and does not end like a sentence."""
    return len(text) <= 120 and len(text.split()) <= 15 and not text.endswith(_SENTENCE_END)


@lru_cache(maxsize=64)
def _entries(texts: tuple[str, ...]) -> tuple[Entry, ...]:
    """The contents list these entry lines print. Memoized: the pages of a book print the
    same list, and they are mostly read one after another (a tenth of parsing a page)."""
    return tuple(_merge_printings([Entry(*norm.contents_entry(t)) for t in texts]))


def _merge_printings(entries: list[Entry]) -> list[Entry]:
    """The list layout prints the contents twice: keep one printing, add what others add."""
    if not entries:
        return []
    printings: list[list[Entry]] = []
    for entry in entries:
        if not printings or entry == entries[0]:
            printings.append([])
        printings[-1].append(entry)
    merged = printings[0]
    seen = set(merged)  # not `in merged`: a comparison with every entry, for every entry
    for printing in printings[1:]:
        for e in printing:
            if e not in seen:
                merged.append(e)
                seen.add(e)
    return merged
