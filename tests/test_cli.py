"""The commands through click's CliRunner: stdout and stderr checked separately."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from precarious import __version__
from precarious.cli import cli, main
from tests.conftest import FIXTURES, SEEDS

CH4 = "000_89d64f6c4c7f9a3b"
PREFACE = "002_84761bd352faf2a0"
CH6 = "004_c3effe51be84b58d"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env={"PRECARIOUS_CORPUS": None, **(env or {})})


@pytest.fixture
def bad_corpus(tmp_path: Path) -> Path:
    """The bad inputs of the issue beside one good page."""
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 au lait\n".encode("latin-1"))
    (tmp_path / "search.txt").write_text("Hostname: x\nSearch results\n1 - 20 of 300\n")
    for other in (FIXTURES / "other").glob("*.txt"):
        (tmp_path / other.name).write_bytes(other.read_bytes())
    (tmp_path / f"{CH4}.txt").write_bytes((SEEDS / f"{CH4}.txt").read_bytes())
    return tmp_path


def test_list_piped_is_tsv_with_header() -> None:
    result = run("list")
    assert result.exit_code == 0
    assert result.stderr == ""
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert lines[0][:4] == ["id", "number", "title", "pages.first"]
    assert lines[1][:6] == [CH4, "4", "Russia and the general strike", "134", "179", "46"]
    assert lines[2][:6] == [PREFACE, "", "", "ix", "xiv", "6"]
    assert len(lines) == 4
    assert "─" not in result.stdout


def test_list_json_is_one_array_of_full_records() -> None:
    result = run("list", "--json")
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert [r["id"] for r in records] == [CH4, PREFACE, CH6]
    assert records[2]["captured_at"] == "2025-01-26T14:26:49.021Z"


def test_list_jsonl_is_one_record_per_line() -> None:
    lines = run("list", "--jsonl").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [CH4, PREFACE, CH6]


def test_list_table_draws_rich_table() -> None:
    out = run("list", "--table", env={"NO_COLOR": "1", "COLUMNS": "160"}).stdout
    assert "Russia and the general strike" in out
    assert "(untitled)" in out
    assert "\t" not in out


def test_list_named_files_and_corpus_option() -> None:
    one = run("list", "--jsonl", str(SEEDS / f"{CH6}.txt")).stdout.splitlines()
    assert [json.loads(x)["id"] for x in one] == [CH6]
    pages = run("list", "--jsonl", "--corpus", str(FIXTURES / "pages")).stdout.splitlines()
    assert len(pages) == len(list((FIXTURES / "pages").glob("*.txt")))
    env = run("list", "--jsonl", env={"PRECARIOUS_CORPUS": str(FIXTURES / "pages")}).stdout
    assert env.splitlines() == pages


def test_show_by_number_json() -> None:
    result = run("show", "4", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "Russia and the general strike"


@pytest.mark.parametrize(
    ("key", "rid"),
    [
        ("4", CH4),
        ("6", CH6),
        ("002", PREFACE),
        (PREFACE, PREFACE),
        ("004_c3", CH6),
        ("GENERAL strike", CH4),
        ("rupture", CH6),
    ],
)
def test_show_keys(key: str, rid: str) -> None:
    assert json.loads(run("show", key, "--json").stdout)["id"] == rid


def test_show_a_file_path() -> None:
    result = run("show", str(SEEDS / f"{CH6}.txt"), "--json")
    assert json.loads(result.stdout)["number"] == 6


def test_show_piped_is_plain_text() -> None:
    result = run("show", "002")
    assert result.exit_code == 0
    assert "Title: —" in result.stdout
    assert "Pages: ix–xiv (6 pages)" in result.stdout
    assert "warning: the page has no chapter heading" in result.stdout
    assert "Lenin's death" in result.stdout
    assert result.stderr == ""


def test_show_on_terminal_keeps_brackets() -> None:
    # Titles go to rich as Text, never as markup: "[revisited]" must survive.
    result = run("show", "Empires", "--corpus", str(FIXTURES / "pages"), env={"NO_COLOR": "1"})
    assert "Empires of the mind [revisited]" in result.stdout
    from precarious.views.render import record_panel
    from tests.pagemaker import Loaded

    shelf = Loaded(FIXTURES / "pages").shelf()
    record = shelf.record(shelf.find("Empires").pos)
    assert "Empires of the mind [revisited]" in record_panel(record, 200)


def test_show_not_found() -> None:
    result = run("show", "999")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("precarious: no page matches '999'")
    assert len(result.stderr.splitlines()) == 1


def test_show_ambiguous_names_candidates() -> None:
    result = run("show", "0")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "matches 3 pages" in result.stderr
    for rid in (CH4, PREFACE, CH6):
        assert rid in result.stderr
    assert "Traceback" not in result.stderr


def test_blocks_map() -> None:
    result = run("blocks", "6")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "start\tend\tkind\ttext"
    assert "5\t6\theading\t6 - The rupture of Anglo-Soviet relations" in lines
    assert "24\t24\tpages\t, pp. 211 - 256" in lines


def test_blocks_json_and_unknown_lines() -> None:
    page = FIXTURES / "pages" / "preface_crlf_bom.txt"
    blocks = json.loads(run("blocks", str(page), "--json").stdout)
    assert [b["start"] for b in blocks] == sorted(b["start"] for b in blocks)
    unknown = [b for b in blocks if b["kind"] == "unknown"]
    assert unknown[0]["lines"][0] == "Related content powered by Trend MD"
    tsv = run("blocks", str(page)).stdout
    assert "9\t9\tunknown\tRelated content powered by Trend MD" in tsv.splitlines()


def test_blocks_of_a_page_that_is_not_a_chapter() -> None:
    result = run("blocks", str(FIXTURES / "other" / "journal_article.txt"))
    assert result.exit_code == 0
    assert "type" in result.stdout


def test_bad_inputs_each_get_one_line_and_the_rest_go_on(bad_corpus: Path) -> None:
    result = run("list", "--json", "--verbose", "--corpus", str(bad_corpus))
    assert result.exit_code == 0
    assert [r["id"] for r in json.loads(result.stdout)] == [CH4]
    errors = result.stderr.splitlines()
    expected = {
        "binary.txt": "binary file",
        "empty.txt": "empty file",
        "latin1.txt": "not a Cambridge Core chapter page",  # read as Windows-1252
        "search.txt": "not a Cambridge Core chapter page",
        "journal_article.txt": "its Type is 'Research Article'",
        "book_landing.txt": "not a Cambridge Core chapter page",
        "search_listing.txt": "not a Cambridge Core chapter page",
    }
    assert len(errors) == len(expected)
    for name, reason in expected.items():
        line = next(e for e in errors if name in e)
        assert line.startswith(f"precarious: {bad_corpus / name}: ")
        assert reason in line


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    result = run("list", str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert result.stdout == ""
    # one line: the one path named says why there is nothing
    assert result.stderr == f"precarious: {tmp_path / 'nope'}: no such file or folder\n"
    result = run("list", "--corpus", str(tmp_path))
    assert result.exit_code == 1
    assert f"{tmp_path}: folder has no .txt files" in result.stderr


def test_missing_file_beside_a_good_one(tmp_path: Path) -> None:
    result = run("list", "--jsonl", str(tmp_path / "gone.txt"), str(SEEDS / f"{CH4}.txt"))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == CH4
    assert result.stderr == f"precarious: {tmp_path / 'gone.txt'}: no such file or folder\n"


def test_usage_errors_exit_2() -> None:
    assert run("list", "--nope").exit_code == 2
    assert run("show").exit_code == 2
    assert run("frobnicate").exit_code == 2


def test_version_and_help() -> None:
    assert run("--version").stdout == f"precarious, version {__version__}\n"
    for command in ([], ["list"], ["show"], ["blocks"]):
        out = run(*command, "--help").stdout
        assert "Example" in out, command
    assert "Examples" in run("-h").stdout


def test_main_returns_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "999"]) == 1
    assert main(["list", "--nope"]) == 2
    assert main(["--version"]) == 0
    captured = capsys.readouterr()
    assert "no page matches" in captured.err


# -- --strict ------------------------------------------------------------------------------


def test_strict_fails_on_a_record_with_warnings_after_writing_the_output() -> None:
    plain = run("list", "--jsonl")
    strict = run("list", "--jsonl", "--strict")
    assert (plain.exit_code, strict.exit_code) == (0, 1)
    assert strict.stdout == plain.stdout  # the output is still all there
    assert strict.stderr == (
        f"precarious: --strict: {PREFACE} is incomplete: missing-heading, missing-online-date\n"
    )


def test_strict_passes_complete_records() -> None:
    for args in (["show", "4"], ["list", str(SEEDS / f"{CH4}.txt"), str(SEEDS / f"{CH6}.txt")]):
        result = run(*args, "--strict")
        assert (result.exit_code, result.stderr) == (0, "")
    result = run("export", "4", "6", "--strict", "--format", "ris")
    assert (result.exit_code, result.stderr) == (0, "")


def test_strict_fails_on_a_file_that_could_not_be_read(tmp_path: Path) -> None:
    for complete in (CH4, CH6):  # ch6 prints the book title apart, so ch4 needs no guess
        (tmp_path / f"{complete}.txt").write_bytes((SEEDS / f"{complete}.txt").read_bytes())
    (tmp_path / "empty.txt").write_bytes(b"")
    assert run("list", str(tmp_path)).exit_code == 0
    result = run("list", str(tmp_path), "--strict")
    assert result.exit_code == 1
    assert result.stderr == f"precarious: {tmp_path / 'empty.txt'}: empty file\n"


def test_strict_on_show_and_export_of_an_incomplete_page() -> None:
    assert run("show", "002", "--strict").exit_code == 1
    result = run("export", "002", "--strict")  # named: exported though it has no title
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"precarious: --strict: {PREFACE} is incomplete: missing-heading, missing-online-date"
    )
    whole = run("export", "--strict", "--untitled", "--format", "bibtex")  # the corpus
    assert whole.exit_code == 1
    assert whole.stdout.count("@incollection{") == 3
    assert whole.stderr.splitlines()[-1] == result.stderr.splitlines()[-1]


def test_show_says_nothing_of_the_files_it_did_not_need(bad_corpus: Path) -> None:
    """A lookup shows one page: the other files of the corpus that are no pages are named
    by --verbose (and by `list` and `check`), not on every `show`."""
    result = run("show", "4", "--corpus", str(bad_corpus), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["number"] == 4
    assert result.stderr == ""
    verbose = run("show", "4", "--corpus", str(bad_corpus), "--json", "--verbose")
    assert len(verbose.stderr.splitlines()) == 7


def test_many_bad_files_are_named_five_then_counted(bad_corpus: Path) -> None:
    lines = run("list", str(bad_corpus)).stderr.splitlines()
    assert len(lines) == 6
    assert lines[-1] == (
        "precarious: 2 more files could not be read as chapter pages; 'precarious check' names them"
    )
    assert run("list", "--quiet", str(bad_corpus)).stderr == ""
