"""The walk: which files of which folders are read, in what order, under which ids."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from precarious.corpus.walk import Source, sources
from precarious.errors import PrecariousError
from tests.conftest import SEEDS

SEED = SEEDS / "004_c3effe51be84b58d.txt"


def test_sources(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "notes.md").write_text("x")
    empty = tmp_path / "empty"
    empty.mkdir()
    got = list(sources([tmp_path, empty, tmp_path / "nope.txt"]))
    assert len(got) == 4
    assert [(s.path, s.id) for s in got[:2] if isinstance(s, Source)] == [
        (tmp_path / "a.txt", "a"),
        (tmp_path / "b.txt", "b"),
    ]
    assert [str(e) for e in got[2:]] == [
        f"{empty}: folder has no .txt files",
        f"{tmp_path / 'nope.txt'}: no such file or folder",
    ]


def test_page_paths_walks_subfolders(tmp_path: Path) -> None:
    for name in ("z.txt", "book1/004.txt", "book1/sub/x.TXT", "book2/004.txt", ".git/h.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "book2" / ".hidden.txt").write_text("x")
    got = [s.id for s in sources([tmp_path]) if isinstance(s, Source)]
    assert got == ["z", "book1/004", "book1/sub/x", "book2/004"]


def test_page_paths_gives_a_folders_files_before_the_walk_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk is not listed whole first: on 100,000 files that list held 60 MB."""
    for n in range(5):
        (tmp_path / f"book{n}").mkdir()
        (tmp_path / f"book{n}" / "p.txt").write_text("x")
    listed: list[str] = []
    scandir = os.scandir

    def counted(path: str) -> object:
        listed.append(path)
        return scandir(path)

    monkeypatch.setattr(os, "scandir", counted)
    walk = sources([tmp_path])
    first = next(walk)
    assert isinstance(first, Source)
    assert first.id == "book0/p"
    assert len(listed) == 2  # the top folder and book0 only
    assert [s.id for s in walk if isinstance(s, Source)] == [f"book{n}/p" for n in range(1, 5)]
    assert len(listed) == 6


def test_page_paths_keeps_ids_unique_and_reads_a_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a/p.txt", "b/p.txt", "c/p.txt", "c/p.TXT"):
        Path(name).parent.mkdir(exist_ok=True)
        Path(name).write_text("x")
    (tmp_path / "a" / "link.txt").symlink_to(tmp_path / "b" / "p.txt")
    Path("d").mkdir()
    Path("d/hard.txt").hardlink_to("c/p.txt")

    def found(*paths: str | Path) -> list[tuple[Path, str]]:
        walk = sources(paths)
        return [(s.path, s.id) for s in walk if isinstance(s, Source)]

    assert found("a", "b", "a/p.txt") == [(Path("a/link.txt"), "link"), (Path("a/p.txt"), "p")]
    assert found("b", Path("a")) == [(Path("b/p.txt"), "p"), (Path("a/p.txt"), "a/p")]
    # p.TXT and p.txt would both be "p". d/hard.txt is c/p.txt again: the walk does not stat
    # files, so the corpus finds it out as it reads it (test_a_hard_link_is_read_once).
    assert found("c") == [(Path("c/p.TXT"), "p"), (Path("c/p.txt"), "c/p")]


def test_a_hard_link_is_read_once(tmp_path: Path) -> None:
    from precarious.corpus.run import Corpus

    (tmp_path / "c").mkdir()
    (tmp_path / "d").mkdir()
    (tmp_path / "c" / "p.txt").write_text(SEED.read_text())
    (tmp_path / "d" / "hard.txt").hardlink_to(tmp_path / "c" / "p.txt")
    corpus = Corpus([tmp_path / "c", tmp_path / "d"], "none")
    assert [k.id for k in corpus.keys] == ["p"]


def test_page_paths_reports_loops_and_odd_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "p.txt").write_text("x")
    (tmp_path / "sub" / "back").symlink_to(tmp_path)
    os.mkfifo(tmp_path / "pipe.txt")
    walk = sources([tmp_path])
    got = [str(x) if isinstance(x, PrecariousError) else x.id for x in walk]
    assert got == [
        f"{tmp_path / 'pipe.txt'}: not a regular file",
        f"{tmp_path / 'sub' / 'back'}: folder already read (a symlink loop?)",
        "sub/p",
    ]


def test_page_paths_reports_a_folder_it_cannot_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok.txt").write_text("x")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "p.txt").write_text("x")
    real = os.scandir

    def refuse(path: str) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr("precarious.corpus.walk.os.scandir", refuse)
    got = [str(x) if isinstance(x, PrecariousError) else x.id for x in sources([tmp_path])]
    assert got == ["ok", f"{tmp_path / 'locked'}: permission denied"]


def test_the_walk_notes_each_folder_it_enters(tmp_path: Path) -> None:
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / "b" / "c" / "a.txt").write_text("hello")
    folders: list[tuple[str, tuple[int, ...]]] = []
    assert [s.id for s in sources([tmp_path], folders) if isinstance(s, Source)] == ["b/c/a"]
    assert [path for path, _ in folders] == [
        str(tmp_path),
        str(tmp_path / "b"),
        str(tmp_path / "b" / "c"),
    ]
    info = (tmp_path / "b").stat()
    assert folders[1][1] == (info.st_dev, info.st_ino, 0, info.st_mtime_ns, info.st_ctime_ns)
