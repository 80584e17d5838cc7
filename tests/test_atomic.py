"""-o FILE: a whole new file or the old one, never half of one, and never a stray temporary."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from precarious.atomic import write_atomic
from precarious.cli import cli
from precarious.errors import WriteFailed

DEV_FULL = Path("/dev/full")


def test_writes_a_new_file_with_the_usual_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "out.bib", "entries\n")
    finally:
        os.umask(umask)
    assert (tmp_path / "out.bib").read_text(encoding="utf-8") == "entries\n"
    assert stat.S_IMODE((tmp_path / "out.bib").stat().st_mode) == 0o644
    assert os.listdir(tmp_path) == ["out.bib"]


def test_replaces_a_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "refs.ris"
    target.write_text("old\n")
    target.chmod(0o600)
    write_atomic(target, "new – text\n")
    assert target.read_text(encoding="utf-8") == "new – text\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize("failure", [KeyboardInterrupt(), OSError(28, "No space left on device")])
def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    target = tmp_path / "refs.bib"
    target.write_text("the old, complete file\n")

    def fail(fd: int) -> None:
        raise failure

    monkeypatch.setattr(os, "fsync", fail)  # the data is written, not yet on disk
    with pytest.raises(type(failure) if isinstance(failure, KeyboardInterrupt) else WriteFailed):
        write_atomic(target, "a new file that never completes\n" * 1000)
    assert target.read_text() == "the old, complete file\n"
    assert os.listdir(tmp_path) == ["refs.bib"]


def test_a_symlink_keeps_pointing_at_the_new_file(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("[]\n")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomic(link, "[1]\n")
    assert link.is_symlink()
    assert real.read_text() == "[1]\n"


@pytest.mark.parametrize(
    ("name", "reason"),
    [("folder", "is a directory"), ("missing/out.json", "No such file or directory")],
)
def test_unwritable_targets(tmp_path: Path, name: str, reason: str) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(WriteFailed, match=reason):
        write_atomic(tmp_path / name, "x")


@pytest.mark.skipif(not DEV_FULL.exists(), reason="no /dev/full on this system")
def test_a_full_device_is_an_error() -> None:
    with pytest.raises(WriteFailed, match="No space left on device"):
        write_atomic(DEV_FULL, "x" * 100_000)


# -- through the command ----------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["export", *args], env={"PRECARIOUS_CORPUS": None})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.skipif(not DEV_FULL.exists(), reason="no /dev/full on this system")
def test_export_to_a_full_device_fails_in_one_line() -> None:
    code, stdout, stderr = run("4", "-f", "bibtex", "-o", str(DEV_FULL))
    assert (code, stdout) == (1, "")
    assert stderr == "precarious: cannot write /dev/full: No space left on device\n"


def test_export_format_from_the_extension(tmp_path: Path) -> None:
    for name, start in [("a.bib", "@incollection{"), ("a.ris", "TY  - CHAP"), ("a.json", "[")]:
        code, stdout, stderr = run("4", "-o", str(tmp_path / name))
        assert (code, stdout, stderr) == (0, "", "")
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(start)


def test_export_refuses_to_guess_a_format(tmp_path: Path) -> None:
    code, stdout, stderr = run("4", "-o", str(tmp_path / "refs.txt"))
    assert (code, stdout) == (2, "")
    assert "cannot tell the format from 'refs.txt': name one (bibtex, csl-json, ris)" in stderr
    assert not (tmp_path / "refs.txt").exists()


def test_export_dash_is_stdout() -> None:
    code, stdout, _ = run("4", "-f", "ris", "-o", "-")
    assert code == 0
    assert stdout.startswith("TY  - CHAP\n")


def test_export_of_an_unknown_key_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    target.write_text("kept\n")
    code, stdout, stderr = run("4", "99", "-o", str(target))
    assert (code, stdout) == (1, "")
    assert stderr.startswith("precarious: no page matches '99'")
    assert target.read_text() == "kept\n"


def test_export_to_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    code, stdout, stderr = run("4", "-f", "bibtex", "-o", str(tmp_path))
    assert (code, stdout) == (2, "")
    assert stderr.endswith(
        f"Error: Invalid value for '-o' / '--output': File '{tmp_path}' is a directory.\n"
    )
