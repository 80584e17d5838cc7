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
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, TypeVar

import click

from precarious import __version__
from precarious.errors import PrecariousError, WriteFailed, counted

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
    help="Folder of saved .txt pages (env PRECARIOUS_CORPUS); or name it as an argument. "
    "Default: the current folder when it holds .txt pages, else the bundled sample.",
)
book_option = click.option(
    "--book",
    metavar="TEXT",
    help="Only the pages of this book: its id or words of its title (see 'precarious books').",
)
strict_option = click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 when a record has a warning or a file could not be read (each is named on "
    "stderr), for pipelines that must not accept incomplete records. Output is still written.",
)
F = TypeVar("F", bound=Callable[..., Any])


def _meta_option(*decls: str, key: str, **attrs: Any) -> Callable[[F], F]:
    """An option kept in the context (for the helpers that need it), out of the commands'
    signatures."""

    def keep(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value is not None and value is not False:
            ctx.meta[f"precarious.{key}"] = value

    return click.option(*decls, expose_value=False, callback=keep, **attrs)


def _options(*options: Callable[[F], F]) -> Callable[[F], F]:
    def add(f: F) -> F:
        for option in reversed(options):
            f = option(f)
        return f

    return add


reading_options = _options(
    _meta_option(
        "-j",
        "--jobs",
        key="jobs",
        type=click.IntRange(min=1),
        envvar="PRECARIOUS_JOBS",
        help="Read the pages with this many processes (env PRECARIOUS_JOBS); by default one "
        "for each CPU the command may use. The output is the same with any number.",
    ),
    _meta_option(
        "--no-cache",
        key="no_cache",
        is_flag=True,
        envvar="PRECARIOUS_NO_CACHE",
        help="Read every page again instead of taking unchanged ones from the index in the "
        "user cache folder (see 'precarious cache').",
    ),
)
talk_options = _options(
    _meta_option(
        "-q", "--quiet", key="quiet", is_flag=True, help="Say nothing on stderr but errors."
    ),
    _meta_option(
        "-v", "--verbose", key="verbose", is_flag=True, help="Name every file and gap on stderr."
    ),
    _meta_option(
        "--no-pager",
        key="no_pager",
        is_flag=True,
        envvar="PRECARIOUS_NO_PAGER",
        help="Print long views straight to the terminal instead of through $PAGER (less).",
    ),
)

force_option = _meta_option(
    "--force", key="force", is_flag=True, help="Let -o replace a read-only file."
)

FORMAT_HELP = {
    "table": "A table (the default on a terminal).",
    "tsv": "Tab-separated lines with a header (the default in a pipe).",
    "csv": "Comma-separated values with a header (RFC 4180), for spreadsheets.",
    "json": "One JSON document (indented; --compact for one line).",
    "jsonl": "JSON Lines: one JSON object per line (also --nl).",
}


def output_options(*formats: str) -> Callable[[F], F]:
    """The output options of a command: one format flag of these, --compact, --fields,
    --no-headers and -o, kept in the context for _output."""

    def chosen(name: str) -> Callable[[click.Context, click.Parameter, bool], None]:
        def keep(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
            if value:
                ctx.meta.setdefault("precarious.formats", []).append(name)

        return keep

    flags = []
    for name in formats:
        names = (f"--{name}", "--nl") if name == "jsonl" else (f"--{name}",)
        flags.append(
            click.option(
                *names,
                is_flag=True,
                expose_value=False,
                callback=chosen(name),
                help=FORMAT_HELP[name],
            )
        )
    return _options(
        *flags,
        _meta_option("--compact", key="compact", is_flag=True, help="--json on one line."),
        _meta_option(
            "--fields",
            key="fields",
            metavar="A,B.C",
            help="Only these fields, by JSON path (title,pages.first) or whole objects (book), "
            "in every format.",
        ),
        _meta_option(
            "--no-headers",
            key="no_headers",
            is_flag=True,
            help="TSV, CSV and tables without a header row.",
        ),
        _meta_option(
            "--raw-cells",
            key="raw_cells",
            is_flag=True,
            help="TSV and CSV cells as the page has them: by default a cell that starts with "
            "= + - @ gets a leading ' so that no spreadsheet runs it as a formula.",
        ),
        _meta_option(
            "-o",
            "--output",
            key="output",
            type=click.Path(dir_okay=False, allow_dash=True),
            metavar="FILE",
            help="Write to FILE instead of stdout, atomically: FILE ends up whole or "
            "unchanged ('-' is stdout). Without a format flag, FILE's extension names it.",
        ),
        force_option,
    )


class Output(NamedTuple):
    """How a command's output is asked for."""

    fmt: str  # table, tsv, csv, json or jsonl
    fields: str | None
    headers: bool
    compact: bool
    raw: bool  # TSV and CSV cells not defused
    file: str | None  # the file -o names; None for stdout


def _output(extensions: dict[str, str] | None = None) -> Output:
    """The output options given, checked: one format (else a usage error), or the one -o's
    extension names, or a table on a terminal and TSV in a pipe."""
    meta = click.get_current_context().meta
    named = list(dict.fromkeys(meta.get("precarious.formats", [])))
    if len(named) > 1:
        raise click.UsageError(
            f"give one output format, not {' and '.join('--' + n for n in named)}"
        )
    output = meta.get("precarious.output")
    file = None if output is None or output == "-" else output
    fmt = _format_of(named[0] if named else None, file, extensions or TABLE_EXTENSIONS)
    fmt = fmt or ("table" if _interactive() else "tsv")
    if fmt == "table" and file is not None:
        raise click.UsageError("a table is drawn for the terminal: write --tsv, --csv or JSON")
    compact = bool(meta.get("precarious.compact"))
    if compact and fmt != "json":
        raise click.UsageError("--compact goes with --json")
    headers = not meta.get("precarious.no_headers")
    raw = bool(meta.get("precarious.raw_cells"))
    return Output(fmt, meta.get("precarious.fields"), headers, compact, raw, file)


def _said(key: str) -> bool:
    return bool(click.get_current_context().meta.get(f"precarious.{key}"))


def _say(message: str) -> None:
    """One line on stderr, shown safe for a terminal (read.printable): a file's name or a
    page's text cannot act on the terminal or forge a line."""
    from precarious.read import printable

    click.echo(f"precarious: {printable(message)}", err=True)


def _fail(message: str) -> NoReturn:
    """One clear line on stderr, exit 1."""
    _say(message)
    raise click.exceptions.Exit(1)


def bundled_seeds() -> str:
    """The sample shipped with the package (seeds/ in a source checkout)."""
    here = os.path.dirname(os.path.realpath(__file__))
    packaged = os.path.join(here, "seeds")  # where the wheel puts them
    return packaged if os.path.isdir(packaged) else os.path.join(os.path.dirname(here), "seeds")


def _sources(paths: Sequence[str], corpus: str | None) -> list[str]:
    """The corpus: the paths named, else --corpus (or PRECARIOUS_CORPUS), else the current
    folder when it holds .txt pages, else the bundled sample (said on stderr). Paths and
    --corpus together are a usage error; PRECARIOUS_CORPUS gives way to paths."""
    from click.core import ParameterSource

    ctx = click.get_current_context()
    if paths and corpus is not None:
        if ctx.get_parameter_source("corpus") == ParameterSource.COMMANDLINE:
            raise click.UsageError("name the corpus once: as arguments or with --corpus")
        corpus = None
    if paths:
        return list(paths)
    if corpus is not None:
        return [corpus]
    with contextlib.suppress(OSError):
        if any(n.casefold().endswith(".txt") for n in os.listdir(os.curdir)):
            return [os.curdir]
    seeds = bundled_seeds()
    if sys.stderr.isatty() and not _said("quiet"):
        count = sum(n.endswith(".txt") for n in os.listdir(seeds))
        _say(
            f"reading the bundled sample ({counted(count, 'page')}); name a folder "
            "or set PRECARIOUS_CORPUS"
        )
    return [seeds]


def _split(args: Sequence[str], corpus: str | None) -> tuple[list[str], list[str]]:
    """(keys, corpus) from a command's arguments: an argument that names a folder (or ends
    with '/') is the corpus; any other is a key (a .txt file names its page)."""
    keys: list[str] = []
    paths: list[str] = []
    for arg in args:
        is_folder = arg.endswith(("/", os.sep)) or os.path.isdir(arg)
        (paths if is_folder and not arg.casefold().endswith(".txt") else keys).append(arg)
    return keys, _sources(paths, corpus)


def _load(sources: Sequence[str], fmt: str) -> Corpus:
    """Read the pages, each page's output parts in `fmt` (a progress bar on a terminal when
    it takes a while), report the files that are no pages on stderr, stop with exit 1 if no
    page is left."""
    loaded = _read(sources, fmt)
    _report(sources, loaded.problems, len(loaded))
    return loaded


SHOWN = 5  # files named one by one on stderr before the rest are counted


def _report(
    sources: Sequence[str], problems: Sequence[PrecariousError], pages: int, lookup: bool = False
) -> None:
    """Name the files that could not be read on stderr: the first few (all with --verbose),
    then one line counting the rest; nothing for a lookup, which shows one page of the
    corpus (unless --verbose). Stop with exit 1 when no page is left."""
    from precarious.read import shown

    shown_here = len(problems) if _said("verbose") else SHOWN
    if not _said("quiet") and (not lookup or _said("verbose")):
        for problem in problems[:shown_here]:
            _say(str(problem))
        rest = len(problems) - shown_here
        if rest > 0:
            more = "more " if shown_here else ""
            _say(
                f"{counted(rest, more + 'file')} could not be read as chapter pages; "
                "'precarious check' names them"
            )
    if not pages:
        if len(sources) == 1 and problems and not os.path.isdir(sources[0]):
            if _said("quiet"):
                _say(str(problems[0]))
            raise click.exceptions.Exit(1)  # the one file named: its line says why
        _fail(f"no chapter pages found in {', '.join(shown(s) for s in sources)}")


def _read(sources: Sequence[str], fmt: str) -> Corpus:
    """The corpus, as --jobs and --no-cache say, with a progress bar on stderr when it is a
    terminal and the run takes more than about a second; nothing extra otherwise."""
    from precarious.corpus.run import Corpus

    ctx = click.get_current_context()
    bar = _progress()
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
                _say(str(note))
            if index.dropped:
                _say(
                    f"{counted(index.dropped, 'row')} of the cache could not be "
                    "read back: dropped, and read afresh"
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


def _progress() -> _ProgressBar | None:
    return _ProgressBar() if sys.stderr.isatty() and not _said("quiet") else None


class _ProgressBar:
    """A rich progress bar that appears only once a run has lasted a second: pages read of
    all, the rate, the time left."""

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
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeRemainingColumn,
            )

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("Reading pages", total=total, rate="")
        if done == total or done % 64 == 0:
            elapsed = time.monotonic() - self.started
            rate = f"{done / elapsed:,.0f} pages/s" if elapsed > 0 else ""
            description = "Grouping into books" if done == total else "Reading pages"
            self.progress.update(
                self.task, completed=done, total=total, rate=rate, description=description
            )

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _pick(key: str, sources: Sequence[str], book: str | None = None) -> Record:
    """The record KEY names (in the book --book names); KEY may also be the path of a page."""
    return _pick_all([key], sources, book)[0]


def _pick_all(keys: Sequence[str], sources: Sequence[str], book: str | None) -> list[Record]:
    """The records the KEYs name (corpus.lookup.pick), the corpus read with a progress bar
    only when a KEY is not the path of a page."""
    from precarious.corpus.lookup import pick

    try:
        return pick(
            keys,
            lambda fresh: _shelf(sources, fresh),
            lambda path: _load([path], "none").record(0),
            book,
        )
    except PrecariousError as err:
        _fail(str(err))


def _shelf(sources: Sequence[str], fresh: bool = False) -> Shelf:
    """The corpus as a lookup sees it (the index's, when nothing changed; else read now),
    its unreadable files counted in one line."""
    from precarious.corpus.lookup import open_shelf

    bar = _progress()
    try:
        found = open_shelf(sources, _jobs(), _index(), bar.update if bar else None, fresh)
    except PrecariousError as err:
        _fail(str(err))
    finally:
        if bar is not None:
            bar.close()
    _report(sources, found.problems, int(bool(found)), lookup=True)  # (no page: 0)
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
        _say(f"--strict: {rid} is incomplete: {codes}")
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


def _width() -> int:
    import shutil  # only tables need it; imported here to keep start-up short

    return shutil.get_terminal_size().columns


def _height() -> int:
    import shutil

    return shutil.get_terminal_size().lines


def _interactive() -> bool:
    return sys.stdout.isatty()


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="precarious")
def cli() -> None:
    """Clean records out of saved Cambridge Core book-chapter pages.

    Reads saved chapter pages (the folders named, else the current folder, else the
    bundled sample),
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


def _write(text: Text, file: str | None) -> None:
    """To stdout, or atomically to `file`; text may come in chunks, written as they are
    made. Data goes to stdout as it is, not through click.echo (which would strip what
    looks like a terminal escape in a pipe): piped and -o output are the same bytes."""
    if file is None:
        stream = sys.stdout
        binary = getattr(stream, "buffer", None)
        try:
            stream.flush()
            for piece in _pieces([text] if isinstance(text, str) else text):
                if binary is not None:
                    binary.write(piece)
                else:  # a text stream (a library caller's StringIO)
                    stream.write(piece.decode())
        except BrokenPipeError:
            raise _ReaderGone from None  # (click would make it exit 1)
        except OSError as err:  # a full disk, say: the output's own failure
            raise WriteFailed("standard output", err.strerror or str(err)) from None
        return
    from pathlib import Path  # (only a file to write needs these)

    from precarious.atomic import write_atomic

    try:
        write_atomic(Path(file), text, force=_said("force"))
    except PrecariousError as err:
        _fail(str(err))


def _draw(view: str) -> None:
    """A view drawn for a terminal (a table, a panel), through the pager ($PAGER, else
    less) when it is longer than the terminal, as git and gh do; its styles are dropped
    when stdout is not a terminal (click sees to it)."""
    if _interactive() and not _said("no_pager") and view.count("\n") >= _height() - 1:
        click.echo_via_pager(view)
    else:
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
    out: Output,
    document: Callable[[], Any],
    rows: Callable[[], Iterable[dict[str, Any]]],
    known: Sequence[str],
    grid: Callable[[], Grid] | None,
    table: Callable[[int], str],
) -> None:
    """A view in the format asked for: `document()` for --json, `rows()` for --jsonl, TSV and
    CSV (by the JSON paths `known`, or `grid()`'s own columns), `table(width)` on a terminal.
    --fields picks among `known` in every format. Only the view asked for is built."""
    from precarious.views import render
    from precarious.views import rows as by_path

    try:
        chosen = by_path.columns(out.fields, known) if out.fields else None
    except PrecariousError as err:
        raise click.UsageError(str(err)) from None
    if out.fmt == "table":
        if chosen is None:
            _draw(table(_width()))
        else:
            _draw(render.fields_table(rows(), chosen, out.headers, _width()))
        return
    if out.fmt in ("json", "jsonl"):
        if chosen is not None:
            picked = (by_path.picked(r, chosen) for r in rows())
            data: Any = list(picked) if out.fmt == "json" else picked
        else:
            data = document() if out.fmt == "json" else rows()
        if out.fmt == "jsonl":
            _write(render.jsonl_chunks(data), out.file)
        elif out.compact:
            _write(render.compact_json(data), out.file)
        else:
            _write(
                render.to_json(data) if isinstance(data, dict) else render.json_chunks(data),
                out.file,
            )
        return
    if chosen is None and grid is not None:
        header, body = grid()
    else:
        header, body = by_path.grid(rows(), chosen or known)
    grid_ = (header if out.headers else None, body)
    _write(render.delimited_chunks(out.fmt, grid_, out.raw), out.file)


TABLE_EXTENSIONS = {".json": "json", ".jsonl": "jsonl", ".tsv": "tsv", ".csv": "csv"}


def _in_book(loaded: Corpus, book: str | None) -> CorpusBook | None:
    """The book --book names, or None for all."""
    if book is None:
        return None
    from precarious.corpus.lookup import find_book

    try:
        return find_book(loaded.books(), book)
    except PrecariousError as err:
        _fail(str(err))


@cli.command("list")
@click.argument("paths", nargs=-1, type=click.Path())
@corpus_option
@book_option
@output_options("table", "tsv", "csv", "json", "jsonl")
@strict_option
@talk_options
@reading_options
def list_command(
    paths: tuple[str, ...], corpus: str | None, book: str | None, strict: bool
) -> None:
    """One row per page: on a terminal, number, title, pages, book, warnings and id.

    PATHS are .txt pages or folders of them (subfolders included); without any,
    --corpus, else the current folder when it holds .txt pages, else the bundled
    sample. A file that cannot be read is named on stderr and the others go on.
    TSV and CSV have every field, by its JSON path (pages.first); --json has the
    full records; --fields picks fields in any format.

    \b
    Examples:
      precarious list ~/saved-pages
      precarious list --book "precarious truce" --fields number,title,pages.first
      precarious list --json | jq -r '.[] | [.number, .title] | @tsv'
      precarious list --nl | jq -c 'select(.warnings | length > 0) | .id'
    """
    from precarious.views import render

    out = _output()
    fast = out.fmt in ("json", "jsonl") and not out.fields and not out.compact
    loaded = _load(_sources(paths, corpus), out.fmt if fast else "jsonl")
    within = _in_book(loaded, book)
    group = loaded.grouping.group
    chosen = None if within is None else group[within.pages[0].pos]
    incomplete: list[tuple[str, str]] = []

    def items() -> Iterator[bytes]:
        for pos, _, parts, found in loaded.items():
            if chosen is None or group[pos] == chosen:
                if strict and (gaps := _incomplete(found[-2], found[-1].split("\x1f"))):
                    incomplete.append(gaps)
                yield render.page_item(out.fmt if fast else "jsonl", parts, found)

    if fast:
        _write(render.records_chunks(out.fmt, items()), out.file)
    else:
        import orjson

        from precarious.views import rows as by_path

        records = (orjson.loads(item) for item in items())
        several = len(loaded.books()) > 1 if within is None else False
        _emit(
            out,
            lambda: list(records),
            lambda: records,
            by_path.record_columns(),
            None,
            lambda width: render.records_table(list(records), width, several, out.headers),
        )
    _strict(strict, incomplete, loaded.problems)


@cli.command()
@click.argument("args", nargs=-1, required=True, metavar="KEY [FOLDER]...")
@corpus_option
@book_option
@click.option("--json", "as_json", is_flag=True, help="The record as one JSON object.")
@strict_option
@talk_options
@reading_options
def show(
    args: tuple[str, ...], corpus: str | None, book: str | None, as_json: bool, strict: bool
) -> None:
    """One page in full: book, number, title, pages, dates, authors, summary, warnings.

    KEY is a chapter number ("4"), an id or a unique id prefix ("002"), words of
    the title ("general strike", any case), or the path of a page. A FOLDER after
    it (or --corpus) names the corpus. When nothing or more than one page
    matches, the candidates are named and the exit code is 1; when several books
    have a chapter 4, --book says which.

    \b
    Examples:
      precarious show 4
      precarious show 002 ~/saved-pages
      precarious show "general strike" --json | jq .pages
      precarious show 4 --book "precarious truce"
    """
    from precarious.views import render

    keys, sources = _split(args, corpus)
    if len(keys) != 1:
        raise click.UsageError("give one KEY (a folder after it names the corpus)")
    record = _pick(keys[0], sources, book)
    if as_json:
        _write(render.to_json(record.to_dict()), None)
    elif _interactive():
        _draw(render.record_panel(record, _width()))
    else:
        _write(render.record_text(record), None)
    _strict(strict, _incompletes([record]))


@cli.command()
@click.argument("args", nargs=-1, required=True, metavar="KEY|FILE [FOLDER]...")
@corpus_option
@click.option("--json", "as_json", is_flag=True, help="Every block with all its lines, as JSON.")
@talk_options
@reading_options
def blocks(args: tuple[str, ...], corpus: str | None, as_json: bool) -> None:
    """The block map of a page: which lines became which block, and the unknown lines.

    Use it to see why a field came out as it did. The page is a KEY as for `show`
    (a FOLDER after it names the corpus), or the path of any .txt page, even one
    that is not a chapter page.

    \b
    Examples:
      precarious blocks 4
      precarious blocks saved/page.txt --json | jq '.[] | select(.kind == "unknown")'
    """
    from precarious.blocks import detect
    from precarious.read import read_page
    from precarious.views import render

    keys, sources = _split(args, corpus)
    if len(keys) != 1:
        raise click.UsageError("give one KEY or FILE (a folder after it names the corpus)")
    target = keys[0]
    try:
        page = read_page(target if os.path.isfile(target) else _pick(target, sources).source)
    except PrecariousError as err:
        _fail(str(err))
    found = detect(page)
    if as_json:
        _write(render.to_json(b.to_dict() for b in found), None)
    elif _interactive():
        _draw(render.blocks_table(found, _width()))
    else:
        # The page's lines as they are: this view shows the file, not values to compute on.
        _write(render.delimited("tsv", render.blocks_grid(found), raw=True), None)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@corpus_option
@output_options("table", "tsv", "csv", "json", "jsonl")
@talk_options
@reading_options
def books(paths: tuple[str, ...], corpus: str | None) -> None:
    """One row per book: title, subtitle, publisher, year, pages in the corpus.

    Pages are grouped into books by the title and print year they print; a page
    without them joins a book when its contents list or its chapter heading
    matches that book's. "Pages" counts the pages the corpus holds against the
    entries of the book's contents list; "Covered" counts the entries with a page.

    \b
    Examples:
      precarious books ~/saved-pages
      precarious books --json | jq -r '.[] | "\\(.title): \\(.pages) pages"'
    """
    from precarious.corpus.books import book_dict
    from precarious.views import render

    out = _output()
    found = _load(_sources(paths, corpus), "none").books()
    _emit(
        out,
        lambda: [book_dict(b) for b in found],
        lambda: (book_dict(b) for b in found),
        _schema_columns("books"),
        lambda: render.books_grid(found),
        lambda width: render.books_table(found, width, out.headers),
    )


@cli.command("toc")
@click.argument("args", nargs=-1, metavar="[BOOK] [FOLDER]...")
@corpus_option
@book_option
@output_options("table", "tsv", "csv", "json", "jsonl")
@talk_options
@reading_options
def toc_command(args: tuple[str, ...], corpus: str | None, book: str | None) -> None:
    """A book's contents list, each entry with its pages and the page that covers it.

    BOOK (or --book) is a book id or words of its title; it may be left out when
    the corpus holds one book. A FOLDER names the corpus. Entries the corpus lacks
    are marked "missing". A page that prints no title is placed on an entry only
    when the evidence leaves one candidate ("inferred"); otherwise it is listed
    as unplaced, with the entries it could be. --jsonl gives one entry per line.

    \b
    Examples:
      precarious toc
      precarious toc truce ~/saved-pages --json | jq '.entries[] | select(.status == "missing")'
    """
    from precarious.corpus.books import toc_dict
    from precarious.corpus.lookup import choose_book
    from precarious.views import render

    out = _output()
    keys, sources = _split(args, corpus)
    if len(keys) > 1 or (keys and book and keys[0] != book):
        raise click.UsageError("give the book once: as BOOK or as --book")
    books = _load(sources, "none").books()
    try:
        chosen = choose_book(books, keys[0] if keys else book)
    except PrecariousError as err:
        _fail(str(err))
    _emit(
        out,
        lambda: toc_dict(chosen),
        lambda: toc_dict(chosen)["entries"],
        _schema_columns("toc", "entry"),
        lambda: render.toc_grid(chosen),
        lambda width: render.toc_table(chosen, width, out.headers),
    )


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@corpus_option
@output_options("table", "tsv", "csv", "json", "jsonl")
@talk_options
@reading_options
def check_command(paths: tuple[str, ...], corpus: str | None) -> None:
    """Validate the corpus: exit 0 when clean, 1 when anything is reported.

    Reports each page's missing blocks and cut-off values, pages of no book,
    contents lists and book fields that disagree with the rest of their book,
    pages saved twice (naming the more complete), overlapping page ranges or
    ranges against the contents order, untitled pages that cannot be placed,
    and files that are not chapter pages. --jsonl gives one finding per line.
    Use it to guard a corpus in CI.

    \b
    Examples:
      precarious check ~/saved-pages
      precarious check --nl | jq -r '"\\(.path): \\(.code)"'
    """
    from precarious.views import render
    from precarious.views.check import check, report, summary

    out = _output()
    loaded = _read(_sources(paths, corpus), "warnings")
    findings = check(loaded)
    _emit(
        out,
        lambda: report(loaded, findings),
        lambda: [f.to_dict() for f in findings],
        _schema_columns("check", "finding"),
        lambda: render.check_grid(findings),
        lambda width: render.check_table(findings, summary(loaded, findings), width, out.headers),
    )
    if findings:
        raise click.exceptions.Exit(1)


def _schema_columns(name: str, item: str | None = None) -> tuple[str, ...]:
    """The JSON paths of the rows of a view, from its schema (the array's items, or the
    $defs entry `item`)."""
    import json

    from precarious.record import schema_text
    from precarious.views.rows import paths

    schema = json.loads(schema_text(name))
    node = schema["$defs"][item] if item else schema["items"]
    return paths({**node, "$defs": schema["$defs"]})


@cli.command()
@click.argument(
    "name", type=click.Choice(["record", "books", "toc", "check", "blocks"]), default="record"
)
def schema(name: str) -> None:
    """The JSON Schema (draft 2020-12) of the records --json prints, or of the JSON of
    books, toc, check or blocks.

    Each record names the version it follows in `schema_version`; see docs/record.md
    for how the version changes.

    \b
    Examples:
      precarious schema > record.schema.json
      precarious schema toc | jq -r '."$id"'
    """
    from precarious.record import schema_text

    _write(schema_text(name), None)


EXPORT_EXTENSIONS = {".json": "csl-json", ".bib": "bibtex", ".ris": "ris"}
EXPORT_FORMATS = tuple(dict.fromkeys(EXPORT_EXTENSIONS.values()))


@cli.command()
@click.argument("args", nargs=-1, metavar="[KEY]... [FOLDER]...")
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
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="FILE",
    help="Write to FILE instead of stdout, atomically ('-' is stdout).",
)
@force_option
@click.option(
    "--untitled",
    is_flag=True,
    help="Export pages that print no chapter title too (left out by default: a reference "
    "without a title cannot be printed).",
)
@strict_option
@talk_options
@reading_options
def export(
    args: tuple[str, ...],
    corpus: str | None,
    book: str | None,
    fmt: str | None,
    output: str | None,
    untitled: bool,
    strict: bool,
) -> None:
    """Citations for Zotero, pandoc, LaTeX: CSL-JSON, BibTeX (@incollection) or RIS.

    Exports the pages KEY names (as for `show`; a FOLDER names the corpus), or
    every page (of --book) when there is no KEY. Each entry's citation key
    ("gorodetsky1977ch4": first author, year, chapter) is the same in any export;
    copies of one chapter are exported once. Only what the page states is
    exported; the capture date is the access date. Pages without a title are
    left out unless --untitled; what is missing is counted on stderr.

    \b
    Examples:
      precarious export 4 --format bibtex
      precarious export --format csl-json | jq length
      precarious export -o truce.bib --book truce ~/saved-pages
      pandoc --citeproc --bibliography truce.bib doc.md
    """
    from precarious.views import export as cite

    file = None if output is None or output == "-" else output
    fmt = _format_of(fmt, file, EXPORT_EXTENSIONS) or "csl-json"
    keys, sources = _split(args, corpus)
    problems: Sequence[object] = ()
    records: Iterable[Record]
    if keys:
        records = _pick_all(keys, sources, book)
    else:
        loaded = _load(sources, "jsonl")
        within = _in_book(loaded, book)
        records, problems = loaded.records(within.id if within else None), loaded.problems
    chosen = cite.chosen(records, untitled or bool(keys))  # a page named is exported
    notes = _Notes()
    for record, item in zip(chosen.records, chosen.items, strict=True):
        if missing := cite.gaps(item):
            notes.add(
                f"{record.id}: exported as {item['id']} without {', '.join(missing)}",
                ", ".join(missing),
            )
    if chosen.untitled:
        notes.summary(
            f"{counted(chosen.untitled, 'page')} without a title left out (--untitled exports them)"
        )
    if chosen.copies:
        copies = "1 copy" if chosen.copies == 1 else f"{chosen.copies} copies"
        notes.summary(f"{copies} of a chapter already exported left out")
    _write(cite.citations_chunks(fmt, (cite.citation_item(fmt, i) for i in chosen.items)), file)
    notes.flush("exported without")
    if not chosen.items and not _said("quiet"):
        _say("nothing to export")
    _strict(strict, _incompletes(chosen.records), problems)


class _Notes:
    """Lines for stderr about the output: the first few one by one (all with --verbose),
    then one line counting the rest by kind; nothing with --quiet."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.kinds: Counter[str] = Counter()
        self.summaries: list[str] = []

    def add(self, line: str, kind: str) -> None:
        self.lines.append(line)
        self.kinds[kind] += 1

    def summary(self, line: str) -> None:
        self.summaries.append(line)

    def flush(self, what: str) -> None:
        if _said("quiet"):
            return
        shown = len(self.lines) if _said("verbose") else SHOWN
        for line in self.lines[:shown]:
            _say(str(line))
        if len(self.lines) > shown:
            counts = "; ".join(f"{n} {kind}" for kind, n in self.kinds.most_common())
            _say(f"{len(self.lines)} entries {what} a field ({counts}); --verbose names each")
        for line in self.summaries:
            _say(str(line))


@cli.command()
@click.option("--clear", is_flag=True, help="Delete the index (it is made again as needed).")
@click.option("--json", "as_json", is_flag=True, help="Where, how big and how many pages, as JSON.")
def cache(clear: bool, as_json: bool) -> None:
    """The page index in the user cache folder: where it is, how big, how many pages.

    The index keeps what each page gave, so that unchanged pages are not read
    again; it is rebuilt as needed, and --clear empties it. Its folder is the
    platform's cache folder (XDG_CACHE_HOME on Linux).

    \b
    Examples:
      precarious cache
      precarious cache --clear
    """
    from precarious.corpus.index import clear_cache, describe_cache
    from precarious.views import render

    if clear:
        removed = clear_cache()
        _say(
            f"removed the index ({_size(removed)})" if removed else "precarious: no index to remove"
        )
        return
    facts = describe_cache()
    if as_json:
        _write(render.to_json(facts), None)
        return
    click.echo(f"path:    {facts['path']}")
    click.echo(f"size:    {_size(facts['bytes'])}")
    click.echo(f"pages:   {facts['pages']}")
    click.echo(f"corpora: {facts['corpora']}")


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} bytes"


class _ReaderGone(Exception):
    """The reader of stdout went away (`| head`): the command is done."""


# Signals that end a run, what is said of each; the exit code is 128 + the signal's number.
_SIGNALS = {"SIGINT": "interrupted", "SIGTERM": "terminated", "SIGHUP": "hung up"}


class _Signalled(BaseException):
    """A signal asked the run to end. Raised in the main thread by the handler, it unwinds
    like Ctrl-C: temporary files removed, workers stopped, an output file left as it was."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _signals() -> Any:
    """_signal, not signal: the same functions without the enums, which cost start-up time."""
    import _signal  # type: ignore[import-not-found]

    return _signal


def _on_signal(signum: int, _frame: object) -> None:
    _signal = _signals()
    for name in _SIGNALS:  # one is enough: let the unwinding finish
        _signal.signal(getattr(_signal, name), _signal.SIG_IGN)
    raise _Signalled(signum)


@contextlib.contextmanager
def _signals_end_the_run() -> Iterator[None]:
    _signal = _signals()
    before = {}
    with contextlib.suppress(ValueError):  # not the main thread: leave signals be
        for name in _SIGNALS:
            if hasattr(_signal, name):
                number = getattr(_signal, name)
                before[number] = _signal.signal(number, _on_signal)
    try:
        yield
    finally:
        for number, handler in before.items():
            _signal.signal(number, handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: click's own handling; SIGINT, SIGTERM and SIGHUP end the run cleanly
    (exit 130, 143, 129); one line, never a traceback, for any failure: a failure to write
    the output is said as one, any other names its path."""
    with _signals_end_the_run():
        try:
            return _main(argv)
        except _Signalled as signalled:
            _silence_stdout()
            _signal = _signals()
            said = (s for n, s in _SIGNALS.items() if getattr(_signal, n, None) == signalled.signum)
            _say(next(said, "ended by a signal"))
            return 128 + signalled.signum


def _main(argv: Sequence[str] | None) -> int:
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
    except _ReaderGone:
        _silence_stdout()
        return 0
    except (click.Abort, KeyboardInterrupt):
        _say("interrupted")
        return 130
    except PrecariousError as err:  # while the output is made (records are made lazily)
        _say(str(err))
        return 1
    except MemoryError:
        _say("out of memory; try --jobs 1, or a smaller corpus")
        return 1
    except OSError as err:
        _silence_stdout()
        if err.errno == errno.EPIPE:  # the reader went away (`| head`): done, as it asked
            return 0
        _say(_os_error(err))
        return 1
    return result if isinstance(result, int) else 0


def _os_error(err: OSError) -> str:
    """An OSError that escaped as one line: its path when it has one, and the cause."""
    from precarious.read import printable, shown

    if err.errno == errno.EMFILE:
        return "too many open files (the limit is `ulimit -n`)"
    what = err.strerror or str(err)
    if err.filename is not None:
        return f"{printable(shown(err.filename))}: {what}"
    if sys.stdout.closed or err.errno in (errno.ENOSPC, errno.EIO):
        return f"cannot write output: {what}"
    return what


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that what is still buffered cannot fail again at exit."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def run() -> NoReturn:
    """The console script."""
    sys.exit(main())
