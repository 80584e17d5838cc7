"""The command line: the only module that prints or exits.

Exit codes: 0 success, 1 nothing found / not found / ambiguous, 2 usage error,
130 interrupted.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from precarious import __version__, render
from precarious.corpus import Corpus, bundled_seeds, extract_all
from precarious.errors import PrecariousError
from precarious.lookup import find
from precarious.records import Record

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

corpus_option = click.option(
    "--corpus",
    type=click.Path(path_type=Path),
    envvar="PRECARIOUS_CORPUS",
    help="Folder of saved .txt pages (env PRECARIOUS_CORPUS). Default: the bundled seeds.",
)


def _fail(message: str) -> NoReturn:
    """One clear line on stderr, exit 1."""
    click.echo(f"precarious: {message}", err=True)
    raise click.exceptions.Exit(1)


def _load(paths: Sequence[Path], corpus: Path | None) -> Corpus:
    """Read the pages, report every bad file on stderr, stop with exit 1 if none is left."""
    sources = list(paths) or [corpus or bundled_seeds()]
    loaded = extract_all(sources)
    for problem in loaded.problems:
        click.echo(f"precarious: {problem}", err=True)
    if not loaded.records:
        _fail(f"no chapter pages found in {', '.join(str(s) for s in sources)}")
    return loaded


def _pick(key: str, corpus: Path | None) -> Record:
    """The record KEY names; KEY may also be the path of a page."""
    path = Path(key)
    records = _load([path] if path.is_file() else [], corpus).records
    if path.is_file():
        return records[0]
    try:
        return find(records, key)
    except PrecariousError as err:
        _fail(str(err))


def _width() -> int:
    return shutil.get_terminal_size().columns


def _interactive() -> bool:
    return sys.stdout.isatty()


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="precarious")
def cli() -> None:
    """Clean records out of saved Cambridge Core book-chapter pages.

    Reads raw text dumps of chapter pages (the bundled seeds unless told otherwise),
    finds each block (contents, heading, summary, pages, publisher, …) and prints one
    record per page: a table for people, tab-separated lines or JSON for scripts.

    \b
    Examples:
      precarious list
      precarious show 4
      precarious list --json | jq '.[] | .title'
      precarious blocks 002
    """


@cli.command("list")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@corpus_option
@click.option("--table", "fmt", flag_value="table", help="A table (the default on a terminal).")
@click.option("--tsv", "fmt", flag_value="tsv", help="Tab-separated lines (the default in a pipe).")
@click.option("--json", "fmt", flag_value="json", help="One JSON array of full records.")
@click.option("--jsonl", "fmt", flag_value="jsonl", help="One JSON record per line.")
def list_command(paths: tuple[Path, ...], corpus: Path | None, fmt: str | None) -> None:
    """One row per page: number, title, pages, summary heading, warnings, id.

    PATHS are .txt pages or folders of them; without any, the corpus is read.
    A file that cannot be read is named on stderr and the others go on.

    \b
    Examples:
      precarious list
      precarious list --corpus ~/saved-pages
      precarious list --json | jq -r '.[] | [.number, .title] | @tsv'
      precarious list --jsonl | jq -c 'select(.warnings | length > 0) | .id'
    """
    records = _load(paths, corpus).records
    fmt = fmt or ("table" if _interactive() else "tsv")
    if fmt == "json":
        click.echo(render.to_json(r.to_dict() for r in records), nl=False)
    elif fmt == "jsonl":
        click.echo(render.to_jsonl(r.to_dict() for r in records), nl=False)
    elif fmt == "tsv":
        click.echo(render.records_tsv(records), nl=False)
    else:
        click.echo(render.records_table(records, _width()), nl=False)


@cli.command()
@click.argument("key")
@corpus_option
@click.option("--json", "as_json", is_flag=True, help="The record as one JSON object.")
def show(key: str, corpus: Path | None, as_json: bool) -> None:
    """One page in full: book, number, title, pages, dates, authors, summary, warnings.

    KEY is a chapter number ("4"), an id or a unique id prefix ("002"), words of
    the title ("general strike", any case), or the path of a page. When nothing
    or more than one page matches, the candidates are named and the exit code is 1.

    \b
    Examples:
      precarious show 4
      precarious show 002
      precarious show "general strike" --json | jq .pages
    """
    record = _pick(key, corpus)
    if as_json:
        click.echo(render.to_json(record.to_dict()), nl=False)
    elif _interactive():
        click.echo(render.record_panel(record, _width()), nl=False)
    else:
        click.echo(render.record_text(record), nl=False)


@cli.command()
@click.argument("target", metavar="KEY|FILE")
@corpus_option
@click.option("--json", "as_json", is_flag=True, help="Every block with all its lines, as JSON.")
def blocks(target: str, corpus: Path | None, as_json: bool) -> None:
    """The block map of a page: which lines became which block, and the unknown lines.

    Use it to see why a field came out as it did. TARGET is a KEY as for
    `show`, or the path of any .txt page (even one that is not a chapter page).

    \b
    Examples:
      precarious blocks 4
      precarious blocks saved/page.txt --json | jq '.[] | select(.kind == "unknown")'
    """
    from precarious.blocks import detect
    from precarious.reader import read_page

    path = Path(target)
    try:
        page = read_page(path if path.is_file() else _pick(target, corpus).source)
    except PrecariousError as err:
        _fail(str(err))
    found = detect(page)
    if as_json:
        click.echo(render.to_json(b.to_dict() for b in found), nl=False)
    elif _interactive():
        click.echo(render.blocks_table(found, _width()), nl=False)
    else:
        click.echo(render.blocks_tsv(found), nl=False)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: click's own handling, plus a quiet exit 130 on Ctrl-C."""
    try:
        result = cli.main(args=argv, prog_name="precarious", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as err:
        err.show()
        return err.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("precarious: interrupted", err=True)
        return 130
    return result if isinstance(result, int) else 0


def run() -> NoReturn:
    """The console script."""
    sys.exit(main())
