"""The command line: the only module that prints or exits.

Exit codes: 0 success, 1 nothing found / not found / ambiguous, 2 usage error,
130 interrupted.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from precarious import __version__
from precarious.errors import Ambiguous, PrecariousError

# The core is imported where a command needs it, not here: `--help` and a small
# `list --json` start in little more than the interpreter's own time (see `make bench`).
if TYPE_CHECKING:
    from precarious.corpus.books import CorpusBook
    from precarious.corpus.index import Index
    from precarious.corpus.lookup import Shelf
    from precarious.corpus.run import Corpus
    from precarious.record import Record
    from precarious.views.render import Grid

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

corpus_option = click.option(
    "--corpus",
    type=click.Path(),
    envvar="PRECARIOUS_CORPUS",
    help="Folder of saved .txt pages (env PRECARIOUS_CORPUS). Default: the bundled seeds.",
)

book_option = click.option(
    "--book",
    metavar="TEXT",
    help="Only the pages of this book: its id or words of its title (see 'precarious books').",
)
output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write to FILE instead of stdout, atomically: FILE ends up whole or unchanged "
    "('-' is stdout). Without a format option, FILE's extension names the format.",
)
strict_option = click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when a record has a warning or a file could not be read (each is named on "
    "stderr), for pipelines that must not accept incomplete records. Output is still written.",
)
F = TypeVar("F", bound=Callable[..., Any])


def _reading_option(*decls: str, key: str, **attrs: Any) -> Callable[[F], F]:
    """An option of how pages are read: kept in the context for _read, out of the commands'
    signatures."""

    def keep(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        ctx.meta[f"precarious.{key}"] = value

    return click.option(*decls, expose_value=False, callback=keep, **attrs)


def reading_options(f: F) -> F:
    """--jobs and --no-cache: how the pages are read, the same for every command."""
    no_cache = _reading_option(
        "--no-cache",
        key="no_cache",
        is_flag=True,
        envvar="PRECARIOUS_NO_CACHE",
        help="Read every page again instead of taking unchanged ones from the index in the "
        "user cache directory ($XDG_CACHE_HOME/precarious).",
    )
    jobs = _reading_option(
        "-j",
        "--jobs",
        key="jobs",
        type=click.IntRange(min=1),
        envvar="PRECARIOUS_JOBS",
        help="Read the pages with this many processes (env PRECARIOUS_JOBS); by default one "
        "for each CPU the command may use. The output is the same, in the same order, with "
        "any number.",
    )
    return jobs(no_cache(f))


def _fail(message: str) -> NoReturn:
    """One clear line on stderr, exit 1."""
    click.echo(f"precarious: {message}", err=True)
    raise click.exceptions.Exit(1)


def bundled_seeds() -> str:
    """The corpus shipped with the package (seeds/ in a source checkout)."""
    here = os.path.dirname(os.path.realpath(__file__))
    packaged = os.path.join(here, "seeds")  # where the wheel puts them
    return packaged if os.path.isdir(packaged) else os.path.join(os.path.dirname(here), "seeds")


def _sources(paths: Sequence[str], corpus: str | None) -> list[str]:
    """The paths named, else the corpus folder, else the bundled seeds."""
    return list(paths) or [corpus or bundled_seeds()]


def _load(paths: Sequence[str], corpus: str | None, fmt: str) -> Corpus:
    """Read the pages, each page's output parts in `fmt` (a progress bar on a terminal when
    it takes a while), report every bad file on stderr, stop with exit 1 if none is left."""
    sources = _sources(paths, corpus)
    loaded = _read(sources, fmt)
    _report(sources, loaded.problems, len(loaded))
    return loaded


def _report(
    sources: Sequence[str], problems: Sequence[PrecariousError], pages: int, lookup: bool = False
) -> None:
    """Name every file that could not be read on stderr (for a lookup, one page out of the
    corpus, count them in one line instead); stop with exit 1 when no page is left."""
    from precarious.read import shown

    if lookup and len(problems) > 1:
        click.echo(
            f"precarious: {len(problems)} files of the corpus could not be read as "
            "chapter pages; 'precarious check' names them",
            err=True,
        )
    else:
        for problem in problems:
            click.echo(f"precarious: {problem}", err=True)
    if not pages:
        if len(sources) == 1 and problems and not os.path.isdir(sources[0]):
            raise click.exceptions.Exit(1)  # the one file named: its line above says why
        _fail(f"no chapter pages found in {', '.join(shown(s) for s in sources)}")


def _read(sources: Sequence[str], fmt: str) -> Corpus:
    """The corpus, as --jobs and --no-cache say, with a progress bar on stderr when it is a
    terminal and the run takes more than about a second; nothing extra otherwise."""
    from precarious.corpus.run import Corpus

    ctx = click.get_current_context()
    bar = _ProgressBar() if sys.stderr.isatty() else None
    try:
        loaded = Corpus(sources, fmt, _jobs(), _index, bar.update if bar else None)
    except PrecariousError as err:  # the store could not be written, a worker ended abruptly
        _fail(str(err))
    finally:
        if bar is not None:
            bar.close()
    ctx.call_on_close(loaded.close)
    return loaded


def _index() -> Index | None:
    """The page index in the user's cache folder, unless --no-cache; opened once a run,
    closed when the command is done (what it could not read back is said then)."""
    ctx = click.get_current_context()
    if ctx.meta.get("precarious.no_cache"):
        return None
    index: Index | None = ctx.meta.get("precarious.index")
    if index is None:
        from precarious.corpus.index import Index

        index = ctx.meta["precarious.index"] = Index()

        def close() -> None:
            assert index is not None
            index.close()
            for note in index.notes:
                click.echo(f"precarious: {note}", err=True)
            if index.dropped:
                click.echo(
                    f"precarious: {_count(index.dropped, 'row')} of the cache could not be "
                    "read back: dropped, and read afresh",
                    err=True,
                )

        ctx.call_on_close(close)
    return index


def _jobs() -> int:
    """--jobs, or one process for each CPU this one may run on (worked out once: reading
    and writing the output both ask)."""
    meta = click.get_current_context().meta
    if meta.get("precarious.jobs") is None:
        try:
            meta["precarious.jobs"] = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            meta["precarious.jobs"] = os.cpu_count() or 1
    jobs: int = meta["precarious.jobs"]
    return jobs


class _ProgressBar:
    """A rich progress bar that appears only once a run has lasted a second."""

    DELAY = 1.0

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.progress: Any = None
        self.task: Any = None

    def update(self, done: int, total: int) -> None:
        if self.progress is None:
            if time.monotonic() - self.started < self.DELAY:
                return
            from rich.console import Console
            from rich.progress import Progress

            self.progress = Progress(console=Console(stderr=True), transient=True)
            self.progress.start()
            self.task = self.progress.add_task("Reading pages", total=total)
        if done == total or done % 64 == 0:
            self.progress.update(self.task, completed=done)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _pick(key: str, corpus: str | None, book: str | None = None) -> Record:
    """The record KEY names (in the book --book names); KEY may also be the path of a page."""
    return _pick_all([key], corpus, book)[0]


def _pick_all(keys: Sequence[str], corpus: str | None, book: str | None) -> list[Record]:
    """The records the KEYs name, each once, in the order named. The corpus is read only
    when a KEY is not the path of a page."""
    from precarious.corpus.lookup import Stale, find_book
    from precarious.read import shown

    shelf: Shelf | None = None
    within: str | None = None
    chosen: dict[str, Record] = {}
    for key in keys:
        if os.path.isdir(key) and key.casefold().endswith(".txt"):
            _fail(f"{shown(key)}: is a directory, not a page")
        try:
            if os.path.exists(key) and not os.path.isdir(key):  # (a FIFO is refused)
                record = _load([key], None, "none").record(0)
            else:
                if shelf is None:
                    shelf = _shelf(corpus)
                    within = find_book(shelf.books, book).id if book is not None else None
                try:
                    record = shelf.record(shelf.find(key, within).pos)
                except Stale:  # its page changed since the corpus was grouped: group afresh
                    shelf = _shelf(corpus, fresh=True)
                    record = shelf.record(shelf.find(key, within).pos)
        except PrecariousError as err:
            _fail(str(err))
        chosen.setdefault(record.id, record)
    return list(chosen.values())


def _shelf(corpus: str | None, fresh: bool = False) -> Shelf:
    """The corpus as a lookup sees it (the index's, when nothing changed; else read now),
    its unreadable files counted in one line."""
    from precarious.corpus.lookup import open_shelf

    sources = _sources([], corpus)
    bar = _ProgressBar() if sys.stderr.isatty() else None
    try:
        found = open_shelf(sources, _jobs(), _index(), bar.update if bar else None, fresh)
    except PrecariousError as err:
        _fail(str(err))
    finally:
        if bar is not None:
            bar.close()
    _report(sources, found.problems, len(found), lookup=True)
    return found


def _strict(
    strict: bool, incomplete: Iterable[tuple[str, str]], problems: Sequence[object] = ()
) -> None:
    """--strict: exit 1 after the output when anything is incomplete, naming each (id, its
    warning codes) pair of `incomplete` (problems were named when the files were read)."""
    if not strict:
        return
    named = False
    for rid, codes in incomplete:
        click.echo(f"precarious: --strict: {rid} is incomplete: {codes}", err=True)
        named = True
    if named or problems:
        raise click.exceptions.Exit(1)


def _incomplete(rid: str, codes: Iterable[str]) -> tuple[str, str] | None:
    """(id, its warning codes) for a record with warnings, for --strict."""
    listed = ", ".join(dict.fromkeys(codes))
    return (rid, listed) if listed else None


def _incompletes(records: Iterable[Record]) -> Iterator[tuple[str, str]]:
    found = (_incomplete(r.id, (w.code for w in r.warnings)) for r in records)
    return (x for x in found if x is not None)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _width() -> int:
    import shutil  # only tables need it; imported here to keep start-up short

    return shutil.get_terminal_size().columns


def _interactive() -> bool:
    return sys.stdout.isatty()


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="precarious")
def cli() -> None:
    """Clean records out of saved Cambridge Core book-chapter pages.

    Reads raw text dumps of chapter pages (the bundled seeds unless told otherwise),
    finds each block (contents, heading, summary, pages, publisher, …) and prints one
    record per page: a table for people, TSV, CSV or JSON for scripts, and citations
    (CSL-JSON, BibTeX, RIS) for reference managers.

    \b
    Examples:
      precarious list
      precarious show 4
      precarious list --json | jq '.[] | .title'
      precarious blocks 002
      precarious export 4 --format bibtex
    """


def formats(*names: str) -> Callable[[F], F]:
    """The output-format flags of a command, into one `fmt` parameter."""
    helps = {
        "table": "A table (the default on a terminal).",
        "tsv": "Tab-separated lines with a header (the default in a pipe).",
        "csv": "Comma-separated values with a header (RFC 4180), for spreadsheets.",
        "json": "One JSON document.",
        "jsonl": "One JSON record per line.",
    }

    def add(f: F) -> F:
        for name in reversed(names):
            f = click.option(f"--{name}", "fmt", flag_value=name, help=helps[name])(f)
        return f

    return add


def _format(fmt: str | None) -> str:
    return fmt or ("table" if _interactive() else "tsv")


def _target(output: str | None) -> str | None:
    """The file -o names; None for stdout (no -o, or '-')."""
    return None if output is None or output == "-" else output


def _format_of(fmt: str | None, target: str | None, extensions: dict[str, str]) -> str | None:
    """The format asked for, else the one the output file's extension names."""
    if fmt is not None or target is None:
        return fmt
    if (named := extensions.get(os.path.splitext(target)[1].casefold())) is None:
        choices = ", ".join(sorted(set(extensions.values())))
        name = os.path.basename(target)
        raise click.UsageError(f"cannot tell the format from {name!r}: name one ({choices})")
    return named


Text = str | Iterable[str | bytes]  # a whole output, or its chunks in order (bytes: UTF-8)


def _write(text: Text, output: str | None) -> None:
    """To stdout, or atomically to the file -o names; text may come in chunks, written as
    they are made. Data goes to stdout as it is, not through click.echo (which would strip
    what looks like a terminal escape in a pipe): piped and -o output are the same bytes."""
    target = _target(output)
    if target is None:
        stream = sys.stdout
        binary = getattr(stream, "buffer", None)
        stream.flush()
        for piece in _pieces([text] if isinstance(text, str) else text):
            if binary is not None:
                binary.write(piece)
            else:  # a text stream (a library caller's StringIO)
                stream.write(piece.decode())
        return
    from pathlib import Path  # (only a file to write needs these)

    from precarious.atomic import write_atomic

    try:
        write_atomic(Path(target), text)
    except PrecariousError as err:
        _fail(str(err))


def _draw(view: str) -> None:
    """A view drawn for a terminal (a table, a panel): its styles are dropped when stdout is
    not one (click sees to it)."""
    click.echo(view, nl=False)


def _pieces(chunks: Iterable[str | bytes], size: int = 1 << 16) -> Iterator[bytes]:
    """Chunks (text, or UTF-8 bytes) joined into pieces of about `size` bytes: a write for
    each piece, not for each record."""
    held: list[bytes] = []
    length = 0
    for chunk in chunks:
        data = chunk.encode() if isinstance(chunk, str) else chunk
        held.append(data)
        length += len(data)
        if length >= size:
            yield b"".join(held)
            held, length = [], 0
    if held:
        yield b"".join(held)


def _emit(
    fmt: str | None,
    machine: Callable[[str], Text],
    table: Callable[[int], str],
    output: str | None = None,
) -> None:
    """Print (or write to -o) in the format asked for or the default: machine(fmt) for
    JSON, JSON Lines, TSV and CSV, else the table. Only the view asked for is built."""
    target = _target(output)
    fmt = _format(_format_of(fmt, target, TABLE_EXTENSIONS))
    if fmt == "table" and target is not None:
        raise click.UsageError("a table is drawn for the terminal: write --tsv, --csv or JSON")
    if fmt == "table":
        _draw(table(_width()))
    else:
        _write(machine(fmt), output)


def _machine(data: Callable[[], Any], grid: Callable[[], Grid]) -> Callable[[str], Text]:
    """The machine formats of a view: JSON and JSON Lines of data(), TSV and CSV of grid()."""
    from precarious.views import render

    def text(fmt: str) -> Text:
        if fmt == "json":
            found = data()
            return render.to_json(found) if isinstance(found, dict) else render.json_chunks(found)
        if fmt == "jsonl":
            return render.jsonl_chunks(data())
        return render.delimited_chunks(fmt, grid())

    return text


TABLE_EXTENSIONS = {".json": "json", ".jsonl": "jsonl", ".tsv": "tsv", ".csv": "csv"}


def _in_book(loaded: Corpus, book: str | None) -> CorpusBook | None:
    """The book --book names, or None for all."""
    from precarious.corpus.lookup import find_book

    if book is None:
        return None
    try:
        return find_book(loaded.books(), book)
    except PrecariousError as err:
        _fail(str(err))


@cli.command("list")
@click.argument("paths", nargs=-1, type=click.Path())
@corpus_option
@book_option
@formats("table", "tsv", "csv", "json", "jsonl")
@output_option
@strict_option
@reading_options
def list_command(
    paths: tuple[str, ...],
    corpus: str | None,
    book: str | None,
    fmt: str | None,
    output: str | None,
    strict: bool,
) -> None:
    """One row per page; on a terminal: number, title, pages, summary heading, warnings, id.

    PATHS are .txt pages or folders of them (subfolders included); without any,
    the corpus is read. A file that cannot be read is named on stderr and the
    others go on. --tsv and --csv give every field, nested ones named by their
    JSON path (pages.first); --json gives the full records as one array.

    \b
    Examples:
      precarious list
      precarious list --corpus ~/saved-pages --book "precarious truce"
      precarious list --json | jq -r '.[] | [.number, .title] | @tsv'
      precarious list --jsonl | jq -c 'select(.warnings | length > 0) | .id'
    """
    from precarious.views import render

    target = _target(output)
    fmt = _format(_format_of(fmt, target, TABLE_EXTENSIONS))
    if fmt == "table" and target is not None:
        raise click.UsageError("a table is drawn for the terminal: write --tsv, --csv or JSON")
    loaded = _load(paths, corpus, fmt)
    within = _in_book(loaded, book)
    group = loaded.grouping.group
    chosen = None if within is None else group[within.pages[0].pos]
    incomplete: list[tuple[str, str]] = []

    def items() -> Iterator[bytes]:
        for pos, _, parts, found in loaded.items():
            if chosen is None or group[pos] == chosen:
                if strict and (gaps := _incomplete(found[-2], found[-1].split("\x1f"))):
                    incomplete.append(gaps)
                yield render.page_item(fmt, parts, found)

    if fmt == "table":
        _draw(render.records_table(items(), _width()))
    else:
        _write(render.records_chunks(fmt, items()), output)
    _strict(strict, incomplete, loaded.problems)


@cli.command()
@click.argument("key")
@corpus_option
@book_option
@click.option("--json", "as_json", is_flag=True, help="The record as one JSON object.")
@strict_option
@reading_options
def show(key: str, corpus: str | None, book: str | None, as_json: bool, strict: bool) -> None:
    """One page in full: book, number, title, pages, dates, authors, summary, warnings.

    KEY is a chapter number ("4"), an id or a unique id prefix ("002"), words of
    the title ("general strike", any case), or the path of a page. When nothing
    or more than one page matches, the candidates are named and the exit code is 1;
    when several books have a chapter 4, --book says which.

    \b
    Examples:
      precarious show 4
      precarious show 002
      precarious show "general strike" --json | jq .pages
      precarious show 4 --book "precarious truce"
    """
    from precarious.views import render

    record = _pick(key, corpus, book)
    if as_json:
        _write(render.to_json(record.to_dict()), None)
    elif _interactive():
        _draw(render.record_panel(record, _width()))
    else:
        _write(render.record_text(record), None)
    _strict(strict, _incompletes([record]))


@cli.command()
@click.argument("target", metavar="KEY|FILE")
@corpus_option
@click.option("--json", "as_json", is_flag=True, help="Every block with all its lines, as JSON.")
def blocks(target: str, corpus: str | None, as_json: bool) -> None:
    """The block map of a page: which lines became which block, and the unknown lines.

    Use it to see why a field came out as it did. TARGET is a KEY as for
    `show`, or the path of any .txt page (even one that is not a chapter page).

    \b
    Examples:
      precarious blocks 4
      precarious blocks saved/page.txt --json | jq '.[] | select(.kind == "unknown")'
    """
    from precarious.blocks import detect
    from precarious.read import read_page
    from precarious.views import render

    try:
        page = read_page(target if os.path.isfile(target) else _pick(target, corpus).source)
    except PrecariousError as err:
        _fail(str(err))
    found = detect(page)
    if as_json:
        _write(render.to_json(b.to_dict() for b in found), None)
    elif _interactive():
        _draw(render.blocks_table(found, _width()))
    else:
        _write(render.delimited("tsv", render.blocks_grid(found)), None)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@corpus_option
@formats("table", "tsv", "csv", "json")
@reading_options
def books(paths: tuple[str, ...], corpus: str | None, fmt: str | None) -> None:
    """One row per book: title, subtitle, publisher, year, pages in the corpus.

    Pages are grouped into books by the title and print year they print; a page
    without them joins a book when its contents list or its chapter heading
    matches that book's. "Pages" counts the pages the corpus holds against the
    entries of the book's contents list; "Covered" counts the entries with a page.

    \b
    Examples:
      precarious books
      precarious books --json | jq -r '.[] | "\\(.title): \\(.pages) pages"'
    """
    from precarious.corpus.books import book_dict
    from precarious.views import render

    found = _load(paths, corpus, "none").books()
    _emit(
        fmt,
        _machine(lambda: (book_dict(b) for b in found), lambda: render.books_grid(found)),
        lambda width: render.books_table(found, width),
    )


@cli.command("toc")
@click.argument("book_key", metavar="[BOOK]", required=False)
@corpus_option
@book_option
@formats("table", "tsv", "csv", "json")
@reading_options
def toc_command(
    book_key: str | None, corpus: str | None, book: str | None, fmt: str | None
) -> None:
    """A book's contents list, each entry with its pages and the page that covers it.

    BOOK (or --book) is a book id or words of its title; it may be left out when
    the corpus holds one book. Entries the corpus lacks are marked "missing".
    A page that prints no title is placed on an entry only when the evidence
    leaves one candidate ("inferred"); otherwise it is listed as unplaced, with
    the entries it could be.

    \b
    Examples:
      precarious toc
      precarious toc truce --json | jq '.entries[] | select(.status == "missing") | .title'
    """
    from precarious.corpus.books import toc_dict
    from precarious.corpus.lookup import NAMED, describe_book, find_book, listing
    from precarious.views import render

    if book_key and book and book_key != book:
        raise click.UsageError("give the book once: as BOOK or as --book")
    books = _load([], corpus, "none").books()
    text = book_key or book
    chosen: CorpusBook
    try:
        if text is not None:
            chosen = find_book(books, text)
        elif len(books) == 1:
            chosen = books[0]
        else:
            names = [describe_book(b) for b in books]
            raise Ambiguous(
                f"the corpus holds {len(names)} books; name one: {listing(names)}"
                + ("; see 'precarious books'" if len(names) > NAMED else ""),
                names,
            )
    except PrecariousError as err:
        _fail(str(err))
    _emit(
        fmt,
        _machine(lambda: toc_dict(chosen), lambda: render.toc_grid(chosen)),
        lambda width: render.toc_table(chosen, width),
    )


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@corpus_option
@formats("table", "tsv", "csv", "json")
@reading_options
def check_command(paths: tuple[str, ...], corpus: str | None, fmt: str | None) -> None:
    """Validate the corpus: exit 0 when clean, 1 when anything is reported.

    Reports each page's missing blocks and cut-off values, pages of no book,
    contents lists and book fields that disagree with the rest of their book,
    pages saved twice (naming the more complete), overlapping page ranges or
    ranges against the contents order, untitled pages that cannot be placed,
    and files that are not chapter pages. Use it to guard a corpus in CI.

    \b
    Examples:
      precarious check ~/saved-pages
      precarious check --json | jq -r '.findings[] | "\\(.path): \\(.code)"'
    """
    from precarious.views import render
    from precarious.views.check import check

    loaded = _read(_sources(paths, corpus), "warnings")
    findings = check(loaded)
    flagged = len({f.id or f.path for f in findings})
    files = len(loaded) + len(loaded.problems)
    books = len(loaded.grouping)
    counts = f"{_count(files, 'file')}, {_count(books, 'book')}"
    summary = (
        f"{_count(len(findings), 'finding')} on {flagged} of {counts}"
        if findings
        else f"No findings: {counts}."
    )
    report = {
        "clean": not findings,
        "files": files,
        "pages": len(loaded),
        "books": books,
        "findings": [f.to_dict() for f in findings],
    }
    _emit(
        fmt,
        _machine(lambda: report, lambda: render.check_grid(findings)),
        lambda width: render.check_table(findings, summary, width),
    )
    if findings:
        raise click.exceptions.Exit(1)


@cli.command()
def schema() -> None:
    """The JSON Schema (draft 2020-12) of the records --json prints.

    Each record names the version it follows in `schema_version`; see the README
    for how the version changes.

    \b
    Examples:
      precarious schema > record.schema.json
      precarious schema | jq -r '."$id"'
    """
    from precarious.record import schema_text

    _write(schema_text(), None)


EXPORT_EXTENSIONS = {".json": "csl-json", ".bib": "bibtex", ".ris": "ris"}
EXPORT_FORMATS = tuple(dict.fromkeys(EXPORT_EXTENSIONS.values()))


@cli.command()
@click.argument("keys", nargs=-1, metavar="[KEY]...")
@corpus_option
@book_option
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    help="csl-json, bibtex or ris. Default: from the extension of -o (.json, .bib, .ris), "
    "else csl-json.",
)
@output_option
@strict_option
@reading_options
def export(
    keys: tuple[str, ...],
    corpus: str | None,
    book: str | None,
    fmt: str | None,
    output: str | None,
    strict: bool,
) -> None:
    """Citations for Zotero, pandoc, LaTeX: CSL-JSON, BibTeX (@incollection) or RIS.

    Exports the pages KEY names (as for `show`), or every page (of --book) when
    there is no KEY. Each entry has a citation key unique in the export
    ("precarious1977ch4": author or book word, year, chapter). Only what the page
    states is exported: a field it lacks is left out, and a page without a title,
    book title, year or page range is named on stderr.

    \b
    Examples:
      precarious export 4 --format bibtex
      precarious export --format csl-json | jq length
      precarious export -o truce.bib --book truce
      pandoc --citeproc --bibliography truce.bib doc.md
    """
    from precarious.views import export as cite

    fmt = _format_of(fmt, _target(output), EXPORT_EXTENSIONS) or "csl-json"
    problems: Sequence[object] = ()
    records: Iterable[Record]
    if keys:
        records = _pick_all(keys, corpus, book)
    else:
        loaded = _load([], corpus, "jsonl")
        within = _in_book(loaded, book)
        records, problems = loaded.records(within.id if within else None), loaded.problems
    incomplete: list[tuple[str, str]] = []

    def entries() -> Iterator[str]:
        seen: Counter[str] = Counter()
        for record in records:
            base = cite.base_key(record)
            seen[base] += 1
            item = cite.csl_item(record, base if seen[base] == 1 else f"{base}-{seen[base]}")
            if missing := cite.gaps(item):
                click.echo(
                    f"precarious: {record.id}: exported as {item['id']} without "
                    f"{', '.join(missing)} (not stated on the page)",
                    err=True,
                )
            if strict and (found := _incomplete(record.id, (w.code for w in record.warnings))):
                incomplete.append(found)
            yield cite.citation_item(fmt, item)

    _write(cite.citations_chunks(fmt, entries()), output)
    _strict(strict, incomplete, problems)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: click's own handling, a quiet exit 130 on Ctrl-C, and one line (exit 1)
    when stdout cannot be written (a full disk), never a traceback."""
    try:
        try:
            result = cli.main(args=argv, prog_name="precarious", standalone_mode=False)
        finally:
            sys.stdout.flush()  # a write error must surface here, not at interpreter exit
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as err:
        err.show()
        return err.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("precarious: interrupted", err=True)
        return 130
    except PrecariousError as err:  # while the output is made (records are made lazily)
        click.echo(f"precarious: {err}", err=True)
        return 1
    except OSError as err:  # only output is left to fail: files read raise our own errors
        _silence_stdout()
        if err.errno == errno.EPIPE:  # the reader went away (`| head`): nothing to say
            return 1
        click.echo(f"precarious: cannot write output: {err.strerror or err}", err=True)
        return 1
    return result if isinstance(result, int) else 0


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that what is still buffered cannot fail again at exit."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def run() -> NoReturn:
    """The console script."""
    sys.exit(main())
