"""Output that cannot fail silently: a full disk, a closed pipe and Ctrl-C each end in one
line (or none) on stderr, the right exit code, and no partial output file."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import copies, sh

DEV_FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(not DEV_FULL.exists(), reason="no /dev/full here")


@needs_dev_full
@pytest.mark.parametrize(
    "command",
    [
        "precarious list --json > /dev/full",
        "precarious list --jsonl -o /dev/full",
        "precarious show 4 > /dev/full",
        "precarious export --format bibtex > /dev/full",
        "precarious export --format ris -o /dev/full",
    ],
)
def test_a_full_disk_is_one_line_and_exit_1(
    command: str, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    result = sh(command, cli_env, tmp_path)
    assert result.returncode == 1
    lines = [x for x in result.stderr.splitlines() if "exported as" not in x]
    assert len(lines) == 1, result.stderr
    assert lines[0] in (
        "precarious: cannot write standard output: No space left on device",
        "precarious: cannot write /dev/full: No space left on device",
    )


@pytest.mark.parametrize("command", ["list", "export"])
def test_ctrl_c_exits_130_and_leaves_no_output_file(
    command: str, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    # Enough pages that a run with a process per CPU lasts well past the second below,
    # however fast this machine is just now (3,000 pages sometimes were all read in it).
    corpus = copies(tmp_path / "big", 12000)
    out = tmp_path / ("out.jsonl" if command == "list" else "out.bib")
    (tmp_path / "before").write_text("")
    process = subprocess.Popen(
        ["precarious", command, "--corpus", str(corpus), "-o", str(out)],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    time.sleep(1.0)  # well into reading them (about 4 s with two processes), past start-up
    assert process.poll() is None, "the run ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stdout == ""
    assert stderr.strip() == "precarious: interrupted"
    assert sorted(os.listdir(tmp_path)) == ["before", "big"]  # no output, no temporary


def test_head_ends_quietly_with_a_large_json_document(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    corpus = copies(tmp_path / "big", 300)
    result = sh(f"precarious list --json --corpus {corpus} | head -1", cli_env, tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "[\n", "")
