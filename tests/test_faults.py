"""The fault catalogue: what a hostile corpus, a damaged cache or the system can do to a run,
each as a test. One bad entry never stops a run; no signal leaves debris; no file name or
page can act on the terminal or a spreadsheet. The slow ones (signals with workers, memory
limits) are marked `faults` and run by `make faults`, not `make test`.

Found elsewhere in the suite: damaged index rows of each kind, a pickle payload in an old
index file, a same-size edit with its time stamp put back (tests/test_index.py); a full
disk on stdout and -o, Ctrl-C during -o (tests/test_output.py, tests/test_atomic.py); a
page of 1.5 million lines and a 2 MB line (tests/test_hostile.py)."""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from precarious.cli import _os_error, cli
from tests.conftest import SEEDS, copies

HOSTILE = (SEEDS / "000_89d64f6c4c7f9a3b.txt").read_text(encoding="utf-8")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"PRECARIOUS_CORPUS": None})


# -- 1. one bad entry never stops a run ------------------------------------------------


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """The seeds beside a symlink loop, a link through a file and a dangling link."""
    folder = tmp_path / "c"
    folder.mkdir()
    for seed in SEEDS.glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "loop").symlink_to("loop")
    (folder / "x").symlink_to("/etc/passwd/x")
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere")
    return folder


@pytest.mark.parametrize(
    "args",
    [["list"], ["check"], ["books"], ["show", "4"], ["export"], ["toc"], ["blocks", "4"]],
)
def test_a_symlink_loop_or_a_link_through_a_file_never_stops_a_command(
    args: list[str], linked: Path
) -> None:
    result = run(*args, "--verbose", "--corpus", str(linked))
    assert result.exit_code in (0, 1)  # check reports; the others succeed
    assert result.stdout
    assert "Traceback" not in result.stderr
    if args[0] in ("list", "books", "export", "toc"):
        assert result.exit_code == 0
        for name in ("loop", "x", "gone.txt"):
            assert f"{linked / name}: broken link" in result.stderr


def test_an_os_error_names_its_path_and_only_output_is_output() -> None:
    assert _os_error(OSError(errno.ELOOP, "Too many levels of symbolic links", "c/loop")) == (
        "c/loop: Too many levels of symbolic links"
    )
    assert _os_error(OSError(errno.EMFILE, "Too many open files")) == (
        "too many open files (the limit is `ulimit -n`)"
    )


# -- 4. signals ------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie, dead and not yet reaped, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


@pytest.mark.faults
@pytest.mark.parametrize(
    ("sig", "code", "said"),
    [
        (signal.SIGTERM, 143, "terminated"),
        (signal.SIGHUP, 129, "hung up"),
        (signal.SIGINT, 130, "interrupted"),
    ],
)
def test_a_signal_ends_the_run_workers_and_temporary_files(
    sig: signal.Signals, code: int, said: str, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    """Signalled during `-o` with two workers: within a second the workers are gone, no
    .part file is left, the existing output file is as it was, one line, no blank one."""
    corpus = copies(tmp_path / "big", 12000)
    out = tmp_path / "out.jsonl"
    out.write_text("before\n")
    process = subprocess.Popen(
        ["precarious", "list", "--jobs", "2", "--corpus", str(corpus), "-o", str(out)],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    time.sleep(1.5)
    assert process.poll() is None, "the run ended before it could be signalled"
    workers = _children(process.pid)
    process.send_signal(sig)
    started = time.monotonic()
    stdout, stderr = process.communicate(timeout=60)
    assert time.monotonic() - started < 5
    assert (process.returncode, stdout, stderr) == (code, "", f"precarious: {said}\n")
    assert out.read_text() == "before\n"
    assert sorted(os.listdir(tmp_path)) == ["big", "out.jsonl"]
    time.sleep(0.5)
    assert [p for p in workers if _alive(p)] == []


@pytest.mark.faults
def test_workers_die_with_a_parent_killed_outright(tmp_path: Path, cli_env: dict[str, str]) -> None:
    corpus = copies(tmp_path / "big", 12000)
    process = subprocess.Popen(
        ["precarious", "list", "--jobs", "2", "--jsonl", "--corpus", str(corpus)],
        env=cli_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.5)
    workers = _children(process.pid)
    assert workers
    process.kill()
    process.wait()
    time.sleep(1.0)
    assert [p for p in workers if _alive(p)] == []


# -- 5. a full TMPDIR ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [["list", "--jsonl"], ["export"], ["check"], ["books"], ["toc"], ["show", "00000"]]
)
def test_a_full_tmpdir_is_one_line_for_every_command(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_: object, **__: object) -> object:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", full)
    corpus = copies(tmp_path / "big", 400)  # more output than the store keeps in memory
    result = run(*args, "--corpus", str(corpus))
    assert "Traceback" not in result.stderr
    if result.exit_code != 0 and not (args[0] == "check" and result.exit_code == 1):
        assert result.stderr.splitlines()[-1].endswith(": No space left on device")
        assert "temporary file" in result.stderr


# -- 6. bounded work per page, under a memory limit --------------------------------------


@pytest.mark.faults
def test_one_pathological_page_under_a_memory_limit_costs_only_itself(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    """`ulimit -v 200M` over 20,000 pages, one of them a seed and 1.5 million '- a' lines:
    every other record is written."""
    corpus = copies(tmp_path / "big", 20000)
    (corpus / "bad.txt").write_bytes(
        SEEDS.joinpath("000_89d64f6c4c7f9a3b.txt").read_bytes() + b"- a\n" * 1_500_000
    )

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (200 * 2**20, 200 * 2**20))

    done = subprocess.run(
        ["precarious", "list", "--jsonl", "--jobs", "1", str(corpus)],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=900,
        preexec_fn=limit,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 20000
    assert done.stderr == (
        f"precarious: {corpus / 'bad.txt'}: 1,500,039 lines, more than a saved page has "
        "(the limit is 20,000): skipped\n"
    )


def test_a_page_that_runs_out_of_memory_is_refused_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import precarious.corpus.run as corpus_run

    real = corpus_run.extract_page

    def extract(page: object) -> object:
        if "bad" in str(page.path):  # type: ignore[attr-defined]
            raise MemoryError
        return real(page)  # type: ignore[arg-type]

    monkeypatch.setattr(corpus_run, "extract_page", extract)
    for seed in SEEDS.glob("*.txt"):
        (tmp_path / seed.name).write_bytes(seed.read_bytes())
    (tmp_path / "bad.txt").write_bytes(SEEDS.joinpath("000_89d64f6c4c7f9a3b.txt").read_bytes())
    result = run("list", "--jsonl", "--jobs", "1", str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 3
    assert (
        result.stderr == f"precarious: {tmp_path / 'bad.txt'}: out of memory reading it: skipped\n"
    )


# -- 7. spreadsheets ---------------------------------------------------------------------


def test_formula_cells_are_defused_in_csv_and_tsv_and_kept_in_json(tmp_path: Path) -> None:
    page = HOSTILE.replace("4 - Russia and the general strike", "4 - =cmd|' /C calc'!A0")
    page = page.replace("Signs of a thaw in the British policy", "+SUM(1+1)")
    (tmp_path / "f.txt").write_text(page, encoding="utf-8")
    fields = ["--fields", "title,summary.heading", "--no-headers"]
    assert run("list", "--csv", *fields, str(tmp_path)).stdout_bytes == (
        b"'=cmd|' /C calc'!A0,'+SUM(1+1)\r\n"
    )
    assert (
        run("list", "--tsv", *fields, str(tmp_path)).stdout == "'=cmd|' /C calc'!A0\t'+SUM(1+1)\n"
    )
    assert run("list", "--tsv", "--raw-cells", *fields, str(tmp_path)).stdout == (
        "=cmd|' /C calc'!A0\t+SUM(1+1)\n"
    )
    record = json.loads(run("list", "--json", str(tmp_path)).stdout)[0]
    assert record["title"] == "=cmd|' /C calc'!A0"


# -- 8. the terminal ---------------------------------------------------------------------


def test_escape_codes_in_names_never_reach_the_terminal(tmp_path: Path) -> None:
    name = "ch\x1b]0;owned\x07\x1b[2J\u202ex"
    (tmp_path / f"{name}.txt").write_bytes(SEEDS.joinpath("000_89d64f6c4c7f9a3b.txt").read_bytes())
    (tmp_path / "all good.txt\nprecarious: forged.txt").write_bytes(b"")
    result = run("list", "--table", str(tmp_path))
    assert "\x1b" not in result.stdout
    assert "\\x1b" in result.stdout
    assert "\u202e" not in result.stdout
    check = run("check", "--table", str(tmp_path)).stdout
    assert "\x1b" not in check
    assert "\\x1b]0;owned" in check
    lines = result.stderr.splitlines()
    assert len(lines) == 1  # the newline in the name forges no line
    assert lines[0].startswith("precarious: ")
    assert "\\nprecarious: forged.txt" in lines[0]


def test_piped_output_is_the_bytes_of_the_file(tmp_path: Path) -> None:
    """Data output is written as it is: a name with escape codes in a pipe and in -o."""
    name = "ch\x1b[31mred"
    (tmp_path / f"{name}.txt").write_bytes(SEEDS.joinpath("000_89d64f6c4c7f9a3b.txt").read_bytes())
    for fmt, ext in (("--tsv", "tsv"), ("--csv", "csv"), ("--jsonl", "jsonl")):
        piped = CliRunner().invoke(cli, ["list", fmt, str(tmp_path)]).stdout_bytes
        out = tmp_path.parent / f"out.{ext}"
        assert run("list", fmt, "-o", str(out), str(tmp_path)).exit_code == 0
        assert piped == out.read_bytes()
        assert (b"\\u001b[31m" if ext == "jsonl" else b"\x1b[31m") in piped


# -- 9. the small ones -------------------------------------------------------------------


def test_o_on_a_symlink_loop_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "loop.json").symlink_to("loop.json")
    result = run("list", "-o", str(tmp_path / "loop.json"))
    assert result.exit_code == 1
    assert result.stderr == f"precarious: cannot write {tmp_path / 'loop.json'}: a symlink loop\n"


def test_o_over_a_read_only_file_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "kept.json"
    out.write_text("[]\n")
    out.chmod(0o444)
    result = run("list", "--json", "-o", str(out))
    assert result.exit_code == 1
    assert "is read-only: --force replaces it" in result.stderr
    assert out.read_text() == "[]\n"
    assert run("list", "--json", "-o", str(out), "--force").exit_code == 0
    assert json.loads(out.read_text())[0]["number"] == 4


def test_a_worker_that_cannot_start_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import concurrent.futures

    def cannot(*_: object, **__: object) -> object:
        raise RuntimeError("can't start new thread")

    class Pool:
        def __init__(self, *_: object, **__: object) -> None:
            pass

        def map(self, *_: object, **__: object) -> object:
            return cannot()

        def shutdown(self, **_: object) -> None:
            pass

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Pool)
    corpus = copies(tmp_path / "big", 300)  # enough for two processes (run.FEW)
    result = run("list", "--jsonl", "--jobs", "2", str(corpus))
    assert result.exit_code == 1
    assert result.stderr == (
        "precarious: cannot start a worker (can't start new thread); run with --jobs 1\n"
    )


def test_utf32_with_a_bom_is_read_as_utf32(tmp_path: Path) -> None:
    text = SEEDS.joinpath("000_89d64f6c4c7f9a3b.txt").read_text(encoding="utf-8")
    (tmp_path / "p.txt").write_bytes(b"\xff\xfe\x00\x00" + text.encode("utf-32-le"))
    assert json.loads(run("show", str(tmp_path / "p.txt"), "--json").stdout)["title"] == (
        "Russia and the general strike"
    )
