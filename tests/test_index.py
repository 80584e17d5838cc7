"""The index: unchanged files are not read again; an edited, deleted or added file is
noticed; a lookup in an unchanged corpus reads only the page it shows; a damaged, locked
or unwritable index never makes a command fail, and nothing read from it is trusted."""

from __future__ import annotations

import os
import pickle
import re
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import precarious.corpus.index
import precarious.corpus.run
from precarious.cli import cli
from precarious.corpus.index import Index, code_version, default_path
from precarious.corpus.lookup import strategies
from precarious.corpus.walk import Source
from tests.conftest import SEEDS, copies

CH4, PREFACE, CH6 = "000_89d64f6c4c7f9a3b", "002_84761bd352faf2a0", "004_c3effe51be84b58d"
LONG_AGO = time.time() - 3600


def settle(folder: Path) -> None:
    """Give a folder and its files time stamps an hour old: the index keeps them."""
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (LONG_AGO, LONG_AGO))


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seeds, settled; indexed though they are few (the index is opened for corpora of
    run.INDEXED files or more). A test cannot set a file's change time to the past: files
    changed at all count as settled here (but see the test of files changed just
    now)."""
    monkeypatch.setattr(precarious.corpus.run, "INDEXED", 0)
    monkeypatch.setattr(precarious.corpus.index, "_SETTLED_NS", 0)
    folder = tmp_path / "pages"
    folder.mkdir()
    for seed in SEEDS.glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    settle(folder)
    return folder


@pytest.fixture
def extracted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files actually read and parsed, in order."""
    seen: list[str] = []
    real = precarious.corpus.run.make

    def counting(source: Source, *args: object, **kw: object) -> object:
        seen.append(Path(source.file).stem)
        return real(source, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(precarious.corpus.run, "make", counting)
    return seen


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def listed(corpus: Path, *extra: str) -> str:
    code, out, err = run("list", "--jsonl", *extra, str(corpus))
    assert (code, err) == (0, "")
    return out


def test_the_second_run_reads_nothing_again(corpus: Path, extracted: list[str]) -> None:
    first = listed(corpus)
    assert sorted(extracted) == [CH4, PREFACE, CH6]
    assert default_path().is_file()
    extracted.clear()
    assert listed(corpus) == first
    assert extracted == []
    for fmt in ("--json", "--tsv", "--csv"):  # each output made from what the index keeps
        assert run("list", fmt, str(corpus)) == run("list", fmt, "--no-cache", str(corpus))


def test_the_index_is_the_users_alone(corpus: Path) -> None:
    listed(corpus)
    assert default_path().stat().st_mode & 0o777 == 0o600
    assert default_path().parent.stat().st_mode & 0o777 == 0o700


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


def test_a_same_size_edit_with_its_time_stamp_put_back_is_noticed(
    corpus: Path, extracted: list[str]
) -> None:
    """The change time gives it away (`touch -r` cannot set it)."""
    listed(corpus)
    ch6 = corpus / f"{CH6}.txt"
    before = ch6.stat()
    ch6.write_text(ch6.read_text(encoding="utf-8").replace("rupture", "rapture"), encoding="utf-8")
    os.utime(ch6, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert ch6.stat().st_size == before.st_size
    extracted.clear()
    assert "The rapture of Anglo-Soviet relations" in listed(corpus)
    assert extracted == [CH6]


def test_a_file_changed_just_now_is_not_kept(
    corpus: Path, extracted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its time stamps could tick again with the same size: it is read every time until it
    has been still for a while. (A test cannot age a file's change time: these were all
    changed just now.)"""
    monkeypatch.setattr(precarious.corpus.index, "_SETTLED_NS", 2_000_000_000)
    listed(corpus)
    extracted.clear()
    listed(corpus)
    assert sorted(extracted) == [CH4, PREFACE, CH6]


def test_the_same_file_read_under_another_id_is_relabelled(corpus: Path, tmp_path: Path) -> None:
    listed(corpus)
    (tmp_path / "outer").mkdir()
    (tmp_path / "outer" / "nested").symlink_to(corpus)
    _, out, _ = run("list", "--tsv", str(tmp_path / "outer"))
    assert f"nested/{CH4}\t4\t" in out
    assert run("list", "--jsonl", str(tmp_path / "outer")) == run(
        "list", "--jsonl", "--no-cache", str(tmp_path / "outer")
    )


def test_editing_any_module_of_the_package_changes_the_code_version(tmp_path: Path) -> None:
    package = Path(precarious.corpus.index.__file__).resolve().parent.parent
    copy = tmp_path / "precarious"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert code_version(copy) == code_version(package)
    for module in [*sorted(copy.rglob("*.py")), copy / "schemas" / "record.schema.json"]:
        original = module.read_bytes()
        module.write_bytes(original + b"\n")
        assert code_version.__wrapped__(copy) != code_version(package), module  # type: ignore[attr-defined]
        module.write_bytes(original)


def test_another_code_version_reads_everything_again(
    corpus: Path, extracted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    listed(corpus)
    extracted.clear()
    monkeypatch.setattr(precarious.corpus.index, "code_version", lambda: "another version")
    listed(corpus)
    assert sorted(extracted) == [CH4, PREFACE, CH6]


def test_no_cache_reads_everything_and_writes_no_index(corpus: Path, extracted: list[str]) -> None:
    listed(corpus, "--no-cache")
    listed(corpus, "--no-cache")
    assert len(extracted) == 6
    assert not default_path().exists()


def test_a_few_files_are_read_without_the_index(
    corpus: Path, extracted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(precarious.corpus.run, "INDEXED", 64)
    listed(corpus)
    assert not default_path().exists()


def test_rows_of_files_gone_are_pruned(corpus: Path) -> None:
    listed(corpus)
    (corpus / f"{PREFACE}.txt").unlink()
    listed(corpus)
    with sqlite3.connect(default_path()) as db:
        kept = sorted(Path(os.fsdecode(p)).stem for (p,) in db.execute("SELECT path FROM pages"))
    assert kept == [CH4, CH6]


# -- damage: nothing read from the index is trusted --------------------------------------


def test_a_corrupt_index_is_moved_aside_and_rebuilt(corpus: Path, extracted: list[str]) -> None:
    expected = listed(corpus, "--no-cache")
    default_path().parent.mkdir(parents=True, exist_ok=True)
    default_path().write_bytes(b"this is not a database" * 100)
    code, out, err = run("list", "--jsonl", str(corpus))
    assert (code, out) == (0, expected)
    assert err == (
        f"precarious: the cache {default_path()} was damaged: moved aside, started afresh\n"
    )
    assert default_path().with_name("index.sqlite.corrupt").is_file()
    extracted.clear()
    assert listed(corpus) == expected
    assert extracted == []  # the new index works


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("key", "not json"),
        ("key", '["x", "four", null, null, null, [], "list", [], 0, 0]'),
        ("contents", "[[1]]"),
        ("reads", '["t", "1977", "", 0]'),
        ("parts", b"3\nnot framed"),
        ("parts", b"\x00\xff"),
    ],
)
def test_a_damaged_row_is_dropped_and_the_page_read_again(
    corpus: Path, extracted: list[str], column: str, value: str | bytes
) -> None:
    expected = listed(corpus)
    with sqlite3.connect(default_path()) as db:
        db.execute(f"UPDATE pages SET {column} = ?", (value,))
    extracted.clear()
    code, out, err = run("list", "--jsonl", str(corpus))
    assert (code, out) == (0, expected)
    assert err == (
        "precarious: 3 rows of the cache could not be read back: dropped, and read afresh\n"
    )
    assert sorted(extracted) == [CH4, PREFACE, CH6]
    extracted.clear()
    assert listed(corpus) == expected
    assert extracted == []  # kept again, whole


def test_an_old_index_holding_pickles_is_never_unpickled(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index of an earlier version kept pickles: whoever could write the cache file could
    run code. Its tables are dropped unread."""
    ran = tmp_path / "ran"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return os.system, (f"touch {ran}",)

    default_path().parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(default_path()) as db:
        db.execute("CREATE TABLE pages (file TEXT PRIMARY KEY, result BLOB)")
        db.execute("INSERT INTO pages VALUES (?, ?)", ("x", pickle.dumps(Payload())))
        db.execute("CREATE TABLE shelves (signature TEXT, shelf BLOB)")
        db.execute("INSERT INTO shelves VALUES (?, ?)", ("x", pickle.dumps(Payload())))
    expected = listed(corpus, "--no-cache")
    assert listed(corpus) == expected
    assert run("show", "4", "--json", "--corpus", str(corpus))[0] == 0
    assert not ran.exists()


def test_a_locked_index_is_done_without(corpus: Path) -> None:
    expected = listed(corpus, "--no-cache")
    Index().close()  # create it
    holder = sqlite3.connect(default_path())
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert run("list", "--jsonl", str(corpus)) == (0, expected, "")
    finally:
        holder.rollback()
        holder.close()
    assert not default_path().with_name("index.sqlite.corrupt").exists()  # locked, not bad


def test_an_unusable_cache_folder_is_done_without(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = listed(corpus, "--no-cache")
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    assert run("list", "--jsonl", str(corpus)) == (0, expected, "")


# -- lookups: the grouping of a corpus, kept while its folders stay as they were ---------------


def shown_json(corpus: Path, key: str, *extra: str) -> str:
    code, out, err = run("show", key, "--json", "--corpus", str(corpus), *extra)
    assert code == 0, err
    return out


@pytest.fixture
def grouped(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many pages each grouping worked out was for."""
    sizes: list[int] = []
    real = precarious.corpus.run.Grouping.close

    def counting(self: precarious.corpus.run.Grouping) -> None:
        sizes.append(len(self._tid))
        real(self)

    monkeypatch.setattr(precarious.corpus.run.Grouping, "close", counting)
    return sizes


def test_a_lookup_in_an_unchanged_corpus_reads_and_groups_nothing_again(
    corpus: Path, extracted: list[str], grouped: list[int]
) -> None:
    first = shown_json(corpus, "6")
    assert (sorted(extracted), grouped) == ([CH4, PREFACE, CH6], [3])
    extracted.clear()
    assert shown_json(corpus, "6") == first
    assert shown_json(corpus, "general strike") == shown_json(corpus, "4", "--no-cache")
    assert shown_json(corpus, CH6[:5]) == first
    # Only --no-cache read and grouped again.
    assert (sorted(extracted), grouped) == ([CH4, PREFACE, CH6], [3, 3])
    assert first == shown_json(corpus, "6", "--no-cache")


def test_a_lookup_notices_an_added_and_a_deleted_file(
    corpus: Path, extracted: list[str], grouped: list[int]
) -> None:
    shown_json(corpus, "6")
    (corpus / f"{PREFACE}.txt").unlink()
    code, _, err = run("show", "002", "--corpus", str(corpus))
    assert code == 1
    assert "no page matches '002'" in err
    (corpus / "new.txt").write_bytes((SEEDS / f"{CH4}.txt").read_bytes())
    code, _, err = run("show", "4", "--corpus", str(corpus))
    assert code == 1
    assert "'4' matches 2 pages" in err
    assert grouped == [3, 2, 3]


def test_a_page_edited_in_place_is_caught_when_it_is_shown(
    corpus: Path, grouped: list[int]
) -> None:
    """Editing a file leaves its folder's time stamp as it was: the page shown is checked
    itself, and the corpus grouped afresh when it changed."""
    shown_json(corpus, "6")
    ch6 = corpus / f"{CH6}.txt"
    ch6.write_text(ch6.read_text(encoding="utf-8").replace("rupture", "breach"), encoding="utf-8")
    os.utime(ch6, (LONG_AGO + 60, LONG_AGO + 60))
    settle(corpus)
    shown = shown_json(corpus, CH6)
    assert "The breach of Anglo-Soviet relations" in shown
    assert shown == shown_json(corpus, CH6, "--no-cache")
    assert grouped == [3, 3, 3]


def test_the_grouping_of_a_corpus_read_from_another_folder_is_its_own(
    corpus: Path, tmp_path: Path, grouped: list[int]
) -> None:
    first = shown_json(corpus, "4")
    elsewhere = tmp_path / "elsewhere"
    corpus.rename(elsewhere)
    moved = shown_json(elsewhere, "4")
    assert moved == first.replace(str(corpus), str(elsewhere))
    assert grouped == [3, 3]  # the paths are part of what the grouping is kept under


def test_a_corpus_changed_just_now_is_grouped_but_not_kept(
    corpus: Path, grouped: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(precarious.corpus.index, "_SETTLED_NS", 2_000_000_000)
    (corpus / "new.txt").write_bytes((SEEDS / f"{CH4}.txt").read_bytes())  # the folder: now
    shown_json(corpus, "6")
    shown_json(corpus, "6")
    assert grouped == [4, 4]


@pytest.mark.parametrize(
    "damage", ["path = 'a text, not bytes'", "path = 3", "mtime = 'not a time'", "ino = 2.5"]
)
def test_a_damaged_grouping_is_grouped_afresh(
    corpus: Path, grouped: list[int], damage: str
) -> None:
    first = shown_json(corpus, "6")
    with sqlite3.connect(default_path()) as db:
        db.execute(f"UPDATE folders SET {damage}")
    assert shown_json(corpus, "6") == first
    assert shown_json(corpus, "6") == first
    assert grouped == [3, 3]  # grouped again once, then kept again


def test_an_index_missing_a_table_is_started_afresh(corpus: Path, grouped: list[int]) -> None:
    first = shown_json(corpus, "6")
    with sqlite3.connect(default_path()) as db:
        db.execute("DROP TABLE folders")
    assert shown_json(corpus, "6") == first
    assert shown_json(corpus, "6") == first
    assert grouped == [3, 3]  # grouped again once, then kept again


def test_only_the_last_few_corpora_are_kept(corpus: Path, tmp_path: Path) -> None:
    for n in range(precarious.corpus.index._CORPORA_KEPT + 2):
        folder = tmp_path / f"copy{n}"
        shutil.copytree(corpus, folder)
        settle(folder)
        shown_json(folder, "6")
    with sqlite3.connect(default_path()) as db:
        (count,) = db.execute("SELECT count(*) FROM corpora").fetchone()
        (members,) = db.execute("SELECT count(DISTINCT corpus) FROM members").fetchone()
    assert count == members == precarious.corpus.index._CORPORA_KEPT


# -- memory: files go through a window at a time ---------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2])
def test_files_go_through_a_window_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """Cold or warm, with one process or a pool, the first page is taken before more than
    two windows of files are looked up and handed on: the index's hits and the workers'
    results for the whole corpus never wait in memory together."""
    folder = copies(tmp_path / "many", 40)
    settle(folder)
    monkeypatch.setattr(precarious.corpus.run, "_WINDOW", 4)
    monkeypatch.setattr(precarious.corpus.run, "FEW", 0)  # a pool, however few the files
    monkeypatch.setattr(precarious.corpus.run, "INDEXED", 0)
    monkeypatch.setattr(precarious.corpus.index, "_SETTLED_NS", 0)

    def lookups_before_the_first_page() -> tuple[int, int]:
        index = Index()
        asked: list[str] = []
        real_get = index.get

        def get(path: str, stat: tuple[int, ...]) -> object:
            asked.append(path)
            return real_get(path, stat)

        first: list[int] = []
        index.get = get  # type: ignore[method-assign, assignment]
        corpus = precarious.corpus.run.Corpus(
            [folder], "jsonl", jobs, index, lambda done, _: first.append(len(asked))
        )
        index.close()
        assert len(corpus) == 40
        return first[0], len(asked)

    assert lookups_before_the_first_page() == (8, 40)  # two windows of 4
    with sqlite3.connect(default_path()) as db:
        assert db.execute("SELECT count(*) FROM pages").fetchone() == (40,)
    assert lookups_before_the_first_page() == (8, 40)  # warm, the same


# Characters at the edges of the ordering of text, where a range could go wrong.
KEYS = st.sampled_from(
    ["a", "b", "z", "0", "-", "/", "\x7f", "é", "\ud7ff", "\ue000", "\U0010ffff"]
)


@settings(max_examples=300, deadline=None)
@given(
    ids=st.lists(st.text(KEYS, min_size=1, max_size=5), min_size=1, max_size=12, unique=True),
    key=st.text(KEYS, min_size=1, max_size=3),
    words=st.lists(st.sampled_from(["truce", "anglo", "é", "soviet"]), max_size=2),
)
def test_each_lookup_strategy_matches_what_it_says(
    ids: list[str], key: str, words: list[str]
) -> None:
    """The SQL of each strategy against its meaning in Python: an id prefix is a range of
    the index, title words look through the index of titles, on any text."""
    db = sqlite3.connect(":memory:")
    db.executescript(precarious.corpus.index._SCHEMA)
    titles = [" ".join(ids[: i % 3] + words[i % 2 :]).casefold() for i in range(len(ids))]
    db.executemany(
        "INSERT INTO members VALUES (?, ?, '', '', ?, ?, NULL, NULL, ?, NULL, '')",
        [(c, pos, rid, rid[::-1], folded) for c in (1, 2) for pos, (rid, folded) in
         enumerate(zip(ids, titles, strict=True))],
    )  # fmt: skip
    meaning = {
        "id": lambda i: ids[i] == key,
        "id prefix": lambda i: ids[i].startswith(key) or ids[i][::-1].startswith(key),
        "title words": lambda i: all(w in titles[i] for w in re.findall(r"\w+", key.casefold())),
    }
    for how, where, args in strategies(key):
        if how in meaning:
            found = db.execute(
                f"SELECT pos FROM members WHERE corpus = ? AND ({where}) ORDER BY pos", (2, *args)
            ).fetchall()
            want = [i for i in range(len(ids)) if meaning[how](i)]
            if how == "title words" and not re.findall(r"\w+", key):
                want = []
            assert [p for (p,) in found] == want, how
