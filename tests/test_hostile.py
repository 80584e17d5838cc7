"""Hostile inputs: each gives one clear stderr line naming the file and the reason, and the
run goes on with the other files; none hangs, crashes or eats memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import precarious.corpus.run
from precarious.cli import cli, main
from precarious.corpus.walk import Source
from precarious.errors import UnreadableFile
from precarious.read import MAX_BYTES, Read, read_page
from tests.conftest import BIN, SEEDS, copies

CH4 = "000_89d64f6c4c7f9a3b"
GOOD = (SEEDS / f"{CH4}.txt").read_bytes()


def corpus_with(tmp_path: Path, name: str, data: bytes) -> Path:
    """A folder holding one good page and the hostile file."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / f"{CH4}.txt").write_bytes(GOOD)
    (folder / name).write_bytes(data)
    return folder


def listed(folder: Path) -> tuple[int, list[str], str]:
    """Exit code, the ids listed, stderr."""
    result = CliRunner().invoke(cli, ["list", "--jsonl", str(folder)])
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    return result.exit_code, ids, result.stderr


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n\t\n", "empty file"),
        ("nul.txt", GOOD[:100] + b"\x00" + GOOD[100:], "binary file (NUL byte at offset 100)"),
        ("latin1.txt", "Caf\xe9\n".encode("latin-1"), "not a Cambridge Core chapter page"),
        ("words.txt", b"word " * 1000, "not a Cambridge Core chapter page"),
    ],
    ids=["empty", "blank", "nul", "latin-1", "not-a-page"],
)
def test_a_bad_file_is_one_line_and_the_run_goes_on(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    folder = corpus_with(tmp_path, name, data)
    code, ids, stderr = listed(folder)
    assert (code, ids) == (0, [CH4])
    assert stderr.count("\n") == 1
    assert stderr.startswith(f"precarious: {folder / name}: {reason}")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_a_bom_is_decoded(tmp_path: Path, encoding: str) -> None:
    bom = b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff"
    data = bom + GOOD.decode("utf-8").encode(encoding)
    folder = corpus_with(tmp_path, "wide.txt", data)
    result = CliRunner().invoke(cli, ["list", "--json", str(folder)])
    assert result.stderr == ""
    first, second = json.loads(result.stdout)
    assert first["id"] == CH4
    assert second["id"] == "wide"
    for key in ("number", "title", "pages", "summary", "contents", "published_online"):
        assert second[key] == first[key]


def test_a_line_or_a_page_beyond_any_real_one_is_refused(tmp_path: Path) -> None:
    """A 2 MB line, and 8 million short lines under the size limit: each refused once read,
    in one line, and the run goes on (no page comes near 20,000 lines or 100,000
    characters a line)."""
    folder = corpus_with(tmp_path, "oneline.txt", b"x" * 2_000_000)
    (folder / "lines.txt").write_bytes(GOOD + b"- a\n" * 1_500_000)
    code, ids, stderr = listed(folder)
    assert (code, ids) == (0, [CH4])
    assert sorted(stderr.splitlines()) == [
        f"precarious: {folder / 'lines.txt'}: 1,500,039 lines, more than a saved page has "
        "(the limit is 20,000): skipped",
        f"precarious: {folder / 'oneline.txt'}: a line of 2,000,000 characters, longer than "
        "a saved page has (the limit is 100,000): skipped",
    ]


def test_a_file_over_the_size_limit_is_skipped_unread(tmp_path: Path) -> None:
    """A sparse 200 MB file: refused from its size, so memory stays bounded. The peak is
    the child's own VmHWM: ru_maxrss would carry over the forking test process's size."""
    folder = corpus_with(tmp_path, "huge.txt", b"")
    with (folder / "huge.txt").open("wb") as f:
        f.truncate(200 * 2**20)
    script = (
        "import sys; from precarious.cli import main; rc = main(sys.argv[1:]); "
        "sys.stdout.flush(); "
        "peak = [x for x in open('/proc/self/status') if x.startswith('VmHWM:')][0]; "
        "print(peak.split()[1], file=sys.stderr); "
        "sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "list", "--jsonl", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    message, peak_kb = done.stderr.splitlines()
    assert done.returncode == 0
    assert [json.loads(x)["id"] for x in done.stdout.splitlines()] == [CH4]
    assert message == (
        f"precarious: {folder / 'huge.txt'}: too large for a saved page "
        f"(200 MB; the limit is {MAX_BYTES // 2**20} MB): skipped"
    )
    assert int(peak_kb) < 100 * 1024  # about 20 MB here: far below the file's 200 MB


def test_a_fifo_named_txt_never_hangs(tmp_path: Path) -> None:
    folder = corpus_with(tmp_path, "ok.txt", GOOD)
    os.mkfifo(folder / "pipe.txt")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    for args in (["list", "--jsonl", str(folder)], ["list", str(folder / "pipe.txt")]):
        done = subprocess.run(
            ["precarious", *args], capture_output=True, text=True, timeout=60, env=env, check=False
        )
        assert f"precarious: {folder / 'pipe.txt'}: not a regular file\n" in done.stderr
        assert done.stderr.count("\n") == 1
    done = subprocess.run(
        ["precarious", "show", str(folder / "pipe.txt")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"precarious: {folder / 'pipe.txt'}: not a regular file\n"


def test_a_fifo_is_refused_by_read_page_itself(tmp_path: Path) -> None:
    """Even when it was a regular file a moment before (the walk saw a file)."""
    os.mkfifo(tmp_path / "late.txt")
    with pytest.raises(UnreadableFile, match="not a regular file"):
        read_page(tmp_path / "late.txt")


def test_a_folder_named_txt(tmp_path: Path) -> None:
    """In a corpus it is a folder like any other; named as a page, it is refused."""
    folder = corpus_with(tmp_path, "ok.txt", GOOD)
    (folder / "chapters.txt").mkdir()
    (folder / "chapters.txt" / "ch4.txt").write_bytes(GOOD)
    code, ids, stderr = listed(folder)
    assert (code, stderr) == (0, "")
    assert ids == [CH4, "ok", "chapters.txt/ch4"]  # folder by folder
    result = CliRunner().invoke(cli, ["show", str(folder / "chapters.txt")])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"precarious: {folder / 'chapters.txt'}: is a directory, not a page\n"


def test_a_symlink_loop_in_a_nested_corpus(tmp_path: Path) -> None:
    folder = corpus_with(tmp_path, "ok.txt", GOOD)
    (folder / "book" / "part").mkdir(parents=True)
    (folder / "book" / "part" / "ch.txt").write_bytes(GOOD)
    (folder / "book" / "part" / "back").symlink_to(folder / "book")
    code, ids, stderr = listed(folder)
    assert (code, ids) == (0, [CH4, "ok", "book/part/ch"])
    assert stderr == (
        f"precarious: {folder / 'book' / 'part' / 'back'}: folder already read (a symlink loop?)\n"
    )


def test_a_file_without_read_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests may run as root, who reads anything: the refusal is simulated at open()."""
    folder = corpus_with(tmp_path, "locked.txt", GOOD)
    real_open = os.open

    def refuse(path: str | os.PathLike[str], flags: int, *args: int) -> int:
        if Path(path).name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr("precarious.read.os.open", refuse)
    code, ids, stderr = listed(folder)
    assert (code, ids) == (0, [CH4])
    assert stderr == f"precarious: {folder / 'locked.txt'}: permission denied\n"


def test_a_file_without_read_permission_for_real(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads any file; the simulated test above covers this")
    folder = corpus_with(tmp_path, "locked.txt", GOOD)
    (folder / "locked.txt").chmod(0)
    code, ids, stderr = listed(folder)
    assert (code, ids) == (0, [CH4])
    assert stderr == f"precarious: {folder / 'locked.txt'}: permission denied\n"


def test_a_file_deleted_during_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = corpus_with(tmp_path, "zz-gone.txt", GOOD)
    real_read = precarious.corpus.run.read_file

    def read_and_delete(path: str, where: str | None = None) -> Read:
        if Path(path).name == f"{CH4}.txt":
            (folder / "zz-gone.txt").unlink()  # listed already, gone before it is read
        return real_read(path, where)

    monkeypatch.setattr(precarious.corpus.run, "read_file", read_and_delete)
    code, ids, stderr = listed(folder)
    assert (code, ids) == (0, [CH4])
    assert stderr == f"precarious: {folder / 'zz-gone.txt'}: no such file\n"


def test_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    """Read like any page; its id and source show the odd byte as \\xe9, so JSON stays
    valid UTF-8 (checked by jq in a real pipe)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as f:
        f.write(GOOD)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"precarious list --json {folder} | jq -r '.[].id'"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "caf\\xe9\n", "")


WORKER_FAILED = (
    "precarious: a worker process ended abruptly (killed, or out of memory?); run again, "
    "or with --jobs 1\n"
)


def test_a_worker_killed_while_reading_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copies(tmp_path / "many", 300)  # enough for a pool
    real = precarious.corpus.run.make

    def dying(source: Source, *args: object, **kw: object) -> object:
        if source.id == "00150":
            os._exit(9)  # as the out-of-memory killer would
        return real(source, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(precarious.corpus.run, "make", dying)
    done = CliRunner().invoke(cli, ["list", "--jsonl", "--no-cache", "--jobs", "2", str(folder)])
    assert (done.exit_code, done.stdout, done.stderr) == (1, "", WORKER_FAILED)


def test_a_worker_killed_late_is_one_line_and_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Output starts once every page is read and grouped: a run that dies before writes
    nothing at all, rather than a list with pages missing."""
    folder = copies(tmp_path / "many", 600)
    real = precarious.corpus.run.make

    def dying(source: Source, *args: object, **kw: object) -> object:
        if source.id == "00550":
            os._exit(9)
        return real(source, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(precarious.corpus.run, "make", dying)
    assert main(["list", "--jsonl", "--no-cache", "--jobs", "2", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", WORKER_FAILED)
