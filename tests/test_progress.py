"""The progress bar: on stderr, only when stderr is a terminal and the run takes a while."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

from tests.conftest import SEEDS, copies


def run_with_terminal_stderr(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run with stderr on a pseudo-terminal (stdout to a file); what the terminal showed."""
    leader, follower = pty.openpty()
    with open(os.devnull, "wb") as devnull:
        process = subprocess.Popen(args, stdout=devnull, stderr=follower, env=env)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return process.wait(timeout=120), shown.decode("utf-8", "replace")


def test_a_long_run_shows_a_bar_on_a_terminal(tmp_path: Path, cli_env: dict[str, str]) -> None:
    # 8,000 pages take about three seconds to read in one process: well past the bar's one
    # second on a fast machine too (3,000 pages took little more than that second here).
    folder = copies(tmp_path / "big", 8000)
    code, shown = run_with_terminal_stderr(
        ["precarious", "list", "--jsonl", "--no-cache", "--jobs", "1", str(folder)],
        {**cli_env, "COLUMNS": "100"},
    )
    assert code == 0
    assert "Reading pages" in shown


def test_a_short_run_shows_nothing(tmp_path: Path, cli_env: dict[str, str]) -> None:
    code, shown = run_with_terminal_stderr(["precarious", "list", "--jsonl", str(SEEDS)], cli_env)
    assert (code, shown) == (0, "")


def test_nothing_extra_when_stderr_is_not_a_terminal(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    folder = copies(tmp_path / "big", 3000)
    done = subprocess.run(
        ["precarious", "list", "--jsonl", "--no-cache", str(folder)],
        capture_output=True,
        env=cli_env,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, b"")
