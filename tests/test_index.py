"""The page index: unchanged files are not read again; an edited, deleted or added file is
noticed; a corrupt, locked or unwritable index never makes a command fail."""

from __future__ import annotations

import gc
import os
import pickle
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from click.testing import CliRunner

import precarious.corpus
import precarious.index
from precarious.cli import cli
from precarious.corpus import Keep, extract_all
from precarious.index import Index, default_path
from precarious.reader import Source
from precarious.records import Record
from precarious.shelving import Shelf, arrange
from tests.conftest import SEEDS, copies

CH4, PREFACE, CH6 = "000_89d64f6c4c7f9a3b", "002_84761bd352faf2a0", "004_c3effe51be84b58d"
LONG_AGO = time.time() - 3600


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seeds, with modification times an hour old (settled: the index keeps them)."""
    folder = tmp_path / "pages"
    folder.mkdir()
    for seed in SEEDS.glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
        os.utime(folder / seed.name, (LONG_AGO, LONG_AGO))
    return folder


@pytest.fixture
def extracted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files actually read and parsed, in order."""
    seen: list[str] = []
    real = precarious.corpus.extract_source

    def counting(source: object) -> object:
        seen.append(Path(str(getattr(source, "path", ""))).stem)
        return real(source)  # type: ignore[arg-type]

    monkeypatch.setattr(precarious.corpus, "extract_source", counting)
    return seen


def listed(corpus: Path, *extra: str) -> str:
    result = CliRunner().invoke(cli, ["list", "--jsonl", *extra, str(corpus)])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_second_run_reads_nothing_again(corpus: Path, extracted: list[str]) -> None:
    first = listed(corpus)
    assert sorted(extracted) == [CH4, PREFACE, CH6]
    assert default_path().is_file()
    extracted.clear()
    assert listed(corpus) == first
    assert extracted == []


def test_an_edited_a_deleted_and_an_added_file_are_noticed(
    corpus: Path, extracted: list[str]
) -> None:
    listed(corpus)
    extracted.clear()
    ch6 = corpus / f"{CH6}.txt"
    ch6.write_text(ch6.read_text(encoding="utf-8").replace("rupture", "breach"), encoding="utf-8")
    (corpus / f"{PREFACE}.txt").unlink()
    (corpus / "new.txt").write_bytes((SEEDS / f"{CH4}.txt").read_bytes())
    now = listed(corpus)
    assert sorted(extracted) == [CH6, "new"]  # the unchanged chapter 4 came from the index
    assert now == listed(corpus, "--no-cache")  # nothing stale
    assert "The breach of Anglo-Soviet relations" in now
    assert PREFACE not in now


def test_a_file_changed_just_now_is_not_kept(corpus: Path, extracted: list[str]) -> None:
    """Its mtime could tick again with the same size: it is read every time until settled."""
    fresh = corpus / f"{CH4}.txt"
    os.utime(fresh, None)
    listed(corpus)
    extracted.clear()
    listed(corpus)
    assert extracted == [CH4]


def test_new_parser_code_reads_everything_again(
    corpus: Path, extracted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    listed(corpus)
    extracted.clear()
    monkeypatch.setattr(precarious.index, "parser_version", lambda: "another parser")
    listed(corpus)
    assert sorted(extracted) == [CH4, PREFACE, CH6]


def test_the_same_file_from_another_folder_gets_this_runs_id(corpus: Path, tmp_path: Path) -> None:
    listed(corpus)
    (tmp_path / "outer").mkdir()
    (tmp_path / "outer" / "nested").symlink_to(corpus)
    out = CliRunner().invoke(cli, ["list", "--tsv", str(tmp_path / "outer")]).stdout
    assert f"nested/{CH4}\t4\t" in out


def test_no_cache_reads_everything_and_writes_no_index(corpus: Path, extracted: list[str]) -> None:
    listed(corpus, "--no-cache")
    listed(corpus, "--no-cache")
    assert len(extracted) == 6
    assert not default_path().exists()


def test_a_corrupt_index_is_rebuilt(corpus: Path, extracted: list[str]) -> None:
    expected = listed(corpus, "--no-cache")
    default_path().parent.mkdir(parents=True)
    default_path().write_bytes(b"this is not a database" * 100)
    result = CliRunner().invoke(cli, ["list", "--jsonl", str(corpus)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")
    assert default_path().with_name("index.sqlite.corrupt").is_file()
    extracted.clear()
    assert listed(corpus) == expected
    assert extracted == []  # the new index works


def test_a_locked_index_is_not_fatal(corpus: Path) -> None:
    expected = listed(corpus, "--no-cache")
    Index().close()  # create it
    holder = sqlite3.connect(default_path())
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = CliRunner().invoke(cli, ["list", "--jsonl", str(corpus)])
    finally:
        holder.rollback()
        holder.close()
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")
    assert not default_path().with_name("index.sqlite.corrupt").exists()  # locked, not bad


def test_an_unusable_cache_directory_is_not_fatal(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = listed(corpus, "--no-cache")
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    result = CliRunner().invoke(cli, ["list", "--jsonl", str(corpus)])
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")


def test_errors_are_indexed_too_and_name_this_runs_path(corpus: Path) -> None:
    (corpus / "empty.txt").write_bytes(b"")
    os.utime(corpus / "empty.txt", (LONG_AGO, LONG_AGO))
    for _ in range(2):
        result = CliRunner().invoke(cli, ["list", "--jsonl", str(corpus)])
        assert result.stderr == f"precarious: {corpus / 'empty.txt'}: empty file\n"


# -- the grouping of a corpus, kept for lookups (show KEY, export KEY) -------------------------


@pytest.fixture
def arranged(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many pages each grouping of a corpus was worked out for."""
    sizes: list[int] = []

    def counting(records: Iterable[Record], on_disk: bool = False) -> Shelf:
        records = list(records)
        sizes.append(len(records))
        return arrange(records, on_disk)

    monkeypatch.setattr(precarious.corpus, "arrange", counting)
    return sizes


def shown_json(corpus: Path, key: str, *extra: str) -> str:
    result = CliRunner().invoke(cli, ["show", key, "--json", "--corpus", str(corpus), *extra])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_a_lookup_in_an_unchanged_corpus_reads_and_groups_nothing_again(
    corpus: Path, extracted: list[str], arranged: list[int]
) -> None:
    first = shown_json(corpus, "6")
    assert (sorted(extracted), arranged) == ([CH4, PREFACE, CH6], [3])
    extracted.clear()
    assert shown_json(corpus, "6") == first
    assert shown_json(corpus, "general strike") == shown_json(corpus, "4", "--no-cache")
    # Only --no-cache read and grouped again.
    assert (sorted(extracted), arranged) == ([CH4, PREFACE, CH6], [3, 3])
    assert first == shown_json(corpus, "6", "--no-cache")


@pytest.mark.parametrize("command", [["books"], ["toc"]])
def test_books_and_contents_of_an_unchanged_corpus_are_not_worked_out_again(
    corpus: Path, extracted: list[str], arranged: list[int], command: list[str]
) -> None:
    def run(*extra: str) -> str:
        args = [*command, "--json", "--corpus", str(corpus), *extra]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    first = run()
    assert (len(extracted), arranged) == (3, [3])
    assert run() == first
    assert (len(extracted), arranged) == (3, [3])
    assert run("--no-cache") == first  # what the full records give
    assert (len(extracted), arranged) == (6, [3, 3])
    (corpus / f"{PREFACE}.txt").unlink()
    assert run() != first
    assert arranged == [3, 3, 2]


def test_a_lookup_notices_an_edited_a_deleted_and_an_added_file(
    corpus: Path, extracted: list[str], arranged: list[int]
) -> None:
    shown_json(corpus, "6")
    ch6 = corpus / f"{CH6}.txt"
    ch6.write_text(ch6.read_text(encoding="utf-8").replace("rupture", "breach"), encoding="utf-8")
    os.utime(ch6, (LONG_AGO + 60, LONG_AGO + 60))  # settled, but another time stamp
    assert "The breach of Anglo-Soviet relations" in shown_json(corpus, "6")
    (corpus / f"{PREFACE}.txt").unlink()
    result = CliRunner().invoke(cli, ["show", "002", "--corpus", str(corpus)])
    assert result.exit_code == 1
    assert "no page matches '002'" in result.stderr
    (corpus / "new.txt").write_bytes((SEEDS / f"{CH4}.txt").read_bytes())
    result = CliRunner().invoke(cli, ["show", "4", "--corpus", str(corpus)])
    assert result.exit_code == 1
    assert "'4' matches 2 pages" in result.stderr
    assert arranged == [3, 3, 2, 3]


def test_the_grouping_of_a_corpus_read_from_another_folder_is_its_own(
    corpus: Path, tmp_path: Path, arranged: list[int]
) -> None:
    first = shown_json(corpus, "4")
    elsewhere = tmp_path / "elsewhere"
    corpus.rename(elsewhere)
    moved = shown_json(elsewhere, "4")
    assert moved == first.replace(str(corpus), str(elsewhere))
    assert arranged == [3, 3]  # the paths are part of what the grouping is kept under


def test_a_corpus_changed_just_now_is_grouped_but_not_kept(
    corpus: Path, arranged: list[int]
) -> None:
    (corpus / "new.txt").write_bytes((SEEDS / f"{CH4}.txt").read_bytes())  # mtime: now
    shown_json(corpus, "6")
    shown_json(corpus, "6")
    assert arranged == [4, 4]


def test_a_lookup_with_a_corrupt_grouping_rebuilds_the_index(
    corpus: Path, arranged: list[int]
) -> None:
    first = shown_json(corpus, "6")
    with sqlite3.connect(default_path()) as db:
        db.execute("UPDATE shelves SET shelf = ?", (b"not a pickle",))
    assert shown_json(corpus, "6") == first
    assert shown_json(corpus, "6") == first
    assert arranged == [3, 3]  # grouped again once, then kept again


def test_a_kept_grouping_is_unpickled_without_the_cycle_collector(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large grouping has no cycles to find; collecting while it is unpickled was half
    the time of a warm `show` on 100,000 pages. The collector is on again after."""
    first = shown_json(corpus, "6")
    collecting: list[bool] = []
    loads = pickle.loads

    def watched(data: bytes) -> object:
        collecting.append(gc.isenabled())
        return loads(data)

    monkeypatch.setattr(precarious.index.pickle, "loads", watched)
    assert shown_json(corpus, "6") == first
    assert collecting == [False, True]  # the grouping, then the one page shown
    assert gc.isenabled()


def test_only_the_last_few_corpora_are_kept(corpus: Path, tmp_path: Path) -> None:
    for n in range(precarious.index._SHELVES_KEPT + 2):
        folder = tmp_path / f"copy{n}"
        folder.mkdir()
        for page in corpus.iterdir():
            (folder / page.name).write_bytes(page.read_bytes())
            os.utime(folder / page.name, (LONG_AGO, LONG_AGO))
        shown_json(folder, "6")
    with sqlite3.connect(default_path()) as db:
        (count,) = db.execute("SELECT count(*) FROM shelves").fetchone()
    assert count == precarious.index._SHELVES_KEPT


def lookups_before_the_first_record(folder: Path, jobs: int, keep: Keep) -> tuple[int, int]:
    """How many files extract_all had looked up in the index when the first record was
    taken, and in all."""
    index = Index()
    asked: list[Source] = []
    real_get = index.get

    def get(source: Source) -> tuple[object, object, object]:
        asked.append(source)
        return real_get(source)

    first: list[int] = []
    index.get = get  # type: ignore[method-assign, assignment]
    corpus = extract_all(
        [folder], jobs, lambda done, _: first.append(len(asked)) if done == 1 else None, index, keep
    )
    index.close()
    assert len(corpus.records) == 40
    return first[0], len(asked)


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("keep", ["records", "spool"])
def test_files_go_through_a_window_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int, keep: Keep
) -> None:
    """Cold or warm, with one process or a pool, the first record is taken before more than
    two windows of files are looked up and handed on: the index's hits and the workers'
    results for the whole corpus never wait in memory together."""
    folder = copies(tmp_path / "many", 40)
    for file in folder.iterdir():
        os.utime(file, (LONG_AGO, LONG_AGO))
    monkeypatch.setattr(precarious.corpus, "_WINDOW", 4)
    monkeypatch.setattr(precarious.corpus, "_FEW", 0)  # a pool, however few the files
    assert lookups_before_the_first_record(folder, jobs, keep) == (8, 40)  # two windows of 4
    stored = sqlite3.connect(default_path()).execute("SELECT count(*) FROM pages")
    assert stored.fetchone() == (40,)  # so this run is a warm one:
    assert lookups_before_the_first_record(folder, jobs, keep) == (8, 40)
