"""The spooled corpus (`list` on a large corpus): grouping by each record's evidence and
reading the records back gives exactly what grouping the full records gives."""

from __future__ import annotations

import gc
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import precarious.corpus
from precarious.books import evidence, refiled
from precarious.check import check
from precarious.cli import cli
from precarious.corpus import Corpus, Filed, Keep, extract_all, extract_source, mapped, select
from precarious.index import Index
from precarious.reader import Source, page_paths
from precarious.records import Record, evolve, extract
from precarious.shelving import arrange
from precarious.spool import Spool
from tests.conftest import FIXTURES, SEEDS
from tests.pagemaker import page

# A page whose book title is glued to its subtitle, and one printing the split: the glued
# page learns the split from the other (and loses its title-split warnings).
GLUED = page(book="Alpha BookA Study of Things")
SPLIT = (
    "2 - Two\nPublished online by Cambridge University Press: 01 June 2011\n\nSummary\n\n"
    "A paragraph.\n\nType\nChapter\nInformation\nAlpha Book\nA Study of Things\n"
    ", pp. 21 - 40\nPublisher: Cambridge University Press\nPrint publication year: 2000\n"
)
PAGES = [
    r
    for r in map(extract_source, page_paths([FIXTURES / "corpus", SEEDS]))
    if isinstance(r, Record)
] + [extract(GLUED, name="glued"), extract(SPLIT, name="split")]


def dicts(records: object) -> list[dict[str, object]]:
    return [r.to_dict() for r in records]  # type: ignore[attr-defined]


def assert_same(spooled: Corpus, full: Corpus) -> None:
    assert isinstance(spooled.records, Filed)
    assert dicts(spooled.records) == dicts(full.records)
    assert spooled.loose == full.loose
    assert [(b.id, b.title, b.contents) for b in spooled.books] == [
        (b.id, b.title, b.contents) for b in full.books
    ]
    assert [[r.id for r in b.records] for b in spooled.books] == [
        [r.id for r in b.records] for b in full.books
    ]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PAGES), unique_by=lambda r: r.id, min_size=1))
def test_arranging_the_evidence_decides_what_arranging_the_records_does(
    records: list[Record],
) -> None:
    full = arrange(records)
    filed = arrange([evidence(r) for r in records])
    back = [refiled(r, f) for r, f in zip(records, filed.records, strict=True)]
    assert dicts(back) == dicts(full.records)
    assert filed.loose == full.loose


def test_the_fixture_corpus_and_the_seeds(tmp_path: Path) -> None:
    for folder in (FIXTURES / "corpus", SEEDS):
        assert_same(extract_all([folder], keep="spool"), extract_all([folder]))


def test_a_split_learnt_from_another_page_drops_the_guess_warnings(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GLUED, encoding="utf-8")
    (tmp_path / "b.txt").write_text(SPLIT, encoding="utf-8")
    alone = extract_all([tmp_path / "a.txt"]).records[0]
    assert [w.code for w in alone.warnings if w.code.startswith("title-")]
    spooled, full = extract_all([tmp_path], keep="spool"), extract_all([tmp_path])
    assert_same(spooled, full)
    a = spooled.records[0]
    assert (a.book.split_method, a.book.split_source) == ("corpus", "b")
    assert not [w for w in a.warnings if w.code.startswith("title-")]


def test_the_spool_reads_back_in_any_order() -> None:
    records = extract_all([FIXTURES / "corpus"], keep="spool").records
    full = dicts(extract_all([FIXTURES / "corpus"]).records)
    assert len(records) == len(full) > 3
    assert records[-1].to_dict() == full[-1]
    assert dicts(records[1:3]) == full[1:3]
    walked = []
    for i, r in enumerate(records):  # a lookup in the middle of a walk loses no place
        walked.append(r.to_dict())
        assert records[len(full) - 1 - i].to_dict() == full[len(full) - 1 - i]
    assert walked == full
    assert dicts(records) == full  # and again


def test_a_position_put_again_holds_the_new_object() -> None:
    spool = Spool()
    spool.put(2, "two")  # out of order: the positions before it wait to be put
    spool.put(0, ("zero",))
    spool.put(2, {"two": 2})
    assert (len(spool), spool[0], spool[2]) == (3, ("zero",), {"two": 2})


@pytest.mark.parametrize("keep", ["spool", "records", "evidence"])
def test_progress_counts_every_file_of_the_walk(tmp_path: Path, keep: Keep) -> None:
    # Unless records are fetched from their files later, the walk is gone through as the
    # files are read, not held: the total comes from a walk of its own.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(3):
        (corpus / f"{n}.txt").write_bytes((SEEDS / "000_89d64f6c4c7f9a3b.txt").read_bytes())
    (corpus / "bad.txt").write_text("Hello\n", encoding="utf-8")
    calls: list[tuple[int, int]] = []
    index = Index(tmp_path / "index.sqlite")
    extract_all([corpus], progress=lambda *call: calls.append(call), index=index, keep=keep)
    index.close()
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_a_problem_keeps_no_frames_alive(tmp_path: Path) -> None:
    # A raised error's traceback names the frames it passed through, and they hold the
    # whole list of files walked: kept with the problem, that list lived for the run.
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "not-a-chapter.txt").write_text("Hello\n", encoding="utf-8")
    problems = extract_all([tmp_path]).problems
    assert len(problems) == 2
    assert [p.__traceback__ for p in problems] == [None, None]


def _no_space() -> object:
    # /dev/full takes the bytes and fails when they are flushed: ENOSPC, as a full $TMPDIR.
    return open("/dev/full", "w+b")


def _work_table_full(*args: object) -> None:
    raise sqlite3.OperationalError("database or disk is full")


@pytest.mark.parametrize(
    ("target", "failing", "reason"),
    [
        ("precarious.spool.tempfile.TemporaryFile", _no_space, "No space left on device"),
        ("precarious.shelving._group", _work_table_full, "database or disk is full"),
        ("precarious.reader._MetOnDisk._first", _work_table_full, "database or disk is full"),
    ],
    ids=["spool", "grouping", "walk"],
)
def test_a_full_temporary_folder_is_one_line(
    monkeypatch: pytest.MonkeyPatch, target: str, failing: object, reason: str
) -> None:
    monkeypatch.setattr(target, failing)  # the spool, or a work table: the grouping's, the walk's
    done = CliRunner().invoke(cli, ["list", "--jsonl", str(FIXTURES / "corpus")])
    assert done.exit_code == 1
    assert done.stdout == ""
    assert done.stderr.startswith("precarious: cannot write a temporary file in ")
    assert done.stderr.endswith(f": {reason}\n")
    assert done.stderr.count("\n") == 1


def test_records_fetched_from_the_index_are_the_records(tmp_path: Path) -> None:
    full = extract_all([FIXTURES / "corpus"])
    for _ in range(2):  # grouped, then (if the files are settled) the grouping kept
        index = Index(tmp_path / "index.sqlite")
        fetched = extract_all([FIXTURES / "corpus"], index=index, keep="evidence")
        assert_same(fetched, full)
        for book in full.books:
            mine = select(fetched.records, lambda r, b=book.id: r.book.id == b)  # type: ignore[misc]
            assert isinstance(mine, Filed)
            assert dicts(mine) == dicts(r for r in full.records if r.book.id == book.id)
        index.close()


@given(st.sampled_from(PAGES), st.text(max_size=5) | st.none())
def test_evolve_is_dataclasses_replace(record: Record, title: str | None) -> None:
    assert evolve(record, title=title, summary=()) == replace(record, title=title, summary=())
    assert evolve(record.book, id=title) == replace(record.book, id=title)
    with pytest.raises(TypeError, match="Record has no field nonsense"):
        evolve(record, nonsense=1)


def test_the_walk_is_dropped_before_the_grouping(monkeypatch: pytest.MonkeyPatch) -> None:
    # The walk's list of files (a Path and a stat for each) is not needed once the files
    # are read: on 100,000 pages it was 70 MB held through the grouping for nothing.
    alive: list[int] = []

    def watching(records: Iterable[Record], on_disk: bool = False) -> object:
        records = list(records)  # every file read
        gc.collect()
        alive.append(sum(isinstance(o, Source) for o in gc.get_objects()))
        return arrange(records, on_disk)

    monkeypatch.setattr(precarious.corpus, "arrange", watching)
    extract_all([FIXTURES / "corpus"], keep="spool")
    extract_all([FIXTURES / "corpus"], keep="records")
    assert alive == [0, 0]


def test_spooled_records_are_mapped_by_forked_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(precarious.corpus, "_SPAN", 2)  # the fixture corpus in several spans
    monkeypatch.setattr(precarious.corpus, "_FEW", 0)  # and worth a pool
    spooled = extract_all([FIXTURES / "corpus"], keep="spool").records
    full = extract_all([FIXTURES / "corpus"]).records
    assert len(full) > 4

    def made(record: Record) -> tuple[int, dict[str, object]]:
        return os.getpid(), record.to_dict()  # a local function: it is not pickled

    for records, expected in (
        (spooled, full),
        (select(spooled, lambda r: r.number), [r for r in full if r.number]),
    ):
        pids, items = zip(*mapped(records, made, 2), strict=True)
        assert list(items) == dicts(expected)
        assert os.getpid() not in pids
        pids, items = zip(*mapped(records, made, 1), strict=True)
        assert list(items) == dicts(expected)
        assert set(pids) == {os.getpid()}


def test_records_that_cannot_be_fetched_after_a_fork_are_mapped_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Records fetched from the index: an SQLite connection must not cross a fork.
    monkeypatch.setattr(precarious.corpus, "_SPAN", 2)
    monkeypatch.setattr(precarious.corpus, "_FEW", 0)
    index = Index(tmp_path / "index.sqlite")
    fetched = extract_all([FIXTURES / "corpus"], index=index, keep="evidence").records
    assert isinstance(fetched, Filed)
    assert {pid for pid, _ in mapped(fetched, lambda r: (os.getpid(), r), 2)} == {os.getpid()}
    index.close()


def test_check_fetches_each_spooled_record_once_a_book_at_a_time() -> None:
    spooled = extract_all([FIXTURES / "corpus"], keep="spool")
    records = spooled.records
    assert isinstance(records, Filed)
    fetched: list[int] = []
    fetch = records.fetch

    def counted(i: int, filed: Record) -> Record:
        fetched.append(i)
        return fetch(i, filed)

    records.fetch = counted
    findings = check(spooled)
    assert findings == check(extract_all([FIXTURES / "corpus"]))
    assert any(f.code == "duplicate" for f in findings)  # a finding from a whole book
    assert sorted(fetched) == list(range(len(records)))


@pytest.mark.parametrize("command", [["list", "--jsonl"], ["check"], ["export"]])
def test_commands_over_a_whole_corpus_spool_its_records(
    monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    # Holding every full record cost export 288 MB and check 93 MB on 10,000 pages.
    kept: list[str] = []
    real = precarious.corpus.extract_all

    def spy(*args: Any) -> Corpus:
        kept.append(args[4])
        return real(*args)

    monkeypatch.setattr(precarious.corpus, "extract_all", spy)
    done = CliRunner().invoke(cli, [*command, "--corpus", str(FIXTURES / "corpus")])
    assert "Traceback" not in done.stderr
    assert kept == ["spool"]
