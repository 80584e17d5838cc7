"""Records, books and findings → text: JSON, JSON Lines, TSV, CSV, and tables and detail
views for terminals. Returns strings; only the CLI prints.

A page's output is made in two steps, so that the part of it only the page decides can be
made in the worker process that read it: `page_parts` (what the page states, with its book
and placement left open) and `page_item` (the parts with what the corpus found: the
page's `Splice`). Machine formats go through json/orjson and csv only; rich is imported on
the terminal path alone, and scraped text reaches it as Text, never as markup.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

from precarious.corpus.books import CorpusBook, book_dict, entry_text, splice_text, toc
from precarious.corpus.books import pages_text as key_pages_text
from precarious.record import (
    SPLIT_GUESSES,
    Book,
    Record,
    pages_text,
    placement_dict,
    warning_dict,
)
from precarious.record import (
    book_dict as record_book_dict,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

    from precarious.blocks import Block
    from precarious.corpus.books import Splice
    from precarious.corpus.keys import Key
    from precarious.views.check import Finding

# The record flattened for --tsv and --csv: nested keys as dotted paths of the JSON
# (`pages.first`), lists joined into one cell. --json carries the full structure.
FLAT_COLUMNS = (
    "id",
    "number",
    "title",
    "pages.first",
    "pages.last",
    "pages.count",
    "book.title",
    "book.subtitle",
    "book.publisher",
    "book.print_year",
    "published_online",
    "authors",
    "part",
    "type",
    "summary.heading",
    "summary.paragraphs",
    "doi",
    "captured_at",
    "book.id",
    "placement.entry",
    "placement.inferred_title",
    "warnings",
    "layout",
    "source",
    "schema_version",
)
LIST_SEPARATOR = "; "  # between the items of a list in one cell
PARAGRAPH_SEPARATOR = "\n\n"  # between summary paragraphs in one cell
_AT = {name: i for i, name in enumerate(FLAT_COLUMNS)}

Grid = tuple[Sequence[str], Iterable[Sequence[str]]]  # a header and its rows, for TSV/CSV


# -- JSON --------------------------------------------------------------------------------


def to_json(data: dict[str, Any] | Iterable[Any]) -> str:
    """One JSON document (an object, or an array of the items), indented, UTF-8 as is: the
    bytes json.dumps(indent=2, ensure_ascii=False) gives."""
    if isinstance(data, dict):
        return indented(data) + "\n"
    return b"".join(json_chunks(data)).decode()


def indented(data: Any, depth: int = 0) -> str:
    """json.dumps(data, ensure_ascii=False, indent=2) as an element at this depth."""
    import orjson  # the json module indents in pure Python, many times slower

    try:
        text: str = orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()
    except TypeError:  # what orjson does not write (an integer beyond 64 bits): json does
        import json

        text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + "  " * depth) if depth else text


def _compact(data: Any) -> str:
    """JSON as json.dumps writes it, for JSON Lines."""
    import json  # (imported by the formats that need its spacing: orjson has none)

    return json.dumps(data, ensure_ascii=False)


def _internal(data: Any) -> str:
    """JSON that is passed on, never shown."""
    import orjson

    return orjson.dumps(data).decode()


def _loads(data: bytes | str) -> Any:
    import orjson

    return orjson.loads(data)


def json_chunks(items: Iterable[Any]) -> Iterator[bytes]:
    """A JSON array written an item at a time (the bytes to_json gives for the list)."""
    return json_array(indented(item, 1).encode() for item in items)


def json_array(items: Iterable[bytes]) -> Iterator[bytes]:
    """Items of a JSON array (each indented as an element) as the array, UTF-8."""
    opening = b"[\n  "
    for item in items:
        yield opening + item
        opening = b",\n  "
    yield b"[]\n" if opening == b"[\n  " else b"\n]\n"


def jsonl_chunks(items: Iterable[Any]) -> Iterator[str]:
    """One compact JSON object per line."""
    return (_compact(item) + "\n" for item in items)


# -- a page's output, in two steps -------------------------------------------------------

# What the corpus fills into a record's JSON: these members' values.
_OPEN = ("book", "placement", "warnings")


def page_parts(fmt: str, record: Record) -> list[str]:
    """What a page's output in `fmt` is made of, before its book is known. Besides the
    output formats: "record" (the whole record, as JSON), "warnings" (its warnings, as
    JSON), "none" (nothing: a lookup reads only the page it finds again)."""
    if fmt == "record":
        return [compact_record(record.to_dict())]
    if fmt == "warnings":
        return [_internal([warning_dict(w) for w in record.warnings])]
    if fmt == "none":
        return []
    if fmt in ("json", "jsonl"):
        return _json_parts(record, fmt)
    if fmt in ("tsv", "csv"):
        return [_internal(flat_row(record))]
    if fmt == "table":
        return [_internal([list_row(record)[c] for c in _TABLE_CELLS])]
    raise ValueError(fmt)


def splice_parts(fmt: str, key: Key, splice: Splice) -> list[str]:
    """What the corpus adds to a page's output in `fmt` (worked out a book at a time, in
    the process that groups the pages), then the page's id and its warnings' codes."""
    codes = key.codes(splice.settled)
    placement = splice.placement
    inferred = placement.inferred_title if placement else None
    if fmt in ("json", "jsonl"):
        value = partial(indented, depth=2) if fmt == "json" else _compact
        book = _book_json(splice.book, fmt)
        found = [book, value(placement_dict(placement)), "settled" if splice.settled else ""]
    elif fmt in ("tsv", "csv"):
        b = splice.book
        entry = None if placement is None else placement.entry
        cells = [b.title, b.subtitle, b.id, entry, inferred, LIST_SEPARATOR.join(codes)]
        found = [_internal([_cell(c) for c in cells])]
    elif fmt == "table":
        found = [_internal([inferred, len(codes)])]
    else:
        found = [splice_text(splice)]
    return [*found, key.id, "\x1f".join(codes)]


def page_item(fmt: str, parts: Sequence[bytes], found: Sequence[str]) -> bytes:
    """A page's output in `fmt` (page_parts, UTF-8) with what the corpus adds (splice_parts):
    a line of JSON Lines, TSV or CSV, an element of the JSON array, or a table row as
    JSON."""
    if fmt in ("json", "jsonl"):
        head, middle, before, tail, warnings, settled = parts
        book, placement, is_settled = found[:3]
        end = b"" if fmt == "json" else b"\n"
        warned = settled if is_settled else warnings
        return b"".join(
            (head, book.encode(), middle, placement.encode(), before, warned, tail, end)
        )
    if fmt in ("tsv", "csv"):
        cells = _loads(parts[0])
        for name, value in zip(_SPLICED_CELLS, _loads(found[0]), strict=True):
            cells[_AT[name]] = value
        return _delimited_line(fmt, cells).encode()
    if fmt == "table":
        return _internal([*_loads(parts[0]), *_loads(found[0])]).encode()
    raise ValueError(fmt)


_SPLICED_CELLS = (
    "book.title",
    "book.subtitle",
    "book.id",
    "placement.entry",
    "placement.inferred_title",
    "warnings",
)


def compact_record(data: dict[str, Any]) -> str:
    """json.dumps(data, ensure_ascii=False) of a record's dict, the same text made faster:
    the summary's paragraphs (most of a record) are written by orjson, which differs from
    json for a list of strings only in the separator (no quote is unescaped in a string)."""
    summary = data["summary"]
    paragraphs = summary["paragraphs"]
    if not paragraphs:
        return _compact(data)
    import orjson

    summary["paragraphs"] = None
    text = _compact(data)
    summary["paragraphs"] = paragraphs
    at = text.index('"paragraphs": null') + len('"paragraphs": ')
    listed = orjson.dumps(paragraphs).decode().replace('","', '", "')
    return text[:at] + listed + text[at + len("null") :]


@lru_cache(maxsize=64)  # the pages of a book mostly share one
def _book_json(book: Book, fmt: str) -> str:
    data = record_book_dict(book)
    return indented(data, 2) if fmt == "json" else _compact(data)


def _json_parts(record: Record, fmt: str) -> list[str]:
    """The record's JSON cut where the corpus fills in its book, placement and warnings:
    [head, middle, before the warnings, tail, the warnings, the warnings once the title
    split is settled]."""
    data = record.to_dict()
    warnings = data["warnings"]
    settled = [w for w in warnings if w["code"] not in SPLIT_GUESSES]
    data.update(dict.fromkeys(_OPEN))
    if fmt == "json":
        text = indented(data, 1)
        values = [indented(warnings, 2), indented(settled, 2)]
    else:
        text = compact_record(data)
        values = [_compact(warnings), _compact(settled)]
    # A member's name in quotes then a colon occurs nowhere else (inside a JSON string every
    # quote is escaped); these three are the last members, after the long summary.
    cuts: list[str] = []
    end = len(text)
    for name in reversed(_OPEN):
        start = text.rindex(f'"{name}": null', 0, end) + len(name) + 4
        cuts.append(text[start + 4 : end])
        end = start
    cuts.append(text[:end])
    cuts.reverse()
    return [*cuts, *values]


def records_chunks(fmt: str, items: Iterable[bytes]) -> Iterator[bytes]:
    """Pages' items (page_item) as one document: a JSON array, JSON Lines, or TSV/CSV
    lines after a header of FLAT_COLUMNS."""
    if fmt == "json":
        return json_array(items)
    if fmt == "jsonl":
        return iter(items)
    return itertools.chain([_delimited_line(fmt, FLAT_COLUMNS).encode()], items)


# -- TSV and CSV -------------------------------------------------------------------------


def flat_row(record: Record) -> list[str]:
    """One record as the cells of FLAT_COLUMNS ('' for null)."""
    cells = _leaves(record.to_dict())
    cells["authors"] = LIST_SEPARATOR.join(
        a.name + (f" ({a.affiliation})" if a.affiliation else "") for a in record.authors
    )
    cells["summary.paragraphs"] = PARAGRAPH_SEPARATOR.join(record.summary)
    cells["warnings"] = LIST_SEPARATOR.join(w.code for w in record.warnings)
    return [_cell(cells.get(c)) for c in FLAT_COLUMNS]


def _leaves(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The scalar values of nested objects under dotted names: {"pages.first": "134", …}."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_leaves(value, f"{prefix}{key}."))
        elif not isinstance(value, list):
            out[prefix + key] = value
    return out


def _cell(value: object) -> str:
    return "" if value is None else str(value)


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def delimited(fmt: str, grid: Grid) -> str:
    """A grid as 'tsv' or 'csv'."""
    return "".join(delimited_chunks(fmt, grid))


def delimited_chunks(fmt: str, grid: Grid) -> Iterator[str]:
    """A grid as TSV or CSV, a row at a time. TSV: tab-separated lines with a header, a tab,
    newline or backslash inside a value written \\t, \\n or \\\\ (the linear TSV
    convention). CSV: RFC 4180, CRLF line ends, quoted where needed, UTF-8 as is."""
    header, rows = grid
    return (_delimited_line(fmt, row) for row in itertools.chain([header], rows))


def _delimited_line(fmt: str, row: Sequence[str]) -> str:
    import csv  # (imported by the formats that need it)

    out = io.StringIO()
    if fmt == "csv":
        csv.writer(out, lineterminator="\r\n").writerow(row)
    else:
        csv.writer(
            out, delimiter="\t", quoting=csv.QUOTE_NONE, quotechar=None, lineterminator="\n"
        ).writerow([cell.translate(_TSV_ESCAPES) for cell in row])
    return out.getvalue()


# -- one page, in full -------------------------------------------------------------------


def book_text(record: Record) -> str:
    b = record.book
    return ": ".join(x for x in (b.title, b.subtitle) if x)


_TABLE_CELLS = ("number", "title", "pages", "summary_heading", "id")


def list_row(record: Record) -> dict[str, str]:
    """The values of one `list` table row, as text ('' for null)."""
    return {
        "number": "" if record.number is None else str(record.number),
        "title": record.title or "",
        "pages": pages_text(record),
        "summary_heading": record.summary_heading or "",
        "warnings": str(len(record.warnings)),
        "id": record.id,
    }


def detail_fields(record: Record) -> list[tuple[str, str]]:
    """The labelled facts of one record, for the `show` views ('—' for null)."""
    b = record.book
    authors = "; ".join(
        a.name + (f" ({a.affiliation})" if a.affiliation else "") for a in record.authors
    )
    count = f" ({record.pages.length} pages)" if record.pages and record.pages.length else ""
    fields = [
        ("Book", book_text(record)),
        ("Chapter", "" if record.number is None else str(record.number)),
        ("Title", record.title or ""),
        ("Part", record.part or ""),
        ("Type", record.type or ""),
        ("Authors", authors),
        ("Pages", pages_text(record, "–") + count),
        ("Publisher", b.publisher or ""),
        ("Print year", "" if b.print_year is None else str(b.print_year)),
        ("Published online", record.published_online or ""),
        ("Captured", record.captured_at or ""),
        ("DOI", record.doi or ""),
        ("Book id", b.id or ""),
        ("Contents entry", placement_text(record)),
        ("Id", record.id),
        ("Source", record.source),
    ]
    return [(label, value or "—") for label, value in fields]


def placement_text(record: Record) -> str:
    """Where the page sits in its book's contents, and on what evidence when inferred."""
    p = record.placement
    if p is None:
        return ""
    if p.entry is None:
        could = ", ".join(entry_text(e) for _, e in p.candidates)
        return f"unplaced; could be: {could}" if could else f"unplaced: {p.evidence}"
    if p.inferred_title is not None:
        return f"{p.entry}: {p.inferred_title} (inferred: {p.evidence})"
    return str(p.entry)


def record_text(record: Record) -> str:
    """`show` for pipes: 'Label: value' lines, then the summary, then the warnings."""
    lines = [f"{label}: {value}" for label, value in detail_fields(record)]
    lines.append("")
    if record.summary_heading:
        lines += [record.summary_heading, ""]
    for paragraph in record.summary:
        lines += [paragraph, ""]
    lines += [f"warning: {w.message}" for w in record.warnings]
    return "\n".join(lines).rstrip("\n") + "\n"


def blocks_rows(blocks: Sequence[Block]) -> list[tuple[str, str, str, str]]:
    """A row per block (start, end, kind, first line); unknown blocks get a row per line."""
    rows = []
    for b in blocks:
        lines = b.text_lines() or [(b.start, "")]
        if b.kind == "unknown":
            rows += [(str(n), str(n), b.kind, text) for n, text in lines]
        else:
            rows.append((str(b.start), str(b.end), b.kind, lines[0][1]))
    return rows


def blocks_grid(blocks: Sequence[Block]) -> Grid:
    return ("start", "end", "kind", "text"), blocks_rows(blocks)


# -- terminal views (rich) ------------------------------------------------------------


def _rich(renderables: Sequence[RenderableType], width: int) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=True, highlight=False)
    for r in renderables:
        console.print(r)
    return buffer.getvalue()


def records_table(rows: Iterable[bytes], width: int) -> str:
    """The `list` table of pages' rows (page_item's table rows)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("Title", ratio=3)
    table.add_column("Pages", no_wrap=True)
    table.add_column("Summary heading", ratio=2)
    table.add_column("Warn", justify="right")
    table.add_column("Id", no_wrap=True, style="dim")
    for row in rows:
        number, title, pages, heading, rid, inferred, warnings = _loads(row)
        untitled = f"({inferred}, inferred)" if inferred else "(untitled)"
        table.add_row(
            Text(number),
            Text(title) if title else Text(untitled, style="dim italic"),
            Text(pages),
            Text(heading),
            Text(str(warnings), style="yellow") if warnings else Text(""),
            Text(rid),
        )
    return _rich([table], width)


def record_panel(record: Record, width: int) -> str:
    from rich.table import Table
    from rich.text import Text

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    for label, value in detail_fields(record):
        facts.add_row(Text(label), Text(value, style="dim" if value == "—" else ""))
    parts: list[RenderableType] = [facts, Text("")]
    if record.summary_heading:
        parts += [Text(record.summary_heading, style="bold"), Text("")]
    for paragraph in record.summary:
        parts += [Text(paragraph), Text("")]
    for w in record.warnings:
        parts.append(Text(f"warning: {w.message}", style="yellow"))
    return _rich(parts, width)


def blocks_table(blocks: Sequence[Block], width: int) -> str:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Lines", justify="right", no_wrap=True)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Text", overflow="ellipsis", no_wrap=True)
    for start, end, kind, text in blocks_rows(blocks):
        span = start if start == end else f"{start}-{end}"
        style = "red" if kind == "unknown" else ("dim" if kind == "boilerplate" else "")
        table.add_row(Text(span), Text(kind, style=style), Text(text))
    return _rich([table], width)


# -- books, contents and checks -----------------------------------------------------------

BOOK_COLUMNS = ("id", "title", "subtitle", "publisher", "year", "pages", "entries", "covered")


def book_row(book: CorpusBook) -> list[str]:
    d = book_dict(book)
    d["year"] = d.pop("print_year")
    return ["" if d[c] is None else str(d[c]) for c in BOOK_COLUMNS]


def books_grid(books: Sequence[CorpusBook]) -> Grid:
    return BOOK_COLUMNS, (book_row(b) for b in books)


def books_table(books: Sequence[CorpusBook], width: int) -> str:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Title", ratio=2)
    table.add_column("Subtitle", ratio=2)
    table.add_column("Publisher", ratio=1)
    table.add_column("Year", no_wrap=True)
    table.add_column("Pages", justify="right", no_wrap=True)
    table.add_column("Covered", justify="right", no_wrap=True)
    table.add_column("Id", no_wrap=True, style="dim")
    for b in books:
        d = book_dict(b)
        table.add_row(
            Text(b.title or ""),
            Text(b.subtitle or ""),
            Text(b.publisher or ""),
            Text("" if b.print_year is None else str(b.print_year)),
            Text(f"{d['pages']} of {d['entries']}" if d["entries"] else str(d["pages"])),
            Text(f"{d['covered']} of {d['entries']}" if d["entries"] else "—"),
            Text(b.id),
        )
    return _rich([table], width)


TOC_COLUMNS = ("entry", "number", "title", "status", "pages", "ids", "note")


def toc_rows(book: CorpusBook, dash: str = "-") -> list[list[str]]:
    """A row per contents entry, then a row per page that could not be placed."""
    entries, unplaced = toc(book)
    rows = []
    for t in entries:
        first = t.pages[0].key if t.pages else None
        rows.append(
            [
                str(t.position),
                "" if t.entry.number is None else str(t.entry.number),
                t.entry.title,
                t.status,
                "" if first is None else key_pages_text(first, dash),
                " ".join(p.key.id for p in t.pages),
                "; ".join(
                    p.splice.placement.evidence
                    for p in t.pages
                    if p.splice.placement and p.splice.placement.by in ("pages", "order")
                ),
            ]
        )
    for page in unplaced:
        p = page.splice.placement
        k = page.key
        could = "; ".join(entry_text(e) for _, e in p.candidates) if p else ""
        rows.append(
            [
                "",
                "" if k.number is None else str(k.number),
                k.title or "",
                "unplaced",
                key_pages_text(k, dash),
                k.id,
                f"could be: {could}" if could else (p.evidence if p else "no contents list"),
            ]
        )
    return rows


def toc_grid(book: CorpusBook) -> Grid:
    return TOC_COLUMNS, toc_rows(book)


def toc_table(book: CorpusBook, width: int) -> str:
    from rich.table import Table
    from rich.text import Text

    year = f", {book.print_year}" if book.print_year is not None else ""
    heading = Text(": ".join(x for x in (book.title, book.subtitle) if x), style="bold")
    heading.append(f" ({book.publisher or 'publisher unknown'}{year})", style="")
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Entry", ratio=3)
    table.add_column("Pages", no_wrap=True)
    table.add_column("Page in the corpus", ratio=2)
    styles = {"missing": "dim", "inferred": "", "unplaced": "yellow", "present": ""}
    for position, number, title, status, pages, ids, note in toc_rows(book, "–"):
        entry = " ".join(x for x in (number, title) if x)
        if status == "missing":
            found = Text("missing", style="red")
        elif status == "unplaced":
            found = Text(f"{ids} (unplaced; {note})", style="yellow")
        else:
            found = Text(ids + (" (inferred)" if status == "inferred" else ""))
        table.add_row(
            Text(position),
            Text(entry or "(untitled page)", style=styles[status]),
            Text(pages or "—", style="dim" if not pages else ""),
            found,
        )
    parts: list[RenderableType] = [heading, table]
    if not book.contents:
        parts.append(Text("No page of this book prints its contents list.", style="yellow"))
    return _rich(parts, width)


CHECK_COLUMNS = ("id", "path", "code", "line", "message")


def check_grid(findings: Sequence[Finding]) -> Grid:
    return CHECK_COLUMNS, ([_cell(v) for v in f.to_dict().values()] for f in findings)


def check_table(findings: Sequence[Finding], summary: str, width: int) -> str:
    from rich.table import Table
    from rich.text import Text

    parts: list[RenderableType] = []
    if findings:
        table = Table(box=None, header_style="bold", pad_edge=False)
        table.add_column("Page", no_wrap=True, style="dim")
        table.add_column("Finding", no_wrap=True)
        table.add_column("Message", ratio=1)
        for f in findings:
            where = f.id or f.path
            table.add_row(Text(where), Text(f.code, style="yellow"), Text(f.message))
        parts.append(table)
    parts.append(Text(summary, style="yellow" if findings else "green"))
    return _rich(parts, width)
