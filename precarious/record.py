"""The record of one page and its parts, `to_dict()` (the JSON shape, which
schemas/record.schema.json describes) and `from_dict()` (its validating inverse).

Named tuples rather than dataclasses: immutable all the same, and defined in a fraction of
the time, which every run of the command line pays at start-up.
"""

import os
from typing import Any, NamedTuple

# The SchemaVer (MODEL-REVISION-ADDITION) of schemas/record.schema.json, which to_dict() follows.
SCHEMA_VERSION = "1-0-1"


class Author(NamedTuple):
    name: str
    affiliation: str | None = None


class Pages(NamedTuple):
    first: str | None
    last: str | None
    length: int | None  # "count" in JSON (a tuple's count() keeps the name here)

    def text(self, dash: str = "-") -> str:
        """'134-179'; '134-?' when the end is not known."""
        return f"{self.first or '?'}{dash}{self.last or '?'}"


class Book(NamedTuple):
    """The book fields as a page states them, and what the corpus adds (see corpus.books)."""

    title: str | None = None
    subtitle: str | None = None
    publisher: str | None = None
    print_year: int | None = None
    title_raw: str | None = None  # the title as printed, before any split
    split_method: str | None = None  # lines | corpus | heuristic | unsplit
    split_source: str | None = None  # the record whose page printed the split, for "corpus"
    id: str | None = None  # the corpus book this page belongs to
    joined_by: str | None = None  # book fields | book title | contents | chapter title
    joined_source: str | None = None  # the record whose contents list or entry matched


class Entry(NamedTuple):
    number: int | None
    title: str


class Placement(NamedTuple):
    """Where a page sits in its book's contents list, and why we think so."""

    entry: int | None  # 1-based position in the book's contents; None when unplaced
    by: str | None  # heading | number | pages | order; None when unplaced
    evidence: str
    inferred_title: str | None = None  # the entry's title, for a page that prints none
    candidates: tuple[tuple[int, Entry], ...] = ()  # the entries still possible when unplaced


class RecordWarning(NamedTuple):
    code: str
    message: str
    line: int | None = None


# Warnings that only say the book title was split by guess: a page of the corpus that
# prints the title and subtitle apart settles the split, and these are dropped.
SPLIT_GUESSES = frozenset({"title-split-heuristic", "title-unsplit"})


class Record(NamedTuple):
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
    book: Book = Book()
    published_online: str | None = None
    captured_at: str | None = None
    doi: str | None = None
    contents: tuple[Entry, ...] = ()
    placement: Placement | None = None  # set from the whole corpus (corpus.books)
    warnings: tuple[RecordWarning, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The record contract: every key always present, null when absent."""
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
            "pages": None if self.pages is None else pages_dict(self.pages),
            "book": book_dict(self.book),
            "published_online": self.published_online,
            "captured_at": self.captured_at,
            "doi": self.doi,
            "contents": [{"number": e.number, "title": e.title} for e in self.contents],
            "placement": placement_dict(self.placement),
            "warnings": [warning_dict(w) for w in self.warnings],
        }

    @classmethod
    def from_dict(cls, data: Any) -> "Record":
        """The record a `to_dict()` gave, checked field by field: ValueError for anything
        else (a damaged cache row, say)."""
        try:
            return cls._from_dict(data)
        except (KeyError, TypeError, AttributeError) as err:
            raise ValueError(f"not a record: {err}") from None

    @classmethod
    def _from_dict(cls, data: Any) -> "Record":
        _check(isinstance(data, dict) and data.get("schema_version") == SCHEMA_VERSION)
        book, summary = data["book"], data["summary"]
        pages = data["pages"]
        return cls(
            id=_str(data["id"]),
            source=_str(data["source"]),
            layout=_str(data["layout"]),
            type=_opt_str(data["type"]),
            number=_opt_int(data["number"]),
            title=_opt_str(data["title"]),
            part=_opt_str(data["part"]),
            authors=tuple(
                Author(_str(a["name"]), _opt_str(a["affiliation"])) for a in _list(data["authors"])
            ),
            summary_heading=_opt_str(summary["heading"]),
            summary=tuple(_str(p) for p in _list(summary["paragraphs"])),
            pages=None
            if pages is None
            else Pages(_opt_str(pages["first"]), _opt_str(pages["last"]), _opt_int(pages["count"])),
            book=_book(book),
            published_online=_opt_str(data["published_online"]),
            captured_at=_opt_str(data["captured_at"]),
            doi=_opt_str(data["doi"]),
            contents=tuple(
                Entry(_opt_int(e["number"]), _str(e["title"])) for e in _list(data["contents"])
            ),
            placement=None if data["placement"] is None else _placement(data["placement"]),
            warnings=tuple(
                RecordWarning(_str(w["code"]), _str(w["message"]), _opt_int(w["line"]))
                for w in _list(data["warnings"])
            ),
        )


def pages_dict(p: Pages) -> dict[str, Any]:
    return {"first": p.first, "last": p.last, "count": p.length}


def book_dict(b: Book) -> dict[str, Any]:
    return {
        "title": b.title,
        "subtitle": b.subtitle,
        "publisher": b.publisher,
        "print_year": b.print_year,
        "title_raw": b.title_raw,
        "title_split": None
        if b.split_method is None
        else {"method": b.split_method, "source": b.split_source},
        "id": b.id,
        "joined": None if b.joined_by is None else {"by": b.joined_by, "source": b.joined_source},
    }


def placement_dict(p: Placement | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "entry": p.entry,
        "by": p.by,
        "inferred_title": p.inferred_title,
        "candidates": [
            {"entry": at, "number": e.number, "title": e.title} for at, e in p.candidates
        ],
        "evidence": p.evidence,
    }


def warning_dict(w: RecordWarning) -> dict[str, Any]:
    return {"code": w.code, "message": w.message, "line": w.line}


def pages_text(record: Record, dash: str = "-") -> str:
    """'134-179', '134-?' when the end is unknown, '' when there are no pages."""
    return "" if record.pages is None else record.pages.text(dash)


SCHEMAS = ("record", "books", "toc", "check", "blocks")


def schema_text(name: str = "record") -> str:
    """The JSON Schema (draft 2020-12) of a record (`Record.to_dict()`), or of the JSON of
    `books`, `toc`, `check` or `blocks`, as shipped in the package."""
    path = os.path.join(os.path.dirname(__file__), "schemas", f"{name}.schema.json")
    with open(path, encoding="utf-8") as f:
        return f.read()


# -- from_dict's checks ---------------------------------------------------------------


def _check(ok: bool) -> None:
    if not ok:
        raise ValueError("not a record")


def _str(value: Any) -> str:
    _check(isinstance(value, str))
    return str(value)


def _opt_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _opt_int(value: Any) -> int | None:
    _check(value is None or (isinstance(value, int) and not isinstance(value, bool)))
    return None if value is None else int(value)


def _list(value: Any) -> list[Any]:
    _check(isinstance(value, list))
    return list(value)


def _book(b: Any) -> Book:
    split, joined = b["title_split"], b["joined"]
    return Book(
        title=_opt_str(b["title"]),
        subtitle=_opt_str(b["subtitle"]),
        publisher=_opt_str(b["publisher"]),
        print_year=_opt_int(b["print_year"]),
        title_raw=_opt_str(b["title_raw"]),
        split_method=None if split is None else _str(split["method"]),
        split_source=None if split is None else _opt_str(split["source"]),
        id=_opt_str(b["id"]),
        joined_by=None if joined is None else _str(joined["by"]),
        joined_source=None if joined is None else _opt_str(joined["source"]),
    )


def _placement(p: Any) -> Placement:
    return Placement(
        entry=_opt_int(p["entry"]),
        by=_opt_str(p["by"]),
        evidence=_str(p["evidence"]),
        inferred_title=_opt_str(p["inferred_title"]),
        candidates=tuple(
            (int(_opt_int(c["entry"]) or 0), Entry(_opt_int(c["number"]), _str(c["title"])))
            for c in _list(p["candidates"])
        ),
    )
