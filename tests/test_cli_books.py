"""books, toc, check and --book through click's CliRunner: stdout and stderr separately."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from precarious.cli import cli
from tests.conftest import FIXTURES
from tests.pagemaker import page

CH4 = "000_89d64f6c4c7f9a3b"
PREFACE = "002_84761bd352faf2a0"
CH6 = "004_c3effe51be84b58d"
CORPUS = FIXTURES / "corpus"
NOT_A_CHAPTER = (
    f"precarious: {CORPUS}/misc/search_listing.txt: not a Cambridge Core chapter page: "
    "no Type line, page range or numbered chapter heading (found only: heading)\n"
)


def run(*args: str, corpus: Path | None = None, **env: str) -> Result:
    environment = {"PRECARIOUS_CORPUS": str(corpus) if corpus else None, **env}
    return CliRunner().invoke(cli, list(args), env=environment)


def test_books_on_the_seeds() -> None:
    result = run("books")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "id\ttitle\tsubtitle\tpublisher\tyear\tpages\tentries\tcovered",
        "the-precarious-truce-1977\tThe Precarious Truce\tAnglo-Soviet Relations 1924\u201327\t"
        "Cambridge University Press\t1977\t3\t14\t2",
    ]


def test_books_table_says_3_of_14() -> None:
    out = run("books", "--table", NO_COLOR="1", COLUMNS="160").stdout
    assert "The Precarious Truce" in out
    assert "3 of 14" in out


def test_toc_on_the_seeds() -> None:
    result = run("toc")
    assert (result.exit_code, result.stderr) == (0, "")
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0] == ["entry", "number", "title", "status", "pages", "ids", "note"]
    assert len(rows) == 1 + 14 + 1
    assert rows[9] == ["9", "4", "Russia and the general strike", "present", "134-179", CH4, ""]
    assert rows[11][3:6] == ["present", "211-256", CH6]
    assert [r[3] for r in rows[1:15]].count("missing") == 12
    assert rows[15][3:6] == ["unplaced", "ix-xiv", PREFACE]
    assert rows[15][6] == (
        "could be: Frontmatter; Contents; Abbreviations; Preface; "
        "Introduction: Striving for acceptance"
    )


def test_toc_table_marks_missing_entries() -> None:
    out = run("toc", "--table", NO_COLOR="1", COLUMNS="160").stdout
    assert "4 Russia and the general strike" in out
    assert "134–179" in out
    assert out.count("missing") == 12
    assert "unplaced; could be" in out


def test_check_on_the_seeds_exits_1() -> None:
    result = run("check")
    assert (result.exit_code, result.stderr) == (1, "")
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0] == ["id", "path", "code", "line", "message"]
    assert [(r[0], r[2]) for r in rows[1:]] == [
        (PREFACE, "missing-heading"),
        (PREFACE, "missing-online-date"),
        (PREFACE, "unplaced"),
    ]


def test_check_json_and_a_clean_corpus(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(page())
    result = run("check", "--json", str(tmp_path))
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == {
        "clean": True,
        "files": 1,
        "pages": 1,
        "books": 1,
        "findings": [],
    }
    table = run("check", "--table", str(tmp_path), NO_COLOR="1")
    assert table.stdout == "No findings: 1 file, 1 book.\n"


def test_check_reports_files_that_are_not_pages_in_its_report(tmp_path: Path) -> None:
    result = run("check", "--json", str(tmp_path / "nope"))
    assert (result.exit_code, result.stderr) == (1, "")
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["code"] == "unreadable"
    assert finding["message"] == "no such file or folder"


def test_show_4_in_two_books_is_ambiguous() -> None:
    result = run("show", "4", corpus=CORPUS)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "precarious: '4' matches 2 pages by chapter number: "
        "4 The Russia Trade (harbours/ch4, in harbours-of-memory-2019); "
        f"4 Russia and the general strike (truce/{CH4}, in the-precarious-truce-1977); "
        "name the book with --book, or give more of the id\n"
    )


def test_book_option_narrows_show_and_list() -> None:
    result = run("show", "4", "--book", "truce", "--json", corpus=CORPUS)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == f"truce/{CH4}"
    listed = run("list", "--book", "harbours", corpus=CORPUS).stdout.splitlines()
    assert len(listed) == 1 + 8
    assert all(line.split("\t")[0].startswith("harbours/") for line in listed[1:])


def test_book_option_errors() -> None:
    result = run("list", "--book", "gamma", corpus=CORPUS)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.endswith(
        "precarious: no book matches 'gamma' (by id, id prefix or title words) among 2 books; "
        "see 'precarious books'\n"
    )


def test_toc_needs_a_book_when_there_are_several() -> None:
    result = run("toc", corpus=CORPUS)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.endswith(
        "precarious: the corpus holds 2 books; name one: "
        "Harbours of Memory (2019) [harbours-of-memory-2019]; "
        "The Precarious Truce (1977) [the-precarious-truce-1977]\n"
    )
    both = run("toc", "truce", "--book", "harbours", corpus=CORPUS)
    assert both.exit_code == 2
    assert "give the book once" in both.stderr


def test_toc_of_many_books_names_a_few_in_one_line(tmp_path: Path) -> None:
    for i in range(12):
        (tmp_path / f"p{i:02}.txt").write_text(page(book=f"Book {i:02}"), encoding="utf-8")
    result = run("toc", corpus=tmp_path)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(
        "precarious: the corpus holds 12 books; name one: Book 00 (2000) [book-00-2000]; "
    )
    assert result.stderr.endswith(
        "Book 09 (2000) [book-09-2000]; and 2 more; see 'precarious books'\n"
    )
    assert len(result.stderr.splitlines()) == 1


def test_toc_shows_an_inferred_entry() -> None:
    result = run("toc", "harbours", "--json", corpus=CORPUS)
    assert result.exit_code == 0
    entry = json.loads(result.stdout)["entries"][3]
    assert (entry["title"], entry["status"]) == ("Acknowledgements", "inferred")
    assert [r["id"] for r in entry["records"]] == ["harbours/acknowledgements"]
    assert entry["records"][0]["by"] == "order"


def test_a_nested_id_is_found_by_its_file_name() -> None:
    result = run("show", "ch4", "--json", corpus=CORPUS)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["id"] == "harbours/ch4"


def test_show_names_the_contents_entry() -> None:
    out = run("show", "acknowledgements", corpus=CORPUS).stdout
    assert "Book id: harbours-of-memory-2019" in out
    assert "Contents entry: 4: Acknowledgements (inferred: pages xi–xii come after" in out
