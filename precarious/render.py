"""Record(s) → text: tables and detail views for terminals, TSV, JSON. Returns strings.

Machine formats go through the json and csv modules only. rich is imported
lazily, on the terminal path alone, and scraped text reaches it as Text, never
as markup (titles may contain [brackets]).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from precarious.books import CorpusBook, book_dict, entry_text, toc
from precarious.records import Record, pages_text

if TYPE_CHECKING:
    from rich.console import RenderableType

    from precarious.blocks import Block
    from precarious.check import Finding

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

Grid = tuple[Sequence[str], Iterable[Sequence[str]]]  # a header and its rows, for TSV/CSV


def book_text(record: Record) -> str:
    b = record.book
    return ": ".join(x for x in (b.title, b.subtitle) if x)


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


def flat_row(record: Record) -> list[str]:
    """One record as the cells of FLAT_COLUMNS ('' for null)."""
    data = record.to_dict()
    cells = _leaves(data)
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


def to_json(items: Iterable[dict[str, Any]] | dict[str, Any]) -> str:
    """One JSON document (an array, or one object), indented, UTF-8 as is."""
    if isinstance(items, dict):
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    return "".join(json_chunks(items))


def json_chunks(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON array written an item at a time (the same bytes as json.dumps(list, indent=2)),
    so that a large output is never held whole."""
    return _json_array(map(_json_item, items))


def _json_item(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")


def _json_array(texts: Iterable[str]) -> Iterator[str]:
    opening = "[\n  "
    for text in texts:
        yield opening + text
        opening = ",\n  "
    yield "[]\n" if opening == "[\n  " else "\n]\n"


def to_jsonl(items: Iterable[dict[str, Any]]) -> str:
    """One compact JSON object per line."""
    return "".join(jsonl_chunks(items))


def jsonl_chunks(items: Iterable[dict[str, Any]]) -> Iterator[str]:
    return map(_jsonl_line, items)


def _jsonl_line(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False) + "\n"


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def to_tsv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Tab-separated lines with a header, one line per row: no quoting, no box drawing,
    no wrapping. A tab, newline or backslash inside a value is written \\t, \\n or \\\\
    (the linear TSV convention), so `cut` and `awk` see one row per line."""
    return "".join(delimited_chunks("tsv", (header, rows)))


def to_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Comma-separated values with a header, RFC 4180: CRLF line ends, a value with a
    comma, quote or line break in double quotes (quotes doubled), UTF-8 as is."""
    return "".join(delimited_chunks("csv", (header, rows)))


def delimited(fmt: str, grid: Grid) -> str:
    """A grid as 'tsv' or 'csv'."""
    return "".join(delimited_chunks(fmt, grid))


def delimited_chunks(fmt: str, grid: Grid) -> Iterator[str]:
    """A grid as TSV or CSV, a row at a time, written by the csv module."""
    header, rows = grid
    return (_delimited_line(fmt, row) for row in itertools.chain([header], rows))


def _delimited_line(fmt: str, row: Sequence[str]) -> str:
    out = io.StringIO()
    if fmt == "csv":
        csv.writer(out, lineterminator="\r\n").writerow(row)
    else:
        csv.writer(
            out, delimiter="\t", quoting=csv.QUOTE_NONE, quotechar=None, lineterminator="\n"
        ).writerow([cell.translate(_TSV_ESCAPES) for cell in row])
    return out.getvalue()


def record_item(fmt: str, record: Record) -> str:
    """A record as one item of a machine format, as `records_chunks` puts them together: a
    line of JSON Lines, TSV or CSV (FLAT_COLUMNS), or an element of a JSON array. Items can
    be made apart (in worker processes) and written in order."""
    if fmt == "json":
        return _json_item(record.to_dict())
    if fmt == "jsonl":
        return _jsonl_line(record.to_dict())
    return _delimited_line(fmt, flat_row(record))


def records_chunks(fmt: str, items: Iterable[str]) -> Iterator[str]:
    """Records' items (record_item) as one document: the text json_chunks or jsonl_chunks
    give for their to_dict(), or delimited_chunks for FLAT_COLUMNS and their flat_row."""
    if fmt == "json":
        return _json_array(items)
    if fmt == "jsonl":
        return iter(items)
    return itertools.chain([_delimited_line(fmt, FLAT_COLUMNS)], items)


def citation_item(fmt: str, item: dict[str, Any]) -> str:
    """A CSL item as one entry of an export format (csl-json, bibtex, ris), as
    `citations_chunks` puts them together: entries can be made apart (in worker processes)."""
    if fmt == "csl-json":
        return _json_item(item)
    from precarious.export import to_bibtex, to_ris

    return to_bibtex([item]) if fmt == "bibtex" else to_ris([item])


def citations_chunks(fmt: str, entries: Iterable[str]) -> Iterator[str]:
    """Entries (citation_item) in order as one document: the text json_chunks, to_bibtex or
    to_ris gives for all their items at once, never held whole."""
    if fmt == "csl-json":
        yield from _json_array(entries)
        return
    from precarious.export import SEPARATORS

    between = ""
    for entry in entries:
        yield between + entry
        between = SEPARATORS[fmt]


def detail_fields(record: Record) -> list[tuple[str, str]]:
    """The labelled facts of one record, for the `show` views ('—' for null)."""
    b = record.book
    authors = "; ".join(
        a.name + (f" ({a.affiliation})" if a.affiliation else "") for a in record.authors
    )
    count = f" ({record.pages.count} pages)" if record.pages and record.pages.count else ""
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


def records_table(records: Sequence[Record], width: int) -> str:
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("Title", ratio=3)
    table.add_column("Pages", no_wrap=True)
    table.add_column("Summary heading", ratio=2)
    table.add_column("Warn", justify="right")
    table.add_column("Id", no_wrap=True, style="dim")
    for r in records:
        row = list_row(r)
        inferred = r.placement.inferred_title if r.placement else None
        untitled = f"({inferred}, inferred)" if inferred else "(untitled)"
        title = Text(r.title) if r.title else Text(untitled, style="dim italic")
        warnings = Text(row["warnings"], style="yellow") if r.warnings else Text("")
        table.add_row(
            Text(row["number"]),
            title,
            Text(row["pages"]),
            Text(row["summary_heading"]),
            warnings,
            Text(r.id),
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
        first = t.records[0] if t.records else None
        rows.append(
            [
                str(t.position),
                "" if t.entry.number is None else str(t.entry.number),
                t.entry.title,
                t.status,
                "" if first is None else pages_text(first, dash),
                " ".join(r.id for r in t.records),
                "; ".join(
                    r.placement.evidence
                    for r in t.records
                    if r.placement and r.placement.by in ("pages", "order")
                ),
            ]
        )
    for r in unplaced:
        p = r.placement
        could = "; ".join(entry_text(e) for _, e in p.candidates) if p else ""
        rows.append(
            [
                "",
                "" if r.number is None else str(r.number),
                r.title or "",
                "unplaced",
                pages_text(r, dash),
                r.id,
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
