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
from precarious.read import printable
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

# A header (None: none) and its rows, for TSV and CSV.
Grid = tuple[Sequence[str] | None, Iterable[Sequence[str]]]


# -- JSON --------------------------------------------------------------------------------


def to_json(data: dict[str, Any] | Iterable[Any]) -> str:
    """One JSON document (an object, or an array of the items), indented, UTF-8 as is: the
    bytes json.dumps(indent=2, ensure_ascii=False) gives."""
    if isinstance(data, dict):
        return indented(data) + "\n"
    return b"".join(json_chunks(data)).decode()


def compact_json(data: Any) -> str:
    """A JSON document on one line (as json.dumps writes it, UTF-8 as is)."""
    return _compact(data) + "\n"


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
    raise ValueError(fmt)


def splice_parts(fmt: str, key: Key, splice: Splice) -> list[str]:
    """What the corpus adds to a page's output in `fmt` (worked out a book at a time, in
    the process that groups the pages), then the page's id and its warnings' codes."""
    codes = key.codes(splice.settled)
    if fmt in ("json", "jsonl"):
        value = partial(indented, depth=2) if fmt == "json" else _compact
        book = _book_json(splice.book, fmt)
        placement = value(placement_dict(splice.placement))
        found = [book, placement, "settled" if splice.settled else ""]
    else:
        found = [splice_text(splice)]
    return [*found, key.id, "\x1f".join(codes)]


def page_item(fmt: str, parts: Sequence[bytes], found: Sequence[str]) -> bytes:
    """A page's output in `fmt` (page_parts, UTF-8) with what the corpus adds (splice_parts):
    a line of JSON Lines, or an element of the JSON array."""
    if fmt not in ("json", "jsonl"):
        raise ValueError(fmt)
    head, middle, before, tail, warnings, settled = parts
    book, placement, is_settled = found[:3]
    end = b"" if fmt == "json" else b"\n"
    warned = settled if is_settled else warnings
    return b"".join((head, book.encode(), middle, placement.encode(), before, warned, tail, end))


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
    """Pages' items (page_item) as one document: a JSON array, or JSON Lines."""
    return json_array(items) if fmt == "json" else iter(items)


# -- TSV and CSV -------------------------------------------------------------------------


def _cell(value: object) -> str:
    return "" if value is None else str(value)


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def delimited(fmt: str, grid: Grid, raw: bool = False) -> str:
    """A grid as 'tsv' or 'csv'."""
    return "".join(delimited_chunks(fmt, grid, raw))


def delimited_chunks(fmt: str, grid: Grid, raw: bool = False) -> Iterator[str]:
    """A grid as TSV or CSV, a row at a time. TSV: tab-separated lines with a header, a tab,
    newline or backslash inside a value written \\t, \\n or \\\\ (the linear TSV
    convention). CSV: RFC 4180, CRLF line ends, quoted where needed, UTF-8 as is. Unless
    `raw`, a cell a spreadsheet would run as a formula is defused (see `defused`)."""
    header, rows = grid
    head = [] if header is None else [header]
    if not raw:
        rows = ([defused(cell) for cell in row] for row in rows)
    return (_delimited_line(fmt, row) for row in itertools.chain(head, rows))


# What makes a spreadsheet read a cell as a formula (OWASP's list): such a cell gets a
# leading apostrophe, which spreadsheets show as text and hide.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def defused(cell: str) -> str:
    """'=cmd|…' → "'=cmd|…": a cell that would run as a formula in a spreadsheet, made text."""
    return f"'{cell}" if cell.startswith(_FORMULA) else cell


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


def _safe_text() -> Any:
    """rich's Text, made of text shown safe for a terminal (read.printable): no string of a
    page or a file name can move the cursor, retitle the window or reverse the line."""
    from rich.text import Text

    def text(value: str = "", style: str = "") -> Text:
        return Text(printable(value), style=style)

    return text


def _rich(renderables: Sequence[RenderableType], width: int) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=True, highlight=False)
    for r in renderables:
        console.print(r)
    return buffer.getvalue()


def short_ids(ids: Sequence[str], least: int = 3) -> dict[str, str]:
    """Each id as its shortest unique prefix (at least `least` characters), as git shortens
    hashes: `show` takes a unique prefix."""
    import os.path

    ordered = sorted(set(ids))
    out = {}
    for i, rid in enumerate(ordered):
        neighbours = ordered[max(i - 1, 0) : i] + ordered[i + 1 : i + 2]
        shared = max((len(os.path.commonprefix([rid, n])) for n in neighbours), default=0)  # noqa: RUF071 (characters, not path parts)
        out[rid] = rid[: max(least, shared + 1)]
    return out


# Columns of the page table, by how much a narrow terminal needs them: each is shown from
# this width on (title, number and pages always).
_RECORD_COLUMNS = (("book", 60), ("id", 76), ("warnings", 90), ("summary", 120))


def records_table(
    records: Sequence[dict[str, Any]], width: int, several_books: bool, headers: bool = True
) -> str:
    """The `list` table: number, title, pages always; then as the width allows the book
    (when the corpus holds several), the id (its shortest unique prefix), warnings and the
    summary heading."""
    from rich.table import Table

    Text = _safe_text()

    shown = {name for name, least in _RECORD_COLUMNS if width >= least}
    if not several_books:
        shown.discard("book")
    ids = short_ids([r["id"] for r in records])
    table = Table(box=None, header_style="bold", pad_edge=False, show_header=headers)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Title", ratio=3, min_width=12)
    table.add_column("Pages", no_wrap=True)
    if "book" in shown:
        table.add_column(
            "Book",
            ratio=1,
            min_width=8,
            max_width=max(12, width // 5),
            no_wrap=True,
            overflow="ellipsis",
        )
    if "summary" in shown:
        table.add_column("Summary heading", ratio=2, overflow="ellipsis", no_wrap=True)
    if "warnings" in shown:
        table.add_column("Warn", justify="right", no_wrap=True)
    if "id" in shown:
        table.add_column("Id", no_wrap=True, style="dim")
    for r in records:
        inferred = (r["placement"] or {}).get("inferred_title")
        untitled = f"({inferred}, inferred)" if inferred else "(untitled)"
        pages = r["pages"]
        cells = [
            Text("" if r["number"] is None else str(r["number"])),
            Text(r["title"]) if r["title"] else Text(untitled, style="dim italic"),
            Text("" if pages is None else f"{pages['first'] or '?'}–{pages['last'] or '?'}"),
        ]
        if "book" in shown:
            cells.append(Text(r["book"]["title"] or r["book"]["id"] or ""))
        if "summary" in shown:
            cells.append(Text(r["summary"]["heading"] or ""))
        if "warnings" in shown:
            n = len(r["warnings"])
            cells.append(Text(str(n), style="yellow") if n else Text(""))
        if "id" in shown:
            cells.append(Text(ids[r["id"]]))
        table.add_row(*cells)
    return _rich([table], width)


def fields_table(
    rows: Iterable[dict[str, Any]], columns: Sequence[str], headers: bool, width: int
) -> str:
    """A table of the fields --fields names, one column each."""
    from rich.table import Table

    Text = _safe_text()

    from precarious.views.rows import cell

    table = Table(box=None, header_style="bold", pad_edge=False, show_header=headers)
    for name in columns:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell(row, c)) for c in columns))
    return _rich([table], width)


def record_panel(record: Record, width: int) -> str:
    from rich.table import Table

    Text = _safe_text()

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

    Text = _safe_text()

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


def books_table(books: Sequence[CorpusBook], width: int, headers: bool = True) -> str:
    """Title, year, pages and coverage always; subtitle, publisher and id as the width
    allows."""
    from rich.table import Table

    Text = _safe_text()

    wide = width >= 100
    table = Table(box=None, header_style="bold", pad_edge=False, show_header=headers)
    table.add_column("Title", ratio=2, min_width=12)
    if wide:
        table.add_column("Subtitle", ratio=2)
        table.add_column("Publisher", ratio=1)
    table.add_column("Year", no_wrap=True)
    table.add_column("Pages", justify="right", no_wrap=True)
    table.add_column("Covered", justify="right", no_wrap=True)
    if width >= 70:
        table.add_column("Id", no_wrap=True, style="dim", overflow="ellipsis")
    for b in books:
        d = book_dict(b)
        cells = [Text(b.title or "")]
        if wide:
            cells += [Text(b.subtitle or ""), Text(b.publisher or "")]
        cells += [
            Text("" if b.print_year is None else str(b.print_year)),
            Text(f"{d['pages']} of {d['entries']}" if d["entries"] else str(d["pages"])),
            Text(f"{d['covered']} of {d['entries']}" if d["entries"] else "—"),
        ]
        if width >= 70:
            cells.append(Text(b.id))
        table.add_row(*cells)
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


def toc_table(book: CorpusBook, width: int, headers: bool = True) -> str:
    from rich.table import Table

    Text = _safe_text()

    year = f", {book.print_year}" if book.print_year is not None else ""
    heading = Text(": ".join(x for x in (book.title, book.subtitle) if x), style="bold")
    heading.append(printable(f" ({book.publisher or 'publisher unknown'}{year})"), style="")
    table = Table(box=None, header_style="bold", pad_edge=False, show_header=headers)
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


def check_table(findings: Sequence[Finding], summary: str, width: int, headers: bool = True) -> str:
    from rich.table import Table

    Text = _safe_text()

    parts: list[RenderableType] = []
    if findings:
        table = Table(box=None, header_style="bold", pad_edge=False, show_header=headers)
        table.add_column("Page", no_wrap=True, style="dim", overflow="ellipsis", max_width=30)
        table.add_column("Finding", no_wrap=True)
        table.add_column("Message", ratio=1)
        for f in findings:
            where = f.id or f.path
            table.add_row(Text(where), Text(f.code, style="yellow"), Text(f.message))
        parts.append(table)
    parts.append(Text(summary, style="yellow" if findings else "green"))
    return _rich(parts, width)
