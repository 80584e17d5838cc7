"""What users trip over, each finding of the UX issue as a test: naming the corpus, output
flags, terminal views, stderr, the cache, the schemas of every JSON view."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator

from precarious import cli as cli_module
from precarious.cli import cli
from precarious.record import SCHEMAS, schema_text
from precarious.views.render import records_table, short_ids
from tests.conftest import FIXTURES, SEEDS, copies

CORPUS = FIXTURES / "corpus"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env={"PRECARIOUS_CORPUS": None, **(env or {})})


# -- one way to name the corpus --------------------------------------------------------


def test_a_folder_of_pages_is_read_where_the_user_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mine.txt").write_bytes((FIXTURES / "pages" / "authors_part.txt").read_bytes())
    monkeypatch.chdir(tmp_path)
    listed = run("list", "--fields", "id")
    assert listed.stdout == "id\nmine\n"
    assert json.loads(run("export").stdout)[0]["title"] == "Empires of the mind [revisited]"


def test_the_bundled_sample_is_said_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .txt here
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    with pytest.raises(SystemExit):
        cli.main(["list", "--fields", "id", "--tsv"], prog_name="precarious")
    err = capsys.readouterr().err
    assert err.startswith(
        "precarious: reading the bundled sample (3 pages); name a folder or set PRECARIOUS_CORPUS"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["show", "4", "truce/"],
        ["show", "4", "--corpus", "truce"],
        ["blocks", "4", "truce"],
        ["export", "4", "truce/"],
        ["toc", "truce"],
        ["toc", "--corpus", "truce"],
    ],
)
def test_every_command_takes_the_corpus_as_an_argument_or_an_option(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CORPUS)
    result = run(*args)
    assert result.exit_code == 0, result.stderr


def test_the_corpus_named_twice_is_a_usage_error() -> None:
    result = run("list", str(SEEDS), "--corpus", str(CORPUS))
    assert result.exit_code == 2
    assert "name the corpus once" in result.stderr
    # the environment's corpus gives way to the one named
    assert run("list", str(SEEDS), env={"PRECARIOUS_CORPUS": str(CORPUS)}).exit_code == 0


# -- output flags ------------------------------------------------------------------------


def test_two_formats_are_a_usage_error() -> None:
    result = run("list", "--json", "--csv")
    assert (result.exit_code, result.stdout) == (2, "")
    assert "give one output format, not --json and --csv" in result.stderr


@pytest.mark.parametrize("command", ["list", "books", "check"])
def test_nl_is_jsonl(command: str) -> None:
    assert run(command, "--nl").stdout == run(command, "--jsonl").stdout


def test_fields_in_every_format() -> None:
    fields = "number,title,pages.first,book.title"
    rows = [
        json.loads(line) for line in run("list", "--jsonl", "--fields", fields).stdout.splitlines()
    ]
    assert rows[0] == {
        "number": 4,
        "title": "Russia and the general strike",
        "pages": {"first": "134"},
        "book": {"title": "The Precarious Truce"},
    }
    assert json.loads(run("list", "--json", "--fields", fields).stdout) == rows
    tsv = run("list", "--tsv", "--fields", fields).stdout.splitlines()
    assert tsv[0] == "number\ttitle\tpages.first\tbook.title"
    assert tsv[1] == "4\tRussia and the general strike\t134\tThe Precarious Truce"
    csv = run("list", "--csv", "--fields", fields, "--no-headers").stdout
    assert csv.splitlines()[0] == "4,Russia and the general strike,134,The Precarious Truce"
    whole = json.loads(run("list", "--json", "--fields", "book").stdout)[0]
    assert set(whole) == {"book"}
    assert "joined" in whole["book"]


def test_an_unknown_field_is_a_usage_error_naming_the_fields() -> None:
    result = run("list", "--fields", "titel")
    assert result.exit_code == 2
    assert "no field 'titel'; the fields are: id, number, title" in result.stderr


def test_compact_json_is_one_line() -> None:
    text = run("list", "--json", "--compact").stdout
    assert text.count("\n") == 1
    assert json.loads(text) == json.loads(run("list", "--json").stdout)
    assert run("list", "--jsonl", "--compact").exit_code == 2


@pytest.mark.parametrize(
    ("command", "schema", "rows"),
    [(["books"], "books", None), (["toc"], "toc", "entries"), (["check"], "check", "findings")],
)
def test_books_toc_and_check_write_json_lines_and_files(
    command: list[str], schema: str, rows: str | None, tmp_path: Path
) -> None:
    document = json.loads(run(*command, "--json").stdout)
    Draft202012Validator(json.loads(schema_text(schema))).validate(document)
    lines = [json.loads(line) for line in run(*command, "--jsonl").stdout.splitlines()]
    assert lines == (document if rows is None else document[rows])
    target = tmp_path / "out.jsonl"
    assert run(*command, "-o", str(target)).exit_code in (0, 1)  # check exits 1 on findings
    assert target.read_text(encoding="utf-8") == run(*command, "--jsonl").stdout


def test_blocks_json_follows_its_schema() -> None:
    blocks = json.loads(run("blocks", "4", "--json").stdout)
    Draft202012Validator(json.loads(schema_text("blocks"))).validate(blocks)


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_schema_has_a_real_id_and_describes_every_field(name: str) -> None:
    schema = json.loads(run("schema", name).stdout)
    Draft202012Validator.check_schema(schema)
    assert schema["$id"].startswith(f"urn:precarious:schema:{name}:")
    undescribed: list[str] = []

    def walk(node: dict[str, object], path: str) -> None:
        properties = node.get("properties", {})
        assert isinstance(properties, dict)
        for key, child in properties.items():
            if "description" not in child:
                undescribed.append(f"{path}.{key}")
            walk(child, f"{path}.{key}")
        items = node.get("items")
        if isinstance(items, dict):
            walk(items, f"{path}[]")

    walk(schema, name)
    for key, definition in schema.get("$defs", {}).items():
        walk(definition, f"$defs.{key}")
    assert undescribed == []


# -- terminal views ----------------------------------------------------------------------


def _records() -> list[dict[str, object]]:
    return [json.loads(line) for line in run("list", "--jsonl", str(CORPUS)).stdout.splitlines()]


@pytest.mark.parametrize("width", [40, 80, 120])
def test_the_page_table_is_readable_at_any_width(width: int) -> None:
    text = records_table(_records(), width, several_books=True)
    lines = click.unstyle(text).splitlines()
    assert all(len(line) <= width for line in lines)
    assert "Russia" in text
    assert "general" in text
    assert "strike" in text
    if width >= 80:
        assert "Harbours of" in text  # a book column: two books' chapter 4 told apart
    if width < 76:
        assert "truce/000" not in text  # the id goes before the title does


def test_ids_are_shortened_to_their_unique_prefix() -> None:
    ids = ["000_89d64f6c4c7f9a3b", "002_84761bd352faf2a0", "004_c3effe51be84b58d"]
    assert short_ids(ids) == {i: i[:3] for i in ids}
    assert short_ids(["truce/000_x", "truce/002_y"]) == {
        "truce/000_x": "truce/000",
        "truce/002_y": "truce/002",
    }


def test_long_views_go_through_the_pager(monkeypatch: pytest.MonkeyPatch) -> None:
    paged: list[str] = []
    monkeypatch.setattr(cli_module, "_interactive", lambda: True)
    monkeypatch.setattr(cli_module, "_height", lambda: 5)
    monkeypatch.setattr(cli_module.click, "echo_via_pager", paged.append)
    result = run("list", str(CORPUS))
    assert result.exit_code == 0
    assert len(paged) == 1
    assert "Russia" in paged[0]
    paged.clear()
    assert run("list", "--no-pager", str(CORPUS)).exit_code == 0
    assert paged == []


# -- the cache ---------------------------------------------------------------------------


def test_the_cache_command_shows_and_clears_the_index(
    own_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = copies(tmp_path / "big", 70)  # a corpus big enough to be indexed (run.INDEXED)
    monkeypatch.setattr("precarious.corpus.index._SETTLED_NS", 0)  # files just written count
    assert run("list", str(big)).exit_code == 0
    facts = json.loads(run("cache", "--json").stdout)
    assert Path(facts["path"]).is_relative_to(own_cache)  # the platform's cache folder
    assert facts["pages"] == 70
    assert facts["bytes"] > 0
    shown = run("cache").stdout
    assert f"path:    {facts['path']}" in shown
    cleared = run("cache", "--clear")
    assert cleared.exit_code == 0
    assert "removed the index" in cleared.stderr
    assert not os.path.exists(facts["path"])
    assert json.loads(run("cache", "--json").stdout)["pages"] == 0
